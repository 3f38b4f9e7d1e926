"""A national frame: ragstatus.evaluate_frame(..., by=["organisation"]) vs pandas and polars floats.

The frame: 300 organisations x 200 indicators x 12 quarters (2013/14 Q1 to 2015/16 Q4) = 720,000
rows. Indicators 0-99 are percentages given as numerator and denominator (higher is better,
target 80.0, absolute tolerance 2 points); indicators 100-199 are values with one decimal place
(target 12.8, absolute tolerance 0.3; higher is better for even-numbered ones, lower for odd). 1% of the rows have no value. The same
rows go to three methods, in one run:

- ``rs.evaluate_frame(df, defs, by=["organisation"])``: exact, every row, with the target,
  shortfall, directions and sentence; and the same with ``explain=False`` (no sentence);
  with ``--category`` also both with ``text="category"`` (dictionary-encoded text columns);
- pandas: merge with a table of the definitions, the percentage as a float, ``np.select`` for the
  status, a ``groupby().shift()`` for the direction against the previous quarter;
- polars: the same as a join and ``when/then`` expressions.

For each it prints the time (best of ``--repeat``), the extra memory (peak resident set size
during the first call, above the size before it; Linux ``/proc/self/clear_refs``), and the rows
whose status or direction the float pipelines get wrong against the exact answer (the rows on
the edge of a band: 12.8 - 12.5 = 0.3000000000000007 > 0.3 in float64; 80 - 78 computed from a
fraction such as 39/50 x 100 = 78.00000000000001).

Run (after a release build of the extension, see benches/README.md):

    python benches/python/bench_frame.py
    python benches/python/bench_frame.py --orgs 300 --indicators 200 --repeat 3
    python benches/python/bench_frame.py --repeat 3 --category
"""

from __future__ import annotations

import argparse
import gc
import os
import platform
import time
from typing import Any, Callable

import numpy as np
import pandas as pd
import polars as pl

import ragstatus as rs

QUARTERS = [f"{y}/{(y + 1) % 100:02d} Q{q}" for y in (2013, 2014, 2015) for q in (1, 2, 3, 4)]
CODES = {s.name: int(s) for s in rs.StatusCode}
DIRECTIONS = {"Improving": 0, "Worsening": 1, "NoChange": 2, "NotComparable": 3}


def cpu_model() -> str:
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as f:
            for line in f:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


def rss_kib(field: str) -> int:
    with open("/proc/self/status", encoding="utf-8") as f:
        for line in f:
            if line.startswith(field + ":"):
                return int(line.split()[1])
    return 0


def measure(fn: Callable[[], Any], repeat: int) -> tuple[Any, float, float, float]:
    """The result, the best wall time and the best CPU time (all threads) in seconds, and the
    extra peak memory of the first call in MB."""
    gc.collect()
    try:
        with open("/proc/self/clear_refs", "w", encoding="utf-8") as f:
            f.write("5")  # reset the peak resident set size
    except OSError:
        pass
    before = rss_kib("VmRSS")
    start, cpu = time.perf_counter(), time.process_time()
    result = fn()
    best, best_cpu = time.perf_counter() - start, time.process_time() - cpu
    extra = (rss_kib("VmHWM") - before) / 1024
    for _ in range(repeat - 1):
        del result
        gc.collect()
        start, cpu = time.perf_counter(), time.process_time()
        result = fn()
        best = min(best, time.perf_counter() - start)
        best_cpu = min(best_cpu, time.process_time() - cpu)
    return result, best, best_cpu, extra


def definitions(n: int) -> tuple[dict[str, Any], pd.DataFrame]:
    indicators = []
    rows = []
    for i in range(n):
        if i < n // 2:
            ind = {
                "id": f"P{i:03d}",
                "unit": "percent",
                "polarity": "higher",
                "decimals": 1,
                "tolerance": {"absolute": "2"},
                "target": [{"value": "80.0"}],
            }
            rows.append((ind["id"], "higher", 80.0, 2.0, 100.0))
        else:
            polarity = "higher" if i % 2 == 0 else "lower"
            ind = {
                "id": f"V{i:03d}",
                "unit": "count",
                "polarity": polarity,
                "decimals": 1,
                "tolerance": {"absolute": "0.3"},
                "target": [{"value": "12.8"}],
            }
            rows.append((ind["id"], polarity, 12.8, 0.3, 1.0))
        indicators.append(ind)
    table = pd.DataFrame(rows, columns=["indicator", "polarity", "target", "tolerance", "multiplier"])
    return {"indicator": indicators}, table


def national(orgs: int, n: int, seed: int = 11) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    org = np.repeat([f"E{k:06d}" for k in range(orgs)], n * len(QUARTERS))
    ind_index = np.tile(np.repeat(np.arange(n), len(QUARTERS)), orgs)
    ids = np.array([f"P{i:03d}" if i < n // 2 else f"V{i:03d}" for i in range(n)])
    period = np.tile(np.array(QUARTERS), orgs * n)
    rows = len(org)
    fraction = ind_index < n // 2
    denominator = rng.integers(20, 400, rows).astype("float64")
    numerator = np.floor(denominator * rng.uniform(0.7, 0.95, rows))
    value = np.round(rng.uniform(11.5, 14.0, rows), 1)
    missing = rng.random(rows) < 0.01
    value = np.where(fraction | missing, np.nan, value)
    numerator = np.where(~fraction | missing, np.nan, numerator)
    denominator = np.where(~fraction | missing, np.nan, denominator)
    return pd.DataFrame(
        {
            "organisation": org,
            "indicator": ids[ind_index],
            "period": period,
            "value": value,
            "numerator": numerator,
            "denominator": denominator,
        }
    )


def with_pandas(df: pd.DataFrame, defs: pd.DataFrame) -> pd.DataFrame:
    m = df.merge(defs, on="indicator", how="left")
    actual = np.where(m["value"].notna(), m["value"], m["numerator"] / m["denominator"] * m["multiplier"])
    higher = (m["polarity"] == "higher").to_numpy()
    shortfall = np.where(higher, m["target"] - actual, actual - m["target"])
    status = np.select(
        [np.isnan(actual), shortfall <= 0, shortfall <= m["tolerance"]], [4, 2, 1], default=0
    ).astype(np.uint8)
    previous = pd.Series(actual).groupby([m["organisation"], m["indicator"]], sort=False).shift(1).to_numpy()
    change = np.where(higher, actual - previous, previous - actual)
    direction = np.select(
        [np.isnan(actual) | np.isnan(previous), change > 0, change < 0], [3, 0, 1], default=2
    ).astype(np.uint8)
    return pd.DataFrame({"status": status, "direction": direction})


def with_polars(df: pl.DataFrame, defs: pl.DataFrame) -> pl.DataFrame:
    actual = (
        pl.when(pl.col("value").is_not_null())
        .then(pl.col("value"))
        .otherwise(pl.col("numerator") / pl.col("denominator") * pl.col("multiplier"))
    )
    higher = pl.col("polarity") == "higher"
    return (
        df.lazy()
        .join(defs.lazy(), on="indicator", how="left", maintain_order="left")
        .with_columns(actual=actual)
        .with_columns(
            shortfall=pl.when(higher).then(pl.col("target") - pl.col("actual")).otherwise(pl.col("actual") - pl.col("target")),
            previous=pl.col("actual").shift(1).over(["organisation", "indicator"]),
        )
        .with_columns(change=pl.when(higher).then(pl.col("actual") - pl.col("previous")).otherwise(pl.col("previous") - pl.col("actual")))
        .select(
            status=pl.when(pl.col("actual").is_null())
            .then(4)
            .when(pl.col("shortfall") <= 0)
            .then(2)
            .when(pl.col("shortfall") <= pl.col("tolerance"))
            .then(1)
            .otherwise(0)
            .cast(pl.UInt8),
            direction=pl.when(pl.col("actual").is_null() | pl.col("previous").is_null())
            .then(3)
            .when(pl.col("change") > 0)
            .then(0)
            .when(pl.col("change") < 0)
            .then(1)
            .otherwise(2)
            .cast(pl.UInt8),
        )
        .collect()
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--orgs", type=int, default=300)
    parser.add_argument("--indicators", type=int, default=200)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument(
        "--breakdown",
        action="store_true",
        help="also time the steps of the pandas call: pandas to Arrow, the core (Arrow in and out), Arrow to pandas",
    )
    parser.add_argument(
        "--category",
        action="store_true",
        help='also time text="category" (dictionary-encoded text columns), with and without the sentences',
    )
    args = parser.parse_args()

    spec, def_table = definitions(args.indicators)
    defs = rs.Definitions(spec)
    df = national(args.orgs, args.indicators)
    pl_df = pl.from_pandas(df)
    pl_defs = pl.from_pandas(def_table)
    print(f"CPU: {cpu_model()}, {os.cpu_count()} logical cores; load average {os.getloadavg()}")
    print(
        f"Python {platform.python_version()}, numpy {np.__version__}, pandas {pd.__version__}, "
        f"polars {pl.__version__}, ragstatus {rs.__version__}"
    )
    print(f"rows: {len(df):,} ({args.orgs} organisations x {args.indicators} indicators x {len(QUARTERS)} quarters)")

    exact, t_rs, c_rs, m_rs = measure(lambda: rs.evaluate_frame(df, defs, by=["organisation"]), args.repeat)
    assert len(exact) == len(df) and exact["row"].tolist() == list(range(len(df))), "one row per input row"
    assert exact["error"].isna().all(), exact["error"].dropna().head()
    want_status = exact["status"].cat.codes.to_numpy().astype(np.uint8)
    # The float pipelines compare with the previous quarter: the exact previous-period direction.
    want_direction = exact["direction_previous"].map(DIRECTIONS).to_numpy().astype(np.uint8)

    lean, t_lean, c_lean, m_lean = measure(
        lambda: rs.evaluate_frame(df, defs, by=["organisation"], explain=False), args.repeat
    )
    assert (lean["status"].cat.codes.to_numpy() == want_status).all(), "explain=False decides the same"
    assert lean["explanation"].isna().all()
    del lean
    coded_results = []
    if args.category:
        for explain in (True, False):
            coded, t_c, c_c, m_c = measure(
                lambda explain=explain: rs.evaluate_frame(df, defs, by=["organisation"], explain=explain, text="category"),
                args.repeat,
            )
            assert (coded["status"].cat.codes.to_numpy() == want_status).all(), 'text="category" decides the same'
            assert (coded["direction_previous"].astype(object) == exact["direction_previous"].astype(object)).all()
            assert isinstance(coded["indicator"].dtype, pd.CategoricalDtype)
            del coded
            label = 'text="category"' + ("" if explain else ", explain=False")
            coded_results.append((f"rs.evaluate_frame(by=organisation, {label}), exact", t_c, c_c, m_c, (0, 0)))

    pandas_out, t_pd, c_pd, m_pd = measure(lambda: with_pandas(df, def_table), args.repeat)
    polars_out, t_pl, c_pl, m_pl = measure(lambda: with_polars(pl_df, pl_defs), args.repeat)

    def wrong(status: np.ndarray, direction: np.ndarray) -> tuple[int, int]:
        return int((status != want_status).sum()), int((direction != want_direction).sum())

    results = [
        ("rs.evaluate_frame(by=organisation), exact", t_rs, c_rs, m_rs, (0, 0)),
        ("rs.evaluate_frame(by=organisation, explain=False), exact", t_lean, c_lean, m_lean, (0, 0)),
        *coded_results,
        ("pandas merge + np.select + shift (float)", t_pd, c_pd, m_pd, wrong(pandas_out["status"].to_numpy(), pandas_out["direction"].to_numpy())),
        ("polars join + when/then + shift (float)", t_pl, c_pl, m_pl, wrong(polars_out["status"].to_numpy(), polars_out["direction"].to_numpy())),
    ]
    if args.breakdown:
        from ragstatus._frames import from_arrow, pandas_table

        table, t_in, c_in, m_in = measure(lambda: pandas_table(df), args.repeat)
        arrow_out, t_core, c_core, m_core = measure(
            lambda: rs.evaluate_frame(table, defs, by=["organisation"]), args.repeat
        )
        _, t_out, c_out, m_out = measure(lambda: from_arrow(arrow_out, "pandas"), args.repeat)
        print()
        print("| step of the pandas call | wall time | CPU time | extra memory |")
        print("| --- | ---: | ---: | ---: |")
        for name, t, c, m in [
            ("pandas to Arrow", t_in, c_in, m_in),
            ("core: Arrow in, Arrow out", t_core, c_core, m_core),
            ("Arrow to pandas", t_out, c_out, m_out),
        ]:
            print(f"| {name} | {t:.3f} s | {c:.3f} s | +{m:.0f} MB |")
        out_bytes = sum(c.nbytes for c in arrow_out.columns)
        print(f"output table: {out_bytes / 1e6:.0f} MB in {arrow_out.column(0).num_chunks} batches")
        del table, arrow_out
    print(f"load average after: {os.getloadavg()}")
    print()
    print("| method | wall time | ÷ polars | CPU time | ÷ polars | per row (wall) | extra memory | wrong status | wrong direction |")
    print("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
    for name, t, c, m, (ws, wd) in results:
        print(
            f"| {name} | {t:.3f} s | {t / t_pl:.1f}x | {c:.3f} s | {c / c_pl:.1f}x | "
            f"{t / len(df) * 1e6:.2f} µs | +{m:.0f} MB | {ws:,} | {wd:,} |"
        )


if __name__ == "__main__":
    main()
