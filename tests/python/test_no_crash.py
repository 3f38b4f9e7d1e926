"""No input, whatever its kind, raises anything but `RagstatusError` (a `ValueError`).

Every public function and constructor is called with a valid set of arguments in which one
argument at a time is replaced by a value drawn from a broad strategy: text (decimal-looking,
date-looking, period-looking and arbitrary), floats including NaN and the infinities, integers up
to far beyond 64 bits, Decimals including NaN, sNaN and the infinities, None, bools, dates and
datetimes, numpy and pandas scalars (NaN, NA, NaT), bytes, containers and plain objects. Then
every public method of an instance of every public class is called with drawn arguments.

The only other exception allowed is Python's own `TypeError` for a call that does not fit the
signature (a wrong number of arguments, an unknown keyword), which these calls never make, so
in practice: `RagstatusError` or a result. A `PanicException` (a `BaseException`) fails the test.
"""

from __future__ import annotations

import datetime
import inspect
import sys
from decimal import Decimal
from pathlib import Path
from typing import Any, Callable

import numpy as np
import pandas as pd
import polars as pl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import ragstatus as rs

sys.path.insert(0, str(Path(__file__).resolve().parent))
from test_pickling import INSTANCES  # noqa: E402

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "council-q3"

SPECIAL_DECIMALS = [Decimal(x) for x in ("NaN", "-NaN", "sNaN", "Infinity", "-Infinity", "-0", "1E+40", "1E-40")]

scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(2**40), max_value=2**40),
    st.integers(min_value=2**63 - 5, max_value=2**200),
    st.integers(max_value=-(2**63) + 5, min_value=-(2**200)),
    st.floats(allow_nan=True, allow_infinity=True),
    st.sampled_from([float("nan"), float("inf"), float("-inf"), -0.0, 1e300, 5e-324]),
    st.decimals(allow_nan=True, allow_infinity=True),
    st.sampled_from(SPECIAL_DECIMALS),
    st.text(max_size=16),
    st.from_regex(r"-?[0-9]{1,30}(\.[0-9]{0,30})?([eE][+-]?[0-9]{1,4})?", fullmatch=True),
    st.from_regex(r"(FY)?[0-9]{1,5}[/-][0-9]{1,4} ?[QMHqmh]?[0-9]{0,3}", fullmatch=True),
    st.from_regex(r"[0-9]{1,4}[-/][0-9]{1,2}[-/][0-9]{1,4}", fullmatch=True),
    st.sampled_from(["nan", "NaN", "inf", "-Infinity", "sNaN", "", " ", "1,234", "(443)", "£1", "12%"]),
    st.dates(),
    st.datetimes(),
    st.sampled_from(
        [np.float64("nan"), np.float64("inf"), np.int64(2**62), np.bool_(True), np.float32(1.5), pd.NA, pd.NaT]
    ),
    st.binary(max_size=8),
    st.just(rs.Period("2015/16 Q3")),
)
values = st.one_of(
    scalars,
    st.lists(scalars, max_size=4),
    st.dictionaries(st.text(max_size=10), scalars, max_size=3),
    st.tuples(scalars, scalars),
    st.just(object()),
    st.just(frozenset({1})),
)

DEFS = rs.Definitions(EXAMPLE / "indicators.toml")
ACTUALS_FRAME = pd.DataFrame(
    {"indicator": ["SW-01", "SW-02"], "period": ["2015/16 Q3", "2015/16 Q3"], "value": [90.5, 17.0]}
)
BUDGET_FRAME = pd.DataFrame(
    {
        "id": ["A"],
        "group": ["Fund > Dir"],
        "kind": ["expenditure"],
        "budget": [100],
        "forecast": [104],
    }
)
MILESTONE_FRAME = pd.DataFrame({"id": ["M1"], "description": ["d"], "due": ["2016-03-31"]})
LINE = {"id": "A", "kind": "expenditure", "base": "gross", "budget": 100, "forecast": 104, "group": ["Fund", "Dir"]}
MILESTONE = {"id": "M1", "description": "d", "due": "2016-03-31", "start": "2015-04-01", "percent_complete": 50}
MILESTONE_ARGS = {"description": "d", "start": "2015-04-01", "percent_complete": 50, "completed": None, "owner": "x"}

FUNNEL_FRAME = pd.DataFrame({"x": [30, 45, 200], "n": [100, 100, 1000]})


def _plot_funnel(result: Any, title: Any = None) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    try:
        rs.plot_funnel(result, title=title)
    finally:
        plt.close("all")


def _plot(result: Any, title: Any = None) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    try:
        rs.plot_spc(result, title=title)
    finally:
        plt.close("all")


# name -> (callable, positional arguments, keyword arguments): a call that succeeds.
BASE: dict[str, tuple[Callable[..., Any], tuple[Any, ...], dict[str, Any]]] = {
    "to_decimal": (rs.to_decimal, ("94.95",), {}),
    "resolve": (rs.resolve, ((412, 450),), {"multiplier": 100}),
    "aggregate": (rs.aggregate, ("ratio", [(1, 2), (3, 4)]), {"multiplier": 100}),
    "rate": (
        rs.rate,
        (44.1, 45),
        {"polarity": "higher", "tolerance": {"absolute": 2}, "stretch": 50, "unit": "percent", "decimals": 1},
    ),
    "rate_scheme": (
        rs.rate,
        (44.1, 45),
        {
            "polarity": "higher",
            "scheme": {"measure": "shortfall", "bands": [{"status": "Green", "le": "0"}, {"status": "Red", "gt": "0"}]},
            "blue": False,
        },
    ),
    "rate_rule": (rs.rate, (44.1, 45), {"rule": rs.Rule("higher"), "not_due": False, "no_value_reason": None}),
    "simd_level": (rs.simd_level, (), {}),
    "parse_number": (rs.parse_number, ("1,842.5",), {"form": "plain", "unit": None}),
    "rate_array": (rs.rate_array, ([1, 2, None], 2), {"polarity": "higher", "tolerance": {"relative": 5}, "stretch": 3}),
    "rate_array_decimals": (
        rs.rate_array,
        ([1.5, 2.25, float("nan")], 2),
        {"polarity": "lower", "decimals": 2, "blue": False},
    ),
    "rate_array_rule": (rs.rate_array, ([1.5] * 600, 2), {"rule": rs.Rule("higher"), "decimals": 1}),
    "compare_direction": (
        rs.compare_direction,
        ("higher", 2, 1),
        {"range": None, "stable": {"absolute": "0.5"}},
    ),
    "direction_by_regression": (rs.direction_by_regression, ("lower", [1, 2, 3, 4]), {"stable": {"relative": 1}}),
    "summarize": (rs.summarize, (list(INSTANCES["IndicatorResult"]),), {"rule": None}),
    "FiscalCalendar": (rs.FiscalCalendar, (4,), {}),
    "Period": (rs.Period, ("2015/16 Q3", 4), {}),
    "YearToDate": (rs.YearToDate, (rs.Period("2015/16 Q3"),), {}),
    "Rounding": (rs.Rounding, (1, "half_even"), {}),
    "Rule": (rs.Rule, ("higher", {"absolute": 1}), {"blue": True}),
    "Scheme": (rs.Scheme, ({"measure": "shortfall", "bands": [{"status": "Green", "le": "0"}, {"status": "Red", "gt": "0"}]},), {}),
    "TargetSpec": (rs.TargetSpec, ({"year": "2015/16", "value": "45", "stretch": "50"},), {}),
    "Indicator": (
        rs.Indicator,
        ({"id": "X", "name": "x", "polarity": "higher", "target": [{"value": "1"}]},),
        {"calendar": rs.FiscalCalendar(4)},
    ),
    "Definitions": (rs.Definitions, (EXAMPLE / "indicators.toml",), {}),
    "Definitions.evaluate": (DEFS.evaluate, ("2015/16 Q3", {"SW-02": {"2015/16 Q3": "17.5"}}), {}),
    "evaluate_frame": (rs.evaluate_frame, (ACTUALS_FRAME, DEFS, "2015/16 Q3"), {}),
    "evaluate_frame_polars": (rs.evaluate_frame, (pl.from_pandas(ACTUALS_FRAME), DEFS, "2015/16 Q3"), {}),
    "actuals_from_frame": (rs.actuals_from_frame, (ACTUALS_FRAME, DEFS), {}),
    "evaluate_frame_keyed": (rs.evaluate_frame, (ACTUALS_FRAME.assign(org="A"), DEFS), {"by": ["org"]}),
    "summary_frame": (rs.summary_frame, (rs.evaluate_frame(ACTUALS_FRAME, DEFS, "2015/16 Q3"),), {"group": "group"}),
    "BudgetLine": (rs.BudgetLine, ("A", "expenditure", "gross", 100, 104), {"group": "Fund > Dir", "actual": 50}),
    "BudgetSettings": (rs.BudgetSettings, ("Fund",), {"levels": None}),
    "BudgetReport": (rs.BudgetReport, ([LINE],), {"settings": None}),
    "roll_up": (rs.roll_up, ([LINE],), {"settings": {"fund": "Fund"}}),
    "evaluate_budget_line": (rs.evaluate_budget_line, (LINE,), {"level": None}),
    "parse_amount": (rs.parse_amount, ("(1,234)", "thousands"), {}),
    "read_budget_csv": (rs.read_budget_csv, (EXAMPLE / "budget.csv", "thousands"), {"default_base": "gross"}),
    "roll_up_frame": (rs.roll_up_frame, (BUDGET_FRAME,), {"settings": None}),
    "Milestone": (rs.Milestone, ("M1", "2016-03-31"), MILESTONE_ARGS),
    "MilestoneSettings": (rs.MilestoneSettings, (14,), {"progress_margin": 10}),
    "evaluate_milestone": (rs.evaluate_milestone, (MILESTONE, "2016-01-01"), {"settings": None}),
    "evaluate_milestones": (rs.evaluate_milestones, ([MILESTONE], datetime.date(2016, 1, 1)), {}),
    "parse_date": (rs.parse_date, ("04/03/2016",), {}),
    "read_milestones_csv": (rs.read_milestones_csv, (EXAMPLE / "milestones.csv",), {}),
    "milestones_frame": (rs.milestones_frame, (MILESTONE_FRAME, "2016-01-01"), {}),
    "analyse_spc": (rs.analyse_spc, (list(range(20)),), {"labels": None, "settings": None}),
    "analyse_spc_chart": (
        rs.analyse_spc,
        (list(range(20)),),
        {"denominators": [30] * 20, "chart": "p_prime", "exclude": [{"at": 3, "reason": "audit"}]},
    ),
    "xmr_limits": (rs.xmr_limits, ([1, 2, 4, 3],), {"screen_outliers": True}),
    "spc_frame": (rs.spc_frame, (list(range(15)),), {}),
    "plot_spc": (_plot, (rs.analyse_spc(list(range(15))),), {"title": "A chart"}),
    "icon_summary": (
        rs.icon_summary,
        ({"A": rs.analyse_spc(list(range(15)), target=3)},),
        {"names": {"A": "An indicator"}, "svg": True, "polars": False},
    ),
    "icon_summary_frame": (
        rs.icon_summary_frame,
        (pd.DataFrame({"id": ["A"] * 4 + ["B"] * 3, "month": [1, 2, 3, 4, 1, 2, 3], "value": [1, 3, 2, 4, 5, 5, 6]}),),
        {"by": "id", "value": "value", "period": "month", "svg": True, "target": 3},
    ),
    "icon_svg": (rs.icon_svg, ("variation", "improvement_high"), {}),
    "icon_text": (rs.icon_text, ("assurance", "inconsistent"), {}),
    "benchmark": (rs.benchmark, (3, [1, 2, 4, 5]), {"polarity": "higher", "scheme": True, "unit": "percent"}),
    "proportion_interval": (rs.proportion_interval, (81, 263), {"level": "95", "multiplier": 100}),
    "rate_interval": (rs.rate_interval, (48, 10000), {"level": "99.8", "multiplier": 100000}),
    "ratio_interval": (rs.ratio_interval, (120, 100), {"level": "95", "multiplier": 100}),
    "dsr_interval": (rs.dsr_interval, ([10, 40], [10000, 8000], [60000, 40000]), {"level": "95", "multiplier": 100000}),
    "compare_with_benchmark": (
        rs.compare_with_benchmark,
        (rs.proportion_interval(81, 263, "95", 100), 40, "higher"),
        {"interval_998": rs.proportion_interval(81, 263, "99.8", 100), "name": "England"},
    ),
    "quantile_bands": (rs.quantile_bands, ([1, 2, None, 4, 5, 6],), {"bands": 4, "preference": "higher"}),
    "recent_trend_proportions": (
        rs.recent_trend_proportions,
        ([994, 1023, 1199, 1332, 1367], [40299, 41527, 42811, 44064, 44701]),
        {"preference": "lower"},
    ),
    "recent_trend_intervals": (
        rs.recent_trend_intervals,
        ([24.67, 24.6, 28, 30.2, 30.6], [23.16, 23.15, 26.44, 28.63, 28.98], [26.25, 26.19, 29.64, 31.9, 32.25]),
        {"preference": "none"},
    ),
    "quantile_frame": (
        rs.quantile_frame,
        (pd.DataFrame({"g": ["a"] * 4 + ["b"], "v": [1, 2, 3, 4, 5]}),),
        {"value": "v", "by": "g", "bands": 4, "preference": "higher"},
    ),
    "analyse_funnel": (
        rs.analyse_funnel,
        ([30, 45, 200, 350], [100, 100, 1000, 1000], "proportion"),
        {"multiplier": 100, "centre": None, "preference": "higher", "overdispersion": True,
         "winsor": "0.1", "limits_at": [10, 100]},
    ),
    "funnel_limits": (rs.funnel_limits, ([10, 100], 50, "rate"), {"multiplier": 100, "tau2": "0.001"}),
    "funnel_frame": (
        rs.funnel_frame,
        (FUNNEL_FRAME, "proportion"),
        {"numerator": "x", "denominator": "n", "multiplier": 100, "centre": 30, "preference": "lower",
         "overdispersion": False, "winsor": None},
    ),
    "interval_frame": (rs.interval_frame, (FUNNEL_FRAME, "rate"), {"numerator": "x", "denominator": "n", "multiplier": 1000}),
    "plot_funnel": (_plot_funnel, (rs.analyse_funnel([30, 45], [100, 100]),), {"title": "A funnel"}),
}


def _slots() -> list[tuple[str, str]]:
    out = []
    for name, (_, args, kwargs) in BASE.items():
        out += [(name, str(i)) for i in range(len(args))]
        out += [(name, k) for k in kwargs]
    return out


def _call(name: str, slot: str, value: Any) -> None:
    fn, args, kwargs = BASE[name]
    args = list(args)
    kwargs = dict(kwargs)
    if slot.isdigit():
        args[int(slot)] = value
    else:
        kwargs[slot] = value
    try:
        fn(*args, **kwargs)
    except rs.RagstatusError:
        pass


def test_the_base_calls_succeed() -> None:
    for name, (fn, args, kwargs) in BASE.items():
        fn(*args, **kwargs)
    # every public function and constructor is swept
    callables = {n for n in rs.__all__ if callable(getattr(rs, n))}
    swept = set(BASE)  # keyed by the public name (plus variants such as "rate_scheme")
    exceptions = {n for n in callables if isinstance(getattr(rs, n), type) and issubclass(getattr(rs, n), BaseException)}
    # classes only built by the library: results, summaries and SPC output
    built_only = {
        "Evaluation", "Explanation", "Rating", "Travel", "IndicatorResult", "Resolved", "Summary", "GroupSummary",
        "Counts", "BudgetResult", "MilestoneResult", "SpcPoint", "SpcResult", "SpcSegment", "SpcSignal", "XmrLimits",
        "Benchmark", "StatusCode", "RunsAnalysis",
    }  # fmt: skip
    assert callables - exceptions - built_only <= swept, callables - exceptions - built_only - swept


@pytest.mark.parametrize(("name", "slot"), _slots())
@settings(max_examples=25, suppress_health_check=[HealthCheck.too_slow])
@given(value=values)
def test_any_argument_raises_only_ragstatus_errors(name: str, slot: str, value: Any) -> None:
    _call(name, slot, value)


def _methods() -> list[tuple[str, str, int]]:
    out = []
    for cls, objs in INSTANCES.items():
        obj = objs[0]
        for attr in dir(type(obj)):
            if attr.startswith("_"):
                continue
            member = inspect.getattr_static(type(obj), attr)
            if isinstance(member, property) or type(member).__name__ == "getset_descriptor":
                continue
            fn = getattr(obj, attr)
            if not callable(fn):
                continue
            try:
                sig = inspect.signature(fn)
            except (TypeError, ValueError):
                continue
            required = [
                p
                for p in sig.parameters.values()
                if p.default is inspect.Parameter.empty and p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD)
            ]
            out.append((cls, attr, len(required)))
    return out


METHODS = _methods()


def test_methods_are_found() -> None:
    assert len(METHODS) > 60
    assert ("Period", "offset", 1) in METHODS and ("Definitions", "evaluate", 2) in METHODS


@pytest.mark.parametrize(("cls", "method", "arity"), METHODS)
@settings(max_examples=15, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_any_method_argument_raises_only_ragstatus_errors(cls: str, method: str, arity: int, data: Any) -> None:
    args = [data.draw(values) for _ in range(arity)]
    for obj in INSTANCES[cls][:2]:
        try:
            getattr(obj, method)(*args)
        except rs.RagstatusError:
            pass
