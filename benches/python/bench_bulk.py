"""SPC and budget in bulk: ragstatus.spc_frame and roll_up_frame against numpy and pandas floats.

- **SPC**: 5,000 series x 36 monthly points (180,000 rows, one decimal place, a shift in the last
  third of some series). ``rs.spc_frame(df, by=["series"], period="month")`` (exact: every point's
  limits, rules, label and sentence, the variation and assurance icons) against a vectorised
  numpy XmR from the same frame: sorted into a (5000, 36) float array, mean, moving ranges,
  screening at 3.267 x mean mR, process limits and 2-sigma lines, the four rules (outside, trend,
  two of three, shift) with their precedence, and each point's label back in row order.
- **Budget**: 50,000 budget lines in 200 services under 10 directorates.
  ``rs.roll_up_frame(df)`` (exact: every line and total rated, with its sentence) against a pandas
  float pipeline: variance, percent, a status from ``np.select`` for the lines and a
  ``groupby().sum()`` for the totals with their own statuses.

It prints the CPU model, the load average and the versions, then wall and CPU time (best of
``--repeat``) for each, and which targets of issue #11 are met (``spc_frame`` within 2x of the numpy
XmR; ``roll_up_frame`` on 50,000 lines in at most 0.2 s).

Run (after a release build of the extension, see benches/README.md):

    python benches/python/bench_bulk.py
    python benches/python/bench_bulk.py --series 5000 --points 36 --lines 50000 --repeat 5
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
import pyarrow as pa

import ragstatus as rs


def cpu_model() -> str:
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as f:
            for line in f:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


def measure(fn: Callable[[], Any], repeat: int, warmup: int = 0) -> tuple[Any, float, float]:
    """The result, the best wall time and the best CPU time (all threads) in seconds, after
    ``warmup`` untimed calls."""
    best = best_cpu = float("inf")
    result = None
    for _ in range(warmup):
        del result
        gc.collect()
        result = fn()
    for _ in range(repeat):
        del result
        gc.collect()
        start, cpu = time.perf_counter(), time.process_time()
        result = fn()
        best = min(best, time.perf_counter() - start)
        best_cpu = min(best_cpu, time.process_time() - cpu)
    return result, best, best_cpu


# --- SPC ------------------------------------------------------------------------------------------


def spc_data(series: int, points: int, seed: int = 7) -> np.ndarray:
    rng = np.random.default_rng(seed)
    values = rng.normal(50.0, 3.0, (series, points))
    shifted = rng.random(series) < 0.3
    values[shifted, (2 * points) // 3 :] += 6.0
    return np.round(values, 1)


def spc_frame_input(values: np.ndarray) -> pd.DataFrame:
    series, points = values.shape
    months = [f"{2013 + (m + 3) // 12}-{(m + 3) % 12 + 1:02d}-01" for m in range(points)]
    return pd.DataFrame(
        {
            "series": np.repeat([f"S{k:05d}" for k in range(series)], points),
            "month": pd.to_datetime(np.tile(months, series)),
            "value": values.reshape(-1),
        }
    )


def runs_of(flags: np.ndarray, length: int) -> np.ndarray:
    """Points in a run of at least ``length`` true flags along each row."""
    sums = np.cumsum(np.pad(flags.astype(np.int32), ((0, 0), (1, 0))), axis=1)
    full = (sums[:, length:] - sums[:, :-length]) == length
    out = np.zeros_like(flags)
    for k in range(length):
        out[:, k : k + full.shape[1]] |= full
    return out


def xmr_numpy(df: pd.DataFrame, series: int, points: int) -> np.ndarray:
    """The point type of every row by a vectorised float64 XmR, as an analyst writes it: the
    frame sorted into a (series, points) array, screened limits, the four rules with their
    precedence (outside > trend > two of three > shift), and the labels put back in row order.
    0: common cause, 1: improvement, 2: concern."""
    order = np.lexsort((df["month"].to_numpy(), df["series"].to_numpy()))
    y = df["value"].to_numpy()[order].reshape(series, points)
    mean = y.mean(axis=1, keepdims=True)
    mr = np.abs(np.diff(y, axis=1))
    amr = mr.mean(axis=1, keepdims=True)
    keep = (mr < 3.267 * amr) | (amr == 0)
    amr = np.where(keep, mr, 0.0).sum(axis=1, keepdims=True) / np.maximum(keep.sum(axis=1, keepdims=True), 1)
    upper, lower = mean + 2.66 * amr, mean - 2.66 * amr
    upper2, lower2 = mean + 2.66 * 2 / 3 * amr, mean - 2.66 * 2 / 3 * amr
    high_out, low_out = y > upper, y < lower
    side = np.sign(y - mean)
    shift_high, shift_low = runs_of(side > 0, 7), runs_of(side < 0, 7)
    step = np.sign(np.diff(y, axis=1))
    rise, fall = runs_of(step > 0, 6), runs_of(step < 0, 6)
    trend_high = np.pad(rise, ((0, 0), (1, 0))) | np.pad(rise, ((0, 0), (0, 1)))
    trend_low = np.pad(fall, ((0, 0), (1, 0))) | np.pad(fall, ((0, 0), (0, 1)))
    beyond_high = (y > upper2) & ~high_out
    beyond_low = (y < lower2) & ~low_out
    two_high = np.zeros_like(beyond_high)
    two_low = np.zeros_like(beyond_low)
    for k in range(points - 2):
        window = slice(k, k + 3)
        hi = (side[:, window] > 0).all(axis=1) & (beyond_high[:, window].sum(axis=1) >= 2)
        lo = (side[:, window] < 0).all(axis=1) & (beyond_low[:, window].sum(axis=1) >= 2)
        two_high[:, window] |= hi[:, None] & beyond_high[:, window]
        two_low[:, window] |= lo[:, None] & beyond_low[:, window]
    high = np.select(
        [high_out | low_out, trend_high | trend_low, two_high | two_low, shift_high | shift_low],
        [high_out, trend_high, two_high, shift_high],
        default=False,
    )
    special = high_out | low_out | trend_high | trend_low | two_high | two_low | shift_high | shift_low
    codes = np.where(special, np.where(high, 1, 2), 0).astype(np.uint8).reshape(-1)
    out = np.empty_like(codes)
    out[order] = codes
    return out


# --- budget ---------------------------------------------------------------------------------------


def budget_input(lines: int, seed: int = 3) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    budget = np.round(rng.uniform(10_000, 5_000_000, lines), 2)
    forecast = np.round(budget * rng.normal(1.0, 0.04, lines), 2)
    service = rng.integers(0, 200, lines)
    kinds = np.where(rng.random(lines) < 0.2, "income", "expenditure")
    return pd.DataFrame(
        {
            "id": [f"L{k:06d}" for k in range(lines)],
            "group": [f"D{s % 10:02d} > S{s:03d}" for s in service],
            "kind": kinds,
            "base": "gross",
            "budget": budget,
            "forecast": forecast,
            "previous_forecast": np.round(budget * rng.normal(1.0, 0.04, lines), 2),
        }
    )


def budget_pandas(df: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    income = (df["kind"] == "income").to_numpy()
    variance = df["forecast"] - df["budget"]
    adverse = np.where(income, -variance, variance)
    percent = variance / df["budget"].abs() * 100
    threshold = np.minimum(0.05 * df["budget"].abs(), 100_000)
    status = np.select([adverse <= 0, adverse >= threshold], ["Green", "Red"], default="Amber")
    lines = pd.DataFrame({"id": df["id"], "variance": variance, "percent": percent, "status": status})
    sign = np.where(income, -1.0, 1.0)
    net = pd.DataFrame(
        {
            "directorate": df["group"].str.split(" > ").str[0],
            "budget": df["budget"] * sign,
            "forecast": df["forecast"] * sign,
        }
    )
    totals = net.groupby("directorate").sum()
    totals["variance"] = totals["forecast"] - totals["budget"]
    totals["status"] = np.select(
        [totals["variance"] <= 0, totals["variance"] >= np.minimum(0.025 * totals["budget"].abs(), 250_000)],
        ["Green", "Red"],
        default="Amber",
    )
    return lines, totals


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--series", type=int, default=5000)
    parser.add_argument("--points", type=int, default=36)
    parser.add_argument("--lines", type=int, default=50_000)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()

    print(f"CPU: {cpu_model()}, {os.cpu_count()} logical CPUs")
    print(f"load average: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    print(
        f"Python {platform.python_version()}, numpy {np.__version__}, pandas {pd.__version__}, "
        f"polars {pl.__version__}, pyarrow {pa.__version__}, ragstatus {rs.__version__}"
    )

    values = spc_data(args.series, args.points)
    df = spc_frame_input(values)
    rows = len(df)
    out, wall, cpu = measure(lambda: rs.spc_frame(df, by=["series"], period="month"), args.repeat)
    assert len(out) == rows and out["error"].isna().all(), "every point analysed"
    codes, np_wall, np_cpu = measure(lambda: xmr_numpy(df, args.series, args.points), args.repeat)
    print(f"\nSPC: {args.series:,} series x {args.points} points = {rows:,} rows")
    print(f"{'':44} {'wall':>9} {'CPU':>9} {'÷ numpy':>8}")
    print(f"{'rs.spc_frame(df, by=[series]), exact':44} {wall:8.3f}s {cpu:8.3f}s {wall / np_wall:7.1f}x")
    print(f"{'numpy XmR (float64, whole arrays)':44} {np_wall:8.3f}s {np_cpu:8.3f}s {1.0:7.1f}x")
    exact = out["point_type"].map({"common_cause": 0, "special_cause_improvement": 1,
                                   "special_cause_concern": 2}).to_numpy()
    print(f"special-cause points: {int((exact > 0).sum()):,} exact; "
          f"labels the float pipeline gives differently: {int((exact != codes).sum()):,}")
    met = wall <= 2 * np_wall
    print(f"target: spc_frame within 2x of numpy: {'met' if met else 'not met'} ({wall / np_wall:.1f}x)")

    budget = budget_input(args.lines)
    out, wall, cpu = measure(lambda: rs.roll_up_frame(budget), args.repeat)
    assert out["error"].isna().all(), "every line rated"
    _, pd_wall, pd_cpu = measure(lambda: budget_pandas(budget), args.repeat)
    print(f"\nBudget: {args.lines:,} lines, {len(out) - args.lines} totals")
    print(f"{'':44} {'wall':>9} {'CPU':>9} {'÷ pandas':>8}")
    print(f"{'rs.roll_up_frame(df), exact':44} {wall:8.3f}s {cpu:8.3f}s {wall / pd_wall:7.1f}x")
    print(f"{'pandas np.select + groupby (float64)':44} {pd_wall:8.3f}s {pd_cpu:8.3f}s {1.0:7.1f}x")
    print(f"target: roll_up_frame on {args.lines:,} lines in <= 0.2 s: {'met' if wall <= 0.2 else 'not met'} ({wall:.3f} s)")
    print(f"load average after: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")


if __name__ == "__main__":
    main()
