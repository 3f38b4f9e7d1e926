"""Every frame function reads its input one way (``ragstatus._frames.to_arrow``) and returns
its result one way (``ragstatus._frames.from_arrow``).

Before, ``evaluate_frame`` had a converter of its own: a frame with a duplicated column name
raised a bare ``AttributeError`` there (a ``ParseError`` in ``roll_up_frame``), a key held in
the index was "missing", and a list of dicts was refused where the other frame functions took
it. On the way out, ``evaluate_frame`` gave a 64-bit integer key column with a null as floats
(``2**53 + 1`` came back as ``9007199254740992.0``) where the other frame functions kept
pandas' nullable integers.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any, Callable

import pandas as pd
import polars as pl
import pyarrow as pa
import pytest

import ragstatus as rs

DEFINITIONS = {
    "indicator": [
        {
            "id": "X",
            "name": "X",
            "unit": "count",
            "polarity": "higher",
            "tolerance": {"absolute": "0.05"},
            "target": [{"value": "95"}],
        }
    ]
}
FRAME = pd.DataFrame(
    {
        "organisation": ["A", "B", "B"],
        "indicator": ["X", "X", "X"],
        "period": ["2015/16 Q3", "2015/16 Q3", "2015/16 Q4"],
        "value": [96, 90, 97],
    }
)


def statuses(out: pd.DataFrame) -> list[str]:
    return [str(s) for s in out["status"]]


def test_a_duplicated_column_name_is_the_same_error_in_every_frame_function() -> None:
    doubled = pd.concat([FRAME, FRAME[["value"]]], axis=1)
    with pytest.raises(rs.ParseError, match='column "value" appears more than once'):
        rs.evaluate_frame(doubled, DEFINITIONS, by="organisation")
    with pytest.raises(rs.ParseError, match='column "value" appears more than once'):
        rs.spc_frame(doubled, by="organisation")
    lines = pd.DataFrame(
        [["A1", "expenditure", 10, 11, 12]], columns=["id", "kind", "budget", "forecast", "forecast"]
    )
    with pytest.raises(rs.ParseError, match='column "forecast" appears more than once'):
        rs.roll_up_frame(lines)


@pytest.mark.parametrize(
    "index",
    [["organisation"], ["organisation", "indicator"], ["organisation", "indicator", "period"]],
)
def test_named_index_levels_are_columns(index: list[str]) -> None:
    expected = rs.evaluate_frame(FRAME, DEFINITIONS, by="organisation")
    got = rs.evaluate_frame(FRAME.set_index(index), DEFINITIONS, by="organisation")
    assert statuses(got) == statuses(expected) == ["Green", "Red", "Green"]


def test_a_column_wins_over_an_index_level_of_the_same_name() -> None:
    frame = FRAME.set_index(pd.Index(["Z", "Z", "Z"], name="organisation"))
    frame["organisation"] = FRAME["organisation"].to_numpy()
    out = rs.evaluate_frame(frame, DEFINITIONS, by="organisation")
    assert list(out["organisation"]) == ["A", "B", "B"]


@pytest.mark.parametrize(
    "make",
    [
        lambda df: df,
        pl.from_pandas,
        lambda df: pl.from_pandas(df).lazy(),
        pa.Table.from_pandas,
        lambda df: pa.RecordBatch.from_pandas(df, preserve_index=False),
        lambda df: df.to_dict("records"),
        lambda df: df.to_dict("list"),
    ],
)
def test_every_kind_of_frame_gives_the_same_statuses(make: Callable[[pd.DataFrame], Any]) -> None:
    out = rs.evaluate_frame(make(FRAME), DEFINITIONS, by="organisation")
    table = out.to_pandas() if hasattr(out, "to_pandas") and not isinstance(out, pd.DataFrame) else out
    assert [str(s) for s in pd.DataFrame(table)["status"]] == ["Green", "Red", "Green"]


def test_a_mixed_column_is_read_cell_by_cell_without_touching_the_others() -> None:
    frame = FRAME.assign(value=pd.Series([96, "90.0", 97.0], dtype=object))
    out = rs.evaluate_frame(frame, DEFINITIONS, by="organisation")
    assert statuses(out) == ["Green", "Red", "Green"]
    assert list(out["actual"]) == [Decimal(96), Decimal(90), Decimal(97)]


def test_something_that_is_not_a_frame_is_an_invalid_value() -> None:
    for bad in (42, "value", [1, 2]):
        with pytest.raises(rs.InvalidValueError):
            rs.evaluate_frame(bad, DEFINITIONS)


def test_an_integer_key_with_a_null_comes_back_as_the_same_integers() -> None:
    big = 2**53 + 1  # a float64 cannot hold it
    frame = FRAME.assign(organisation=pd.array([big, None, big], dtype="Int64"))
    out = rs.evaluate_frame(frame, DEFINITIONS, by="organisation")
    assert str(out["organisation"].dtype) == "Int64"
    assert out["organisation"].iloc[0] == big
    assert pd.isna(out["organisation"].iloc[1])
    assert str(out["row"].dtype) == "UInt64"
    summary = rs.summary_frame(out, by="organisation", group=None)
    assert big in summary["organisation"].tolist()


def test_a_pandas_period_column_is_named_by_its_text_not_its_ordinal() -> None:
    # Arrow stores pandas Periods as ordinals; the error used to quote "182" for 2015Q3.
    frame = FRAME.assign(period=pd.PeriodIndex(["2015Q3", "2015Q3", "2015Q4"], freq="Q-MAR"))
    out = rs.evaluate_frame(frame, DEFINITIONS, by="organisation")
    assert set(out["error_kind"]) == {"PeriodLabel"}
    assert '"2015Q3"' in out["error"].iloc[0]
