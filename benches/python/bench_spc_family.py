"""The SPC chart family in bulk: ragstatus.spc_frame against a vectorised numpy implementation.

For every chart type (``xmr``, ``run``, ``p``, ``p_prime``, ``u``, ``u_prime``, ``c``, ``g``,
``t``; SPEC §12a) on 5,000 series x 36 points (180,000 rows), the same frame is analysed twice in
the same run:

- ``rs.spc_frame(df, by="series", period="month", chart=..., denominator=...)``: exact decimals,
  every point's centre line, limits, rules, label and sentence, the icons; and the same with
  ``explain=False`` (every column but the sentences, which are left null), checked equal to the
  full output in every other column;
- a vectorised float64 numpy implementation, as an analyst writes it: the frame sorted into a
  (series, points) array, the chart's centre line and limits (qicharts2's formulas: P and U
  limits per point, Laney's sigma-z for the primes, the G chart's median, the T chart's 1/3.6
  power), the four rules with their precedence (outside > trend > two of three > shift) against
  each point's limits, or for the run chart the Anhøj rules (longest run and crossings against
  the median), and each point's label back in row order.

It prints the CPU model, the load average and the versions, then the best wall and CPU time of
``--repeat`` runs for each, the ratios to numpy (full and lean), and whether ragstatus is at
least as fast (issue #15). ``--no-lean`` leaves the ``explain=False`` runs out.

Run (after a release build of the extension, see benches/README.md):

    python benches/python/bench_spc_family.py
    python benches/python/bench_spc_family.py --series 5000 --points 36 --repeat 5
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa

import ragstatus as rs

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_bulk import cpu_model, measure  # noqa: E402  (the benches' shared timing helpers)

CHARTS = ["xmr", "run", "p", "p_prime", "u", "u_prime", "c", "g", "t"]


def frame(chart: str, series: int, points: int, seed: int = 11) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    shape = (series, points)
    denominator = None
    if chart in ("p", "p_prime"):
        denominator = rng.integers(80, 400, shape)
        value = rng.binomial(denominator, 0.2)
    elif chart in ("u", "u_prime"):
        denominator = rng.integers(1000, 5000, shape)
        value = rng.poisson(denominator * 0.01)
    elif chart in ("c", "g"):
        value = rng.poisson(12.0, shape) if chart == "c" else rng.geometric(0.05, shape) - 1
    elif chart == "t":
        value = np.round(rng.exponential(20.0, shape) + 0.1, 1)
    else:
        value = np.round(rng.normal(50.0, 3.0, shape), 1)
    months = pd.date_range("2015-04-01", periods=points, freq="MS")
    data: dict[str, Any] = {
        "series": np.repeat([f"S{k:05d}" for k in range(series)], points),
        "month": np.tile(months.values, series),
        "value": value.reshape(-1),
    }
    if denominator is not None:
        data["n"] = denominator.reshape(-1)
    return pd.DataFrame(data)


def runs_of(flags: np.ndarray, length: int) -> np.ndarray:
    """Points in a run of at least ``length`` true flags along each row."""
    sums = np.cumsum(np.pad(flags.astype(np.int32), ((0, 0), (1, 0))), axis=1)
    full = (sums[:, length:] - sums[:, :-length]) == length
    out = np.zeros_like(flags)
    for k in range(length):
        out[:, k : k + full.shape[1]] |= full
    return out


def screened_amr(x: np.ndarray) -> np.ndarray:
    mr = np.abs(np.diff(x, axis=1))
    amr = mr.mean(axis=1, keepdims=True)
    keep = (mr < 3.267 * amr) | (amr == 0)
    return np.where(keep, mr, 0.0).sum(axis=1, keepdims=True) / np.maximum(keep.sum(axis=1, keepdims=True), 1)


def lines(chart: str, y: np.ndarray, n: np.ndarray | None) -> tuple[np.ndarray, ...]:
    """The centre line, the plotted values and the sigma of every point (qicharts2)."""
    if chart == "xmr":
        cl = y.mean(axis=1, keepdims=True)
        return y, cl, np.broadcast_to(screened_amr(y) * 2.66 / 3, y.shape), cl
    if chart == "c":
        cl = y.mean(axis=1, keepdims=True)
        return y, cl, np.broadcast_to(np.sqrt(cl), y.shape), cl
    if chart == "g":
        mean = y.mean(axis=1, keepdims=True)
        return y, np.median(y, axis=1, keepdims=True), np.broadcast_to(np.sqrt(mean * (mean + 1)), y.shape), mean
    if chart == "t":
        x = y ** (1 / 3.6)
        cl = x.mean(axis=1, keepdims=True)
        return x, cl, np.broadcast_to(screened_amr(x) / 1.128, y.shape), cl
    assert n is not None
    cl = y.sum(axis=1, keepdims=True) / n.sum(axis=1, keepdims=True)
    v = y / n
    var = cl * (1 - cl) if chart in ("p", "p_prime") else cl
    sd = np.sqrt(var / n)
    if chart.endswith("_prime"):
        sd = sd * (screened_amr((v - cl) / sd) / 1.128)
    return v, cl, sd, cl


def labels_numpy(df: pd.DataFrame, chart: str, series: int, points: int) -> np.ndarray:
    """0: common cause, 1: special cause high, 2: special cause low, in row order."""
    order = np.lexsort((df["month"].to_numpy(), df["series"].to_numpy()))
    y = df["value"].to_numpy(dtype=np.float64)[order].reshape(series, points)
    n = df["n"].to_numpy(dtype=np.float64)[order].reshape(series, points) if "n" in df else None
    if chart == "run":
        med = np.median(y, axis=1, keepdims=True)
        side = np.sign(y - med)
        useful = side != 0
        n_useful = useful.sum(axis=1)
        # Runs over the useful points: a run starts where the side differs from the side of
        # the useful point before it (points on the median are skipped, not breaks).
        compact = np.where(useful, side, np.nan)
        before = pd.DataFrame(compact).ffill(axis=1).shift(1, axis=1).to_numpy()
        starts = useful & (before != side)
        run_id = np.cumsum(starts, axis=1)
        crossings = np.maximum(starts.sum(axis=1) - 1, 0)
        lengths = np.zeros((series, points + 1), dtype=np.int64)
        rows = np.repeat(np.arange(series), points)
        np.add.at(lengths, (rows[useful.reshape(-1)], run_id.reshape(-1)[useful.reshape(-1)]), 1)
        longest_max = np.round(np.log2(np.maximum(n_useful, 1))) + 3
        long_run = np.take_along_axis(lengths, run_id, axis=1) > longest_max[:, None]
        codes = np.where(useful & long_run, np.where(side > 0, 1, 2), 0).astype(np.uint8)
        # Crossings against qbinom(0.05, n - 1, 0.5) per series (a table by n).
        from math import comb

        def qbinom(m: int) -> int:
            total, k = 0, 0
            while k <= m:
                total += comb(m, k)
                if total * 20 >= 2**m:
                    return k
                k += 1
            return 0

        table = np.array([qbinom(max(k - 1, 0)) for k in range(points + 1)])
        _ = crossings < table[n_useful]
    else:
        v, cl, sd, _ = lines(chart, y, n)
        upper, lower = cl + 3 * sd, cl - 3 * sd
        upper2, lower2 = cl + 2 * sd, cl - 2 * sd
        if chart in ("p", "p_prime"):
            upper, upper2 = np.minimum(upper, 1), np.minimum(upper2, 1)
        lower, lower2 = np.maximum(lower, 0), np.maximum(lower2, 0)
        high_out, low_out = v > upper, v < lower
        side = np.sign(v - cl)
        shift_high, shift_low = runs_of(side > 0, 7), runs_of(side < 0, 7)
        step = np.sign(np.diff(v, axis=1))
        rise, fall = runs_of(step > 0, 6), runs_of(step < 0, 6)
        trend_high = np.pad(rise, ((0, 0), (1, 0))) | np.pad(rise, ((0, 0), (0, 1)))
        trend_low = np.pad(fall, ((0, 0), (1, 0))) | np.pad(fall, ((0, 0), (0, 1)))
        beyond_high = (v > upper2) & ~high_out
        beyond_low = (v < lower2) & ~low_out
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
        codes = np.where(special, np.where(high, 1, 2), 0).astype(np.uint8)
    out = np.empty(series * points, dtype=np.uint8)
    out[order] = codes.reshape(-1)
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--series", type=int, default=5000)
    parser.add_argument("--points", type=int, default=36)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--charts", default=",".join(CHARTS))
    parser.add_argument("--no-lean", action="store_true", help="skip the explain=False runs")
    args = parser.parse_args()

    print(f"CPU: {cpu_model()}, {os.cpu_count()} logical CPUs")
    print(f"load average: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    print(f"ragstatus {rs.__version__}, numpy {np.__version__}, pandas {pd.__version__}, pyarrow {pa.__version__}")
    print(f"{args.series} series x {args.points} points = {args.series * args.points} rows, best of {args.repeat}")
    print(
        f"{'chart':8} {'ragstatus s':>12} {'(cpu)':>8} {'lean s':>8} {'(cpu)':>8} {'numpy s':>9} {'(cpu)':>8}"
        f" {'ratio':>7} {'lean':>7}  at least as fast (full / lean)"
    )
    for chart in args.charts.split(","):
        df = frame(chart, args.series, args.points)
        table = pa.Table.from_pandas(df, preserve_index=False)
        denominator = "n" if "n" in df else None
        out, wall, cpu = measure(
            lambda: rs.spc_frame(table, by="series", period="month", chart=chart, denominator=denominator),
            args.repeat,
        )
        assert out.num_rows == len(df) and out.column("error").null_count == len(df), chart
        lean_wall = lean_cpu = float("nan")
        if not args.no_lean:
            lean, lean_wall, lean_cpu = measure(
                lambda: rs.spc_frame(
                    table, by="series", period="month", chart=chart, denominator=denominator, explain=False
                ),
                args.repeat,
            )
            assert lean.column("explanation").null_count == len(df), chart
            for name in out.schema.names:
                if name != "explanation":
                    assert lean.column(name).equals(out.column(name)), (chart, name)
            del lean
        _, np_wall, np_cpu = measure(lambda: labels_numpy(df, chart, args.series, args.points), args.repeat)
        ratio, lean_ratio = wall / np_wall, lean_wall / np_wall
        met = f"{'yes' if ratio <= 1 else 'no'} / {'yes' if lean_ratio <= 1 else 'no'}"
        print(
            f"{chart:8} {wall:12.3f} {cpu:8.3f} {lean_wall:8.3f} {lean_cpu:8.3f} {np_wall:9.3f} {np_cpu:8.3f}"
            f" {ratio:7.2f} {lean_ratio:7.2f}  {met}"
        )


if __name__ == "__main__":
    main()
