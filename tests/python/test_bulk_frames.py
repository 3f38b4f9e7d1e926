"""SPC, budget and milestones in bulk: spc_frame(frame, by=...), roll_up_frame, milestones_frame.

Each frame function hands its frame to the core as Arrow; these tests check that a row of the
result is what the per-item API gives for the same input, for pandas, polars and pyarrow in and
the same kind out, and that no row is ever dropped (rows in = rows rated + rows reported).
"""

from __future__ import annotations

import datetime
import threading
from decimal import Decimal
from typing import Any

import pandas as pd
import polars as pl
import pyarrow as pa
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import ragstatus as rs

D = datetime.date
SHIFT = [50, 51, 49, 50, 52, 48, 50, 51, 49, 50, 53, 54, 53, 52, 53, 54, 53]
DIP = [Decimal("92.1"), Decimal("93.4"), Decimal("91.8"), Decimal("92.9"), Decimal("80.0"),
       Decimal("92.2"), Decimal("93.1"), Decimal("92.6"), Decimal("92.0"), Decimal("93.3")]
MONTHS = [f"{2015 + (m + 3) // 12}-{(m + 3) % 12 + 1:02d}-01" for m in range(len(SHIFT))]


def rows_of(frame: Any) -> list[dict[str, Any]]:
    """The rows of any kind of result frame as dicts, missing values as None."""
    if isinstance(frame, pl.DataFrame):
        return frame.to_dicts()
    if isinstance(frame, (pa.Table, pa.RecordBatch)):
        return frame.to_pylist()
    return [{k: (None if not isinstance(v, (list, str)) and pd.isna(v) else v) for k, v in r.items()}
            for r in frame.to_dict("records")]


def series_frame() -> pd.DataFrame:
    # Two wards, each given newest first so that the period column must order them.
    rows = []
    for ward, values in (("W1", SHIFT), ("W2", [v + 10 for v in SHIFT[::-1]])):
        for month, value in reversed(list(zip(MONTHS, values))):
            rows.append({"ward": ward, "month": month, "value": Decimal(value)})
    return pd.DataFrame(rows)


def check_against_single(out_rows: list[dict[str, Any]], frame: pd.DataFrame, **spc_settings: Any) -> None:
    for ward, group in frame.groupby("ward", sort=False):
        ordered = group.sort_values("month")
        single = rs.analyse_spc(list(ordered["value"]), list(ordered["month"]), **spc_settings)
        for point, row in zip(single.points, ordered.index):
            got = out_rows[row]
            assert got["ward"] == ward and got["row"] == row and got["index"] == point.index
            assert got["label"] == point.label and got["value"] == point.value
            assert got["mean"] == point.mean
            assert got["upper_process_limit"] == point.upper_process_limit
            assert got["lower_two_sigma"] == point.lower_two_sigma
            assert got["moving_range"] == point.moving_range
            assert got["rules"] == ",".join(point.rules)
            assert got["point_type"] == point.point_type
            assert got["special_cause"] == point.is_special_cause
            assert got["explanation"] == point.explanation
            assert got["variation"] == single.variation and got["assurance"] == single.assurance
            assert got["error"] is None


@pytest.mark.parametrize("kind", ["pandas", "polars", "pyarrow", "pyarrow-batch"])
def test_spc_frame_many_series_equals_one_call_per_series(kind: str) -> None:
    frame = series_frame()
    data: Any = {
        "pandas": frame,
        "polars": pl.from_pandas(frame),
        "pyarrow": pa.Table.from_pandas(frame, preserve_index=False),
        "pyarrow-batch": pa.RecordBatch.from_pandas(frame, preserve_index=False),
    }[kind]
    out = rs.spc_frame(data, by=["ward"], period="month", improvement="increase", target=51)
    assert type(out) is type(data)
    names = out.schema.names if isinstance(out, (pa.Table, pa.RecordBatch)) else out.columns
    assert list(names) == ["ward", *rs.spc.FRAME_COLUMNS]
    got = rows_of(out)
    assert len(got) == len(frame)
    check_against_single(got, frame, improvement="increase", target=51)
    assert got[0]["variation"] == "special_cause_improvement"  # W1's newest point is row 0


def test_spc_frame_whole_number_keys_stored_as_floats_are_the_integer_keys() -> None:
    # Ward codes 1 and 2 as pandas stores integers beside a missing cell: floats. Each ward is
    # its own series, as with the codes as text, and the key column stays the input's.
    frame = series_frame()
    floats = frame.assign(ward=frame["ward"].map({"W1": 1.0, "W2": 2.0}))
    texts = frame.assign(ward=frame["ward"].map({"W1": "1", "W2": "2"}))
    out = rs.spc_frame(floats, by="ward", period="month", improvement="increase", target=51)
    expected = rs.spc_frame(texts, by="ward", period="month", improvement="increase", target=51)
    assert pd.api.types.is_float_dtype(out["ward"])
    pd.testing.assert_frame_equal(out.drop(columns="ward"), expected.drop(columns="ward"))


def test_spc_frame_decimals_are_exact_and_settings_reach_every_series() -> None:
    frame = pd.DataFrame({"trust": ["RXX"] * len(DIP), "value": DIP})
    out = rs.spc_frame(frame, by="trust", settings={"screen_outliers": False}, display_decimals=1)
    assert isinstance(out["mean"].dtype, pd.ArrowDtype) and pa.types.is_decimal(out["mean"].dtype.pyarrow_dtype)
    single = rs.analyse_spc(DIP, screen_outliers=False, display_decimals=1)
    assert list(out["mean"]) == [p.mean for p in single.points]
    assert list(out["explanation"]) == [p.explanation for p in single.points]
    assert out["label"].isna().all()  # no period column: points in row order, named "point k"
    with pytest.raises(rs.RagstatusError):
        rs.spc_frame(frame, by="trust", shift_lenght=6)
    with pytest.raises(rs.DefinitionError):
        rs.spc_frame(frame, shift_length=1)


def test_spc_frame_bad_rows_are_listed_and_break_only_their_series() -> None:
    frame = series_frame()
    frame.loc[3, "value"] = None
    frame.loc[20, "ward"] = None
    out = rs.spc_frame(frame, by=["ward"], period="month")
    assert len(out) == len(frame)
    assert "row[3]" in out["error"][3] and "value" in out["error"][3]
    w1 = frame.index[frame["ward"] == "W1"]
    assert out.loc[w1, "error"].notna().all()  # W1 is broken by row 3
    assert all("row[3]" in e for e in out.loc[w1, "error"])
    assert out.loc[20, "error_kind"] == "Missing"
    w2 = frame.index[frame["ward"] == "W2"]
    assert out.loc[w2, "error"].isna().all() and out.loc[w2, "point_type"].notna().all()
    with pytest.raises(rs.ParseError, match="period"):
        rs.spc_frame(frame, by=["ward"], period="quarter")


def test_spc_frame_one_series_call_is_unchanged() -> None:
    frame = rs.spc_frame(pd.Series(SHIFT), improvement="increase")
    assert list(frame.columns) == list(rs.spc.RESULT_COLUMNS)
    assert isinstance(frame.attrs["spc"], rs.SpcResult)
    with pytest.raises(rs.InvalidValueError, match="frame"):
        rs.spc_frame(SHIFT, by="ward")


def budget_lines() -> pd.DataFrame:
    return pd.DataFrame({
        "id": ["A1", "A2", "P1", "P2", "A1"],
        "name": ["Older People", "Fees", "Parking", "Roads", "Again"],
        "group": ["Adults", "Adults", "Place > Highways", "Place > Highways", "Adults"],
        "kind": ["expenditure", "income", "net", "expenditure", "expenditure"],
        "base": ["gross", "gross", "net_controllable", "gross", "gross"],
        "budget": [Decimal("2000000.10"), Decimal("500000"), Decimal("-2500000"), Decimal("1"), Decimal("9")],
        "forecast": [Decimal("2090000.15"), Decimal("450000"), Decimal("-2300000"), Decimal("3"), Decimal("9")],
        "previous_forecast": [Decimal("2050000"), None, None, None, None],
    })


@pytest.mark.parametrize("kind", ["pandas", "polars", "pyarrow"])
def test_roll_up_frame_equals_roll_up(kind: str) -> None:
    frame = budget_lines()
    data: Any = {"pandas": frame, "polars": pl.from_pandas(frame),
                 "pyarrow": pa.Table.from_pandas(frame, preserve_index=False)}[kind]
    out = rs.roll_up_frame(data)
    assert type(out) is type(data)
    got = rows_of(out)
    lines = [rs.BudgetLine(r["id"], r["kind"], r["base"], r["budget"], r["forecast"], name=r["name"],
                           group=r["group"], previous_forecast=r["previous_forecast"])
             for r in frame.to_dict("records")]
    report = rs.roll_up(lines)
    expected = [*report.lines[:4], *report.totals]
    assert [g["id"] for g in got] == ["A1", "A2", "P1", "P2", "A1", *[t.id for t in report.totals]]
    for g, r in zip([*got[:4], *got[5:]], expected):
        assert g["variance"] == r.variance and g["variance_percent"] == r.variance_percent
        assert g["status"] == r.status and g["explanation"] == r.sentence
        assert g["base_amount"] == r.base_amount and g["line_count"] == r.line_count
        assert g["path"] == " > ".join(r.path) and g["error"] is None
    # Exact: pence kept, never a float.
    assert got[0]["variance"] == Decimal("90000.05") and isinstance(got[0]["variance"], Decimal)
    assert "row[4]" in got[4]["error"] and got[4]["error_kind"] == "Duplicate"
    assert got[4]["status"] is None and got[-1]["row"] is None


def test_roll_up_frame_statuses_are_ordered_categoricals() -> None:
    out = rs.roll_up_frame(budget_lines())
    assert isinstance(out["status"].dtype, pd.CategoricalDtype) and out["status"].cat.ordered
    assert list(out["status"].cat.categories) == rs.budget.STATUS_CATEGORIES
    polars = rs.roll_up_frame(pl.from_pandas(budget_lines()))
    assert polars.schema["status"] == pl.Enum(rs.budget.STATUS_CATEGORIES)


def test_roll_up_frame_shape_errors_raise() -> None:
    with pytest.raises(rs.ParseError, match="forecast"):
        rs.roll_up_frame(pd.DataFrame({"id": ["A"], "kind": ["net"], "budget": [1]}))
    with pytest.raises(rs.ParseError, match="directorate"):
        rs.roll_up_frame(budget_lines(), group=["directorate"])


def test_milestones_frame_pyarrow_and_polars() -> None:
    table = pa.table({
        "id": ["M-01", "M-02", "M-03"],
        "due": pa.array([D(2016, 3, 4), D(2016, 3, 31), None], pa.date32()),
        "start": ["01/01/2016", None, None],
        "percent_complete": pa.array([Decimal("60.5"), None, None], pa.decimal128(5, 1)),
    })
    out = rs.milestones_frame(table, D(2016, 3, 30))
    assert isinstance(out, pa.Table) and out.schema.names == list(rs.milestone.RESULT_COLUMNS)
    got = out.to_pylist()
    single = rs.evaluate_milestone(rs.Milestone("M-01", D(2016, 3, 4), start=D(2016, 1, 1),
                                                percent_complete=Decimal("60.5")), D(2016, 3, 30))
    assert got[0]["state"] == single.state and got[0]["explanation"] == single.sentence
    assert got[0]["due"] == D(2016, 3, 4) and got[1]["state"] == "AtRisk"
    assert "row[2]" in got[2]["error"] and got[2]["error_kind"] == "Missing"
    polars = rs.milestones_frame(pl.from_arrow(table), "2016-03-30")
    assert isinstance(polars, pl.DataFrame) and polars["state"].to_list()[:2] == ["Overdue", "AtRisk"]


def test_bulk_frames_release_the_gil() -> None:
    frame = pd.DataFrame({"series": [f"S{k // 24}" for k in range(48_000)],
                          "value": [Decimal(k % 17) for k in range(48_000)]})
    table = pa.Table.from_pandas(frame, preserve_index=False)
    results: list[Any] = []

    def work() -> None:
        results.append(rs.spc_frame(table, by="series"))

    threads = [threading.Thread(target=work) for _ in range(3)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(results) == 3 and all(r.equals(results[0]) for r in results)


# --- rows in = rows rated + rows reported -------------------------------------------------------

junk_number = st.one_of(st.none(), st.integers(-10**6, 10**6), st.decimals(-1000, 1000, places=2),
                        st.sampled_from(["12.5", "n/a", "", "1e3", "x", "1,234"]))


def accounted(out: pd.DataFrame, rated: str) -> None:
    assert (out["error"].isna() != out[rated].isna()).all()
    assert (out["error"].isna() == out["error_kind"].isna()).all()


@settings(max_examples=60, deadline=None)
@given(st.lists(st.tuples(st.sampled_from(["A", "B", None]), junk_number, st.integers(0, 20)), max_size=60))
def test_spc_frame_rows_in_equal_rows_out(cells: list[tuple[Any, Any, int]]) -> None:
    frame = pd.DataFrame({
        "key": pd.Series([c[0] for c in cells], dtype=object),
        "value": pd.Series([c[1] for c in cells], dtype=object),
        "period": pd.Series([c[2] for c in cells], dtype="int64"),
    })
    out = rs.spc_frame(frame, by="key", period="period")
    assert len(out) == len(cells) and list(out["row"]) == list(range(len(cells)))
    accounted(out, "point_type")


@settings(max_examples=60, deadline=None)
@given(st.lists(st.tuples(st.sampled_from(["L1", "L2", "L3", None]),
                          st.sampled_from(["expenditure", "income", "net", "junk", None]),
                          junk_number, junk_number), max_size=40))
def test_roll_up_frame_rows_in_equal_rows_out(cells: list[tuple[Any, Any, Any, Any]]) -> None:
    rows = [{"id": c[0], "kind": c[1], "budget": c[2], "forecast": c[3]} for c in cells]
    out = rs.roll_up_frame(rows)  # no rows at all: no lines, the fund total alone
    lines = out[out["row"].notna()]
    assert list(lines["row"]) == list(range(len(cells)))
    accounted(out, "status")
    assert lines["error"].map(lambda e: e is None or pd.isna(e) or "row[" in e).all()


@settings(max_examples=60, deadline=None)
@given(st.lists(st.tuples(st.sampled_from(["M1", "M2", "", None]),
                          st.one_of(st.none(), st.dates(D(2015, 1, 1), D(2017, 1, 1)),
                                    st.sampled_from(["2016-03-04", "31/03/2016", "March 2016"])),
                          junk_number), max_size=40))
def test_milestones_frame_rows_in_equal_rows_out(cells: list[tuple[Any, Any, Any]]) -> None:
    rows = [{"id": c[0], "due": c[1], "percent_complete": c[2]} for c in cells]
    out = rs.milestones_frame(rows, D(2016, 3, 10))
    assert len(out) == len(cells) and list(out["row"]) == list(range(len(cells)))
    accounted(out, "status")
