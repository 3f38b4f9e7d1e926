"""Bulk rating: rate_array on numpy / Arrow / polars inputs, and evaluate_frame."""

from __future__ import annotations

import math
import threading
from decimal import Decimal
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import polars as pl
import pyarrow as pa
import pytest

import ragstatus as rs
from ragstatus import StatusCode as S

DATA = Path(__file__).resolve().parents[2] / "examples" / "notebooks" / "data"
RULE = {"polarity": "higher", "tolerance": {"absolute": 2}}
VALUES = [44.1, 45.0, 42.9, 43.0, None, 46.0]
EXPECTED = [S.Amber, S.Green, S.Red, S.Amber, S.NoData, S.Green]


@pytest.mark.parametrize(
    "column",
    [
        np.array([np.nan if v is None else v for v in VALUES]),
        pa.array(VALUES),
        pa.chunked_array([VALUES[:3], VALUES[3:]]),
        pa.array([None if v is None else Decimal(str(v)) for v in VALUES], pa.decimal128(10, 2)),
        pa.array([None if v is None else str(v) for v in VALUES]),
        pl.Series(VALUES),
        pd.Series(VALUES, dtype="float64").to_numpy(),
        VALUES,
        [None if v is None else Decimal(str(v)) for v in VALUES],
    ],
    ids=["numpy", "pyarrow", "chunked", "arrow-decimal", "arrow-text", "polars", "pandas", "list", "decimals"],
)
def test_rate_array_accepts_many_arrays(column: object) -> None:
    codes = rs.rate_array(column, 45, **RULE)  # type: ignore[arg-type]
    assert codes.dtype == np.uint8
    assert codes.tolist() == EXPECTED


def test_integer_arrays_are_exact() -> None:
    codes = rs.rate_array(np.array([239, 240, 260, 261], dtype=np.int64), 240, polarity="lower", tolerance={"floor": 260})
    assert codes.tolist() == [S.Green, S.Green, S.Amber, S.Red]


def test_declared_decimals_are_a_speed_hint_not_a_rounding() -> None:
    # 0.1 + 0.2 is 0.30000000000000004: not a value with 2 decimal places, so it is read by the
    # general rule (its shortest repr, exactly), never rounded and never NoData (SPEC §14).
    x = np.array([0.1 + 0.2, 0.3, 94.95, 94.951])
    codes = rs.rate_array(x, "0.30000000000000004", polarity="lower", decimals=2)
    assert codes.tolist() == [S.Green, S.Green, S.Red, S.Red]
    codes = rs.rate_array(x, "0.30000000000000004", polarity="lower")
    assert codes.tolist() == [S.Green, S.Green, S.Red, S.Red]


@pytest.mark.parametrize("polarity", ["higher", "lower"])
def test_bulk_float_path_agrees_with_rate_on_awkward_values(polarity: str) -> None:
    # Large arrays take the vectorised path; every kind of awkward float in them must get
    # exactly the status `rate` gives its decimal (or NoData when it is not a 2-place decimal).
    awkward = [
        12.5, 12.8, 12.79, 12.81, 12.49, 0.0, -0.0, -12.8, 0.1 + 0.2, 94.951, 1e-300, 5e-324,
        math.nan, 2.0**50 / 100, 2.0**51 / 100, 2.0**52 / 100, 1e15, -1e15,
        1e20, 123456789012.34, 2.0**53, -(2.0**60),
    ]
    x = np.array(awkward * 50)
    kwargs: dict[str, Any] = dict(polarity=polarity, tolerance={"absolute": "0.3"}, stretch=None)
    codes = rs.rate_array(x, "12.8", decimals=2, **kwargs).tolist()

    def expected(v: float) -> int:
        return int(S.NoData) if math.isnan(v) else rs.rate(v, "12.8", **kwargs).code

    assert codes == [expected(v) for v in awkward] * 50
    # The same rows one at a time (below the bulk size) agree with the bulk answer.
    assert [int(rs.rate_array(np.array([v]), "12.8", decimals=2, **kwargs)[0]) for v in awkward] == codes[: len(awkward)]
    # A float `rate` refuses (beyond a decimal's range) is refused in bulk too, by its row.
    for bad in (math.inf, -math.inf, 1.7976931348623157e308):
        with pytest.raises(rs.InvalidValueError, match=rf"row\[{len(awkward) * 7}\]"):
            rs.rate_array(np.array(awkward * 7 + [bad] + awkward), "12.8", decimals=2, **kwargs)


def test_pandas_series_is_read_like_its_numpy_array() -> None:
    x = np.array([12.5, 12.8, np.nan, 0.1 + 0.2, 12.4] * 200)
    series = pd.Series(x)
    rule = dict(polarity="higher", tolerance={"absolute": "0.3"}, decimals=1)
    assert rs.rate_array(series, "12.8", **rule).tolist() == rs.rate_array(x, "12.8", **rule).tolist()
    # A strided view (every other row) is read correctly too.
    assert rs.rate_array(x[::2], "12.8", **rule).tolist() == rs.rate_array(x[::2].copy(), "12.8", **rule).tolist()


def test_arrow_floats_with_nulls_and_offsets_are_read_in_place_correctly() -> None:
    # One float64 chunk is read from the Arrow buffer itself; a null is NoData whatever value
    # lies under it, and a sliced array starts at its offset.
    x = np.array([12.5, 12.8, 99.0, 12.4, 0.1 + 0.2] * 300)
    mask = np.zeros(len(x), dtype=bool)
    mask[2::5] = True  # the 99.0 rows are null: Green if their values were read
    arrow = pa.array(x, mask=mask)
    rule = dict(polarity="higher", tolerance={"absolute": "0.3"}, decimals=1)
    with_nan = np.where(mask, np.nan, x)
    expected = rs.rate_array(with_nan, "12.8", **rule).tolist()
    assert expected[:5] == [S.Amber, S.Green, S.NoData, S.Red, S.Red]  # 0.1 + 0.2 is read exactly
    assert rs.rate_array(arrow, "12.8", **rule).tolist() == expected
    assert rs.rate_array(arrow.slice(3), "12.8", **rule).tolist() == expected[3:]
    assert rs.rate_array(pl.Series(arrow), "12.8", **rule).tolist() == expected
    chunked = pa.chunked_array([arrow.slice(0, 700), arrow.slice(700)])
    assert rs.rate_array(chunked, "12.8", **rule).tolist() == expected


def test_float_edge_is_exact_where_numpy_is_not() -> None:
    # The edge of the Amber band is Amber: 12.5 is exactly 0.3 below 12.8. In float64 the
    # shortfall is 0.3000000000000007, beyond the tolerance, so np.select would say Red.
    actual, target = np.array([12.5, 12.8, 12.4]), 12.8
    assert not ((target - actual[0]) <= 0.3)
    codes = rs.rate_array(actual, target, polarity="higher", tolerance={"absolute": 0.3}, decimals=1)
    assert codes.tolist() == [S.Amber, S.Green, S.Red]
    shortest = rs.rate_array(actual, target, polarity="higher", tolerance={"absolute": 0.3})
    assert shortest.tolist() == codes.tolist()


def test_per_row_targets_and_stretch() -> None:
    actual = np.array([10.0, 20.0, 30.0])
    target = np.array([10.0, 25.0, 20.0])
    codes = rs.rate_array(actual, target, polarity="higher", stretch=np.array([12.0, 30.0, 25.0]))
    assert codes.tolist() == [S.Green, S.Red, S.Blue]


def test_length_mismatch_and_bad_input() -> None:
    with pytest.raises(rs.LengthMismatchError):
        rs.rate_array(np.array([1.0, 2.0]), np.array([1.0]), polarity="higher")
    with pytest.raises(rs.InvalidValueError):
        rs.rate_array(np.zeros((2, 2)), 1, polarity="higher")
    with pytest.raises(rs.DefinitionError):
        rs.rate_array(np.array([1.0]), 10, polarity="higher", tolerance={"floor": 20})


def test_rate_array_releases_the_gil() -> None:
    x = np.round(np.random.default_rng(1).uniform(0, 100, 200_000), 1)
    results: list[np.ndarray] = []

    def work() -> None:
        results.append(rs.rate_array(x, 50, polarity="higher", tolerance={"absolute": 5}, decimals=1))

    threads = [threading.Thread(target=work) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(results) == 4
    assert all((r == results[0]).all() for r in results)


@pytest.mark.parametrize("lib", ["pandas", "polars"])
def test_evaluate_frame(lib: str) -> None:
    csv = DATA / "actuals.csv"
    df = pd.read_csv(csv) if lib == "pandas" else pl.read_csv(csv)
    out = rs.evaluate_frame(df, DATA / "indicators.toml", "2015/16 Q3")
    assert type(out).__module__.split(".")[0] == lib
    rows = out.to_dict("records") if lib == "pandas" else out.to_dicts()
    by_id = {r["indicator"]: r for r in rows}
    assert by_id["SW-01"]["status"] == "Amber"
    # 412 / 437 x 100, exact to 28 significant digits (display rounding is only in the text)
    assert abs(by_id["SW-01"]["actual"] - Decimal(41200) / Decimal(437)) < Decimal("1e-20")
    assert by_id["LW-01"]["status"] == "Red"
    assert by_id["LW-02"]["status"] == "Green"
    assert by_id["AW-02"]["status"] == "NoData"
    assert by_id["SW-01"]["explanation"].startswith("94.3% is 0.7 points below the target of 95.0%")
    assert list(out.columns) == rs.frame.RESULT_COLUMNS


def test_evaluate_frame_lists_errors_and_all_periods() -> None:
    df = pd.DataFrame(
        {
            "indicator": ["SW-02", "SW-02", "XX-99"],
            "period": ["2015/16 Q2", "2015/16 Q3", "2015/16 Q3"],
            "value": [19.8, float("nan"), 5.0],
        }
    )
    out = rs.evaluate_frame(df, DATA / "indicators.toml")
    assert sorted(set(out["period"])) == ["2015/16 Q2", "2015/16 Q3"]
    errors = out[out["error"].notna()]
    assert "XX-99" in set(errors["indicator"])
    q3 = out[(out["period"] == "2015/16 Q3") & (out["indicator"] == "SW-02")].iloc[0]
    assert q3["status"] == "NoData"


def test_duplicate_rows_are_an_error() -> None:
    df = pd.DataFrame({"indicator": ["SW-02", "SW-02"], "period": ["2015/16 Q3", "Q3 2015/16"], "value": [1, 2]})
    # Both copies are error rows naming each other; the rest of the frame is still evaluated.
    out = rs.evaluate_frame(df, DATA / "indicators.toml")
    assert out["error_kind"].tolist()[:2] == ["Duplicate", "Duplicate"]
    assert "row[1]" in out["error"][0] and "row[0]" in out["error"][1]
    assert out["status"][:2].isna().all()
    with pytest.raises(rs.DuplicateError):
        rs.actuals_from_frame(df, DATA / "indicators.toml")


def test_actuals_from_frame_reads_as_evaluate_frame_reads() -> None:
    # One reader for both: exact Decimals, a fraction as a tuple, a blank row as None.
    df = pd.DataFrame(
        {
            "indicator": ["SW-02", "SW-02", "SW-02"],
            "period": ["2015/16 Q1", "2015/16 Q2", "2015/16 Q3"],
            "value": [44.1, None, None],
            "numerator": [None, 3, None],
            "denominator": [None, 7, None],
        }
    )
    q1, q2, q3 = (rs.Period(f"2015/16 Q{q}") for q in (1, 2, 3))
    expected = {"SW-02": {q1: Decimal("44.1"), q2: (Decimal(3), Decimal(7)), q3: None}}
    assert rs.actuals_from_frame(df, DATA / "indicators.toml") == expected
    assert rs.actuals_from_frame(pl.from_pandas(df), DATA / "indicators.toml") == expected
    assert rs.actuals_from_frame(pa.Table.from_pandas(df), DATA / "indicators.toml") == expected


def test_actuals_from_frame_raises_every_bad_row() -> None:
    # A value and a fraction together was once read as the fraction without a word; now it is
    # the frame reader's error, and every other bad row is in the exception's notes.
    df = pd.DataFrame(
        {
            "indicator": ["SW-02", "XX-99", "SW-02"],
            "period": ["2015/16 Q1", "2015/16 Q1", "2015/16 Q9"],
            "value": [1, 2, 3],
            "numerator": [1, None, None],
            "denominator": [2, None, None],
        }
    )
    with pytest.raises(rs.InvalidValueError) as caught:
        rs.actuals_from_frame(df, DATA / "indicators.toml")
    assert "row[0]" in str(caught.value)
    notes = caught.value.__notes__
    assert notes[0] == "2 more rows could not be read:"
    assert "row[1]" in notes[1] and "XX-99" in notes[1]
    assert "row[2]" in notes[2]


def test_declared_decimals_describe_the_actuals_not_the_targets() -> None:
    # A target with more places than the actuals' declared decimals is kept exactly.
    codes = rs.rate_array(np.array([94.9, 95.0]), np.array([94.95, 94.95]), polarity="higher", decimals=1)
    assert codes.tolist() == [S.Red, S.Green]
