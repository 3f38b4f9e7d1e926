"""Confidence intervals and funnel plots on a million areas: ragstatus against numpy and scipy.

- **Proportion intervals**: Wilson at 95% and 99.8% (PHE's form), ×100.
  ``rs.interval_frame(table, "proportion")`` (exact values, limits to 10 significant digits,
  every row checked) against the same formula vectorised with numpy, z from
  ``scipy.stats.norm.ppf``.
- **Rate intervals**: exact Poisson below 10 events (``scipy.stats.chi2.ppf``) and Byar's from
  10, at both levels, per 100,000. ``rs.interval_frame(table, "rate")`` against numpy/scipy.
- **Funnel limits and labels**: proportions (PHE's ``sigma_adjustment`` around the pooled
  average, labels by the value against the limits at each unit's denominator) and rates (the
  exact or Byar limits of the count expected at the pooled rate, labels by each unit's own
  interval against it). ``rs.funnel_frame(table, ...)`` against numpy/scipy (``np.select`` for the
  labels).

Both sides read the same pyarrow table of integer columns and produce every column (value, four
limits, and method or position, level and outcome); ragstatus's numbers are exact decimals
(``decimal128``), numpy's float64. The script checks that the two agree: every limit within
1e-9 relative (ragstatus rounds to 10 significant digits) and every label equal except where a
value lies within that precision of a limit. It prints the CPU model, the load average and the
versions, then the best wall and CPU time of ``--repeat`` runs (default 3) for each, after
``--warmup`` untimed calls (default 1), the same number on both sides, so that each side is
timed in its steady state: a process's first ragstatus call faults in the fresh memory of its
columns (some 110 huge pages), which later calls reuse through the allocator, and numpy's
allocations settle the same way through glibc's.

Run (after a release build of the extension, see benches/README.md; scipy from
benches/python/requirements-stats.txt):

    python benches/python/bench_stats.py
    python benches/python/bench_stats.py --areas 1000000 --repeat 3
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import scipy
from scipy.stats import chi2, norm

import ragstatus as rs

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_bulk import cpu_model, measure  # noqa: E402  (the benches' shared timing helpers)

LEVELS = (("95", 0.975, 0.025), ("998", 0.999, 0.001))


# --- data ---------------------------------------------------------------------------------------


def proportion_data(areas: int, seed: int = 11) -> pa.Table:
    """Denominators from 50 to 200,000 (log-uniform), proportions around 30% with real spread."""
    rng = np.random.default_rng(seed)
    n = np.exp(rng.uniform(np.log(50), np.log(200_000), areas)).astype(np.int64)
    p = rng.beta(30, 70, areas)
    x = rng.binomial(n, p).astype(np.int64)
    return pa.table({"numerator": x, "denominator": n})


def rate_data(areas: int, seed: int = 13) -> pa.Table:
    """Populations from 500 to 500,000 (log-uniform), about 550 events per 100,000: a few
    percent of areas have fewer than 10 events."""
    rng = np.random.default_rng(seed)
    n = np.exp(rng.uniform(np.log(500), np.log(500_000), areas)).astype(np.int64)
    rate = rng.gamma(20, 550e-5 / 20, areas)
    x = rng.poisson(n * rate).astype(np.int64)
    return pa.table({"numerator": x, "denominator": n})


def arrays(table: pa.Table) -> tuple[np.ndarray, np.ndarray]:
    return (table.column("numerator").to_numpy().astype(np.float64),
            table.column("denominator").to_numpy().astype(np.float64))


# --- numpy / scipy, as an analyst would write them ----------------------------------------------


def wilson_numpy(table: pa.Table, m: float = 100.0) -> dict[str, np.ndarray]:
    x, n = arrays(table)
    out = {"value": x / n * m}
    for key, upper_tail, _ in LEVELS:
        z = norm.ppf(upper_tail)
        z2 = z * z
        root = z * np.sqrt(z2 + 4 * x * (1 - x / n))
        out[f"lower_{key}"] = (2 * x + z2 - root) / 2 / (n + z2) * m
        out[f"upper_{key}"] = (2 * x + z2 + root) / 2 / (n + z2) * m
    return out


def count_limits_numpy(x: np.ndarray, upper_tail: float, lower_tail: float) -> tuple[np.ndarray, np.ndarray]:
    """Exact Poisson limits below 10 events, Byar's from 10."""
    z = norm.ppf(upper_tail)
    small = x < 10
    with np.errstate(divide="ignore", invalid="ignore"):
        lower = x * (1 - 1 / (9 * x) - z / (3 * np.sqrt(x))) ** 3
        x1 = x + 1
        upper = x1 * (1 - 1 / (9 * x1) + z / (3 * np.sqrt(x1))) ** 3
    xs = x[small]
    lower[small] = np.where(xs > 0, chi2.ppf(lower_tail, 2 * xs) / 2, 0.0)
    upper[small] = chi2.ppf(upper_tail, 2 * xs + 2) / 2
    return lower, upper


def rate_numpy(table: pa.Table, m: float = 100_000.0) -> dict[str, np.ndarray]:
    x, n = arrays(table)
    out = {"value": x / n * m}
    for key, upper_tail, lower_tail in LEVELS:
        lower, upper = count_limits_numpy(x, upper_tail, lower_tail)
        out[f"lower_{key}"] = lower / n * m
        out[f"upper_{key}"] = upper / n * m
    return out


def funnel_proportion_numpy(table: pa.Table, m: float = 100.0) -> dict[str, np.ndarray]:
    x, n = arrays(table)
    theta = x.sum() / n.sum()
    value = x / n * m
    out = {"value": value}
    for key, upper_tail, _ in LEVELS:
        z2 = norm.ppf(upper_tail) ** 2
        a = theta * (n / z2 + 1)
        b = 1 / z2 + 1 / n
        d = (8 * a) ** 2 - 64 * b * theta * (n * (theta * (n / z2 + 2) - 1) + z2 * (theta - 1))
        root = np.sqrt(np.maximum(d, 0))
        out[f"lower_{key}"] = np.clip((a - root / 8) / b / n, 0, 1) * m
        out[f"upper_{key}"] = np.clip((a + root / 8) / b / n, 0, 1) * m
    out["position"] = np.select(
        [value < out["lower_998"], value > out["upper_998"],
         value < out["lower_95"], value > out["upper_95"]],
        ["below", "above", "below", "above"], "within")
    return out


def funnel_rate_numpy(table: pa.Table, m: float = 100_000.0) -> dict[str, np.ndarray]:
    x, n = arrays(table)
    theta = x.sum() / n.sum()
    centre = theta * m
    mu = theta * n
    out = {"value": x / n * m}
    outside = {}
    for key, upper_tail, lower_tail in LEVELS:
        lower, upper = count_limits_numpy(mu, upper_tail, lower_tail)
        out[f"lower_{key}"] = lower / n * m
        out[f"upper_{key}"] = upper / n * m
        # PHE labels a rate by its own interval against the centre.
        own_lower, own_upper = count_limits_numpy(x, upper_tail, lower_tail)
        outside[key] = (centre < own_lower / n * m, centre > own_upper / n * m)
    out["position"] = np.select(
        [outside["998"][0], outside["998"][1], outside["95"][0], outside["95"][1]],
        ["above", "below", "above", "below"], "within")
    return out


# --- agreement ----------------------------------------------------------------------------------


def floats(table: pa.Table, column: str) -> np.ndarray:
    return pc.cast(table.column(column), pa.float64()).to_numpy(zero_copy_only=False)


def agree(name: str, ours: pa.Table, theirs: dict[str, np.ndarray]) -> None:
    errors = ours.column("error").null_count
    assert errors == ours.num_rows, f"{name}: {ours.num_rows - errors} rows in error"
    worst = 0.0
    for key in ("value", "lower_95", "upper_95", "lower_998", "upper_998"):
        a, b = floats(ours, key), theirs[key]
        scale = np.maximum(np.abs(b), 1e-300)
        rel = np.abs(a - b) / scale
        rel[(a == 0) & (np.abs(b) < 1e-12)] = 0.0
        worst = max(worst, float(rel.max()))
    line = f"  agreement: largest relative difference {worst:.1e}"
    assert worst < 1e-9, f"{name}: limits differ by {worst:.2e} relative"
    if "position" in theirs:
        have = np.asarray(ours.column("position").to_pylist(), dtype=object)
        differ = np.flatnonzero(have != theirs["position"])
        # A label may differ only where the value lies within the limits' precision of a limit.
        near = 0
        value = floats(ours, "value")
        for i in differ:
            limits = [floats(ours, k)[i] for k in ("lower_95", "upper_95", "lower_998", "upper_998")]
            if min(abs(value[i] - lim) for lim in limits) <= 1e-9 * max(abs(value[i]), 1.0):
                near += 1
        assert near == len(differ), f"{name}: {len(differ) - near} labels differ away from a limit"
        line += f"; labels equal on {len(have) - len(differ):,} of {len(have):,} ({near} at a limit)"
    print(line)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--areas", type=int, default=1_000_000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--warmup", type=int, default=1,
                        help="untimed calls on each side before the timed ones (default 1)")
    args = parser.parse_args()

    print(f"CPU: {cpu_model()} ({os.cpu_count()} logical CPUs)")
    print(f"load average (1, 5, 15 min): {', '.join(f'{v:.2f}' for v in os.getloadavg())}")
    print(f"ragstatus {rs.__version__}, numpy {np.__version__}, scipy {scipy.__version__}, "
          f"pyarrow {pa.__version__}")
    print(f"{args.areas:,} areas; best of {args.repeat} after {args.warmup} untimed call(s) on each "
          f"side; wall s (CPU s, all threads)\n")

    props, rates = proportion_data(args.areas), rate_data(args.areas)
    small = int(pc.sum(pc.less(rates.column("numerator"), 10)).as_py())
    print(f"rates: {small:,} areas with fewer than 10 events (exact Poisson limits)\n")
    cases = [
        ("proportion intervals (Wilson, 95% and 99.8%)",
         lambda: rs.interval_frame(props, "proportion"), lambda: wilson_numpy(props)),
        ("rate intervals (exact / Byar, 95% and 99.8%)",
         lambda: rs.interval_frame(rates, "rate"), lambda: rate_numpy(rates)),
        ("funnel, proportions (limits and labels)",
         lambda: rs.funnel_frame(props, "proportion"), lambda: funnel_proportion_numpy(props)),
        ("funnel, rates (limits and labels)",
         lambda: rs.funnel_frame(rates, "rate"), lambda: funnel_rate_numpy(rates)),
    ]
    for name, ours_fn, theirs_fn in cases:
        ours, t_ours, c_ours = measure(ours_fn, args.repeat, args.warmup)
        theirs, t_theirs, c_theirs = measure(theirs_fn, args.repeat, args.warmup)
        print(f"{name}")
        print(f"  ragstatus    {t_ours:7.3f} ({c_ours:.3f})")
        print(f"  numpy/scipy  {t_theirs:7.3f} ({c_theirs:.3f})")
        print(f"  ratio ragstatus / numpy: {t_ours / t_theirs:.2f} wall, {c_ours / c_theirs:.2f} CPU")
        agree(name, ours, theirs)


if __name__ == "__main__":
    main()
