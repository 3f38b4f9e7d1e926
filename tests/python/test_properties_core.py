"""More of the Rust property tests' invariants, checked through the Python API with hypothesis:
periods (props_period.rs), rating (props_rating.rs), indicators, direction and summaries
(props_indicator.rs), budget (props_budget.rs) and SPC (props_spc.rs)."""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Any

from hypothesis import given
from hypothesis import strategies as st

import ragstatus as rs

RANK = {"Red": 0, "Amber": 1, "Green": 2, "Blue": 3}

small = st.decimals(min_value=Decimal("-10000"), max_value=Decimal("10000"), places=2, allow_nan=False)
non_negative = st.decimals(min_value=Decimal("0"), max_value=Decimal("1000"), places=2, allow_nan=False)
start_months = st.integers(min_value=1, max_value=12)
years = st.integers(min_value=1900, max_value=2200)


@st.composite
def periods(draw: Any) -> rs.Period:
    calendar = rs.FiscalCalendar(draw(start_months))
    year = draw(years)
    kind = draw(st.sampled_from(["year", "half", "quarter", "month"]))
    if kind == "year":
        return calendar.year(year)
    if kind == "half":
        return calendar.half(year, draw(st.integers(1, 2)))
    if kind == "quarter":
        return calendar.quarter(year, draw(st.integers(1, 4)))
    return calendar.month(year, draw(st.integers(1, 12)))


# --- periods ------------------------------------------------------------------------------------


@given(periods())
def test_period_label_round_trips(p: rs.Period) -> None:
    assert rs.Period(p.label, p.start_month) == p
    assert p.calendar.parse(str(p)) == p


@given(periods())
def test_next_and_previous_are_inverse_and_adjacent(p: rs.Period) -> None:
    nxt = p.next()
    assert nxt.previous() == p
    assert nxt.first_date == p.last_date + datetime.timedelta(days=1)
    assert p.steps_to(nxt) == 1


@given(periods())
def test_months_tile_the_period(p: rs.Period) -> None:
    months = p.months()
    assert months[0].first_date == p.first_date and months[-1].last_date == p.last_date
    for a, b in zip(months, months[1:]):
        assert b.first_date == a.last_date + datetime.timedelta(days=1)
    assert sum(m.days for m in months) == p.days


@given(start_months, st.dates(min_value=datetime.date(1901, 1, 1), max_value=datetime.date(2199, 12, 31)))
def test_every_date_falls_in_its_periods(start: int, date: datetime.date) -> None:
    calendar = rs.FiscalCalendar(start)
    for p in (calendar.month_of(date), calendar.quarter_of(date), calendar.half_of(date), calendar.year_of(date)):
        assert p.contains(date) and p.first_date <= date <= p.last_date


@given(periods())
def test_year_to_date_runs_from_the_year_start_to_the_period_end(p: rs.Period) -> None:
    ytd = p.year_to_date()
    assert ytd.first_date == p.fiscal_year.first_date and ytd.last_date == p.last_date
    assert ytd.contains_period(p)


# --- rating -------------------------------------------------------------------------------------


@given(
    small,
    non_negative,
    st.one_of(st.none(), non_negative.map(lambda w: {"absolute": w}), non_negative.map(lambda w: {"relative": w})),
    non_negative,
    non_negative,
)
def test_within_is_monotone_towards_the_range(low: Decimal, width: Decimal, tol: Any, d1: Decimal, d2: Decimal) -> None:
    high = low + width
    near, far = sorted([d1, d2])

    def status(actual: Decimal) -> int:
        return RANK[rs.rate(actual, (low, high), polarity="within", tolerance=tol).status]

    assert status(low - near) >= status(low - far)
    assert status(high + near) >= status(high + far)
    assert rs.rate(low, (low, high), polarity="within", tolerance=tol).status == "Green"


@given(
    st.sampled_from(["higher", "lower", "within"]),
    small,
    non_negative,
    small,
    non_negative,
    st.integers(1, 1000).map(lambda m: Decimal(m) / 10),
)
def test_relative_tolerance_is_scale_invariant(
    pol: str, t: Decimal, width: Decimal, a: Decimal, pct: Decimal, k: Decimal
) -> None:
    def target(f: Decimal) -> Any:
        return (t * f, (t + width) * f) if pol == "within" else t * f

    s1 = rs.rate(a, target(Decimal(1)), polarity=pol, tolerance={"relative": pct}).status
    s2 = rs.rate(a * k, target(k), polarity=pol, tolerance={"relative": pct}).status
    assert s1 == s2


@given(small, small, non_negative, st.booleans())
def test_ratings_round_trip_through_json(a: Decimal, t: Decimal, w: Decimal, explained: bool) -> None:
    r = rs.rate(a, t, polarity="higher", tolerance={"absolute": w}, unit="percent" if explained else None)
    assert rs.Rating.from_json(r.to_json()) == r
    assert rs.Explanation.from_json(r.explanation.to_json()) == r.explanation


# --- direction, aggregation, summaries, definitions ---------------------------------------------


@given(st.one_of(st.none(), small), st.one_of(st.none(), small), non_negative)
def test_direction_mirror_symmetry(a: Any, b: Any, band: Decimal) -> None:
    neg = (lambda x: None if x is None else -x)
    up = rs.compare_direction("higher", a, b, stable={"absolute": band})
    down = rs.compare_direction("lower", neg(a), neg(b), stable={"absolute": band})
    assert up.direction == down.direction


@given(st.lists(small, min_size=3, max_size=8))
def test_regression_mirror_symmetry(values: list[Decimal]) -> None:
    up = rs.direction_by_regression("higher", values)
    down = rs.direction_by_regression("lower", [-v for v in values])
    assert up.direction == down.direction


@given(st.lists(st.tuples(st.integers(0, 10**6), st.integers(1, 10**6)), min_size=1, max_size=6))
def test_ratio_is_sum_over_sum(fractions: list[tuple[int, int]]) -> None:
    got = rs.aggregate("ratio", fractions, 100).value
    num = sum(n for n, _ in fractions)
    den = sum(d for _, d in fractions)
    assert got is not None
    assert abs(got - Decimal(num) * 100 / Decimal(den)) <= Decimal("1e-20")


@given(
    st.lists(
        st.tuples(
            st.sampled_from(["Start Well", "Live Well", "Age Well"]),
            st.sampled_from(["Red", "Amber", "Green", "Blue", "NoData", "NoTarget", "NotDue"]),
            st.sampled_from(["Improving", "Worsening", "NoChange", "NotComparable"]),
        ),
        max_size=30,
    )
)
def test_summary_counts_add_up(rows: list[tuple[str, str, str]]) -> None:
    items = [{"id": f"I{i}", "group": [g], "status": s, "direction": d} for i, (g, s, d) in enumerate(rows)]
    counts = rs.summarize(items).overall.counts
    assert counts.total == len(rows)
    assert counts.rated == counts.red + counts.amber + counts.green + counts.blue
    assert counts.total == counts.rated + counts.no_data + counts.no_target + counts.not_due
    for status in ("Red", "Amber", "Green", "Blue"):
        assert counts.of(status) == sum(1 for _, s, _ in rows if s == status)


@given(
    st.sampled_from(["higher", "lower"]),
    st.one_of(st.just("none"), non_negative.map(lambda w: {"absolute": str(w)})),
    small,
    st.one_of(st.none(), st.integers(0, 3)),
)
def test_definitions_round_trip(pol: str, tol: Any, target: Decimal, decimals: Any) -> None:
    indicator: dict[str, Any] = {
        "id": "X-1",
        "name": "An indicator",
        "group": ["Live Well"],
        "polarity": pol,
        "tolerance": tol,
        "target": [{"year": "2015/16", "value": str(target)}],
    }
    if decimals is not None:
        indicator["decimals"] = decimals
    defs = rs.Definitions({"indicator": [indicator]})
    assert rs.Definitions(defs.to_toml()) == defs
    assert rs.Definitions(defs.to_json()) == defs
    assert rs.Definitions(defs.to_dict()) == defs


# --- budget -------------------------------------------------------------------------------------

money = st.decimals(min_value=Decimal("1"), max_value=Decimal("100000000"), places=2, allow_nan=False)


@given(money, st.integers(0, 200))
def test_expenditure_and_income_mirror_each_other(budget: Decimal, fraction: int) -> None:
    forecast = (budget * Decimal(fraction) / 100).quantize(Decimal("0.01"))
    mirrored = budget + budget - forecast
    e = rs.evaluate_budget_line(rs.BudgetLine("E", "expenditure", "gross", budget, forecast))
    i = rs.evaluate_budget_line(rs.BudgetLine("I", "income", "gross", budget, mirrored))
    assert e.variance == -i.variance
    assert (e.status, e.direction) == (i.status, i.direction)


@given(
    st.integers(-(10**12), 10**12),
    st.integers(0, 2),
    st.sampled_from(["pounds", "thousands", "millions"]),
    st.booleans(),
    st.booleans(),
    st.booleans(),
)
def test_amounts_round_trip_in_published_styles(
    mantissa: int, scale: int, unit: str, grouped: bool, brackets: bool, pound: bool
) -> None:
    value = Decimal(mantissa).scaleb(-scale)
    digits = f"{abs(value):,.{scale}f}" if grouped else f"{abs(value):.{scale}f}"
    digits = ("£" if pound else "") + digits
    text = (f"({digits})" if brackets else f"-{digits}") if value < 0 else digits
    factor = {"pounds": 1, "thousands": 1000, "millions": 1000000}[unit]
    assert rs.parse_amount(f" {text} ", unit) == value * factor


# --- SPC ----------------------------------------------------------------------------------------

spc_values = st.lists(st.integers(-1000, 1000).map(Decimal), min_size=2, max_size=30)


@given(spc_values, st.integers(-1000, 1000).map(Decimal))
def test_limits_are_translation_equivariant(values: list[Decimal], c: Decimal) -> None:
    a = rs.xmr_limits(values)
    b = rs.xmr_limits([v + c for v in values])
    assert abs(b.mean - a.mean - c) < Decimal("1e-20")
    for x, y in ((a.upper_process_limit, b.upper_process_limit), (a.lower_process_limit, b.lower_process_limit)):
        assert x is not None and y is not None and abs(y - x - c) < Decimal("1e-20")
    ra = rs.analyse_spc(values)
    rb = rs.analyse_spc([v + c for v in values])
    assert [p.point_type for p in ra.points] == [p.point_type for p in rb.points]


@given(spc_values, st.integers(1, 100).map(Decimal))
def test_limits_are_scale_equivariant(values: list[Decimal], k: Decimal) -> None:
    a = rs.xmr_limits(values)
    b = rs.xmr_limits([v * k for v in values])
    assert abs(b.mean - a.mean * k) < Decimal("1e-18")
    assert a.upper_process_limit is not None and b.upper_process_limit is not None
    assert abs(b.upper_process_limit - a.upper_process_limit * k) < Decimal("1e-18")


@given(st.integers(-1000, 1000).map(Decimal), st.integers(1, 40))
def test_a_constant_series_has_no_special_cause(v: Decimal, n: int) -> None:
    result = rs.analyse_spc([v] * n)
    assert all(p.point_type == "common_cause" for p in result.points)
    assert not result.signals
