"""Periods from Python: construction, ordering, hashing, pickling, dates in and out."""

import datetime
import pickle

import pytest

import ragstatus as rs


def test_label_forms_and_dates() -> None:
    q3 = rs.Period("Q3 2015/16")
    assert str(q3) == "2015/16 Q3"
    assert repr(q3) == "Period('2015/16 Q3')"
    assert q3.first_date == datetime.date(2015, 10, 1)
    assert q3.last_date == datetime.date(2015, 12, 31)
    assert q3.previous() == rs.Period("2015/16 Q2")
    assert q3.year_ago().label == "2014/15 Q3"
    assert [m.label for m in q3.months()] == ["2015/16 M07", "2015/16 M08", "2015/16 M09"]
    assert q3.year_to_date().month_count == 9


def test_other_calendars() -> None:
    july = rs.FiscalCalendar(7)
    p = july.quarter(2015, 1)
    assert p.first_date == datetime.date(2015, 7, 1)
    assert repr(p) == "Period('2015/16 Q1', start_month=7)"
    assert rs.FiscalCalendar(1).parse("Q3 2015").label == "2015 Q3"
    assert july.quarter_of(datetime.date(2016, 2, 29)).label == "2015/16 Q3"


def test_ordering_hash_and_pickle() -> None:
    labels = ["2015/16", "2015/16 Q4", "2015/16 M01", "2015/16 H1", "2015/16 Q1"]
    ordered = sorted(rs.Period(label) for label in labels)
    assert [p.label for p in ordered] == [
        "2015/16 M01",
        "2015/16 Q1",
        "2015/16 H1",
        "2015/16 Q4",
        "2015/16",
    ]
    p = rs.Period("2015/16 Q3", 7)
    assert {p, rs.Period("Q3 2015/16", 7)} == {p}
    assert p != rs.Period("2015/16 Q3")
    for obj in (p, p.calendar, p.year_to_date()):
        assert pickle.loads(pickle.dumps(obj)) == obj
    assert (p == "2015/16 Q3") is False


@pytest.mark.parametrize("label", ["", "2015/17 Q3", "Q5 2015/16", "15/16 Q1", "\x00"])
def test_bad_labels(label: str) -> None:
    with pytest.raises(rs.PeriodLabelError) as info:
        rs.Period(label)
    assert info.value.kind == "PeriodLabel"


def test_bad_start_month_and_range() -> None:
    with pytest.raises(rs.InvalidValueError):
        rs.FiscalCalendar(13)
    with pytest.raises(rs.RagstatusError):
        rs.Period("9998/99 Q4").next()
    with pytest.raises(rs.InvalidValueError):
        # a Python int that does not fit the argument is a bad value like any other
        rs.Period("2015/16").offset(2**70)
