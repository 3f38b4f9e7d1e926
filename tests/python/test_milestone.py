"""Milestones through the Python API: CSV, frames and properties.

The shared vectors (kind ``milestone``) run in ``test_vectors.py``, with every other kind.
"""

from __future__ import annotations

import datetime
import pickle
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import ragstatus as rs

ROOT = Path(__file__).resolve().parents[2]
DATA = ROOT / "crates" / "ragstatus" / "tests" / "data"

D = datetime.date


def test_result_and_types() -> None:
    m = rs.Milestone("M-01", "04/03/2016", description="Adopt the Local Plan", owner="Planning")
    assert m.due == D(2016, 3, 4)
    r = rs.evaluate_milestone(m, D(2016, 3, 10))
    assert (r.state, r.status, r.code, r.rule, r.days_from_due) == ("Overdue", "Red", 0, "past_due", 6)
    assert r.sentence == "Due 4 March 2016, not complete as of 10 March 2016: 6 days overdue"
    assert isinstance(r.as_of, D) and r.owner == "Planning"
    pd = pytest.importorskip("pandas")
    ts = rs.Milestone("T", pd.Timestamp("2016-03-04 13:00"), percent_complete=55.5)
    assert ts.due == D(2016, 3, 4) and ts.percent_complete == Decimal("55.5")


def test_settings() -> None:
    s = rs.MilestoneSettings()
    assert (s.warning_days, s.progress_margin) == (14, Decimal(10))
    off = rs.MilestoneSettings(7, None)
    assert off.progress_margin is None and rs.MilestoneSettings(progress_margin="off") == off.__class__(14, None)
    assert rs.MilestoneSettings.from_dict({"warning_days": 7, "progress_margin": "off"}) == off
    behind = rs.Milestone("B", D(2016, 12, 31), start=D(2016, 1, 1), percent_complete=20)
    assert rs.evaluate_milestone(behind, D(2016, 7, 1)).state == "AtRisk"
    assert rs.evaluate_milestone(behind, D(2016, 7, 1), off).state == "OnTrack"
    assert rs.evaluate_milestone(behind, D(2016, 7, 1), {"progress_margin": 40}).state == "OnTrack"
    with pytest.raises(rs.InvalidValueError) as info:
        rs.MilestoneSettings(warning_days=-1)
    assert info.value.field == "warning_days"
    with pytest.raises(rs.InvalidValueError):
        rs.MilestoneSettings(progress_margin=-5)
    assert repr(off) == "MilestoneSettings(warning_days=7, progress_margin='off')"


def test_pickling_equality_repr() -> None:
    m = rs.Milestone("M", D(2016, 3, 4), completed="2016-03-01", percent_complete=100)
    r = rs.evaluate_milestone(m, D(2016, 3, 10))
    for obj in (m, r, rs.MilestoneSettings(3, 5)):
        assert pickle.loads(pickle.dumps(obj)) == obj
        assert hash(obj) == hash(pickle.loads(pickle.dumps(obj)))
    assert repr(m) == (
        "Milestone(id='M', due=datetime.date(2016, 3, 4), completed=datetime.date(2016, 3, 1), "
        "percent_complete=Decimal('100'))"
    )
    assert rs.Milestone.from_dict(m.to_dict()) == m
    assert r.state == "Complete" and "MilestoneResult(id='M', state='Complete'" in repr(r)


def test_bulk_lists_errors() -> None:
    ms = [
        rs.Milestone("A", D(2016, 3, 4)),
        rs.Milestone("B", D(2016, 3, 4), percent_complete=150),
        rs.Milestone("A", D(2016, 4, 4)),
    ]
    results, errors = rs.evaluate_milestones(ms, D(2016, 3, 1))
    assert [r.id for r in results] == ["A"]
    assert [(e.kind, e.indicator) for e in errors] == [("InvalidValue", "B"), ("Duplicate", "A")]
    with pytest.raises(rs.InvalidValueError):
        ms[1].validate()


def test_read_milestones_csv() -> None:
    path = DATA / "milestones.csv"
    milestones, errors = rs.read_milestones_csv(path)
    assert milestones[0].id == "M-01" and milestones[0].percent_complete == Decimal(60)
    assert milestones[1].due == D(2016, 3, 31)
    bad = [(e.line, e.column, e.indicator) for e in errors]
    assert (4, "due", "M-03") in bad
    assert all(e.file == str(path) for e in errors)
    text = path.read_text(encoding="utf-8")
    assert rs.read_milestones_csv(text, file="plan.csv")[1][0].file == "plan.csv"
    with pytest.raises(rs.RagstatusError):
        rs.read_milestones_csv("id,when\nA,2016-01-01\n")


def test_milestones_frame() -> None:
    pd = pytest.importorskip("pandas")
    df = pd.DataFrame({
        "id": ["M-01", "M-02", "M-03", "M-01"],
        "due": [D(2016, 3, 4), "31/03/2016", "March 2016", D(2016, 5, 1)],
        "completed": [None, D(2016, 3, 28), None, None],
        "percent_complete": [60, 100, float("nan"), None],
    })
    out = rs.milestones_frame(df, D(2016, 3, 30))
    assert list(out.columns) == list(rs.milestone.RESULT_COLUMNS)
    assert list(out["state"][:2]) == ["Overdue", "Complete"]
    assert "March 2016" in out.iloc[2]["error"]
    assert "twice" in out.iloc[3]["error"]
    pl = pytest.importorskip("polars")
    out_pl = rs.milestones_frame(pl.from_pandas(df.iloc[:2].astype({"due": str})), "2016-03-30")
    assert isinstance(out_pl, pl.DataFrame) and out_pl["status"].to_list() == ["Red", "Green"]
    with pytest.raises(rs.InvalidValueError):
        rs.milestones_frame(df, "10 March 2016")


dates = st.dates(min_value=D(2000, 1, 1), max_value=D(2040, 12, 31))


@settings(max_examples=200, deadline=None)
@given(dates, dates, st.one_of(st.none(), dates), st.integers(0, 60))
def test_due_today_is_never_overdue_and_states_map_to_statuses(
    due: datetime.date, as_of: datetime.date, completed: Any, window: int
) -> None:
    m = rs.Milestone("P", due, completed=completed)
    r = rs.evaluate_milestone(m, as_of, rs.MilestoneSettings(window))
    expected_status = {"Complete": "Green", "OnTrack": "Green", "CompleteLate": "Amber",
                       "AtRisk": "Amber", "Overdue": "Red"}[r.state]
    assert r.status == expected_status
    if r.state == "Overdue":
        assert as_of > due


junk = st.one_of(st.none(), st.integers(), st.floats(), st.text(max_size=12), dates,
                 st.lists(st.integers(), max_size=2), st.booleans())


@settings(max_examples=300, deadline=None)
@given(junk, junk, junk, junk, junk)
def test_no_input_raises_anything_but_ragstatus_error(
    id_: Any, due: Any, start: Any, pct: Any, as_of: Any
) -> None:
    for call in (
        lambda: rs.evaluate_milestone(rs.Milestone(id_, due, start=start, percent_complete=pct), as_of),
        lambda: rs.evaluate_milestones([{"id": id_, "due": due}], as_of, {"warning_days": pct}),
        lambda: rs.parse_date(id_),
        lambda: rs.MilestoneSettings(pct, start),
        lambda: rs.read_milestones_csv(f"id,due,percent_complete\n{id_},{due},{pct}\n"),
    ):
        try:
            call()
        except rs.RagstatusError:
            pass


def test_dicts_are_read_like_the_constructor() -> None:
    # UK dates, ISO dates and datetime.date, as in the CSV files and the constructor.
    uk = rs.evaluate_milestone({"id": "IP-04", "due": "30/11/2015", "percent_complete": 80}, "2015-12-31")
    iso = rs.evaluate_milestone({"id": "IP-04", "due": "2015-11-30", "percent_complete": "80"}, "2015-12-31")
    native = rs.evaluate_milestone(rs.Milestone("IP-04", datetime.date(2015, 11, 30), percent_complete=80), "2015-12-31")
    assert uk == iso == native and uk.state == "Overdue"
    assert rs.Milestone.from_dict({"id": "M", "due": "04/03/2016"}).due == datetime.date(2016, 3, 4)
    m = rs.Milestone("M", "2016-03-04", description="d", owner="o", start="01/04/2015", percent_complete=50)
    assert rs.Milestone.from_dict(m.to_dict()) == m
    with pytest.raises(rs.MissingFieldError) as missing:
        rs.evaluate_milestone({"id": "M"}, "2016-01-01")
    assert missing.value.field == "due"
    with pytest.raises(rs.InvalidValueError) as bad:
        rs.evaluate_milestone({"id": "M", "due": "31/02/2016"}, "2016-01-01")
    assert (bad.value.field, bad.value.indicator) == ("due", "M")
    with pytest.raises(rs.InvalidValueError):
        rs.evaluate_milestone({"id": "M", "due": "2016-01-01", "colour": "red"}, "2016-01-01")
