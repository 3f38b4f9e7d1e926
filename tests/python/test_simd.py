"""rate_array's bulk pass gives the same codes at every SIMD level the CPU has.

The level is chosen once per process (the best the CPU has, capped by ``RAGSTATUS_SIMD``), so
each level runs in its own interpreter on the same rows, which mix every case the bulk pass
treats apart: clean one-decimal values on and around the band edges, NaN, values that are not
clean decimals at the declared places, and values too large for the fast path.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap

import numpy as np
import pytest

import ragstatus as rs

LEVELS = ("baseline", "avx2", "avx512")

SCRIPT = textwrap.dedent(
    """
    import json, sys
    import numpy as np
    import ragstatus as rs

    rng = np.random.default_rng(2015)
    n = 50_000
    x = np.round(rng.uniform(-20, 120, n), 1)
    x[rng.integers(0, n, 500)] = np.nan
    x[rng.integers(0, n, 500)] = 12.5  # on the Amber edge
    x[rng.integers(0, n, 500)] = 12.8  # on the target
    x[rng.integers(0, n, 200)] = 0.1 + 0.2  # not a clean one-decimal value
    x[rng.integers(0, n, 200)] = 3e15  # beyond the fast range
    x[rng.integers(0, n, 100)] = -0.0
    out = {}
    for polarity, beyond in (("higher", "20"), ("lower", "5")):
        for stretch in (None, beyond):
            codes = rs.rate_array(
                x, "12.8", polarity=polarity, tolerance={"absolute": "0.3"},
                stretch=stretch, decimals=1,
            )
            out[f"{polarity}/{stretch}"] = codes.tolist()
    json.dump({"level": rs.simd_level(), "codes": out}, sys.stdout)
    """
)


def run_at(level: str) -> dict[str, object]:
    env = {**os.environ, "RAGSTATUS_SIMD": level}
    done = subprocess.run(
        [sys.executable, "-c", SCRIPT], env=env, capture_output=True, text=True, check=True
    )
    result: dict[str, object] = json.loads(done.stdout)
    return result


def test_simd_level_names_a_level() -> None:
    assert rs.simd_level() in LEVELS


def test_every_level_gives_the_same_codes() -> None:
    baseline = run_at("baseline")
    assert baseline["level"] == "baseline"
    seen = {"baseline"}
    for level in LEVELS[1:]:
        result = run_at(level)
        seen.add(str(result["level"]))
        assert result["codes"] == baseline["codes"], f"codes differ at {result['level']}"
    # The best level the CPU has is among those compared.
    assert rs.simd_level() in seen


@pytest.mark.parametrize("polarity", ["higher", "lower"])
def test_bulk_codes_match_rate_row_by_row(polarity: str) -> None:
    x = np.array([12.5, 12.4, 12.8, 12.9, np.nan, 3e15, -0.0, 13.1, 44.0] * 100)
    codes = rs.rate_array(x, "12.8", polarity=polarity, tolerance={"absolute": "0.3"}, decimals=1)
    for value, code in zip(x[:9], codes[:9]):
        if np.isnan(value):
            assert code == rs.StatusCode.NoData
            continue
        expected = rs.rate(float(value), "12.8", polarity=polarity, tolerance={"absolute": "0.3"})
        assert rs.StatusCode[expected.status] == code, value
