"""The icon summary through the Python API: rows from analyses, rows from a frame of series, the
drawings and words of each icon, and bad input refused with the argument named."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest

import ragstatus as rs
from ragstatus.icons import ASSURANCE_ICONS, ICON_COLUMNS, ICON_FRAME_COLUMNS, VARIATION_ICONS

STEADY = [50, 51, 49, 50, 52, 48, 50, 51, 49, 50, 51, 49]
RISING = STEADY + [53, 54, 53, 52, 53, 54, 53]


def test_icon_summary_rows_follow_the_direction_of_the_values() -> None:
    pytest.importorskip("pandas")
    results = {
        "UP": rs.analyse_spc(RISING, target=45),
        "UP-BAD": rs.analyse_spc(RISING, improvement="lower", target=45),
        "DOWN": rs.analyse_spc([-v for v in RISING], improvement="neutral"),
        "FLAT": rs.analyse_spc(STEADY, target=50),
        "SHORT": rs.analyse_spc(STEADY[:6], target=40),
        "ONE": rs.analyse_spc([3], target=2),
    }
    frame = rs.icon_summary(results, names={"UP": "Rising, higher is better"})
    assert tuple(frame.columns) == ICON_COLUMNS
    got = list(zip(frame["id"], frame["variation"], frame["assurance"]))
    assert got == [
        ("UP", "improvement_high", "consistent_pass"),
        ("UP-BAD", "concern_high", "consistent_fail"),
        ("DOWN", "neutral_low", "no_better_direction"),
        ("FLAT", "common_cause", "inconsistent"),
        ("SHORT", "common_cause", "consistent_pass"),
        ("ONE", "too_few_points", "too_few_points"),
    ]
    assert list(frame["name"])[:2] == ["Rising, higher is better", "UP-BAD"]
    first = frame.iloc[0]
    assert first["value"] == Decimal(53) and first["target"] == Decimal(45)
    assert first["points"] == len(RISING)
    assert first["variation_label"] == "Improvement (high)"
    short = frame.iloc[4]
    assert bool(short["trial_limits"])
    assert short["summary"].endswith("The limits are trial limits, from only 6 points: read the icons with care.")
    assert not bool(frame.iloc[5]["trial_limits"]), "no limits at all, so none to call trial"


def test_icon_summary_with_svg_and_polars() -> None:
    pl = pytest.importorskip("polars")
    frame = rs.icon_summary([("A", rs.analyse_spc(RISING, target=45))], svg=True, polars=True)
    assert isinstance(frame, pl.DataFrame)
    assert frame.columns == [*ICON_COLUMNS, "variation_svg", "assurance_svg"]
    svg = frame["variation_svg"][0]
    assert svg == rs.icon_svg("variation", "improvement_high")
    assert "<title>Variation: improvement (high)</title>" in svg
    assert "<title>Assurance: consistently passing</title>" in frame["assurance_svg"][0]
    assert frame["value"].dtype == pl.Decimal(scale=0)


def test_every_icon_has_a_drawing_and_words() -> None:
    for kind, names in (("variation", VARIATION_ICONS), ("assurance", ASSURANCE_ICONS)):
        for name in names:
            svg = rs.icon_svg(kind, name)  # type: ignore[arg-type]
            assert svg.startswith("<svg ") and svg.endswith("</svg>") and "<title>" in svg
            label, sentence = rs.icon_text(kind, name)  # type: ignore[arg-type]
            assert label and sentence.endswith(".")
    assert rs.icon_text("assurance", "inconsistent")[0] == "Hit and miss"


def test_unknown_icons_and_kinds_are_refused_naming_the_argument() -> None:
    with pytest.raises(rs.InvalidValueError, match="too_few_points") as err:
        rs.icon_svg("variation", "consistent_pass")
    assert err.value.field == "name"
    with pytest.raises(rs.InvalidValueError) as err:
        rs.icon_text("colour", "common_cause")  # type: ignore[arg-type]
    assert err.value.field == "kind"
    with pytest.raises(rs.InvalidValueError) as err:
        rs.icon_svg("assurance", None)  # type: ignore[arg-type]
    assert err.value.field == "name"
    with pytest.raises(rs.InvalidValueError, match="svg"):
        rs.icon_summary({}, svg="yes")  # type: ignore[arg-type]


def test_icon_summary_refuses_what_is_not_an_analysis() -> None:
    with pytest.raises(rs.InvalidValueError, match=r"results\['A'\]"):
        rs.icon_summary({"A": [1, 2, 3]})  # type: ignore[dict-item]
    with pytest.raises(rs.InvalidValueError, match=r"results\[0\]"):
        rs.icon_summary([rs.analyse_spc(STEADY)])  # type: ignore[list-item]
    with pytest.raises(rs.InvalidValueError, match="results"):
        rs.icon_summary(5)  # type: ignore[arg-type]
    with pytest.raises(rs.InvalidValueError, match="names"):
        rs.icon_summary({"A": rs.analyse_spc(STEADY)}, names=["A"])  # type: ignore[arg-type]


def _series_rows() -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = []
    for key, values in (("A", RISING), ("B", STEADY[:5])):
        for month, value in enumerate(values):
            rows.append({"id": key, "month": month, "value": value})
    rows.append({"id": "C", "month": 0, "value": 1})
    rows.append({"id": "C", "month": 1, "value": None})
    rows.append({"id": None, "month": 0, "value": 3})
    return rows


def test_icon_summary_frame_keeps_every_series_and_names_errors() -> None:
    pd = pytest.importorskip("pandas")
    frame = rs.icon_summary_frame(pd.DataFrame(_series_rows()), by="id", period="month", target=45)
    assert list(frame.columns) == ["id", *ICON_FRAME_COLUMNS]
    assert list(frame["rows"]) == [len(RISING), 5, 2, 1]
    a, b, c, null = (frame.iloc[i] for i in range(4))
    assert (a["variation"], a["assurance"], a["value"], a["target"]) == (
        "improvement_high",
        "consistent_pass",
        Decimal(53),
        Decimal(45),
    )
    assert a["period"] == str(len(RISING) - 1)
    assert bool(b["trial_limits"]) and "from only 5 points" in b["summary"]
    # A series with a missing value is not analysed; its row says why.
    assert c["variation"] is None or pd.isna(c["variation"])
    assert "row[" in c["error"] and c["error_kind"] == "InvalidValue"
    assert null["error_kind"] == "Missing"


def test_icon_summary_frame_matches_the_analysis_of_each_series() -> None:
    pl = pytest.importorskip("polars")
    pa = pytest.importorskip("pyarrow")
    rows = [r for r in _series_rows() if r["id"] in ("A", "B")]
    settings = {"improvement": "lower", "target": 60}
    expected = rs.icon_summary(
        {"A": rs.analyse_spc(RISING, **settings), "B": rs.analyse_spc(STEADY[:5], **settings)},
        polars=True,
    )
    for data in (pl.DataFrame(rows), pa.Table.from_pylist(rows), pa.RecordBatch.from_pylist(rows)):
        frame = rs.icon_summary_frame(data, by=["id"], period="month", svg=True, settings=settings)
        assert type(frame) is type(data), "the same kind of frame out as in"
        got = frame if isinstance(frame, pl.DataFrame) else pl.from_arrow(frame)
        assert isinstance(got, pl.DataFrame)
        for column in ("variation", "assurance", "summary", "trial_limits", "points"):
            assert got[column].to_list() == expected[column].to_list(), column
        assert got["variation_svg"][0] == rs.icon_svg("variation", "concern_high")


def test_icon_summary_frame_refuses_a_list() -> None:
    with pytest.raises(rs.InvalidValueError, match="frame of series"):
        rs.icon_summary_frame([1, 2, 3])


def test_icon_summary_frame_without_keys_or_rows() -> None:
    pd = pytest.importorskip("pandas")
    whole = rs.icon_summary_frame(pd.DataFrame({"value": RISING}), target=45)
    assert list(whole.columns) == list(ICON_FRAME_COLUMNS)
    assert (len(whole), whole["variation"][0], whole["points"][0]) == (1, "improvement_high", len(RISING))
    assert whole["period"][0] is None, "without a period column the points have no labels"
    empty = rs.icon_summary_frame(pd.DataFrame({"id": pd.Series([], dtype=str), "value": pd.Series([], dtype=float)}), by="id")
    assert len(empty) == 0 and list(empty.columns) == ["id", *ICON_FRAME_COLUMNS]


LONG_RUN = STEADY + [55, 56, 57, 55, 56, 57, 58, 56, 57]


def test_a_run_chart_has_anhoj_icons_and_no_limits_whatever_its_length() -> None:
    pl = pytest.importorskip("polars")
    results = {
        "RUN": rs.analyse_spc(LONG_RUN, chart="run", target=45),
        "FLAT": rs.analyse_spc(STEADY, chart="run", target=45),
        "ONE": rs.analyse_spc([3], chart="run", target=2),
        "NO-TARGET": rs.analyse_spc(STEADY, chart="run"),
    }
    frame = rs.icon_summary(results, polars=True)
    got = list(zip(frame["id"], frame["variation"], frame["assurance"]))
    assert got == [
        ("RUN", "improvement_high", "no_limits"),
        ("FLAT", "common_cause", "no_limits"),
        ("ONE", "too_few_points", "no_limits"),
        ("NO-TARGET", "common_cause", "no_target"),
    ]
    assert frame["assurance_label"][0] == "None (no limits on a run chart)"
    assert "run chart" in frame["summary"][0]
    assert not any(frame["trial_limits"].to_list()), "no limits, so none to call trial"
    # The frame path gives the same icons from the same series.
    rows = [
        {"id": key, "month": month, "value": value}
        for key, values in (("RUN", LONG_RUN), ("FLAT", STEADY), ("ONE", [3]))
        for month, value in enumerate(values)
    ]
    by_frame = rs.icon_summary_frame(pl.DataFrame(rows), by="id", period="month", chart="run", target=45)
    assert list(zip(by_frame["variation"], by_frame["assurance"])) == [g[1:] for g in got[:3]]
    assert by_frame["summary"].to_list() == frame["summary"].to_list()[:3]


def test_icon_names_are_the_literal_types_and_the_cores() -> None:
    from typing import get_args

    from ragstatus.icons import AssuranceIconName, VariationIconName

    assert VARIATION_ICONS == get_args(VariationIconName)
    assert ASSURANCE_ICONS == get_args(AssuranceIconName)
    assert "no_limits" in ASSURANCE_ICONS
    for name in ASSURANCE_ICONS:
        assert rs.icon_text("assurance", name)[0]
    # Every name the core gives is one of the Literal's: the error lists the core's names.
    with pytest.raises(rs.InvalidValueError) as err:
        rs.icon_text("assurance", "nope")
    listed = str(err.value).split("one of ")[1]
    assert sorted(n.strip(' "') for n in listed.split(",")) == sorted(ASSURANCE_ICONS)
    with pytest.raises(rs.InvalidValueError) as err:
        rs.icon_text("variation", "nope")
    listed = str(err.value).split("one of ")[1]
    assert sorted(n.strip(' "') for n in listed.split(",")) == sorted(VARIATION_ICONS)
