"""The Python API: types in and out, errors with their context, repr, equality and pickling."""

from __future__ import annotations

import datetime
import pickle
from decimal import Decimal
from pathlib import Path

import pytest

import ragstatus as rs

DATA = Path(__file__).resolve().parents[2] / "examples" / "notebooks" / "data"
TOML = """
[[indicator]]
id = "PI-1"
name = "Test"
unit = "percent"
polarity = "higher"
decimals = 1
tolerance = { absolute = "2" }

[[indicator.target]]
year = "2015/16"
value = "45"
"""


def test_all_names_exist() -> None:
    for name in rs.__all__:
        assert hasattr(rs, name), name


def test_definitions_from_every_source() -> None:
    from_text = rs.Definitions(TOML)
    from_dict = rs.Definitions(from_text.to_dict())
    from_json = rs.Definitions(from_text.to_json())
    assert from_text == from_dict == from_json
    from_path = rs.Definitions(DATA / "indicators.toml")
    assert rs.Definitions(str(DATA / "indicators.toml")) == from_path
    assert len(from_path) == 6 and from_path.get("SW-01") is not None
    assert from_path.get("nope") is None


def test_evaluation_types_and_pickling() -> None:
    defs = rs.Definitions(TOML)
    ev = defs.evaluate(rs.Period("2015/16 Q3"), {"PI-1": {"2015/16 Q2": "42.0", "Q3 2015/16": Decimal("44.1")}})
    (r,) = ev.results
    assert isinstance(r.actual, Decimal) and r.actual == Decimal("44.1")
    assert r.target == Decimal("45")
    assert r.status == "Amber" and r.code == rs.StatusCode.Amber
    assert r.rating.explanation.polarity == "higher"
    assert r.previous.change == Decimal("2.1")
    assert "Amber; up 2.1 points" in r.sentence
    summary = ev.summary()
    for obj in (r, r.rating, r.previous, defs, summary, summary.overall, summary.overall.counts, rs.Rule("lower", {"relative": 5})):
        assert pickle.loads(pickle.dumps(obj)) == obj
    overridden = r.with_override("Green", "data lag", "J. Smith")
    assert (overridden.status, overridden.rating.computed) == ("Green", "Amber")
    assert "Rating(status='Amber'" in repr(r.rating)


def test_errors_carry_their_context() -> None:
    bad = TOML.replace('absolute = "2"', 'absolute = "-2"')
    with pytest.raises(rs.DefinitionError) as info:
        rs.Definitions(bad)
    assert info.value.indicator == "PI-1"
    assert info.value.field is not None and "tolerance" in info.value.field
    with pytest.raises(rs.ParseError) as parse:
        rs.Definitions("[[indicator]]\nid = \n")
    assert parse.value.line == 2
    with pytest.raises(rs.FileError):
        rs.Definitions(DATA / "missing.toml")
    ev = rs.Definitions(TOML).evaluate("2015/16 Q3", {"XX": {"2015/16 Q3": 1}})
    (err,) = ev.errors
    assert isinstance(err, rs.UnknownIndicatorError) and err.indicator == "XX"
    with pytest.raises(rs.InvalidValueError) as value:
        rs.Definitions(TOML).evaluate("2015/16 Q3", {"PI-1": {"2015/16 Q3": "n/a"}})
    assert value.value.indicator == "PI-1" and value.value.period == "2015/16 Q3"


def test_scheme_errors_name_the_band() -> None:
    with pytest.raises(rs.SchemeError) as info:
        rs.Scheme({"measure": "shortfall", "bands": [{"status": "Green", "le": "5"}, {"status": "Red", "gt": "6"}]})
    assert info.value.details is not None and info.value.details["band"] == 1


def test_missing_values_are_no_data_never_errors() -> None:
    for missing in (None, float("nan"), Decimal("NaN"), ""):
        assert rs.rate(missing, 45, polarity="higher").status == "NoData"
    assert rs.resolve((1, 0), 100).no_value == "zero_denominator"


def test_dates_in_and_out() -> None:
    r = rs.evaluate_milestone({"id": "M1", "due": datetime.date(2016, 3, 31), "completed": "2016-03-30"}, datetime.date(2016, 4, 5))
    assert (r.state, r.status) == ("Complete", "Green")
    assert rs.parse_date("04/03/2016") == datetime.date(2016, 3, 4)
    assert rs.parse_amount("(443)", "thousands") == Decimal("-443000")
