"""Confidence intervals and the Fingertips comparison with a benchmark (SPEC §8a), through Python.

The shared vectors ``tests/vectors/intervals.json`` run in ``test_vectors.py``; this module checks
the Python edges: decimals in and out, the accepted spellings of a level, typed errors naming their field, and (hypothesis) the
interval's invariants and that no input panics.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import ragstatus as rs

def test_every_level_spelling_is_read() -> None:
    want = rs.proportion_interval(81, 263, "99.8")
    for level in ("99.8%", 99.8, 0.998, Decimal("99.8"), " 99.8 "):
        assert rs.proportion_interval(81, 263, level) == want
    assert rs.proportion_interval(81, 263) == rs.proportion_interval(81, 263, "95%")
    for bad in ("90", 0.9, "ninety-five", True, []):
        with pytest.raises(rs.InvalidValueError) as err:
            rs.proportion_interval(81, 263, bad)
        assert err.value.field == "level"


def test_numbers_are_read_as_the_rest_of_the_package_reads_them() -> None:
    a = rs.rate_interval(Decimal("48"), 10000)
    assert a == rs.rate_interval("48", "10000") == rs.rate_interval(48.0, 10000.0)
    assert a["value"] == Decimal("480")
    with pytest.raises(rs.InvalidValueError) as err:
        rs.rate_interval("n/a", 10)
    assert err.value.field == "count"


def test_dsr_columns_must_have_one_length() -> None:
    with pytest.raises(rs.LengthMismatchError):
        rs.dsr_interval([10, 20], [1000], [1, 1])
    with pytest.raises(rs.InvalidValueError) as err:
        rs.dsr_interval([10, "x"], [1000, 1000], [1, 1])
    assert err.value.field == "counts[1]"


def test_the_comparison_reads_its_own_intervals_back() -> None:
    ci = rs.proportion_interval(81, 263, multiplier=100)
    c = rs.compare_with_benchmark(ci, 40, "higher", name="England")
    assert c["explanation"] == (
        "30.8 (95% CI 25.5 to 36.6) is significantly lower than England's 40.0, "
        "which lies above the interval: Worse (95%)"
    )
    assert c["interval"] == ci
    assert rs.compare_with_benchmark(None, 40)["outcome"] == "Not compared"
    broken = dict(ci, lower=ci["upper"] + 1)
    with pytest.raises(rs.InvalidValueError):
        rs.compare_with_benchmark(broken, 40)
    with pytest.raises(rs.InvalidValueError) as err:
        rs.compare_with_benchmark(dict(ci, method="Guess"), 40)
    assert err.value.field == "interval.method"
    with pytest.raises(rs.InvalidValueError) as err:
        rs.compare_with_benchmark(ci, 40, "better")
    assert err.value.field == "preference"
    with pytest.raises(rs.InvalidValueError):
        # a 99.8% interval given as the 95% one
        rs.compare_with_benchmark(rs.proportion_interval(81, 263, "99.8"), 40, interval_998=ci)


counts = st.integers(min_value=0, max_value=10**7)


@settings(max_examples=200, deadline=None)
@given(counts, st.integers(min_value=1, max_value=10**7), st.sampled_from(["95", "99.8"]))
def test_intervals_contain_their_estimate_and_widen_with_the_level(x: int, n: int, level: str) -> None:
    x = min(x, n)
    for make in (rs.proportion_interval, rs.rate_interval):
        ci = make(x, n, level)
        assert ci["lower"] <= ci["value"] <= ci["upper"]
        narrow, wide = make(x, n, "95"), make(x, n, "99.8")
        assert wide["lower"] <= narrow["lower"] and narrow["upper"] <= wide["upper"]


@settings(max_examples=200, deadline=None)
@given(counts, st.integers(min_value=0, max_value=1000), st.sampled_from(["higher", "lower", "none"]))
def test_the_comparison_mirrors_with_the_preference(x: int, comparator: int, preference: str) -> None:
    ci = rs.rate_interval(x, 10**7, multiplier=1000)
    c = Decimal(comparator)
    one = rs.compare_with_benchmark(ci, c, preference)
    mirror = {"higher": "lower", "lower": "higher", "none": "none"}[preference]
    other = rs.compare_with_benchmark(ci, c, mirror)
    swap = {"Better": "Worse", "Worse": "Better"}
    assert other["outcome"] == swap.get(one["outcome"], one["outcome"])
    assert (one["outcome"] == "Similar") == (ci["lower"] <= c <= ci["upper"])


anything = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    st.floats(allow_nan=True, allow_infinity=True),
    st.decimals(allow_nan=True, allow_infinity=True),
    st.text(max_size=12),
    st.lists(st.integers(min_value=-5, max_value=50), max_size=4),
    st.dictionaries(st.text(max_size=6), st.integers(), max_size=3),
)


@settings(max_examples=300, deadline=None)
@given(anything, anything, anything, anything)
def test_no_input_gets_past_a_typed_error(a: Any, b: Any, c: Any, d: Any) -> None:
    calls = [
        lambda: rs.proportion_interval(a, b, c, d),
        lambda: rs.rate_interval(a, b, c, d),
        lambda: rs.ratio_interval(a, b, c, d),
        lambda: rs.dsr_interval(a, b, c, d),
        lambda: rs.compare_with_benchmark(a, b, c, interval_998=d),
    ]
    for call in calls:
        try:
            call()
        except rs.RagstatusError:
            pass
