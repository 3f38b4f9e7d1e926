#!/usr/bin/env python3
"""`ragstatus evaluate` against the pandas pipeline an analyst would write, side by side.

Generates the same input as `crates/ragstatus-cli/benches/evaluate_memory.rs`: definitions for
250 quarterly percent indicators (numerator/denominator, target 80%, absolute tolerance of 2
points, polarity alternating higher/lower) and an actuals CSV of 250 x 4,000 quarters =
1,000,000 rows in period order. Then, in one run and alternating so that load on a shared
machine hits both alike, it times as separate processes:

- the release `ragstatus evaluate` binary, CSV and JSON-lines output to /dev/null;
- the pandas pipeline: `read_csv`, value = numerator / denominator * 100 where no value is
  given, a merge with a definitions frame (polarity, target, tolerance per indicator),
  `np.select` for Red/Amber/Green, `to_json(orient="records", lines=True)` to /dev/null.

Wall time is measured around each child; peak resident set size is the child's `VmHWM`
(from `/proc/<pid>/status`, sampled every 5 ms while it runs). The pandas pipeline computes in float64; the script also counts
the rows where its status differs from ragstatus's exact answer.

Usage (from the repository root, after `cargo build --release -p ragstatus-cli`):

    python3 benches/cli/bench_evaluate.py [--quarters 4000] [--repeat 3] [--binary PATH]
        [--baseline PATH]

Needs pandas and numpy (requirements-dev.txt).
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

INDICATORS = 250

# The analyst's pipeline, run as its own process so that its time and memory are its own.
PANDAS_PIPELINE = r"""
import sys, tomllib
import numpy as np
import pandas as pd

defs_path, actuals_path, out_path = sys.argv[1:4]
with open(defs_path, "rb") as f:
    defs = tomllib.load(f)
definitions = pd.DataFrame(
    {
        "indicator": [d["id"] for d in defs["indicator"]],
        "polarity": [d["polarity"] for d in defs["indicator"]],
        "target": [float(d["target"][0]["value"]) for d in defs["indicator"]],
        "tolerance": [float(d["tolerance"]["absolute"]) for d in defs["indicator"]],
    }
)
df = pd.read_csv(actuals_path)
df["value"] = df["value"].where(
    df["value"].notna(), df["numerator"] / df["denominator"] * 100
)
df = df.merge(definitions, on="indicator", how="left")
shortfall = np.where(
    df["polarity"] == "higher", df["target"] - df["value"], df["value"] - df["target"]
)
df["shortfall"] = shortfall
df["status"] = np.select(
    [df["value"].isna(), shortfall <= 0, shortfall <= df["tolerance"]],
    ["NoData", "Green", "Amber"],
    default="Red",
)
df[["indicator", "period", "value", "target", "status", "shortfall"]].to_json(
    out_path, orient="records", lines=True
)
"""


def write_definitions(path: Path) -> None:
    with open(path, "w") as out:
        out.write("[calendar]\nstart_month = 4\n\n")
        for i in range(INDICATORS):
            polarity = "higher" if i % 2 == 0 else "lower"
            out.write(
                f'[[indicator]]\nid = "PI-{i:04}"\nname = "Indicator {i}"\n'
                f'group = ["Theme {i % 3}", "Directorate {i % 7}"]\nunit = "percent"\n'
                f'polarity = "{polarity}"\nfrequency = "quarterly"\ndecimals = 1\n'
                f'aggregation = "ratio"\ntolerance = {{ absolute = "2" }}\n\n'
                f'[[indicator.target]]\nvalue = "80"\n\n'
            )


def write_actuals(path: Path, quarters: int) -> int:
    with open(path, "w") as out:
        out.write("indicator,period,value,numerator,denominator,provisional,note\n")
        for q in range(quarters):
            year = 1000 + q // 4
            label = f"{year}/{(year + 1) % 100:02} Q{q % 4 + 1}"
            lines = []
            for i in range(INDICATORS):
                denominator = 400 + (i * 7 + q * 13) % 200
                numerator = denominator * (70 + (i + q * 3) % 25) // 100
                lines.append(f"PI-{i:04},{label},,{numerator},{denominator},,\n")
            out.write("".join(lines))
    return path.stat().st_size


def vm_hwm(pid: int) -> float:
    """The process's peak resident set so far, in MB (0 once it has gone)."""
    try:
        with open(f"/proc/{pid}/status") as f:
            for line in f:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) * 1024 / 1e6
    except OSError:
        pass
    return 0.0


def timed(argv: list[str]) -> tuple[float, float]:
    """Runs a child to completion: (wall seconds, peak RSS in MB).

    The peak is the child's `VmHWM`, sampled every 5 ms while it runs. Not `ru_maxrss`: that
    counts the memory of this Python process, which the child is forked from, before its exec
    (some 15 MB here, more than ragstatus's own peak)."""
    start = time.perf_counter()
    child = subprocess.Popen(argv, stdout=subprocess.DEVNULL)
    peak = 0.0
    while True:
        peak = max(peak, vm_hwm(child.pid))
        pid, status, _ = os.wait4(child.pid, os.WNOHANG)
        if pid:
            break
        time.sleep(0.005)
    seconds = time.perf_counter() - start
    child.returncode = os.waitstatus_to_exitcode(status)
    if child.returncode not in (0,):
        sys.exit(f"{argv[0]} failed with exit code {child.returncode}")
    return seconds, peak


def disagreements(defs: Path, actuals: Path, binary: str) -> tuple[int, int]:
    """Rows where the float pipeline's status differs from ragstatus's: (count, rows).

    Both outputs are read through pipes, not files: at 1e6 rows they are some 400 MB."""
    import pandas as pd

    exact_run = subprocess.Popen(
        [binary, "evaluate", "--format", "csv",
         "--definitions", str(defs), "--actuals", str(actuals)],
        stdout=subprocess.PIPE,
    )
    a = pd.read_csv(exact_run.stdout, usecols=["indicator", "period", "status"])
    if exact_run.wait() != 0:
        sys.exit(f"{binary} evaluate failed")
    float_run = subprocess.Popen(
        [sys.executable, "-c", PANDAS_PIPELINE, str(defs), str(actuals), "/dev/stdout"],
        stdout=subprocess.PIPE,
    )
    b = pd.read_json(float_run.stdout, lines=True)[["indicator", "period", "status"]]
    if float_run.wait() != 0:
        sys.exit("the pandas pipeline failed")
    if len(a) != len(b):
        sys.exit(f"row counts differ: ragstatus {len(a)}, pandas {len(b)}")
    same_keys = (a["indicator"].values == b["indicator"].values).all() and (
        a["period"].values == b["period"].values
    ).all()
    if not same_keys:
        sys.exit("the two outputs are not in the same row order")
    return int((a["status"].values != b["status"].values).sum()), len(a)


def uptime() -> str:
    with open("/proc/loadavg") as f:
        return " ".join(f.read().split()[:3])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quarters", type=int, default=4000,
                        help="quarters of 250 rows each (default 4000: 1e6 rows)")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--binary", default="target/release/ragstatus")
    parser.add_argument("--baseline", metavar="PATH",
                        help="another ragstatus binary (say, a build of main) to time alongside")
    parser.add_argument("--no-check", action="store_true",
                        help="skip counting the rows where float statuses differ")
    args = parser.parse_args()
    binary = args.binary
    if not Path(binary).exists():
        sys.exit(f"{binary} not found: run `cargo build --release -p ragstatus-cli` first")

    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        defs = work / "indicators.toml"
        actuals = work / "actuals.csv"
        write_definitions(defs)
        size = write_actuals(actuals, args.quarters)
        rows = args.quarters * INDICATORS
        print(f"input: {rows:,} rows, {size / 1e6:.1f} MB; load average before: {uptime()}")

        runs = {}
        binaries = [("", binary)] + ([(" (baseline)", args.baseline)] if args.baseline else [])
        for suffix, exe in binaries:
            for fmt in ("csv", "jsonl"):
                runs[f"ragstatus evaluate --format {fmt}{suffix}"] = [
                    exe, "evaluate", "--format", fmt, "--output", "/dev/null",
                    "--definitions", str(defs), "--actuals", str(actuals)]
        runs["pandas read_csv + np.select + to_json"] = [
            sys.executable, "-c", PANDAS_PIPELINE, str(defs), str(actuals), "/dev/null"]
        times: dict[str, list[float]] = {name: [] for name in runs}
        peaks: dict[str, list[float]] = {name: [] for name in runs}
        for _ in range(args.repeat):
            for name, argv in runs.items():
                seconds, peak = timed(argv)
                times[name].append(seconds)
                peaks[name].append(peak)
        pandas_name = "pandas read_csv + np.select + to_json"
        pandas_time = statistics.median(times[pandas_name])
        print(f"\n| pipeline ({rows:,} rows, median of {args.repeat}) | wall time | rows/s "
              "| vs pandas | peak RSS |")
        print("| --- | ---: | ---: | ---: | ---: |")
        for name in runs:
            t = statistics.median(times[name])
            all_times = ", ".join(f"{x:.2f}" for x in times[name])
            print(f"| {name} | {t:.2f} s ({all_times}) | {rows / t:,.0f} | "
                  f"{pandas_time / t:.2f}x | {max(peaks[name]):.1f} MB |")
        print(f"\nload average after: {uptime()}")
        if not args.no_check:
            differ, total = disagreements(defs, actuals, binary)
            print(f"rows where the pandas float64 status differs from ragstatus: "
                  f"{differ:,} of {total:,} ({100 * differ / total:.3f}%)")


if __name__ == "__main__":
    main()
