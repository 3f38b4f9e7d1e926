"""Equal objects hash alike: values equal as decimals but written with different scales
(`Decimal("1.0") == Decimal("1.00")`) give equal objects, so they must give equal hashes, or a
set or dict of results holds the "same" result twice."""

from __future__ import annotations

from decimal import Decimal
from typing import Any, Callable

from hypothesis import given
from hypothesis import strategies as st

import ragstatus as rs

values = st.integers(-10**6, 10**6).map(lambda i: Decimal(i) / 100)


def rescaled(d: Decimal, extra: int) -> Decimal:
    return d.quantize(Decimal(1).scaleb(d.as_tuple().exponent - extra))  # type: ignore[operator]


BUILDERS: dict[str, Callable[[list[Decimal]], Any]] = {
    "SpcResult": lambda v: rs.analyse_spc(v),
    "SpcPoint": lambda v: rs.analyse_spc(v).points[-1],
    "XmrLimits": lambda v: rs.xmr_limits(v),
    "Benchmark": lambda v: rs.benchmark(v[0], v[1:], "higher", scheme=True),
    "Milestone": lambda v: rs.Milestone("M", "2016-01-01", percent_complete=abs(v[0]) % 100),
    "MilestoneResult": lambda v: rs.evaluate_milestone(
        rs.Milestone("M", "2016-01-01", start="2015-01-01", percent_complete=abs(v[0]) % 100), "2015-06-01"
    ),
    "BudgetLine": lambda v: rs.BudgetLine("A", "expenditure", "gross", abs(v[0]) + 1, abs(v[1])),
    "BudgetResult": lambda v: rs.evaluate_budget_line(rs.BudgetLine("A", "income", "gross", abs(v[0]) + 1, abs(v[1]))),
    "Rating": lambda v: rs.rate(v[0], v[1], polarity="higher", tolerance={"absolute": abs(v[2])}),
    "Explanation": lambda v: rs.rate(v[0], v[1], polarity="lower").explanation,
    "Resolved": lambda v: rs.resolve(v[0]),
    "TargetSpec": lambda v: rs.TargetSpec({"value": str(v[0]), "stretch": str(v[0] + 1)}),
    "Rule": lambda v: rs.Rule("higher", {"absolute": abs(v[0])}),
    "Travel": lambda v: rs.compare_direction("higher", v[0], v[1], stable={"absolute": abs(v[2])}),
    "IndicatorResult": lambda v: DEFS.evaluate("2015/16 Q3", {"X": {"2015/16 Q2": v[0], "2015/16 Q3": v[1]}}).results[0],
    "Summary": lambda v: DEFS.evaluate("2015/16 Q3", {"X": {"2015/16 Q3": v[1]}}).summary(),
}

DEFS = rs.Definitions(
    {"indicator": [{"id": "X", "polarity": "higher", "decimals": 1, "target": [{"value": "0"}], "group": ["T"]}]}
)


@given(st.lists(values, min_size=4, max_size=12), st.integers(1, 3))
def test_equal_objects_hash_alike(v: list[Decimal], extra: int) -> None:
    w = [rescaled(x, extra) for x in v]
    assert [str(x) for x in w] != [str(x) for x in v]
    for name, build in BUILDERS.items():
        a, b = build(v), build(w)
        # Results whose sentences show the numbers as given are rightly unequal.
        if name in ALWAYS_EQUAL:
            assert a == b, name
        if a == b:
            assert hash(a) == hash(b), name


# Classes whose equality ignores the scale of their numbers entirely.
ALWAYS_EQUAL = {"XmrLimits", "Milestone", "BudgetLine", "Resolved", "Rule", "TargetSpec", "Summary"}
