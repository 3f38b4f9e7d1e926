"""The SPC chart family through the Python API (SPEC §12a): chart types, denominators,
excluded points, process changes, the frame form. The shared vectors (``spc_family.json``) run
in ``test_vectors.py``.
"""

from __future__ import annotations

import pickle
from decimal import Decimal

import pyarrow as pa
import pytest

import ragstatus as rs

EVENTS = [12, 15, 8, 10, 4, 7, 16, 9, 14, 10, 5, 6, 17, 12, 22, 8, 10, 5, 13, 11, 20, 18, 24, 15, 9, 12, 7, 13, 9, 6]


def test_p_chart_montgomery_example() -> None:
    result = rs.analyse_spc(EVENTS, denominators=[50] * 30, chart="p", improvement="decrease")
    assert result.chart == "p"
    point = result.points[14]
    assert point.value == Decimal("0.44")
    assert point.denominator == Decimal(50)
    assert point.mean == Decimal(347) / Decimal(1500)
    assert round(point.upper_process_limit, 4) == Decimal("0.4102")  # type: ignore[arg-type]
    assert round(point.lower_process_limit, 4) == Decimal("0.0524")  # type: ignore[arg-type]
    assert point.rules == ["outside"]
    assert point.point_type == "special_cause_concern"


def test_varying_denominators_give_each_point_its_limits() -> None:
    result = rs.analyse_spc([3, 5, 2, 6], denominators=[100, 400, 100, 400], chart="u")
    small, large = result.points[0], result.points[1]
    assert small.upper_process_limit > large.upper_process_limit  # type: ignore[operator]
    assert result.points[2].upper_process_limit == small.upper_process_limit


def test_laney_prime_widens_overdispersed_limits() -> None:
    values = [3100, 2900, 3500, 2800, 3300, 3000, 3400, 3050, 2950, 3150, 2900, 3250]
    exposure = [100000, 95000, 110000, 98000, 104000, 99000, 101000, 100000, 97000, 102000, 96000, 103000]
    u = rs.analyse_spc(values, denominators=exposure, chart="u")
    prime = rs.analyse_spc(values, denominators=exposure, chart="u_prime")
    width = lambda p: p.upper_process_limit - p.lower_process_limit  # noqa: E731
    assert all(width(a) < width(b) for a, b in zip(u.points, prime.points))
    assert prime.segments[0].limits.moving_ranges_used == 11
    assert [p.index for p in u.points if p.rules] == [3, 6]
    assert not any(p.rules for p in prime.points)


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"chart": "p"}, "denominators"),
        ({"chart": "c", "denominators": [5, 5]}, "denominators"),
        ({"chart": "p", "denominators": [5, 1]}, "values[1]"),
        ({"chart": "u", "denominators": [0, 5]}, "denominators[0]"),
        ({"chart": "t", "values": [3, 0]}, "values[1]"),
        ({"exclude": [{"at": 1, "reason": ""}]}, "exclude[0]"),
        ({"process_changes": [{"at": 9, "reason": "x"}]}, "process_changes[0]"),
    ],
)
def test_bad_input_is_a_typed_error_naming_its_field(kwargs: dict, field: str) -> None:
    values = kwargs.pop("values", [1, 2])
    with pytest.raises(rs.RagstatusError) as err:
        rs.analyse_spc(values, **kwargs)
    assert err.value.field == field


def test_unknown_chart_is_refused() -> None:
    with pytest.raises(rs.RagstatusError):
        rs.analyse_spc([1, 2, 3], chart="xbar")


def test_excluded_point_is_shown_with_its_reason_and_left_out() -> None:
    values = [10, 11, 10, 12, 11, 50, 10, 11, 12, 10, 11, 10]
    plain = rs.analyse_spc(values)
    ghosted = rs.analyse_spc(values, exclude=[{"at": 5, "reason": "data entry error"}])
    assert plain.points[5].rules == ["outside"]
    point = ghosted.points[5]
    assert point.excluded == "data entry error"
    assert point.rules == [] and point.point_type == "common_cause"
    assert point.explanation == "excluded from the lines and rules: data entry error"
    assert ghosted.segments[0].limits.baseline_points == 11
    assert ghosted.segments[0].limits.mean < plain.segments[0].limits.mean


def test_process_change_reason_reaches_the_segment_and_summary() -> None:
    values = [10, 11, 10, 12, 11, 10, 20, 21, 20, 22, 21, 20]
    result = rs.analyse_spc(values, process_changes=[{"at": 6, "reason": "new triage model"}])
    assert [s.reason for s in result.segments] == [None, "new triage model"]
    assert "limits recalculated from point 7: new triage model" in result.explanation


def test_run_chart_runs_analysis_round_trips() -> None:
    values = [1, 1, 2, 1, 1, 9, 8, 9, 9, 9, 1, 2, 1, 1, 1, 9, 9, 8, 9, 9]
    result = rs.analyse_spc(values, chart="run")
    runs = result.segments[0].runs
    assert runs is not None
    assert (runs.useful_points, runs.crossings, runs.crossings_min, runs.signal) == (20, 3, 6, True)
    assert pickle.loads(pickle.dumps(runs)) == runs
    assert rs.RunsAnalysis.from_json(runs.to_json()) == runs
    assert pickle.loads(pickle.dumps(result)) == result
    assert "crosses the median 3 times" in result.explanation
    assert rs.analyse_spc([1, 2, 3]).segments[0].runs is None


def test_spc_frame_takes_a_chart_and_a_denominator_column() -> None:
    table = pa.table(
        {
            "ward": ["A", "A", "A", "B", "B", "B"],
            "events": [1, 3, 2, 4, 5, 6],
            "cases": [10, 20, 10, 40, 40, 40],
        }
    )
    out = rs.spc_frame(table, by="ward", value="events", denominator="cases", chart="p")
    single = rs.analyse_spc([1, 3, 2], denominators=[10, 20, 10], chart="p")
    rows = out.to_pylist()
    assert [r["value"] for r in rows[:3]] == [p.value for p in single.points]
    assert [r["upper_process_limit"] for r in rows[:3]] == [
        p.upper_process_limit for p in single.points
    ]
    series = rs.spc_frame([1, 3, 2], denominators=[10, 20, 10], chart="p")
    assert list(series["value"]) == [p.value for p in single.points]
    with pytest.raises(rs.InvalidValueError):
        rs.spc_frame([1, 2], denominator="cases")


CHARTS = ["xmr", "run", "p", "p_prime", "u", "u_prime", "c", "g", "t"]


@pytest.mark.parametrize("chart", CHARTS)
def test_spc_frame_explain_false_leaves_only_the_sentences_out(chart: str) -> None:
    # Three series of 24 points with a shift, a trend and an outlier, so rules fire.
    events = [12, 15, 8, 10, 4, 7, 16, 9, 14, 10, 5, 6, 17, 12, 22, 8, 10, 5, 13, 11, 20, 18, 24, 15]
    wards, values, cases, months = [], [], [], []
    for k, ward in enumerate(["A", "B", "C"]):
        shifted = [v + (9 if i >= 14 and k == 1 else 0) for i, v in enumerate(events)]
        if k == 2:
            # Within the P chart's denominators, and far enough out for the G chart's wide limits.
            shifted[20] = 49 if chart in ("p", "p_prime", "u", "u_prime") else 500
        wards += [ward] * 24
        values += shifted
        cases += [60 + 10 * (i % 4) for i in range(24)]
        months += [f"{2015 + (i + 3) // 12}-{(i + 3) % 12 + 1:02d}-01" for i in range(24)]
    columns = {"ward": wards, "month": months, "value": values}
    options: dict = {"by": "ward", "period": "month", "chart": chart}
    if chart in ("p", "p_prime", "u", "u_prime"):
        columns["n"] = cases
        options["denominator"] = "n"
    if chart == "t":
        columns["value"] = [v + 1 for v in values]
    table = pa.table(columns)
    full = rs.spc_frame(table, **options)
    lean = rs.spc_frame(table, explain=False, **options)
    assert lean.schema == full.schema
    assert full.column("error").null_count == full.num_rows
    assert full.column("explanation").null_count == 0
    assert lean.column("explanation").null_count == lean.num_rows
    for name in full.schema.names:
        if name != "explanation":
            assert lean.column(name).equals(full.column(name)), name
    if chart != "run":
        assert any(t != "common_cause" for t in full.column("point_type").to_pylist())


def test_spc_frame_explain_false_is_for_frames() -> None:
    with pytest.raises(rs.InvalidValueError, match="explain"):
        rs.spc_frame([1, 2, 3], explain=False)
