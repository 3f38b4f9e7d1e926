"""Bulk rating: ragstatus.rate_array vs numpy np.select on float64 vs a pure-Python decimal loop.

The same rows for every method: actuals with one decimal place in [0, 100] (a percentage as
reported), rated `higher` against a target of 12.8 with an absolute tolerance of 0.3 points.
Rows exactly on the edge of the Amber band (12.5) are Amber by the rule (SPEC §6); float64
computes 12.8 - 12.5 = 0.3000000000000007 > 0.3 and calls them Red. The script counts the rows
where np.select disagrees with the exact answer, and checks that the decimal loop agrees with
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


def best_of(fn, arg, repeat: int) -> tuple[float, np.ndarray]:
    best, result = float("inf"), None
    for _ in range(repeat):
        t0 = time.perf_counter()
        result = fn(arg)
        best = min(best, time.perf_counter() - t0)
    assert result is not None
    return best, result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=float, action="append", help="row counts (default 1e6 and 1e7)")
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    sizes = [int(n) for n in (args.rows or [1e6, 1e7])]
    print(f"ragstatus {rs.__version__}, numpy {np.__version__}, Python {platform.python_version()}, "
          f"{os.cpu_count()} CPUs")
    print(f"{'rows':>10} {'rate_array':>12} {'np.select':>12} {'decimal loop':>14} "
          f"{'speed-up vs np.select':>22} {'float64 wrong rows':>19}")
    rng = np.random.default_rng(2015)
    for n in sizes:
        x = np.round(rng.uniform(0, 100, n), 1)
        x[rng.integers(0, n, n // 1000)] = np.nan  # a few missing values
        t_rs, exact = best_of(with_ragstatus, x, args.repeat)
        t_np, floats = best_of(with_np_select, x, args.repeat)
        t_py, loop = best_of(with_decimal_loop, x.tolist(), 1)
        assert (loop == exact).all(), "the decimal loop and rate_array disagree"
        wrong = int((floats != exact).sum())
        print(f"{n:>10,} {t_rs * 1e3:>10.1f}ms {t_np * 1e3:>10.1f}ms {t_py:>13.2f}s "
              f"{t_np / t_rs:>21.2f}x {wrong:>19,}")


if __name__ == "__main__":
    main()
