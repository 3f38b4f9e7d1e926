"""Every public class pickles: an instance built through the public API from the bundled example
data (examples/council-q3) survives `pickle.dumps` / `pickle.loads` equal to the original, with
the same repr, and the same hash where the class is hashable.

The list of classes is taken from `ragstatus.__all__`, so a class added to the public API without
pickling support fails here until it gets one.
"""

from __future__ import annotations

import csv
import datetime
import inspect
import pickle
from pathlib import Path
from typing import Any

import pytest

import ragstatus as rs

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "council-q3"


def _actuals(defs: rs.Definitions) -> dict[str, dict[str, Any]]:
    out: dict[str, dict[str, Any]] = {}
    with open(EXAMPLE / "actuals.csv", newline="", encoding="utf-8") as f:
        for row in csv.DictReader(f):
            if row["value"]:
                obs: Any = row["value"]
            else:
                obs = (row["numerator"], row["denominator"])
            out.setdefault(row["indicator"], {})[row["period"]] = obs
    # One unknown indicator, so that the evaluation carries an error too.
    out["XX-99"] = {"2015/16 Q3": 1}
    return out


def _instances() -> dict[str, list[Any]]:
    """At least one instance of every public class, keyed by class name."""
    defs = rs.Definitions(EXAMPLE / "indicators.toml")
    actuals = _actuals(defs)
    evaluation = defs.evaluate("2015/16 Q3", actuals)
    assert evaluation.results and evaluation.errors
    result = evaluation.results[0]
    summary = evaluation.summary()
    indicator = defs.get("SW-01")
    assert indicator is not None
    spc = indicator.spc("2015/16 Q3", actuals["SW-01"])
    run_chart = rs.analyse_spc(
        [1, 1, 2, 1, 9, 8, 9, 9], chart="run", exclude=[{"at": 2, "reason": "audit"}]
    )
    assert spc is not None and spc.signals, "the example's SW-01 shows an SPC signal"

    settings = rs.BudgetSettings.from_toml((EXAMPLE / "budget-settings.toml").read_text(encoding="utf-8"))
    lines, budget_errors = rs.read_budget_csv(EXAMPLE / "budget.csv", "thousands")
    assert lines and not budget_errors
    report = rs.roll_up(lines, settings)

    milestones, milestone_errors = rs.read_milestones_csv(EXAMPLE / "milestones.csv")
    assert milestones and not milestone_errors
    milestone_settings = rs.MilestoneSettings()
    milestone_results, _ = rs.evaluate_milestones(milestones, datetime.date(2015, 12, 31), milestone_settings)

    with open(EXAMPLE / "comparators.csv", newline="", encoding="utf-8") as f:
        comparators = [r["value"] for r in csv.DictReader(f) if r["indicator"] == "SW-01"]
    assert result.actual is not None

    period = rs.Period("2015/16 Q3")
    return {
        "FiscalCalendar": [defs.calendar, rs.FiscalCalendar(1)],
        "Period": [period, rs.Period("2016 M2", 1)],
        "YearToDate": [period.year_to_date()],
        "Resolved": [rs.resolve(("412", "450"), 100), rs.resolve((1, 0)), rs.aggregate("sum", [1, None])],
        "Rounding": [rs.Rounding(1), rs.Rounding(2, "half_even")],
        "Rule": [indicator.rule, rs.Rule("within", {"relative": 5}, blue=False)],
        "Scheme": [
            rs.Scheme(
                {"measure": "shortfall", "bands": [{"status": "Green", "le": "0"}, {"status": "Red", "gt": "0"}]}
            )
        ],
        "TargetSpec": indicator.targets,
        "Rating": [result.rating, rs.rate(None, 45, polarity="higher")],
        "Explanation": [result.rating.explanation, rs.rate(1, (0, 2), polarity="within").explanation],
        "Travel": [result.previous, result.year_ago],
        "Definitions": [defs],
        "Indicator": defs.indicators,
        "IndicatorResult": evaluation.results,
        "Evaluation": [evaluation, defs.evaluate("2015/16 Q2", {})],
        "Summary": [summary],
        "GroupSummary": [summary.overall, *summary.groups],
        "Counts": [summary.overall.counts],
        "BudgetLine": lines,
        "BudgetSettings": [settings, rs.BudgetSettings()],
        "BudgetResult": report.results,
        "BudgetReport": [report],
        "Milestone": milestones,
        "MilestoneSettings": [milestone_settings],
        "MilestoneResult": milestone_results,
        "XmrLimits": [spc.segments[0].limits],
        "SpcSegment": spc.segments,
        "SpcPoint": spc.points,
        "SpcSignal": spc.signals,
        "SpcResult": [spc, run_chart],
        "RunsAnalysis": [s.runs for s in run_chart.segments if s.runs is not None],
        "Benchmark": [rs.benchmark(result.actual, comparators, "higher", scheme=True)],
    }


INSTANCES = _instances()
PUBLIC_CLASSES = sorted(
    name
    for name in rs.__all__
    if inspect.isclass(getattr(rs, name))
    and not issubclass(getattr(rs, name), BaseException)
    and name != "StatusCode"  # an IntEnum: pickled by the enum module
)


def test_every_public_class_has_instances() -> None:
    assert set(INSTANCES) == set(PUBLIC_CLASSES)
    for name, objs in INSTANCES.items():
        assert objs, name
        for obj in objs:
            assert type(obj) is getattr(rs, name)


@pytest.mark.parametrize("name", PUBLIC_CLASSES)
@pytest.mark.parametrize("protocol", [2, pickle.HIGHEST_PROTOCOL])
def test_pickle_round_trip(name: str, protocol: int) -> None:
    for obj in INSTANCES[name]:
        again = pickle.loads(pickle.dumps(obj, protocol=protocol))
        assert type(again) is type(obj)
        assert again == obj, name
        assert not (again != obj)
        assert repr(again) == repr(obj)
        if type(obj).__hash__ is not None:
            assert hash(again) == hash(obj)


def test_evaluation_round_trip_keeps_errors_and_results() -> None:
    (evaluation, *_) = INSTANCES["Evaluation"]
    again = pickle.loads(pickle.dumps(evaluation))
    assert [r.to_dict() for r in again.results] == [r.to_dict() for r in evaluation.results]
    (err,) = again.errors
    assert isinstance(err, rs.UnknownIndicatorError) and err.indicator == "XX-99"
    assert rs.Evaluation.from_json(evaluation.to_json()) == evaluation
    assert evaluation.to_dict()["errors"]
    other = INSTANCES["Evaluation"][1]
    assert other != evaluation


def test_exceptions_pickle_with_their_context() -> None:
    (evaluation, *_) = INSTANCES["Evaluation"]
    (err,) = evaluation.errors
    again = pickle.loads(pickle.dumps(err))
    assert type(again) is type(err) and str(again) == str(err)
    assert (again.indicator, again.period, again.kind) == (err.indicator, err.period, err.kind)
    with pytest.raises(rs.InvalidValueError) as info:
        rs.Definitions(EXAMPLE / "indicators.toml").evaluate("2015/16 Q3", {"SW-02": {"2015/16 Q3": "n/a"}})
    again = pickle.loads(pickle.dumps(info.value))
    assert (again.indicator, again.period, again.details) == ("SW-02", "2015/16 Q3", info.value.details)


def test_status_code_pickles() -> None:
    assert pickle.loads(pickle.dumps(rs.StatusCode.Amber)) is rs.StatusCode.Amber


@pytest.mark.parametrize("name", PUBLIC_CLASSES)
def test_frozen_with_a_useful_repr(name: str) -> None:
    for obj in INSTANCES[name]:
        text = repr(obj)
        assert text.startswith(f"{name}(") and " object at 0x" not in text, text
        with pytest.raises(AttributeError):
            obj.anything = 1
        public = [a for a in dir(obj) if not a.startswith("_")]
        for attr in public:
            if isinstance(getattr(type(obj), attr, None), property) or type(getattr(type(obj), attr, None)).__name__ == "getset_descriptor":
                with pytest.raises(AttributeError):
                    setattr(obj, attr, None)
