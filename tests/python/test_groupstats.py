"""Comparator-group quantiles and the recent trend (SPEC §8a), through Python.

The shared vectors ``tests/vectors/quantiles.json`` and ``recent_trend.json`` run in
``test_vectors.py``; this module checks the Python edges: decimals in and out, missing values kept
and listed, typed errors naming their field, the frame form, and (hypothesis) that bands rise with
the value, that every area is present once, that the polarity mirrors, and that no input panics.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any, Optional

import pandas as pd
import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import ragstatus as rs

FT_COUNTS = [994, 1023, 1199, 1332, 1367]
FT_DENOMINATORS = [40299, 41527, 42811, 44064, 44701]


def test_quintiles_of_1_to_50_as_fingertips() -> None:
    got = rs.quantile_bands(range(1, 51))
    assert got["n"] == 5
    assert got["cut_points"] == [Decimal(x) for x in ("1", "10.8", "20.6", "30.4", "40.2", "50")]
    assert all(isinstance(c, Decimal) for c in got["cut_points"])
    assert got["areas"][10] == {"value": Decimal(11), "band": 2, "label": "Low"}


def test_missing_values_are_listed_not_dropped() -> None:
    values: list[Any] = [Decimal("5"), None, 1.5, float("nan"), "3", pd.NA, 2, 4]
    got = rs.quantile_bands(values, 4, "lower")
    assert got["missing"] == [1, 3, 5]
    assert len(got["areas"]) == len(values)
    assert [a["band"] for a in got["areas"]] == [4, None, 1, None, 2, None, 1, 3]
    assert got["areas"][2]["value"] == Decimal("1.5")
    assert got["areas"][0]["label"] == "Worst"


def test_errors_are_typed_and_name_their_field() -> None:
    with pytest.raises(rs.InvalidValueError) as err:
        rs.quantile_bands([1, 2, 3, 4], 5)
    assert err.value.field == "values"
    assert "4 values with data (0 missing)" in str(err.value)
    assert isinstance(err.value, ValueError)
    with pytest.raises(rs.InvalidValueError) as err:
        rs.quantile_bands(range(10), 1)
    assert err.value.field == "bands"
    with pytest.raises(rs.InvalidValueError) as err:
        rs.quantile_bands([1, 2, "n/a", 4, 5])
    assert err.value.field == "values[2]"
    with pytest.raises(rs.InvalidValueError) as err:
        rs.quantile_bands(range(10), 5, "sideways")
    assert err.value.field == "preference"


def test_recent_trend_of_fingertips_example() -> None:
    got = rs.recent_trend_proportions(FT_COUNTS, FT_DENOMINATORS, "higher")
    assert got["marker"] == "Increasing"
    assert got["judgement"] == "getting better"
    assert got["label"] == "Increasing and getting better"
    assert isinstance(got["chi_squared"], Decimal)
    assert got["chi_squared"].quantize(Decimal("0.01")) == Decimal("47.90")
    assert got["points_used"] == 5 and got["consistent"] is True and got["reason"] is None


def test_a_missing_count_or_denominator_breaks_the_series() -> None:
    counts: list[Optional[int]] = [*FT_COUNTS[:4], None]
    got = rs.recent_trend_proportions(counts, FT_DENOMINATORS)
    assert got["marker"] == "Cannot be calculated"
    assert got["reason"] == "TooFewRecentPoints"
    assert got["chi_squared"] is None
    with pytest.raises(rs.LengthMismatchError):
        rs.recent_trend_proportions(FT_COUNTS, FT_DENOMINATORS[:4])
    with pytest.raises(rs.InvalidValueError) as err:
        rs.recent_trend_proportions([1, 2, 30, 4, 5], [10, 10, 10, 10, 10])
    assert err.value.field == "series[2].count"


def test_recent_trend_of_intervals() -> None:
    got = rs.recent_trend_intervals(
        ["24.67", "24.6", "28", "30.2", "30.6"],
        ["23.16", "23.15", "26.44", "28.63", "28.98"],
        ["26.25", "26.19", "29.64", "31.9", "32.25"],
        "lower",
    )
    assert got["label"] == "Increasing and getting worse"
    assert got["chi_squared"] is not None
    assert got["chi_squared"].quantize(Decimal("0.01")) == Decimal("46.77")


def _frame_rows() -> dict[str, list[Any]]:
    return {
        "year": [2019] * 5 + [2020] * 6 + [None],
        "value": [1, 2, 3, 4, 5, 10, None, 30, 20, 40, 50, 7],
    }


def test_quantile_frame_pandas() -> None:
    frame = pd.DataFrame(_frame_rows())
    out = rs.quantile_frame(frame, value="value", by="year", bands=4, preference="higher")
    assert list(out.columns) == ["year", "value", "quantile_band", "quantile_label", "quantile_error"]
    assert len(out) == len(frame)
    assert out["quantile_band"].tolist()[:5] == [1, 1, 2, 3, 4]
    assert out["quantile_label"].tolist()[:5] == ["Worst", "Worst", "Worse", "Better", "Best"]
    assert out["quantile_error"].tolist()[6] == "no value"
    assert out["quantile_error"].tolist()[11] == "the group key is missing"
    assert out["quantile_band"].tolist()[5:11] == [1, pd.NA, 2, 1, 3, 4]
    assert "value" in frame.columns and "quantile_band" not in frame.columns


def test_quantile_frame_polars_and_small_groups() -> None:
    frame = pl.DataFrame({"g": ["a", "a", "a", "b", "b", "b", "b"], "v": [1, 2, 3, 1, 2, 3, 4]})
    out = rs.quantile_frame(frame, value="v", by=["g"], bands=4)
    assert out.columns == ["g", "v", "quantile_band", "quantile_label", "quantile_error"]
    errors = out["quantile_error"].to_list()
    assert all(e.startswith("group not banded") for e in errors[:3])
    assert out["quantile_band"].to_list() == [None, None, None, 1, 2, 3, 4]
    with pytest.raises(rs.InvalidValueError) as err:
        rs.quantile_frame(frame, value="nope")
    assert err.value.field == "nope"


small = st.one_of(
    st.none(),
    st.integers(-50, 50).map(Decimal),
    st.decimals(min_value=-100, max_value=100, places=2, allow_nan=False),
)


@settings(max_examples=150, deadline=None)
@given(values=st.lists(small, max_size=30), n=st.integers(2, 8), preference=st.sampled_from(["higher", "lower", "none"]))
def test_bands_rise_with_the_value_and_every_area_is_present(
    values: list[Optional[Decimal]], n: int, preference: str
) -> None:
    try:
        got = rs.quantile_bands(values, n, preference)
    except rs.InvalidValueError:
        assert sum(v is not None for v in values) < max(n, 4)
        return
    assert len(got["areas"]) == len(values)
    assert got["missing"] == [i for i, v in enumerate(values) if v is None]
    placed = [(a["value"], a["band"]) for a in got["areas"] if a["value"] is not None]
    assert all(b is not None and 1 <= b <= n for _, b in placed)
    for va, ba in placed:
        for vb, bb in placed:
            if va < vb:
                assert ba <= bb
    mirrored = rs.quantile_bands(values, n, {"higher": "lower", "lower": "higher"}.get(preference, "none"))
    for a, b in zip(got["areas"], mirrored["areas"]):
        assert a["band"] == b["band"]


@settings(max_examples=100, deadline=None)
@given(
    points=st.lists(st.tuples(st.integers(1, 500), st.integers(600, 5000)), min_size=5, max_size=8),
)
def test_the_trend_is_symmetric_under_reversing_polarity(points: list[tuple[int, int]]) -> None:
    counts = [x for x, _ in points]
    denominators = [n for _, n in points]
    hi = rs.recent_trend_proportions(counts, denominators, "higher")
    lo = rs.recent_trend_proportions(counts, denominators, "lower")
    assert hi["marker"] == lo["marker"] and hi["chi_squared"] == lo["chi_squared"]
    swap = {"getting better": "getting worse", "getting worse": "getting better", None: None}
    assert swap[hi["judgement"]] == lo["judgement"]


junk = st.one_of(
    st.none(),
    st.integers(),
    st.floats(allow_nan=True, allow_infinity=True),
    st.text(max_size=5),
    st.decimals(allow_nan=True),
)


@settings(max_examples=150, deadline=None)
@given(a=st.lists(junk, max_size=8), b=st.lists(junk, max_size=8), c=st.lists(junk, max_size=8), n=junk)
def test_no_input_panics(a: list[Any], b: list[Any], c: list[Any], n: Any) -> None:
    for call in (
        lambda: rs.quantile_bands(a, n),
        lambda: rs.quantile_bands(a),
        lambda: rs.recent_trend_proportions(a, b),
        lambda: rs.recent_trend_intervals(a, b, c),
    ):
        try:
            call()
        except (rs.RagstatusError, TypeError, OverflowError):
            pass


def test_quantile_frame_keeps_an_unreadable_row_in_error_and_bands_the_rest() -> None:
    frame = pd.DataFrame({"v": [1, 2, "n/a", 3, 4]})
    out = rs.quantile_frame(frame, value="v", bands=4)
    assert out["quantile_band"].tolist()[:2] == [1, 2]
    assert out["quantile_band"].tolist()[3:] == [3, 4]
    assert out["quantile_error"].tolist()[2].startswith("unreadable value")
    with pytest.raises(rs.InvalidValueError) as err:
        rs.quantile_frame(frame, value="v", bands=4, preference="sideways")
    assert err.value.field == "preference"
    with pytest.raises(rs.InvalidValueError) as err:
        rs.quantile_frame(frame, value="v", by=3)  # type: ignore[arg-type]
    assert err.value.field == "by"


def test_results_are_frozen_classes_that_still_read_as_their_dicts() -> None:
    import dataclasses
    import pickle

    from ragstatus import _ragstatus
    from ragstatus.groupstats import AreaBand, QuantileBands, RecentTrend

    trend = rs.recent_trend_proportions(FT_COUNTS, FT_DENOMINATORS, "higher")
    assert isinstance(trend, RecentTrend)
    assert trend.marker == "Increasing" and trend.judgement == "getting better"
    assert trend.chi_squared == Decimal("47.89667671") and trend.points_used == 5
    # The dict the compiled function gives, field for field, and the old item access.
    raw = _ragstatus.recent_trend_proportions(FT_COUNTS, FT_DENOMINATORS, "higher")
    assert trend == raw and trend.to_dict() == raw and dict(trend) == raw
    assert trend["label"] == "Increasing and getting better" and "reason" in trend
    with pytest.raises(KeyError):
        trend["nope"]
    with pytest.raises(dataclasses.FrozenInstanceError):
        trend.marker = "Decreasing"  # type: ignore[misc]
    assert pickle.loads(pickle.dumps(trend)) == trend and hash(trend) == hash(pickle.loads(pickle.dumps(trend)))
    assert rs.recent_trend_intervals([1, 2], [0, 1], [2, 3]).reason == "TooFewPoints"

    bands = rs.quantile_bands(range(1, 51))
    assert isinstance(bands, QuantileBands) and isinstance(bands.areas[10], AreaBand)
    assert bands.areas[10] == AreaBand(Decimal(11), 2, "Low")
    assert bands.areas[10].label == "Low" and bands.cut_points[1] == Decimal("10.8")
    # Item access gives the plain form: lists of dicts, as before.
    assert bands["areas"][10] == {"value": Decimal(11), "band": 2, "label": "Low"}
    assert isinstance(bands["areas"], list) and isinstance(bands["areas"][0], dict)
    assert bands == _ragstatus.quantile_bands(range(1, 51))
    assert bands != rs.quantile_bands(range(1, 51), 4)
    assert {bands: 1}[rs.quantile_bands(range(1, 51))] == 1
