"""Definition errors carry their line and column; direction overflow is not comparable."""

from decimal import Decimal

import pytest

import ragstatus as rs

MAX = Decimal("79228162514264337593543950335")
# Written out: `-MAX` would round to the context's 28 digits.
MIN = Decimal("-79228162514264337593543950335")


def test_definition_errors_name_line_and_column() -> None:
    text = (
        '[[indicator]]\nid = "A"\npolarity = "higher"\n\n'
        '[[indicator]]\nid = "B"\npolarity = "higher"\ntolerance = { absolute = "-2" }\n'
    )
    with pytest.raises(rs.DefinitionError) as info:
        rs.Definitions(text)
    assert (info.value.line, info.value.column, info.value.indicator) == (8, "15", "B")
    assert info.value.field == "indicator[1].tolerance.absolute"


def test_regression_window_is_bounded() -> None:
    text = (
        '[[indicator]]\nid = "A"\npolarity = "higher"\n'
        "direction = { regression = 100000000 }\n"
    )
    with pytest.raises(rs.InvalidValueError) as info:
        rs.Definitions(text)
    assert info.value.line == 4
    assert "at most 60" in str(info.value)


def test_direction_overflow_is_not_comparable_with_a_reason() -> None:
    travel = rs.compare_direction("lower", MAX, MIN)
    assert travel.direction == "NotComparable"
    assert travel.actual == MAX and travel.comparison == MIN
    assert travel.reason is not None and "too large" in travel.reason
    assert rs.compare_direction("higher", 2, 1).reason is None


def test_a_recent_trend_beside_a_regression_or_misspelt_names_its_line() -> None:
    both = (
        '[[indicator]]\nid = "A"\npolarity = "higher"\n'
        'direction = { trend = "recent", regression = 4 }\n'
    )
    with pytest.raises(rs.DefinitionError) as info:
        rs.Definitions(both)
    assert (info.value.line, info.value.indicator) == (4, "A")
    assert info.value.field == "indicator[0].direction.trend"
    assert "give one" in str(info.value)
    with pytest.raises(rs.ParseError) as bad:
        rs.Definitions(both.replace('"recent", regression = 4', '"recnt"'))
    assert bad.value.line == 4 and bad.value.field == "indicator[0].direction.trend"
    assert "recnt" in str(bad.value)
