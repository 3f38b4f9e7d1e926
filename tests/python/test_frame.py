"""evaluate_frame and summary_frame on the core's columnar path: pandas, polars and pyarrow in and
out, keys, periods as labels and dates, ordered statuses, exact decimals, wrong shapes, error
rows, and rows in = rows rated + rows reported."""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Any

import numpy as np
import pandas as pd
import polars as pl
import pyarrow as pa
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import ragstatus as rs

DEFS = rs.Definitions(
    """
[[indicator]]
id = "SW-01"
name = "Children with a plan"
group = ["Start Well", "Children"]
unit = "percent"
polarity = "higher"
decimals = 1
tolerance = { absolute = "2" }
[[indicator.target]]
value = "45"

[[indicator]]
id = "LW-01"
group = ["Live Well"]
polarity = "lower"
[[indicator.target]]
value = "10"
"""
)

NATIONAL = {
    "organisation": ["E06", "E06", "E07", "E07", "E07"],
    "indicator": ["SW-01", "SW-01", "SW-01", "SW-01", "LW-01"],
    "period": ["2015/16 Q2", "2015/16 Q3", "2015/16 Q2", "2015/16 Q3", "2015/16 Q3"],
    "value": [42.0, 44.1, 46.0, 44.1, None],
    "numerator": [None, None, None, None, 9],
    "denominator": [None, None, None, None, 100],
}


def frame(lib: str, data: dict[str, list[Any]]) -> Any:
    if lib == "pandas":
        return pd.DataFrame(data)
    if lib == "polars":
        return pl.DataFrame(data, strict=False)
    if lib == "lazy":
        return pl.DataFrame(data, strict=False).lazy()
    return pa.table(data)


def records(out: Any) -> list[dict[str, Any]]:
    if isinstance(out, pd.DataFrame):
        return list(out.to_dict("records"))
    if isinstance(out, pl.DataFrame):
        return list(out.to_dicts())
    return list(out.to_pylist())


@pytest.mark.parametrize("lib", ["pandas", "polars", "lazy", "pyarrow"])
def test_a_keyed_national_frame_comes_back_as_the_same_kind(lib: str) -> None:
    out = rs.evaluate_frame(frame(lib, NATIONAL), DEFS, by="organisation")
    expected = {"pandas": pd.DataFrame, "polars": pl.DataFrame, "lazy": pl.DataFrame, "pyarrow": pa.Table}[lib]
    assert isinstance(out, expected)
    rows = records(out)
    # Every input row once, in order; then the gap: E07 reports LW-01 but not for Q2. E06
    # never reports LW-01, so it is not rated on it.
    assert len(rows) == 6
    assert [r["organisation"] for r in rows] == [*NATIONAL["organisation"], "E07"]
    assert [str(r["status"]) for r in rows] == ["Red", "Amber", "Green", "Amber", "Green", "NoData"]
    assert (rows[5]["indicator"], rows[5]["period"]) == ("LW-01", "2015/16 Q2")
    assert rows[5]["row"] is None
    # History per key: E06 rose from 42.0, E07 fell from 46.0.
    assert [r["direction"] for r in rows[:4]] == ["NotComparable", "Improving", "NotComparable", "Worsening"]
    assert rows[1]["actual"] == Decimal("44.1") and isinstance(rows[1]["actual"], Decimal)
    assert rows[4]["actual"] == Decimal("0.09")  # 9 / 100 for a count
    assert rows[1]["shortfall"] == Decimal("0.9")
    assert rows[1]["explanation"].startswith("44.1% is 0.9 points below the target of 45.0%")
    assert [r["row"] for r in rows[:5]] == [0, 1, 2, 3, 4]
    columns = list(out.columns) if lib != "pyarrow" else out.column_names
    assert columns == ["organisation", *rs.frame.RESULT_COLUMNS]


def test_pandas_statuses_are_ordered_categoricals_and_numbers_exact_decimals() -> None:
    out = rs.evaluate_frame(pd.DataFrame(NATIONAL), DEFS, by=["organisation"])
    for column in ("status", "computed_status"):
        dtype = out[column].dtype
        assert isinstance(dtype, pd.CategoricalDtype) and dtype.ordered
        assert list(dtype.categories) == [s.name for s in rs.StatusCode]
    assert out["status"].min() == "Red"  # ordered: Red < Amber < Green
    for column in ("actual", "target", "target_high", "stretch", "shortfall", "tolerance_amount"):
        dtype = out[column].dtype
        assert isinstance(dtype, pd.ArrowDtype) and pa.types.is_decimal(dtype.pyarrow_dtype), column
        assert dtype.pyarrow_dtype.precision == 38
    assert out["row"].dtype == pd.UInt64Dtype()


def test_polars_statuses_are_enums_and_numbers_decimals() -> None:
    out = rs.evaluate_frame(pl.DataFrame(NATIONAL, strict=False), DEFS, by=["organisation"])
    assert out.schema["status"] == pl.Enum([s.name for s in rs.StatusCode])
    assert out.schema["computed_status"] == pl.Enum([s.name for s in rs.StatusCode])
    assert isinstance(out.schema["actual"], pl.Decimal)
    assert out.sort("status")["status"].to_list()[0] == "Red"


def test_pyarrow_statuses_are_dictionaries_of_status_codes() -> None:
    out = rs.evaluate_frame(pa.table(NATIONAL), DEFS, by=["organisation"])
    status = out.column("status").combine_chunks()
    assert status.type == pa.dictionary(pa.uint8(), pa.string())
    assert status.dictionary.to_pylist() == [s.name for s in rs.StatusCode]
    assert status.indices.to_pylist()[:2] == [rs.StatusCode.Red, rs.StatusCode.Amber]
    assert pa.types.is_decimal(out.schema.field("actual").type)
    batch = rs.evaluate_frame(pa.table(NATIONAL).to_batches()[0], DEFS, by=["organisation"])
    assert isinstance(batch, pa.RecordBatch)


def test_period_none_evaluates_every_period_and_a_period_reports_one() -> None:
    df = pd.DataFrame(NATIONAL)
    everything = rs.evaluate_frame(df, DEFS, by="organisation")
    assert sorted(set(everything["period"])) == ["2015/16 Q2", "2015/16 Q3"]
    q3 = rs.evaluate_frame(df, DEFS, "2015/16 Q3", by="organisation")
    assert set(q3["period"]) == {"2015/16 Q3"}
    # E07's LW-01 has no Q2 row and Q2 is not reported: 3 input rows at Q3 and no gaps.
    assert q3["row"].tolist() == [1, 3, 4]
    assert q3["direction"].tolist() == ["Improving", "Worsening", "NotComparable"]


def test_periods_as_dates_mean_the_period_containing_them() -> None:
    dates = [datetime.date(2015, 8, 1), datetime.date(2015, 12, 31)]
    data = {"indicator": ["SW-01", "SW-01"], "period": dates, "value": [42.0, 44.1]}
    for df in (
        pd.DataFrame(data),
        pd.DataFrame({**data, "period": pd.to_datetime(dates)}),
        pd.DataFrame({**data, "period": np.array(dates, dtype="datetime64[ns]")}),
        pl.DataFrame(data),
    ):
        out = records(rs.evaluate_frame(df, DEFS))
        assert [r["period"] for r in out[:2]] == ["2015/16 Q2", "2015/16 Q3"], type(df)
        assert out[1]["direction"] == "Improving"


def test_float32_values_are_the_decimal_of_their_own_repr() -> None:
    df = pd.DataFrame({"indicator": ["SW-01"], "period": ["2015/16 Q3"], "value": np.array([44.95], dtype=np.float32)})
    out = rs.evaluate_frame(df, DEFS)
    assert out["actual"][0] == Decimal("44.95")


def test_wrong_shapes_raise_one_error_listing_every_problem() -> None:
    df = pd.DataFrame({"org": ["A"], "indicator": ["SW-01"], "period": ["2015/16 Q3"]})
    with pytest.raises(rs.ParseError) as caught:
        rs.evaluate_frame(df, DEFS, by=["organisation"])
    message = str(caught.value)
    assert 'key column "organisation" does not exist' in message
    assert 'expected a column "value"' in message
    assert isinstance(caught.value, rs.RagstatusError) and isinstance(caught.value, ValueError)
    duplicated = pa.Table.from_arrays([pa.array(["SW-01"]), pa.array(["2015/16 Q3"]), pa.array([1])], names=["indicator", "period", "indicator"])
    with pytest.raises(rs.ParseError, match="appears more than once"):
        rs.evaluate_frame(duplicated, DEFS)
    # Rows as dicts are read as every frame function reads them; their missing columns are named.
    with pytest.raises(rs.ParseError, match='the period column "period" is missing'):
        rs.evaluate_frame([{"indicator": "SW-01"}], DEFS)
    with pytest.raises(rs.InvalidValueError):
        rs.evaluate_frame(42, DEFS)


def test_bad_rows_are_listed_and_good_rows_rated() -> None:
    df = pd.DataFrame(
        {
            "organisation": ["A", None, "A", "A", "A", "A"],
            "indicator": ["SW-01", "SW-01", "XX-99", None, "SW-01", "LW-01"],
            "period": ["2015/16 Q3", "2015/16 Q3", "2015/16 Q3", "2015/16 Q3", "2015/16 M05", "2015/16 Q3"],
            "value": ["46", "1", "1", "1", "1", "n/a"],
        }
    )
    out = rs.evaluate_frame(df, DEFS, by="organisation")
    assert [None if pd.isna(k) else k for k in out["error_kind"].tolist()[:6]] == [None, "Missing", "UnknownIndicator", "Missing", "InvalidValue", "InvalidValue"]
    assert out["status"][0] == "Green"
    for i in range(1, 6):
        assert f"row[{i}]" in out["error"][i]
    assert '"n/a"' in out["error"][5]


def test_summary_frame_counts_statuses_by_key_and_group() -> None:
    results = rs.evaluate_frame(pd.DataFrame(NATIONAL), DEFS, by="organisation")
    summary = rs.summary_frame(results, by="organisation")
    rows = summary.to_dict("records")
    assert [(r["organisation"], r["group"]) for r in rows] == [
        ("E06", "Start Well > Children"),
        ("E07", "Live Well"),
        ("E07", "Start Well > Children"),
    ]
    assert (rows[0]["Red"], rows[0]["Amber"], rows[0]["total"], rows[0]["rated"]) == (1, 1, 2, 2)
    assert (rows[2]["Green"], rows[2]["Amber"], rows[2]["on_target"]) == (1, 1, 1)
    polars = rs.summary_frame(pl.from_pandas(pd.DataFrame(NATIONAL)).pipe(rs.evaluate_frame, DEFS, by="organisation"), by="organisation", group=None)
    assert isinstance(polars, pl.DataFrame)
    assert polars.to_dicts()[1]["total"] == 4
    with pytest.raises(rs.ParseError):
        rs.summary_frame(results, by="region")


IDS = ["SW-01", "LW-01", "XX-99", None]
LABELS = ["2015/16 Q1", "2015/16 Q2", "2015/16 M04", "bad", None]
VALUES = [None, 1.5, 44.95, float("nan"), 1e30]


@settings(max_examples=40, deadline=None)
@given(
    st.lists(
        st.tuples(st.sampled_from(["A", "B", None]), st.sampled_from(IDS), st.sampled_from(LABELS), st.sampled_from(VALUES)),
        max_size=40,
    ),
    st.booleans(),
)
def test_rows_in_equal_rows_rated_plus_rows_reported(rows: list[tuple[Any, ...]], keyed: bool) -> None:
    df = pd.DataFrame(rows, columns=["organisation", "indicator", "period", "value"]).astype({"value": "float64"})
    out = rs.evaluate_frame(df, DEFS, by="organisation" if keyed else ())
    mine = out[out["row"].notna()]
    assert mine["row"].tolist() == list(range(len(rows)))
    rated = int(mine["status"].notna().sum())
    reported = int(mine["error"].notna().sum())
    assert rated + reported == len(rows)
    assert not (out["status"].notna() & out["error"].notna()).any()


def test_nan_numbers_read_as_nulls_and_nan_keys_stay_missing() -> None:
    # The number columns reach the core with NaN as NaN (no pass marking them null): the core
    # must read them as it reads nulls. A NaN key is still a missing key, never the text "nan".
    rows = {
        "organisation": ["A", "A", "B", "B"],
        "indicator": ["SW-01", "SW-01", "SW-01", "SW-01"],
        "period": ["2015/16 Q1", "2015/16 Q2", "2015/16 Q1", "2015/16 Q2"],
        "value": [float("nan"), 44.95, 1.5, float("nan")],
    }
    with_nan = rs.evaluate_frame(pd.DataFrame(rows), DEFS, by="organisation")
    nullable = pd.DataFrame({**rows, "value": pd.array([None, 44.95, 1.5, None], dtype="Float64")})
    pd.testing.assert_frame_equal(with_nan, rs.evaluate_frame(nullable, DEFS, by="organisation"))
    assert with_nan["status"].tolist() == ["NoData", "Amber", "Red", "NoData"]
    # Half a fraction (a NaN numerator or denominator beside a number) is an error, as a null is.
    numerator, denominator = [float("nan"), 3.0, 1.0, 2.0], [4.0, 4.0, float("nan"), 8.0]
    fractions = pd.DataFrame({**rows, "value": [float("nan")] * 4, "numerator": numerator, "denominator": denominator})
    out = rs.evaluate_frame(fractions, DEFS, by="organisation")
    assert out["error"].notna().tolist() == [True, False, True, False]
    keyed = pd.DataFrame({**rows, "organisation": pd.Series(["A", float("nan"), "B", "B"], dtype=object)})
    out = rs.evaluate_frame(keyed, DEFS, by="organisation")
    assert "key column" in out["error"].tolist()[1]


@pytest.mark.parametrize("lib", ["pandas", "polars"])
def test_whole_number_keys_stored_as_floats_are_the_integer_keys(lib: str) -> None:
    # An integer key column with a missing cell is a float column in pandas (NaN for the gap);
    # its keys are the integers, the gap a missing key, and the output keeps the input's column.
    codes = [101.0, 101.0, 102.0, 102.0, float("nan")]
    rows = {
        "organisation": codes,
        "indicator": ["SW-01"] * 5,
        "period": ["2015/16 Q1", "2015/16 Q2", "2015/16 Q1", "2015/16 Q2", "2015/16 Q2"],
        "value": [44.0, 46.0, 46.0, 44.0, 50.0],
    }
    as_text = {**rows, "organisation": ["101", "101", "102", "102", None]}
    floats = pd.DataFrame(rows) if lib == "pandas" else pl.DataFrame(rows)
    texts = pd.DataFrame(as_text) if lib == "pandas" else pl.DataFrame(as_text)
    out = rs.evaluate_frame(floats, DEFS, by="organisation")
    expected = rs.evaluate_frame(texts, DEFS, by="organisation")
    columns = list(rs.frame.RESULT_COLUMNS)
    if lib == "pandas":
        pd.testing.assert_frame_equal(out[columns], expected[columns])
        assert out["organisation"].dtype == np.float64
        errors = out["error"].tolist()
    else:
        assert out.select(columns).equals(expected.select(columns))
        assert out["organisation"].dtype == pl.Float64
        errors = out["error"].to_list()
    statuses = [None if s is None or s != s else str(s) for s in list(out["status"])]
    assert statuses == ["Amber", "Green", "Green", "Amber", None]
    assert list(out["direction"])[1] == "Improving"
    # pandas sends the NaN as a null, polars as NaN: a missing key either way.
    assert "missing a value in key column" in errors[4]


def test_coded_columns_become_the_categoricals_pyarrow_makes() -> None:
    # Dictionary columns are made Categoricals from their codes when every chunk shares one
    # dictionary: the same frame as pyarrow's `to_pandas`, nulls, unsigned codes, other
    # dictionaries in another chunk, 64-bit codes (both left to pyarrow) and empty dictionaries.
    from ragstatus._frames import _pandas_dtype, from_arrow

    words = pa.array(["Red", "Amber", "Green"])

    def chunk(codes: list[int | None], kind: pa.DataType = pa.int32(), values: pa.Array = words) -> pa.Array:
        return pa.DictionaryArray.from_arrays(pa.array(codes, kind), values)

    table = pa.Table.from_batches(
        [
            pa.record_batch(
                {
                    "shared": chunk([0, 2, None]),
                    "small": chunk([1, None, 0], pa.uint8()),
                    "other": chunk([0, 1, 1]),
                    "empty": chunk([None, None, None], values=pa.array([], pa.string())),
                    "wide": chunk([2, 0, None], pa.int64()),
                    "n": pa.array([1, 2, 3], pa.uint64()),
                }
            ),
            pa.record_batch(
                {
                    "shared": chunk([1, 1, 0]),
                    "small": chunk([2, 2, None], pa.uint8()),
                    "other": chunk([0, 0, 1], values=pa.array(["Green", "Blue"])),
                    "empty": chunk([None, None, None], values=pa.array([], pa.string())),
                    "wide": chunk([1, 1, 2], pa.int64()),
                    "n": pa.array([4, None, 6], pa.uint64()),
                }
            ),
        ]
    )
    expected = table.to_pandas(types_mapper=_pandas_dtype, split_blocks=True)
    pd.testing.assert_frame_equal(from_arrow(table, "pandas"), expected, check_exact=True)
    # A whole coded result.
    national = pd.DataFrame(NATIONAL)
    ordered = rs.evaluate_frame(pa.Table.from_pandas(national), DEFS, by="organisation", text="category").to_pandas(
        types_mapper=_pandas_dtype, split_blocks=True
    )
    for column in ("status", "computed_status"):
        ordered[column] = ordered[column].cat.as_ordered()
    coded = rs.evaluate_frame(national, DEFS, by="organisation", text="category")
    pd.testing.assert_frame_equal(coded, ordered, check_exact=True)


def _unaligned_strings(values: list[str]) -> pa.Array:
    """A large_string array whose 64-bit offsets start 4 bytes past an aligned address, as a
    table read from a message (a Dask shuffle, IPC in memory) can hold them."""
    data = "".join(values).encode()
    offsets = [0]
    for v in values:
        offsets.append(offsets[-1] + len(v.encode()))
    raw = pa.array(offsets, pa.int64()).buffers()[1].to_pybytes()
    padded = pa.allocate_buffer(len(raw) + 4, resizable=False)
    memoryview(padded).cast("B")[4:] = raw
    offsets_buffer = padded.slice(4)
    assert offsets_buffer.address % 8 != 0
    return pa.Array.from_buffers(
        pa.large_string(), len(values), [None, offsets_buffer, pa.py_buffer(data)]
    )


@pytest.mark.parametrize("container", ["table", "batch"])
def test_unaligned_arrow_buffers_are_read_not_crashed_on(container: str) -> None:
    # Without the copy into aligned buffers the Arrow import aborted the interpreter (a debug
    # build) or read unaligned memory (a release build).
    columns = {
        "indicator": _unaligned_strings(["LW-01", "LW-01"]),
        "period": _unaligned_strings(["2015/16 Q1", "2015/16 Q2"]),
        "value": pa.array(["9.5", "12.1"]),
    }
    data = pa.table(columns) if container == "table" else pa.record_batch(columns)
    out = rs.evaluate_frame(data, DEFS, by=[])
    rows = [r for r in out.to_pylist() if r["indicator"] == "LW-01" and r["row"] is not None]
    assert [r["status"] for r in rows] == ["Green", "Red"]


def _large_national() -> pd.DataFrame:
    """A frame large enough (20,800 rows) for the core to split its output rows across threads
    (on a machine with more than one core), with a bad row and a gap near the end."""
    orgs = [f"E{k:04d}" for k in range(2600)]
    quarters = ["2015/16 Q1", "2015/16 Q2", "2015/16 Q3", "2015/16 Q4"]
    rows = []
    for o, org in enumerate(orgs):
        for i, ind in enumerate(["SW-01", "LW-01"]):
            for q, quarter in enumerate(quarters):
                if (o, i, q) == (2599, 1, 3):
                    continue  # a gap: an added row
                value = None if (o + q) % 97 == 0 else 40 + (o * 7 + q * 3 + i) % 10 + 0.1 * (q % 3)
                rows.append((org, ind, quarter, value))
    rows.append(("E0000", "XX-99", "2015/16 Q1", 1.0))
    return pd.DataFrame(rows, columns=["organisation", "indicator", "period", "value"])


def test_a_large_frame_split_across_threads_comes_back_whole_in_every_kind() -> None:
    df = _large_national()
    table = rs.evaluate_frame(pa.Table.from_pandas(df, preserve_index=False), DEFS, by="organisation")
    assert isinstance(table, pa.Table)
    assert table.num_rows == len(df) + 1
    assert table.column("row").to_pylist()[: len(df)] == list(range(len(df)))
    whole = table.combine_chunks()
    # One batch wanted: one batch, the same rows.
    batch = rs.evaluate_frame(pa.RecordBatch.from_pandas(df, preserve_index=False), DEFS, by="organisation")
    assert isinstance(batch, pa.RecordBatch)
    assert pa.Table.from_batches([batch]).equals(whole)
    statuses = whole.column("status").cast(pa.string()).to_pylist()
    pandas = rs.evaluate_frame(df, DEFS, by="organisation")
    assert len(pandas) == len(statuses)
    assert [None if pd.isna(s) else s for s in pandas["status"].astype(object)] == statuses
    assert pandas["status"].dtype.ordered and list(pandas["status"].cat.categories) == [s.name for s in rs.StatusCode]
    def cells(values: Any) -> list[Any]:
        return [None if pd.isna(v) else v for v in values]

    assert cells(pandas["explanation"]) == whole.column("explanation").to_pylist()
    assert cells(pandas["actual"]) == whole.column("actual").to_pylist()
    polars = rs.evaluate_frame(pl.from_pandas(df), DEFS, by="organisation")
    assert polars["status"].cast(pl.String).to_list() == statuses
    assert polars["explanation"].to_list() == whole.column("explanation").to_pylist()
    assert polars.schema["status"] == pl.Enum([s.name for s in rs.StatusCode])
    # The bad row and the gap are where they belong.
    assert pandas["error_kind"][len(df) - 1] == "UnknownIndicator"
    assert (pandas["organisation"].iloc[-1], pandas["indicator"].iloc[-1], pandas["period"].iloc[-1]) == (
        "E2599",
        "LW-01",
        "2015/16 Q4",
    )
    assert pandas["status"].iloc[-1] == "NoData"


@pytest.mark.parametrize("lib", ["pandas", "polars", "pyarrow"])
def test_without_explanations_every_decision_is_the_same(lib: str) -> None:
    data = pa.Table.from_pandas(_large_national(), preserve_index=False)
    source = {"pandas": data.to_pandas(), "polars": pl.from_arrow(data), "pyarrow": data}[lib]
    full = pa.table(rs.evaluate_frame(source, DEFS, by="organisation")) if lib != "pyarrow" else rs.evaluate_frame(source, DEFS, by="organisation")
    lean = rs.evaluate_frame(source, DEFS, by="organisation", explain=False)
    lean = pa.table(lean) if lib != "pyarrow" else lean
    assert lean.column_names == full.column_names
    assert lean.column("explanation").null_count == lean.num_rows
    assert full.column("explanation").null_count < full.num_rows
    for name in full.column_names:
        if name != "explanation":
            assert lean.column(name).to_pylist() == full.column(name).to_pylist(), name


RECENT = rs.Definitions(
    """
[[indicator]]
id = "RT-1"
unit = "percent"
polarity = "lower"
frequency = "annual"
decimals = 1
direction = { trend = "recent" }
[[indicator.target]]
value = "3"
"""
)


def test_recent_trend_is_the_same_direction_in_the_frame_and_the_scalar_evaluation() -> None:
    counts = [(994, 40299), (1023, 41527), (1199, 42811), (1332, 44064), (1367, 44701)]
    years = ["2014/15", "2015/16", "2016/17", "2017/18", "2018/19"]
    rows = [
        {"org": org, "indicator": "RT-1", "period": y, "numerator": x, "denominator": n}
        for org, take in (("A", 5), ("B", 4))
        for y, (x, n) in list(zip(years, counts))[-take:]
    ]
    out = rs.evaluate_frame(pd.DataFrame(rows), RECENT, "2018/19", by="org")
    indicator = RECENT.indicators[0]
    for org, take in (("A", 5), ("B", 4)):
        series = {y: (x, n) for y, (x, n) in list(zip(years, counts))[-take:]}
        r = indicator.evaluate("2018/19", series)
        row = out[(out["org"] == org) & (out["period"] == "2018/19")].iloc[0]
        assert row["direction"] == r.direction
        assert row["explanation"] == r.sentence
    a = indicator.evaluate("2018/19", {y: (x, n) for y, (x, n) in zip(years, counts)})
    # Lower is better: the significant increase is getting worse.
    assert a.direction == "Worsening"
    assert a.trend is not None and a.trend.direction == "Worsening"
    from ragstatus.groupstats import RecentTrend

    assert isinstance(a.recent_trend, RecentTrend)
    assert a.recent_trend.chi_squared == Decimal("47.89667671") and a.recent_trend.points_used == 5
    assert a.recent_trend["marker"] == "Increasing"
    assert a.recent_trend["judgement"] == "getting worse"
    assert a.recent_trend["chi_squared"] == Decimal("47.89667671")


CODED = [
    "indicator",
    "name",
    "theme",
    "group",
    "period",
    "measured",
    "direction",
    "direction_previous",
    "direction_year_ago",
    "error_kind",
]


def _with_bad_rows() -> pd.DataFrame:
    df = _large_national()
    bad = pd.DataFrame(
        [
            ("E0001", "SW-01", "2015/16 M05", 1.0),  # a period of another frequency
            ("E0001", "LW-01", "not a period", 1.0),
            ("E0002", "SW-01", "2015/16 Q1", 3.0),  # a duplicate of an earlier row
        ],
        columns=df.columns,
    )
    return pd.concat([df, bad], ignore_index=True)


@pytest.mark.parametrize("lib", ["pandas", "polars", "pyarrow"])
@pytest.mark.parametrize("explain", [True, False])
def test_category_text_columns_hold_the_same_values(lib: str, explain: bool) -> None:
    df = _with_bad_rows()
    data = pa.Table.from_pandas(df, preserve_index=False)
    source = {"pandas": df, "polars": pl.from_arrow(data), "pyarrow": data}[lib]
    plain = rs.evaluate_frame(source, DEFS, by="organisation", explain=explain)
    coded = rs.evaluate_frame(source, DEFS, by="organisation", explain=explain, text="category")
    assert type(coded) is type(plain)
    assert list(coded.columns if lib != "pyarrow" else coded.column_names) == list(
        plain.columns if lib != "pyarrow" else plain.column_names
    )
    # Rows in = rows rated + rows reported, error rows included.
    table = pa.table(coded) if lib != "pyarrow" else coded
    rows = table.column("row").to_pylist()
    mine = [i for i, r in enumerate(rows) if r is not None]
    assert [rows[i] for i in mine] == list(range(len(df)))
    status, error = table.column("status").to_pylist(), table.column("error").to_pylist()
    rated = [i for i in mine if status[i] is not None]
    reported = [i for i in mine if error[i] is not None]
    assert len(rated) + len(reported) == len(df) and rated and reported
    kinds = {k for k in table.column("error_kind").to_pylist() if k is not None}
    assert {"UnknownIndicator", "Duplicate", "PeriodLabel"} <= kinds
    for name in CODED:
        if lib == "pandas":
            assert isinstance(coded[name].dtype, pd.CategoricalDtype), name
            assert not coded[name].dtype.ordered
            got = [None if pd.isna(v) else v for v in coded[name].astype(object)]
            want = [None if pd.isna(v) else v for v in plain[name].astype(object)]
        elif lib == "polars":
            assert coded.schema[name] == pl.Categorical, name
            got, want = coded[name].cast(pl.String).to_list(), plain[name].to_list()
        else:
            assert coded.schema.field(name).type == pa.dictionary(pa.int32(), pa.string()), name
            got, want = coded.column(name).cast(pa.large_string()).to_pylist(), plain.column(name).to_pylist()
        assert got == want, name
    full, lean = pa.table(plain) if lib != "pyarrow" else plain, table
    for name in full.column_names:
        if name not in CODED:
            assert lean.column(name).to_pylist() == full.column(name).to_pylist(), name


def test_an_unknown_text_encoding_is_an_invalid_value() -> None:
    with pytest.raises(rs.InvalidValueError, match="text="):
        rs.evaluate_frame(pd.DataFrame(NATIONAL), DEFS, by="organisation", text="categorical")


@pytest.mark.parametrize("lib", ["pandas", "polars", "pyarrow"])
@pytest.mark.parametrize("text", ["string", "category"])
def test_columns_gives_those_columns_in_that_order_as_the_full_frame_has_them(lib: str, text: str) -> None:
    df = _with_bad_rows()
    data = pa.Table.from_pandas(df, preserve_index=False)
    source = {"pandas": df, "polars": pl.from_arrow(data), "pyarrow": data}[lib]
    full = rs.evaluate_frame(source, DEFS, by="organisation", text=text)
    wanted = ["status", "direction_previous", "organisation", "actual", "error", "row"]
    some = rs.evaluate_frame(source, DEFS, by="organisation", text=text, columns=wanted)
    assert type(some) is type(full)
    names = list(some.column_names if lib == "pyarrow" else some.columns)
    assert names == wanted
    assert len(some) == len(full)
    for name in wanted:
        if lib == "pandas":
            assert some[name].dtype == full[name].dtype, name
            assert some[name].equals(full[name]), name
        elif lib == "polars":
            assert some.schema[name] == full.schema[name], name
            assert some[name].equals(full[name]), name
        else:
            assert some.column(name).equals(full.column(name)), name
    # Rows in = rows rated + rows reported, from the two columns that say so.
    table = pa.table(some) if lib != "pyarrow" else some
    rows = table.column("row").to_pylist()
    status, error = table.column("status").to_pylist(), table.column("error").to_pylist()
    mine = [i for i, r in enumerate(rows) if r is not None]
    assert len([i for i in mine if status[i] is not None]) + len([i for i in mine if error[i] is not None]) == len(df)
    # One name is one column; the sentences left out are not written.
    one = rs.evaluate_frame(source, DEFS, by="organisation", text=text, columns="status")
    assert list(one.column_names if lib == "pyarrow" else one.columns) == ["status"]


def test_unknown_repeated_or_no_output_columns_are_parse_errors() -> None:
    df = pd.DataFrame(NATIONAL)
    with pytest.raises(rs.ParseError, match=r'no output column "colour"; expected a key column or one of row,') as info:
        rs.evaluate_frame(df, DEFS, by="organisation", columns=["status", "colour", "status"])
    assert 'output column "status" is asked for twice' in str(info.value)
    assert isinstance(info.value, ValueError)
    with pytest.raises(rs.ParseError, match="no output columns asked for"):
        rs.evaluate_frame(df, DEFS, by="organisation", columns=[])
    with pytest.raises(rs.InvalidValueError, match="columns"):
        rs.evaluate_frame(df, DEFS, by="organisation", columns=[1, 2])  # type: ignore[list-item]


def test_a_narrow_output_of_a_large_sorted_frame_is_the_full_frames_columns() -> None:
    # 132,000 rows sorted by organisation, with a bad row, a duplicate and a gap: the statuses
    # alone are evaluated a piece of whole organisations at a time, and are the full frame's.
    orgs = np.repeat([f"E{k:05d}" for k in range(16_500)], 8)
    indicator = np.tile(np.repeat(["SW-01", "LW-01"], 4), 16_500)
    period = np.tile(["2015/16 Q1", "2015/16 Q2", "2015/16 Q3", "2015/16 Q4"], 2 * 16_500)
    value = (np.arange(len(orgs)) * 7 % 50).astype("float64") + 20.0
    df = pd.DataFrame({"organisation": orgs, "indicator": indicator, "period": period, "value": value})
    df.loc[100, "indicator"] = "XX-99"
    df.loc[70_001, "period"] = df.loc[70_000, "period"]
    df = df.drop(index=120_000).reset_index(drop=True)
    wanted = ["status", "direction_previous", "error"]
    full = rs.evaluate_frame(df, DEFS, by="organisation")
    some = rs.evaluate_frame(df, DEFS, by="organisation", columns=wanted)
    assert list(some.columns) == wanted and len(some) == len(full) > len(df)  # gaps added
    for name in wanted:
        assert some[name].equals(full[name]), name
    errors = some["error"].dropna()
    assert len(errors) == 3 and errors.str.contains(r"row\[100\]|row\[70000\]|row\[70001\]").all()
