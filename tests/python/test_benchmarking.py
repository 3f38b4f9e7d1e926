"""Benchmarking through the Python API: properties and Python types.

The shared vectors (kind ``benchmarking``) run in ``test_vectors.py``, with every other kind.
"""

from __future__ import annotations

import pickle
from decimal import Decimal
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import ragstatus as rs



def test_python_types_and_missing_values() -> None:
    neighbours = [30.0, "38.5", Decimal("41.0"), None, 47, 50.2, float("nan"), 35]
    r = rs.benchmark(45.2, neighbours, "higher", unit="%", scheme=True)
    assert (r.rank, r.group_size, r.missing, r.quartile) == (3, 7, 2, 2)
    assert r.median == Decimal("41.0") and isinstance(r.distance_from_median, Decimal)
    assert r.status == "Amber"
    assert r.explanation.startswith("3rd of 7 (quartile 2); 4.2 points better than the median")
    custom = rs.benchmark(45.2, neighbours, "higher",
                          scheme={"quartile_1": "Blue", "quartile_2": "Green",
                                  "quartile_3": "Amber", "quartile_4": "Red"})
    assert custom.status == "Green"
    assert rs.benchmark(1, [None, None], "lower", scheme=True).status == "NoData"
    pd = pytest.importorskip("pandas")
    assert rs.benchmark(45.2, pd.Series(neighbours), "higher") == rs.benchmark(
        45.2, neighbours, "higher"
    )


def test_errors_and_pickling() -> None:
    with pytest.raises(rs.DefinitionError) as d:
        rs.benchmark(1, [1, 2], "within")
    assert d.value.field == "polarity"
    with pytest.raises(rs.InvalidValueError):
        rs.benchmark(1, [1, 2], "up")
    with pytest.raises(rs.SchemeError):
        rs.benchmark(1, [1, 2], "higher", scheme={"quartile_1": "NoData", "quartile_2": "Green",
                                                  "quartile_3": "Amber", "quartile_4": "Red"})
    with pytest.raises(rs.InvalidValueError) as a:
        rs.benchmark(None, [1, 2], "higher")  # type: ignore[arg-type]
    assert a.value.field == "actual"
    r = rs.benchmark(18, [20, 18, 18, 25, 30], "lower", scheme=True)
    assert pickle.loads(pickle.dumps(r)) == r and hash(r) == hash(rs.Benchmark.from_json(r.to_json()))
    assert repr(r) == "Benchmark(actual=Decimal('18'), rank=1, group_size=6, quartile=1, median=Decimal('19'))"


values = st.lists(
    st.one_of(st.none(), st.decimals(min_value=-1000, max_value=1000, places=1,
                                     allow_nan=False, allow_infinity=False)),
    max_size=20,
)
actuals = st.decimals(min_value=-1000, max_value=1000, places=1, allow_nan=False,
                      allow_infinity=False)


@settings(max_examples=200, deadline=None)
@given(actuals, values)
def test_reversing_polarity_mirrors_rank(actual: Decimal, comparators: list[Any]) -> None:
    hi = rs.benchmark(actual, comparators, "higher")
    lo = rs.benchmark(actual, comparators, "lower")
    assert hi.group_size == lo.group_size == 1 + sum(c is not None for c in comparators)
    if hi.rank is None:
        assert lo.rank is None
        return
    assert lo.rank is not None
    # Competition ranking from either end: the ranks add up to the group size plus one, less
    # the ties counted on both sides.
    assert hi.rank + lo.rank == hi.group_size + 1 - hi.tied
    assert hi.median == lo.median
    assert hi.distance_from_median == -lo.distance_from_median  # type: ignore[operator]


junk = st.one_of(st.none(), st.integers(), st.floats(), st.text(max_size=8), st.booleans(),
                 st.dictionaries(st.text(max_size=10), st.text(max_size=6), max_size=2))


@settings(max_examples=300, deadline=None)
@given(junk, st.lists(junk, max_size=8), junk, junk, junk)
def test_no_input_raises_anything_but_ragstatus_error(
    actual: Any, comparators: list[Any], polarity: Any, scheme: Any, flag: Any
) -> None:
    for call in (
        lambda: rs.benchmark(actual, comparators, polarity),
        lambda: rs.benchmark(actual, comparators, "higher", scheme=scheme,
                             actual_in_comparators=flag, unit=polarity),
        lambda: rs.benchmark(1, actual, "lower"),
    ):
        try:
            call()
        except rs.RagstatusError:
            pass
