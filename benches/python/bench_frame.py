"""A national frame: ragstatus.evaluate_frame(..., by=["organisation"]) vs pandas and polars floats.

The frame: 300 organisations x 200 indicators x 12 quarters (2013/14 Q1 to 2015/16 Q4) = 720,000
rows. Indicators 0-99 are percentages given as numerator and denominator (higher is better,
target 80.0, absolute tolerance 2 points); indicators 100-199 are values with one decimal place
(target 12.8, absolute tolerance 0.3; higher is better for even-numbered ones, lower for odd). 1% of the rows have no value. The same
rows go to three methods, in one run:

- ``rs.evaluate_frame(df, defs, by=["organisation"])``: exact, every row, with the target,
  shortfall, directions and sentence; and the same with ``explain=False`` (no sentence);
  with ``--category`` also both with ``text="category"`` (dictionary-encoded text columns);
  and ``columns=["status", "direction_previous"]``, the two columns the float pipelines give;
- pandas: merge with a table of the definitions, the percentage as a float, ``np.select`` for the
  status, a ``groupby().shift()`` for the direction against the previous quarter;
- polars: the same as a join and ``when/then`` expressions.

For each it prints the time (best of ``--repeat``), the extra memory (peak resident set size
during one call, above the size before it; Linux ``/proc/self/clear_refs``; each method in a
fresh process that has built the same data and run nothing else, so no method's figure benefits
from memory an earlier call left to its allocator), and the rows
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
import subprocess
import sys
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


def measure(fn: Callable[[], Any], repeat: int) -> tuple[Any, float, float]:
    """The result, and the best wall time and the best CPU time (all threads) in seconds."""
    best = best_cpu = float("inf")
    result = None
    for _ in range(repeat):
        del result
        gc.collect()
        start, cpu = time.perf_counter(), time.process_time()
        result = fn()
        best = min(best, time.perf_counter() - start)
        best_cpu = min(best_cpu, time.process_time() - cpu)
    return result, best, best_cpu


def reset_peak() -> None:
    try:
        with open("/proc/self/clear_refs", "w", encoding="utf-8") as f:
            f.write("5")  # reset the peak resident set size
    except OSError:
        pass


def method_keys(args: argparse.Namespace) -> list[str]:
    """The keys of ``methods(args)``, without building the data."""
    coded = ["category", "category_lean"] if args.category else []
    return ["exact", "lean", *coded, "selected", "pandas", "polars"]


def methods(args: argparse.Namespace) -> dict[str, tuple[str, Callable[[], Any]]]:
    """Every method of the run, by key (``method_keys``): its label and a call on data built
    from ``args``."""
    spec, def_table = definitions(args.indicators)
    defs = rs.Definitions(spec)
    df = national(args.orgs, args.indicators)
    pl_df = pl.from_pandas(df)
    pl_defs = pl.from_pandas(def_table)
    table: dict[str, tuple[str, Callable[[], Any]]] = {
        "exact": (
            "rs.evaluate_frame(by=organisation), exact",
            lambda: rs.evaluate_frame(df, defs, by=["organisation"]),
        ),
        "lean": (
            "rs.evaluate_frame(by=organisation, explain=False), exact",
            lambda: rs.evaluate_frame(df, defs, by=["organisation"], explain=False),
        ),
    }
    if args.category:
        for explain in (True, False):
            label = 'text="category"' + ("" if explain else ", explain=False")
            table["category" if explain else "category_lean"] = (
                f"rs.evaluate_frame(by=organisation, {label}), exact",
                lambda explain=explain: rs.evaluate_frame(
                    df, defs, by=["organisation"], explain=explain, text="category"
                ),
            )
    # What the float pipelines give: each row's status and direction against the previous quarter.
    table["selected"] = (
        'rs.evaluate_frame(by=organisation, columns=["status", "direction_previous"]), exact',
        lambda: rs.evaluate_frame(df, defs, by=["organisation"], columns=["status", "direction_previous"]),
    )
    table["pandas"] = ("pandas merge + np.select + shift (float)", lambda: with_pandas(df, def_table))
    table["polars"] = ("polars join + when/then + shift (float)", lambda: with_polars(pl_df, pl_defs))
    assert list(table) == method_keys(args)
    return table


def memory_of(key: str, args: argparse.Namespace) -> None:
    """Child process: build the data, run one method once, print its extra peak memory in MB."""
    call = methods(args)[key][1]
    gc.collect()
    reset_peak()
    before = rss_kib("VmRSS")
    result = call()
    print((rss_kib("VmHWM") - before) / 1024)
    del result


def fresh_memory(key: str, args: argparse.Namespace) -> float:
    """The extra peak memory of one call of ``key`` in a fresh process (see ``memory_of``)."""
    command = [sys.executable, __file__, "--memory-of", key, "--orgs", str(args.orgs)]
    command += ["--indicators", str(args.indicators)] + (["--category"] if args.category else [])
    out = subprocess.run(command, capture_output=True, text=True, check=True)
    return float(out.stdout.split()[-1])


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
    parser.add_argument("--no-memory", action="store_true", help="skip the fresh-process memory figures")
    parser.add_argument("--memory-of", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.memory_of:
        memory_of(args.memory_of, args)
        return

    print(f"CPU: {cpu_model()}, {os.cpu_count()} logical cores; load average {os.getloadavg()}")
    print(
        f"Python {platform.python_version()}, numpy {np.__version__}, pandas {pd.__version__}, "
        f"polars {pl.__version__}, ragstatus {rs.__version__}"
    )
    # Memory first, each method in its own process, before this one allocates anything big.
    memory = {} if args.no_memory else {key: fresh_memory(key, args) for key in method_keys(args)}
    table = methods(args)
    rows = args.orgs * args.indicators * len(QUARTERS)
    print(f"rows: {rows:,} ({args.orgs} organisations x {args.indicators} indicators x {len(QUARTERS)} quarters)")

    exact, t_rs, c_rs = measure(table["exact"][1], args.repeat)
    assert len(exact) == rows and exact["row"].tolist() == list(range(rows)), "one row per input row"
    assert exact["error"].isna().all(), exact["error"].dropna().head()
    want_status = exact["status"].cat.codes.to_numpy().astype(np.uint8)
    # The float pipelines compare with the previous quarter: the exact previous-period direction.
    want_direction = exact["direction_previous"].map(DIRECTIONS).to_numpy().astype(np.uint8)
    timings = {"exact": (t_rs, c_rs, (0, 0))}

    def wrong(status: np.ndarray, direction: np.ndarray) -> tuple[int, int]:
        return int((status != want_status).sum()), int((direction != want_direction).sum())

    for key, (_, call) in table.items():
        if key == "exact":
            continue
        out, t, c = measure(call, args.repeat)
        if key in ("pandas", "polars"):
            timings[key] = (t, c, wrong(out["status"].to_numpy(), out["direction"].to_numpy()))
            continue
        assert (out["status"].cat.codes.to_numpy() == want_status).all(), f"{key} decides the same"
        if key == "selected":
            assert list(out.columns) == ["status", "direction_previous"]
            assert (out["direction_previous"].map(DIRECTIONS).to_numpy() == want_direction).all()
            timings[key] = (t, c, (0, 0))
            continue
        if key.endswith("lean"):
            assert out["explanation"].isna().all()
        if key.startswith("category"):
            assert (out["direction_previous"].astype(object) == exact["direction_previous"].astype(object)).all()
            assert isinstance(out["indicator"].dtype, pd.CategoricalDtype)
        timings[key] = (t, c, (0, 0))
        del out
    t_pl, c_pl = timings["polars"][0], timings["polars"][1]

    if args.breakdown:
        from ragstatus._frames import from_arrow, pandas_table

        df = national(args.orgs, args.indicators)
        defs = rs.Definitions(definitions(args.indicators)[0])
        arrow_in, t_in, c_in = measure(lambda: pandas_table(df), args.repeat)
        arrow_out, t_core, c_core = measure(
            lambda: rs.evaluate_frame(arrow_in, defs, by=["organisation"]), args.repeat
        )
        _, t_out, c_out = measure(lambda: from_arrow(arrow_out, "pandas"), args.repeat)
        print()
        print("| step of the pandas call | wall time | CPU time |")
        print("| --- | ---: | ---: |")
        for name, t, c in [
            ("pandas to Arrow", t_in, c_in),
            ("core: Arrow in, Arrow out", t_core, c_core),
            ("Arrow to pandas", t_out, c_out),
        ]:
            print(f"| {name} | {t:.3f} s | {c:.3f} s |")
        out_bytes = sum(c.nbytes for c in arrow_out.columns)
        print(f"output table: {out_bytes / 1e6:.0f} MB in {arrow_out.column(0).num_chunks} batches")
        del arrow_in, arrow_out
    print(f"load average after: {os.getloadavg()}")
    print()
    print("| method | wall time | ÷ polars | CPU time | ÷ polars | per row (wall) | extra memory (fresh process) | wrong status | wrong direction |")
    print("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
    for key, (label, _) in table.items():
        t, c, (ws, wd) = timings[key]
        mem = f"+{memory[key]:.0f} MB" if key in memory else "–"
        print(
            f"| {label} | {t:.3f} s | {t / t_pl:.1f}x | {c:.3f} s | {c / c_pl:.1f}x | "
            f"{t / rows * 1e6:.2f} µs | {mem} | {ws:,} | {wd:,} |"
        )


if __name__ == "__main__":
    main()
