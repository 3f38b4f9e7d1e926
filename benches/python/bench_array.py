"""Bulk rating: ragstatus.rate_array vs numpy, pandas and polars on float64 and a decimal loop.

It prints the CPU and the SIMD level rate_array dispatches to; every ratio is taken in the same
run, so it holds on whatever machine runs it. The memory floor is a numpy comparison that reads
the column and writes one byte per row.

The same rows for every method: actuals with one decimal place in [0, 100] (a percentage as
reported), rated `higher` against a target of 12.8 with an absolute tolerance of 0.3 points. rate_array
reads the column as numpy float64, a pyarrow array, a pandas Series and a polars Series (the
columns of the analyst's frames); the float methods are numpy `np.select`, pandas Series
comparisons, and polars lazy `when/then` expressions.
Rows exactly on the edge of the Amber band (12.5) are Amber by the rule (SPEC §6); float64
computes 12.8 - 12.5 = 0.3000000000000007 > 0.3 and calls them Red. The script counts the rows
where each float method disagrees with the exact answer, and checks that the decimal loop agrees with
rate_array on every row.

Run (after a release build of the extension, see benches/README.md):

    python benches/python/bench_array.py            # 1e6 and 1e7 rows
    python benches/python/bench_array.py --rows 1e6 # just one size
"""

from __future__ import annotations

import argparse
import os
import platform
import time
from decimal import Decimal

import numpy as np
import pandas as pd
import polars as pl
import pyarrow as pa

import ragstatus as rs

TARGET, TOLERANCE = "12.8", "0.3"
CODES = {"Red": 0, "Amber": 1, "Green": 2, "NoData": 4}


def with_ragstatus(x: np.ndarray) -> np.ndarray:
    return rs.rate_array(x, TARGET, polarity="higher", tolerance={"absolute": TOLERANCE}, decimals=1)


def with_np_select(x: np.ndarray) -> np.ndarray:
    shortfall = float(TARGET) - x
    return np.select(
        [np.isnan(x), shortfall <= 0, shortfall <= float(TOLERANCE)], [4, 2, 1], default=0
    ).astype(np.uint8)


def with_decimal_loop(values: list[float]) -> np.ndarray:
    target, tolerance = Decimal(TARGET), Decimal(TOLERANCE)
    out = np.empty(len(values), dtype=np.uint8)
    for i, v in enumerate(values):
        if v != v:  # NaN
            out[i] = 4
            continue
        shortfall = target - Decimal(repr(v))
        out[i] = 2 if shortfall <= 0 else 1 if shortfall <= tolerance else 0
    return out


def with_memory_floor(x: np.ndarray) -> np.ndarray:
    # Reads the column once and writes one byte per row, deciding nothing: no method can beat it.
    return np.less(x, 50.0).view(np.uint8)


def cpu_model() -> str:
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as info:
            for line in info:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


def best_of(fn, arg, repeat: int) -> tuple[float, np.ndarray]:
    best, result = float("inf"), None
    if repeat > 1:
        fn(arg)  # warm-up: the allocator's first large blocks and page faults are not timed
    for _ in range(repeat):
        t0 = time.perf_counter()
        result = fn(arg)
        best = min(best, time.perf_counter() - t0)
    assert result is not None
    return best, result


def with_pandas(s: "pd.Series") -> np.ndarray:
    # What an analyst writes on a DataFrame column: vectorised comparisons on the Series.
    shortfall = float(TARGET) - s
    status = pd.Series(np.zeros(len(s), dtype=np.uint8), index=s.index)
    status[shortfall <= float(TOLERANCE)] = 1
    status[shortfall <= 0] = 2
    status[s.isna()] = 4
    return status.to_numpy()


def with_polars_lazy(s: "pl.Series") -> np.ndarray:
    shortfall = float(TARGET) - pl.col("x")
    return (
        pl.LazyFrame({"x": s})
        .select(
            pl.when(pl.col("x").is_null() | pl.col("x").is_nan()).then(4)
            .when(shortfall <= 0).then(2)
            .when(shortfall <= float(TOLERANCE)).then(1)
            .otherwise(0)
            .cast(pl.UInt8)
        )
        .collect()
        .to_series()
        .to_numpy()
    )


def per_call_overhead(repeat: int = 20000) -> tuple[float, float]:
    """Seconds per call of rate_array on one row: with a prepared Rule, and with keywords."""
    one = np.array([12.5])
    rule = rs.Rule(polarity="higher", tolerance={"absolute": TOLERANCE})
    results = []
    for call in (
        lambda: rs.rate_array(one, TARGET, rule=rule, decimals=1),
        lambda: with_ragstatus(one),
    ):
        best = float("inf")
        for _ in range(5):
            t0 = time.perf_counter()
            for _ in range(repeat):
                call()
            best = min(best, (time.perf_counter() - t0) / repeat)
        results.append(best)
    return results[0], results[1]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=float, action="append", help="row counts (default 1e6 and 1e7)")
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--no-decimal-loop", action="store_true", help="skip the (slow) decimal loop")
    args = parser.parse_args()
    sizes = [int(n) for n in (args.rows or [1e6, 1e7])]
    print(f"ragstatus {rs.__version__}, numpy {np.__version__}, pandas {pd.__version__}, "
          f"polars {pl.__version__}, pyarrow {pa.__version__}, Python {platform.python_version()}, "
          f"{os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.2f}")
    print(f"CPU: {cpu_model()}; rate_array dispatches to {rs.simd_level()} "
          "(RAGSTATUS_SIMD=baseline|avx2|avx512 caps it)")
    with_rule, with_keywords = per_call_overhead()
    print(f"per-call overhead (1 row): {with_rule * 1e6:.2f} us with a Rule, "
          f"{with_keywords * 1e6:.2f} us with polarity/tolerance keywords")
    rng = np.random.default_rng(2015)
    for n in sizes:
        x = np.round(rng.uniform(0, 100, n), 1)
        x[rng.integers(0, n, n // 1000)] = np.nan  # a few missing values
        series = pd.Series(x)
        arrow = pa.array(x, from_pandas=True)  # NaN -> null
        polars = pl.Series("x", x, nan_to_null=True)
        t_rs, exact = best_of(with_ragstatus, x, args.repeat)
        timings = {"rate_array (numpy)": t_rs}
        for name, fn, arg in [
            ("rate_array (pyarrow)", with_ragstatus, arrow),
            ("rate_array (pandas Series)", with_ragstatus, series),
            ("rate_array (polars Series)", with_ragstatus, polars),
        ]:
            t, codes = best_of(fn, arg, args.repeat)
            assert (codes == exact).all(), f"{name} disagrees with rate_array on numpy"
            timings[name] = t
        wrong: dict[str, int] = {}
        for name, fn, arg in [
            ("np.select (float64)", with_np_select, x),
            ("pandas (float64)", with_pandas, series),
            ("polars lazy (float64)", with_polars_lazy, polars),
        ]:
            t, codes = best_of(fn, arg, args.repeat)
            timings[name] = t
            wrong[name] = int((codes != exact).sum())
        t, _ = best_of(with_memory_floor, x, args.repeat)
        timings["memory floor (numpy <)"] = t
        if not args.no_decimal_loop:
            t, loop = best_of(with_decimal_loop, x.tolist(), 1)
            assert (loop == exact).all(), "the decimal loop and rate_array disagree"
            timings["decimal loop"] = t
            wrong["decimal loop"] = 0
        print(f"\n{n:,} rows")
        print(f"{'method':<28} {'time':>10} {'÷ rate_array (numpy)':>21} {'rows wrong':>11}")
        for name, t in timings.items():
            ratio = f"{t / t_rs:.2f}x"
            rows_wrong = f"{wrong[name]:,}" if name in wrong else "0"
            print(f"{name:<28} {t * 1e3:>8.1f}ms {ratio:>21} {rows_wrong:>11}")
        print(f"rate_array (numpy) is {timings['polars lazy (float64)'] / t_rs:.2f}x polars lazy, "
              f"{timings['np.select (float64)'] / t_rs:.2f}x np.select, and takes "
              f"{t_rs / timings['memory floor (numpy <)']:.2f}x the memory floor; "
              f"rate_array (pyarrow) is {timings['polars lazy (float64)'] / timings['rate_array (pyarrow)']:.2f}x "
              "polars lazy")


if __name__ == "__main__":
    main()
