"""The icon summary of a frame of series: ragstatus.icon_summary_frame against spc_frame alone.

The frame: ``--series`` series (default 5,000) of ``--points`` monthly points (default 24), one
row per point, values drawn from a normal distribution (mean 50, sd 3, one decimal place, fixed
seed), as a pyarrow Table. ``spc_frame`` analyses every series and returns one row per point;
``icon_summary_frame`` does the same analysis and then keeps each series' last point (grouped in
Arrow) with its two icons and sentence, one row per series. The difference is the cost of the
summary on top of the analysis. Prints the best of ``--repeat`` runs of each.

Run (after a release build of the extension, see benches/README.md):

    python benches/python/bench_icons.py
    python benches/python/bench_icons.py --series 5000 --points 24 --repeat 3
"""

from __future__ import annotations

import argparse
import random
import time

import pyarrow as pa

import ragstatus as rs


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--series", type=int, default=5000)
    parser.add_argument("--points", type=int, default=24)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    rng = random.Random(1)
    ids, months, values = [], [], []
    for s in range(args.series):
        for m in range(args.points):
            ids.append(f"S{s:05d}")
            months.append(m)
            values.append(round(rng.gauss(50, 3), 1))
    table = pa.table({"id": ids, "month": months, "value": values})
    print(f"{args.series:,} series x {args.points} points = {table.num_rows:,} rows")
    for fn in (rs.spc_frame, rs.icon_summary_frame):
        best = float("inf")
        for _ in range(args.repeat):
            start = time.perf_counter()
            out = fn(table, by="id", period="month", target=45)
            best = min(best, time.perf_counter() - start)
        print(f"{fn.__name__:<20} {out.num_rows:>9,} rows out  best {best:.3f} s")


if __name__ == "__main__":
    main()
