"""Property tests (hypothesis) for the invariants the Rust property tests check, through Python.

- the status is monotone in the actual (better actual, never worse status);
- polarity mirror: negating actual and target turns `higher` into `lower` with the same status;
- widening the tolerance never worsens the status;
- the bulk `rate_array` gives exactly the statuses of `rate`, row by row;
- no input, however odd, raises anything but `RagstatusError` (never a panic, never a
  `TypeError` from deep inside).
"""

from __future__ import annotations

import math
from decimal import Decimal
from typing import Any

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

import ragstatus as rs

DEFS = rs.Definitions(
    {"indicator": [{"id": "SW-01", "unit": "percent", "polarity": "higher", "target": [{"value": "45"}]}]}
)
RANK = {"Red": 0, "Amber": 1, "Green": 2, "Blue": 3}

decimals = st.decimals(
    min_value=Decimal("-1000000"), max_value=Decimal("1000000"), places=2, allow_nan=False
)
widths = st.decimals(min_value=Decimal("0"), max_value=Decimal("1000"), places=2, allow_nan=False)
tolerances = st.one_of(
    st.just("none"),
    widths.map(lambda w: {"absolute": w}),
    widths.map(lambda w: {"relative": w}),
)
polarities = st.sampled_from(["higher", "lower"])


@given(decimals, decimals, decimals, tolerances, polarities)
def test_monotone_in_the_actual(a: Decimal, b: Decimal, target: Decimal, tol: Any, pol: str) -> None:
    worse, better = sorted([a, b]) if pol == "higher" else sorted([a, b], reverse=True)
    s_worse = rs.rate(worse, target, polarity=pol, tolerance=tol).status
    s_better = rs.rate(better, target, polarity=pol, tolerance=tol).status
    assert RANK[s_better] >= RANK[s_worse]


@given(decimals, decimals, tolerances)
def test_polarity_mirror(actual: Decimal, target: Decimal, tol: Any) -> None:
    up = rs.rate(actual, target, polarity="higher", tolerance=tol)
    down = rs.rate(-actual, -target, polarity="lower", tolerance=tol)
    assert up.status == down.status
    assert up.shortfall == down.shortfall


@given(decimals, decimals, widths, widths, polarities)
def test_widening_tolerance_never_worsens(
    actual: Decimal, target: Decimal, w1: Decimal, w2: Decimal, pol: str
) -> None:
    narrow, wide = sorted([w1, w2])
    s_narrow = rs.rate(actual, target, polarity=pol, tolerance={"absolute": narrow}).status
    s_wide = rs.rate(actual, target, polarity=pol, tolerance={"absolute": wide}).status
    assert RANK[s_wide] >= RANK[s_narrow]


@given(
    st.lists(st.one_of(st.none(), decimals), min_size=1, max_size=40),
    decimals,
    st.one_of(st.none(), decimals),
    tolerances,
    st.sampled_from(["higher", "lower", "within"]),
)
def test_rate_array_matches_rate(
    actuals: list[Decimal | None], target: Decimal, stretch: Decimal | None, tol: Any, pol: str
) -> None:
    if pol == "within":
        t: Any = (target, target + 10)
        stretch = None
    else:
        t = target
        if stretch is not None:
            # a stretch target must lie at or beyond the target
            stretch = max(stretch, target) if pol == "higher" else min(stretch, target)
    floats = np.array([math.nan if a is None else float(a) for a in actuals])
    expected = [rs.rate(a, t, polarity=pol, tolerance=tol, stretch=stretch).code for a in actuals]
    exact = rs.rate_array(list(actuals), t, polarity=pol, tolerance=tol, stretch=stretch)
    assert exact.tolist() == expected
    # float64 with declared decimals: the fast path gives the same answers
    fast = rs.rate_array(floats, t, polarity=pol, tolerance=tol, stretch=stretch, decimals=2)
    assert fast.tolist() == expected
    # repeated past the size where rate_array finds the breakpoints and decides in bulk
    reps = -(-600 // len(floats))
    bulk = rs.rate_array(np.tile(floats, reps), t, polarity=pol, tolerance=tol, stretch=stretch, decimals=2)
    assert bulk.tolist() == expected * reps
    shortest = rs.rate_array(floats, t, polarity=pol, tolerance=tol, stretch=stretch)
    assert shortest.tolist() == expected


anything = st.recursive(
    st.one_of(
        st.none(),
        st.booleans(),
        st.integers(),
        st.floats(),
        st.text(max_size=12),
        st.decimals(),
        st.dates(),
    ),
    lambda inner: st.one_of(
        st.lists(inner, max_size=4),
        st.dictionaries(st.text(max_size=8), inner, max_size=4),
        st.tuples(inner, inner),
    ),
    max_leaves=8,
)
labels = st.one_of(
    st.text(max_size=20),
    st.from_regex(r"(FY)?[0-9]{1,5}[/-][0-9]{1,4} ?[QMHqmh]?[0-9]{0,3}", fullmatch=True),
)


def only_ragstatus_errors(call: Any) -> None:
    try:
        call()
    except rs.RagstatusError:
        pass


@settings(max_examples=300)
@given(anything, anything, anything, anything)
def test_rate_raises_only_ragstatus_errors(actual: Any, target: Any, tol: Any, stretch: Any) -> None:
    for pol in ("higher", "lower", "within", actual):
        only_ragstatus_errors(
            lambda pol=pol: rs.rate(actual, target, polarity=pol, tolerance=tol, stretch=stretch)
        )


@settings(max_examples=200)
@given(anything, anything, anything)
def test_plain_data_inputs_raise_only_ragstatus_errors(a: Any, b: Any, c: Any) -> None:
    only_ragstatus_errors(lambda: rs.to_decimal(a))
    only_ragstatus_errors(lambda: rs.resolve(a, b))
    only_ragstatus_errors(lambda: rs.Scheme(a))
    only_ragstatus_errors(lambda: rs.TargetSpec(a))
    only_ragstatus_errors(lambda: rs.Definitions({"indicator": [a]}))
    only_ragstatus_errors(lambda: rs.compare_direction("higher", a, b, stable=c))
    only_ragstatus_errors(lambda: rs.summarize([a, b]))
    only_ragstatus_errors(lambda: rs.rate_array([a, b], c, polarity="higher"))
    only_ragstatus_errors(lambda: DEFS.evaluate("2015/16 Q3", {"SW-01": {"2015/16 Q3": a}}))
    only_ragstatus_errors(lambda: DEFS.evaluate("2015/16 Q3", {"SW-01": a}))
    only_ragstatus_errors(lambda: DEFS.evaluate(b, c))
    only_ragstatus_errors(lambda: rs.roll_up([a], b))
    only_ragstatus_errors(lambda: rs.analyse_spc([a, b, c]))


@given(labels, st.integers(min_value=-5, max_value=20))
def test_period_labels_raise_only_ragstatus_errors(label: str, start_month: int) -> None:
    only_ragstatus_errors(lambda: rs.Period(label, max(start_month, 0)))


@given(st.text(max_size=200))
def test_definitions_text_raises_only_ragstatus_errors(text: str) -> None:
    only_ragstatus_errors(lambda: rs.Definitions(text if "\n" in text else text + "\n"))
