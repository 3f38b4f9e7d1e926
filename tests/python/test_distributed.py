"""ragstatus.dask and ragstatus.spark give the answers of evaluate_frame: the same generated
national frame (with bad rows of each kind) through evaluate_frame, Dask on a LocalCluster of two
worker processes and Spark local[2], equal row for row, equal error reports, rows in = rows rated
+ rows reported; the declared decimal types; values that do not fit them are error rows.

Without a Java runtime (or pyspark) the Spark tests skip, except under CI=true, where they fail.
"""

from __future__ import annotations

import math
import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from decimal import Decimal
from typing import Any

import pandas as pd
import pyarrow as pa
import pytest

import ragstatus as rs
from ragstatus.frame import RESULT_COLUMNS, STATUS_CATEGORIES

CI = os.environ.get("CI", "").lower() == "true"

# pyspark 4.x warns about pandas 3 on every conversion; these tests hand it Arrow tables.
pytestmark = pytest.mark.filterwarnings("ignore:PySpark does not yet fully support pandas:FutureWarning")

DEFS = rs.Definitions(
    {
        "indicator": [
            {
                "id": "SW-01",
                "unit": "percent",
                "polarity": "higher",
                "group": ["Start Well"],
                "tolerance": {"absolute": "2"},
                "target": [{"value": "80.0"}],
            },
            {
                "id": "SW-02",
                "unit": "percent",
                "polarity": "lower",
                "group": ["Start Well"],
                "tolerance": {"absolute": "1.5"},
                "target": [{"value": "12.5", "stretch": "5"}],
            },
            {
                "id": "LW-01",
                "unit": "count",
                "polarity": "higher",
                "group": ["Live Well"],
                "tolerance": {"absolute": "0.3"},
                "target": [{"value": "12.8"}],
            },
            {
                "id": "LW-02",
                "unit": "days",
                "polarity": "lower",
                "group": ["Live Well"],
                "tolerance": {"relative": "5"},
                "target": [{"value": "30"}],
            },
        ]
    }
)

QUARTERS = [f"{y}/{(y + 1) % 100:02d} Q{q}" for y in (2014, 2015) for q in (1, 2, 3, 4)]


def national() -> pd.DataFrame:
    """12 organisations x 4 indicators x 8 quarters, with a missing value now and then, and bad
    rows: unknown indicator, bad number, a monthly label for a quarterly indicator, a
    duplicate, a null key."""
    rows: list[dict[str, Any]] = []
    k = 0
    for o in range(12):
        org = f"E{o:06d}"
        for ind in ("SW-01", "SW-02", "LW-01", "LW-02"):
            for q in QUARTERS:
                k += 1
                row: dict[str, Any] = {"organisation": org, "indicator": ind, "period": q}
                if k % 37 == 0:
                    pass  # no value recorded
                elif ind.startswith("SW"):
                    row["numerator"] = (k * 7) % 50 + (40 if ind == "SW-01" else 0)
                    row["denominator"] = 50
                else:
                    row["value"] = f"{(k * 13) % 400 / 10 + (0 if ind == 'LW-02' else -10):.1f}"
                rows.append(row)
    rows[5]["indicator"] = "ZZ-99"
    rows[40]["value"] = "n/a"
    rows[70]["period"] = "2015/16 M3"
    rows.append(dict(rows[100]))
    rows[200]["organisation"] = None
    frame = pd.DataFrame(rows, columns=["organisation", "indicator", "period", "value", "numerator", "denominator"])
    frame["value"] = frame["value"].astype(object)
    frame["numerator"] = frame["numerator"].astype("Int64")
    frame["denominator"] = frame["denominator"].astype("Int64")
    return frame


FRAME = national()


def missing(v: Any) -> bool:
    return v is None or v is pd.NA or (isinstance(v, float) and math.isnan(v))


def canonical(records: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Records with one spelling per value (None for missing, str statuses, int rows), sorted by
    key, indicator, period and row."""
    out = []
    for r in records:
        c: dict[str, Any] = {}
        for k in ["organisation", *RESULT_COLUMNS]:
            v = r[k]
            if missing(v):
                v = None
            elif k == "row":
                v = int(v)
            elif isinstance(v, Decimal):
                v = v.normalize()
            elif k in ("status", "computed_status"):
                v = str(v)
            c[k] = v
        out.append(c)
    return sorted(
        out,
        key=lambda c: tuple((c[k] is None, "" if c[k] is None else str(c[k])) for k in ("organisation", "indicator", "period"))
        + (-1 if c["row"] is None else c["row"],),
    )


def pandas_records(df: pd.DataFrame) -> list[dict[str, Any]]:
    return canonical([dict(zip(df.columns, t)) for t in df.astype(object).itertuples(index=False)])


def errors(records: list[dict[str, Any]]) -> list[tuple[Any, ...]]:
    return sorted((r["row"], r["error_kind"], r["error"]) for r in records if r["error"] is not None)


def check_rows(records: list[dict[str, Any]]) -> None:
    # Rows in = rows rated + rows reported: every input row exactly once.
    rows = sorted(r["row"] for r in records if r["row"] is not None)
    assert rows == list(range(len(FRAME)))
    rated = [r for r in records if r["row"] is not None and r["status"] is not None]
    reported = [r for r in records if r["row"] is not None and r["error"] is not None]
    assert len(rated) + len(reported) == len(FRAME)


@pytest.fixture(scope="module")
def reference() -> list[dict[str, Any]]:
    out = rs.evaluate_frame(FRAME, DEFS, by="organisation")
    records = pandas_records(out)
    check_rows(records)
    kinds = {r["error_kind"] for r in records if r["error"] is not None}
    assert kinds == {"UnknownIndicator", "InvalidValue", "Duplicate", "Missing"}
    assert len(errors(records)) == 6
    return records


def test_importing_ragstatus_imports_neither_dask_nor_spark() -> None:
    code = "import sys, ragstatus; print(sorted(m for m in ('dask', 'distributed', 'pyspark') if m in sys.modules))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


# --- Dask -------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def dask_client() -> Iterator[Any]:
    distributed = pytest.importorskip("distributed")
    with distributed.LocalCluster(
        n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None
    ) as cluster, distributed.Client(cluster) as client:
        yield client


def test_dask_gives_the_answers_of_evaluate_frame(dask_client: Any, reference: list[dict[str, Any]]) -> None:
    import dask.dataframe as dd

    import ragstatus.dask as rd

    ddf = dd.from_pandas(FRAME, npartitions=3)
    out = rd.evaluate(ddf, DEFS, by="organisation")
    assert list(out.columns) == ["organisation", *RESULT_COLUMNS]
    result = out.compute()
    # The declared meta is what the workers return.
    assert result.dtypes.to_dict() == out._meta.dtypes.to_dict()
    single = rs.evaluate_frame(FRAME, DEFS, by="organisation")
    for column in ("status", "computed_status"):
        assert result[column].cat.ordered
        assert list(result[column].cat.categories) == STATUS_CATEGORIES
    for column in result.columns:
        if column in ("actual", "target", "target_high", "stretch", "shortfall", "tolerance_amount"):
            assert pa.types.is_decimal(result[column].dtype.pyarrow_dtype)
        else:
            assert result[column].dtype == single[column].dtype, column
    records = pandas_records(result)
    check_rows(records)
    assert records == reference
    assert errors(records) == errors(reference)

    summary = rd.summary(out, "organisation").compute()
    expected = rs.summary_frame(single, "organisation")
    assert pandas_records_plain(summary) == pandas_records_plain(expected)


def pandas_records_plain(df: pd.DataFrame) -> list[tuple[Any, ...]]:
    return sorted(
        (tuple(None if missing(v) else v for v in t) for t in df.astype(object).itertuples(index=False)),
        key=lambda t: tuple((v is None, "" if v is None else str(v)) for v in t),
    )


def test_dask_keeps_a_frame_indexed_by_its_key_and_puts_the_key_back(dask_client: Any) -> None:
    import dask.dataframe as dd

    import ragstatus.dask as rd

    ddf = dd.from_pandas(FRAME.dropna(subset=["organisation"]).set_index("organisation"), npartitions=3)
    assert ddf.known_divisions
    result = rd.evaluate(ddf, DEFS, by="organisation").compute()
    assert "organisation" in result.columns
    assert len(result[result["row"].notna()]) == len(ddf)


def whole_key_parts(frame: pd.DataFrame, cuts: list[str]) -> list[pd.DataFrame]:
    """Contiguous slices of ``frame`` that start at the organisations in ``cuts``."""
    starts = [0, *(int(frame.index[frame["organisation"] == c][0]) for c in cuts), len(frame)]
    return [frame.iloc[a:b] for a, b in zip(starts, starts[1:])]


def test_dask_takes_partitions_of_whole_keys_without_a_shuffle(dask_client: Any) -> None:
    import dask.dataframe as dd

    import ragstatus.dask as rd

    # The duplicate appended at the end moved into its organisation's block, so every
    # organisation's rows are in one slice; evaluate_frame on the same rows is the reference.
    dup = FRAME.iloc[[-1]]
    whole = pd.concat([FRAME.iloc[:101], dup, FRAME.iloc[101:-1]], ignore_index=True)
    parts = whole_key_parts(whole, ["E000004", "E000009"])
    ddf = dd.from_map(lambda part: part, parts, meta=whole.iloc[:0])
    out = rd.evaluate(ddf, DEFS, by="organisation", partitioned=True)
    assert "shuffle" not in str(out.dask.keys())
    records = pandas_records(out.compute())
    expected = pandas_records(rs.evaluate_frame(whole, DEFS, by="organisation"))
    check_rows(records)
    assert records == expected
    # The same frame shuffled gives the same answer.
    assert pandas_records(rd.evaluate(ddf, DEFS, by="organisation").compute()) == expected


def test_dask_says_which_key_is_split_when_partitioned_is_wrong(dask_client: Any) -> None:
    import dask.dataframe as dd

    import ragstatus.dask as rd

    # FRAME's last row repeats a row of E000003, so E000003 is in the first and the last slice.
    parts = whole_key_parts(FRAME, ["E000004", "E000009"])
    ddf = dd.from_map(lambda part: part, parts, meta=FRAME.iloc[:0])
    with pytest.raises(rs.InvalidValueError, match=r"organisation='E000003' are in partitions 0, 2 \(1 key"):
        rd.evaluate(ddf, DEFS, by="organisation", partitioned=True)


def test_dask_needs_a_key() -> None:
    import dask.dataframe as dd

    import ragstatus.dask as rd

    with pytest.raises(rs.InvalidValueError, match="at least one key column"):
        rd.evaluate(dd.from_pandas(FRAME, npartitions=1), DEFS, by=[])


def test_a_value_that_does_not_fit_the_declared_type_is_an_error_row(dask_client: Any) -> None:
    import dask.dataframe as dd

    import ragstatus.dask as rd

    # Text values can have any scale, so actual is decimal128(38, 28): ten digits before the
    # point. evaluate_frame alone fits the column to the values; the declared type cannot.
    frame = pd.DataFrame(
        {
            "organisation": ["A", "A", "B"],
            "indicator": ["LW-01", "LW-01", "LW-01"],
            "period": ["2015/16 Q1", "2015/16 Q2", "2015/16 Q1"],
            "value": ["12345678901.5", "13.1", "12.9"],
        }
    )
    out = rd.evaluate(dd.from_pandas(frame, npartitions=2), DEFS, by="organisation")
    result = out.compute().sort_values("row")
    assert out._meta["actual"].dtype == pd.ArrowDtype(pa.decimal128(38, 28))
    first = result.iloc[0]
    assert pd.isna(first["status"]) and pd.isna(first["actual"])
    assert first["error_kind"] == "InvalidValue"
    assert "column actual, field row[0]" in first["error"]
    assert "decimal128(38, 28)" in first["error"]
    assert list(result["status"].iloc[1:].astype(str)) == ["Green", "Green"]
    assert result["actual"].iloc[2] == Decimal("12.9")


def test_decimal_scales_follow_the_definitions_and_the_input() -> None:
    from ragstatus._distributed import decimal_scales

    decimals = pa.schema([("value", pa.decimal128(12, 2))])
    scales = decimal_scales(DEFS, decimals)
    # Relative tolerance: a quotient; targets as written (80.0, 12.5, 12.8: one place).
    assert scales == {
        "actual": 2,
        "target": 1,
        "target_high": 1,
        "stretch": 1,
        "shortfall": 2,
        "tolerance_amount": 28,
    }
    fractions = pa.schema([("numerator", pa.int64()), ("denominator", pa.int64())])
    assert decimal_scales(DEFS, fractions)["actual"] == 28
    assert decimal_scales(DEFS, pa.schema([("value", pa.int32())]))["actual"] == 0
    assert decimal_scales(DEFS, pa.schema([("value", pa.float64())]))["actual"] == 28


# --- Spark ------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def spark() -> Iterator[Any]:
    def unavailable(reason: str) -> None:
        if CI:
            pytest.fail(f"{reason} (CI=true: the Spark tests must run)")
        pytest.skip(reason)

    try:
        from pyspark.sql import SparkSession
    except ImportError:
        unavailable("pyspark is not installed (pip install 'ragstatus[spark]')")
    if shutil.which("java") is None and not os.environ.get("JAVA_HOME"):
        unavailable("no Java runtime for Spark (apt-get install openjdk-17-jre-headless)")
    os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
    session = (
        SparkSession.builder.master("local[2]")
        .appName("ragstatus-tests")
        .config("spark.sql.shuffle.partitions", "2")
        .config("spark.default.parallelism", "2")
        .config("spark.ui.enabled", "false")
        .config("spark.sql.execution.arrow.pyspark.enabled", "true")
        .getOrCreate()
    )
    session.sparkContext.setLogLevel("ERROR")
    yield session
    session.stop()


def test_spark_gives_the_answers_of_evaluate_frame(spark: Any, reference: list[dict[str, Any]]) -> None:
    import ragstatus.spark as rsp

    # A repartitioned frame has no order to number rows by: the caller's id column names them.
    with_ids = spark.createDataFrame(
        pa.Table.from_pandas(FRAME.assign(id=range(len(FRAME))), preserve_index=False)
    ).repartition(3)
    out = rsp.evaluate(with_ids, DEFS, by="organisation", row="id")
    assert out.columns == ["organisation", *RESULT_COLUMNS]
    fields = {f.name: f.dataType for f in out.schema.fields}
    assert fields["actual"].simpleString() == "decimal(38,28)"
    assert fields["target"].simpleString() == "decimal(38,1)"
    table = out.toArrow()
    records = canonical(table.to_pylist())
    check_rows(records)
    assert records == reference
    assert errors(records) == errors(reference)

    # Without an id column, rows are numbered in the frame's order.
    ordered = spark.createDataFrame(pa.Table.from_pandas(FRAME, preserve_index=False))
    assert canonical(rsp.evaluate(ordered, DEFS, by="organisation").toArrow().to_pylist()) == reference

    summary = rsp.summary(out, "organisation").toArrow().to_pandas()
    expected = rs.summary_frame(rs.evaluate_frame(FRAME, DEFS, by="organisation"), "organisation")
    assert list(summary.columns) == list(expected.columns)
    assert pandas_records_plain(summary) == pandas_records_plain(expected)


def test_spark_evaluates_partitions_of_whole_keys_in_one_call_each(spark: Any) -> None:
    import ragstatus.spark as rsp

    dup = FRAME.iloc[[-1]]
    whole = pd.concat([FRAME.iloc[:101], dup, FRAME.iloc[101:-1]], ignore_index=True)
    expected = pandas_records(rs.evaluate_frame(whole, DEFS, by="organisation"))
    # Hash partitioning by the key puts each organisation's rows in one partition.
    by_key = spark.createDataFrame(
        pa.Table.from_pandas(whole.assign(id=range(len(whole))), preserve_index=False)
    ).repartition(3, "organisation")
    out = rsp.evaluate(by_key, DEFS, by="organisation", row="id", partitioned=True)
    physical = out._jdf.queryExecution().executedPlan().toString()
    assert "MapInArrow" in physical and "FlatMapGroupsInArrow" not in physical
    records = canonical(out.toArrow().to_pylist())
    check_rows(records)
    assert records == expected


def test_spark_says_which_key_is_split_when_partitioned_is_wrong(spark: Any) -> None:
    import ragstatus.spark as rsp

    # Round-robin partitions split every organisation.
    scattered = spark.createDataFrame(pa.Table.from_pandas(FRAME, preserve_index=False)).repartition(3)
    with pytest.raises(rs.InvalidValueError, match=r"organisation='E000000' are in partitions 0, 1, 2 \(12 key"):
        rsp.evaluate(scattered, DEFS, by="organisation", partitioned=True)


def without_explanations(records: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [{**r, "explanation": None} for r in records]


def test_dask_and_spark_without_explanations_decide_the_same(
    dask_client: Any, spark: Any, reference: list[dict[str, Any]]
) -> None:
    import dask.dataframe as dd

    import ragstatus.dask as rd
    import ragstatus.spark as rsp

    lean = pandas_records(rd.evaluate(dd.from_pandas(FRAME, npartitions=3), DEFS, by="organisation", explain=False).compute())
    assert all(r["explanation"] is None for r in lean)
    assert lean == without_explanations(reference)
    ordered = spark.createDataFrame(pa.Table.from_pandas(FRAME, preserve_index=False))
    records = canonical(rsp.evaluate(ordered, DEFS, by="organisation", explain=False).toArrow().to_pylist())
    assert records == without_explanations(reference)


# Two keys' rows, the first with a value too large for ``actual``'s declared decimal128(38, 28)
# (text values can have any scale: ten digits before the point).
TOO_LARGE = {
    "organisation": ["A", "B"],
    "indicator": ["LW-01", "LW-01"],
    "period": ["2015/16 Q1", "2015/16 Q1"],
    "value": ["12345678901.5", "12.9"],
}

# Output columns asked for, in an order of their own, without ``row``: still named by their rows.
SELECTED = ["status", "organisation", "actual", "error", "direction_previous"]


def spelled(records: list[dict[str, Any]], names: list[str]) -> list[tuple[Any, ...]]:
    """Each record's ``names`` cells, spelled as :func:`canonical` spells them, sorted."""
    out = []
    for r in records:
        cells = []
        for k in names:
            v = r[k]
            if missing(v):
                v = None
            elif isinstance(v, Decimal):
                v = v.normalize()
            elif k in ("status", "computed_status"):
                v = str(v)
            cells.append(v)
        out.append(tuple(cells))
    return sorted(out, key=repr)


def test_dask_gives_the_columns_asked_for(dask_client: Any, reference: list[dict[str, Any]]) -> None:
    import dask.dataframe as dd

    import ragstatus.dask as rd

    out = rd.evaluate(dd.from_pandas(FRAME, npartitions=3), DEFS, by="organisation", columns=SELECTED)
    assert list(out.columns) == SELECTED
    result = out.compute()
    assert list(result.columns) == SELECTED
    assert result.dtypes.to_dict() == out._meta.dtypes.to_dict()
    assert len(result) == len(reference)
    records = [dict(zip(result.columns, t)) for t in result.astype(object).itertuples(index=False)]
    # The same cells as the full evaluation's, errors named by the rows of the whole frame.
    assert spelled(records, SELECTED) == spelled(reference, SELECTED)
    assert any(not missing(r["error"]) and "row[100]" in r["error"] for r in records)


def test_dask_checks_the_columns_asked_for_before_reading_a_partition() -> None:
    import dask.dataframe as dd

    import ragstatus.dask as rd

    with pytest.raises(rs.ParseError, match="nope"):
        rd.evaluate(dd.from_pandas(FRAME, npartitions=2), DEFS, by="organisation", columns=["status", "nope"])


def test_a_decimal_column_not_asked_for_does_not_make_an_error_row(dask_client: Any) -> None:
    import dask.dataframe as dd

    import ragstatus.dask as rd

    ddf = dd.from_pandas(pd.DataFrame(TOO_LARGE), npartitions=2)
    # actual, at its declared decimal128(38, 28), cannot hold the first value: asked for, the
    # row is an error row; not asked for, nothing is lost and the row is rated.
    fitted = rd.evaluate(ddf, DEFS, by="organisation", columns=["row", "status", "actual", "error_kind"]).compute()
    fitted = fitted.sort_values("row")
    assert list(fitted["error_kind"].astype(object).where(fitted["error_kind"].notna(), None)) == ["InvalidValue", None]
    assert pd.isna(fitted["status"].iloc[0])
    rated = rd.evaluate(ddf, DEFS, by="organisation", columns=["organisation", "status"]).compute()
    assert sorted(zip(rated["organisation"], rated["status"].astype(str))) == [("A", "Green"), ("B", "Green")]


def test_spark_gives_the_columns_asked_for(spark: Any, reference: list[dict[str, Any]]) -> None:
    import ragstatus.spark as rsp

    ordered = spark.createDataFrame(pa.Table.from_pandas(FRAME, preserve_index=False))
    out = rsp.evaluate(ordered, DEFS, by="organisation", columns=SELECTED)
    assert out.columns == SELECTED
    records = out.toArrow().to_pylist()
    assert len(records) == len(reference)
    assert spelled(records, SELECTED) == spelled(reference, SELECTED)
    with pytest.raises(rs.ParseError, match="nope"):
        rsp.evaluate(ordered, DEFS, by="organisation", columns=["nope"])


def test_spark_value_that_does_not_fit_is_an_error_row(spark: Any) -> None:
    import ragstatus.spark as rsp

    frame = pa.table(TOO_LARGE)
    rows = sorted(rsp.evaluate(spark.createDataFrame(frame), DEFS, by="organisation").collect(), key=lambda r: r["row"])
    assert rows[0]["status"] is None and rows[0]["actual"] is None
    assert rows[0]["error_kind"] == "InvalidValue"
    assert "column actual, field row[0]" in rows[0]["error"]
    assert rows[1]["status"] == "Green" and rows[1]["actual"] == Decimal("12.9")


def test_a_partition_with_unaligned_buffers_is_evaluated() -> None:
    # What a shuffle can hand a worker: a large_string column whose 64-bit offsets start at an
    # odd address of the received message. The core's Arrow import needs them 8-byte aligned.
    from ragstatus._distributed import ROW_ID, evaluate_table, result_schema

    def unaligned(values: list[str]) -> pa.Array:
        data = "".join(values).encode()
        offsets = [0]
        for v in values:
            offsets.append(offsets[-1] + len(v.encode()))
        raw = pa.array(offsets, pa.int64()).buffers()[1].to_pybytes()
        # pyarrow allocates 64-byte aligned buffers: 4 bytes in is misaligned for an int64.
        padded = pa.allocate_buffer(len(raw) + 4, resizable=False)
        view = memoryview(padded).cast("B")
        view[4:] = raw
        offsets_buffer = padded.slice(4)
        assert offsets_buffer.address % 8 != 0
        return pa.Array.from_buffers(pa.large_string(), len(values), [None, offsets_buffer, pa.py_buffer(data)])

    table = pa.table(
        {
            "organisation": unaligned(["E1", "E1"]),
            "indicator": unaligned(["LW-01", "LW-01"]),
            "period": unaligned(["2015/16 Q1", "2015/16 Q2"]),
            "value": pa.array(["12.9", "12.1"]),
            ROW_ID: pa.array([7, 8], pa.int64()),
        }
    )
    schema = result_schema(DEFS, table.schema, ["organisation"])
    out = evaluate_table(table, DEFS, None, ["organisation"], schema, {})
    assert out.column("row").to_pylist() == [7, 8]
    assert out.column("error").to_pylist() == [None, None]
    assert out.column("status").cast(pa.string()).to_pylist() == ["Green", "Red"]
