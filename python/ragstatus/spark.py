"""The frame evaluation on Spark: :func:`evaluate` and :func:`summary`.

Needs the ``spark`` extra (``pip install "ragstatus[spark]"``: ``pyspark`` 4, with a Java 17+
runtime). Importing :mod:`ragstatus` does not import PySpark; this module does.

:func:`evaluate` groups the frame by its key columns and hands each key's rows, as a
``pyarrow.Table``, to :func:`ragstatus.evaluate_frame` on an executor
(``groupBy(keys).applyInArrow``): Arrow in and out, no pandas conversion and no ``Decimal``
objects on the way. It was measured against ``applyInPandas`` (see ``benches/README.md``).

- **The declared schema holds every value.** The decimal columns are ``DecimalType(38, s)``
  with ``s`` fixed from the definitions and the input's types
  (:func:`ragstatus._distributed.decimal_scales`: 28 where a value can be a quotient, such as a
  numerator over a denominator, or a float). A number that does not fit is an error row naming
  its row and column, never a null or a rounding.
- **Definitions shipped once.** They are broadcast as JSON text and read once per Python worker.
- **Rows named across the cluster.** ``row`` is the input row's position in the frame (counted
  per partition in a first pass, or taken from a column given as ``row=``), and error messages
  name it. ``status`` and ``computed_status`` are text (Spark has no categorical type); their
  order is :data:`ragstatus.frame.STATUS_CATEGORIES`.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import TYPE_CHECKING, Any, Optional, Union

from ragstatus._distributed import ROW_ID, definitions_from_text, definitions_text, keys_of, plan, split_key_error
from ragstatus._ragstatus import InvalidValueError, Period
from ragstatus.frame import STATUS_CATEGORIES, DefinitionsLike, _name, _names

if TYPE_CHECKING:  # pragma: no cover
    from pyspark.sql import DataFrame


def _wire(schema: Any) -> Any:
    """The Arrow schema Spark is given: statuses as text, ``row`` as a signed integer, and text
    as ``string`` (Spark checks a returned column's Arrow type against the one it maps
    ``StringType`` to, not ``large_string`` nor ``string_view``)."""
    import pyarrow as pa

    # pyarrow < 16 has no string_view.
    is_view = getattr(pa.types, "is_string_view", lambda _: False)
    fields = []
    for f in schema:
        if pa.types.is_dictionary(f.type) or pa.types.is_large_string(f.type) or is_view(f.type):
            f = pa.field(f.name, pa.string())
        elif f.name == "row":
            f = pa.field(f.name, pa.int64())
        fields.append(f)
    return pa.schema(fields)


def _with_row_ids(df: DataFrame) -> DataFrame:
    """``df`` with its rows numbered 0, 1, ... in the frame's order: a first pass counts the
    rows of each partition, a second numbers them from the partition's offset."""
    import pyarrow as pa
    from pyspark.sql.types import LongType, StructField, StructType

    def count(batches: Iterator[Any]) -> Iterator[Any]:
        from pyspark import TaskContext

        context = TaskContext.get()
        n = sum(b.num_rows for b in batches)
        yield pa.RecordBatch.from_pydict(
            {"p": [0 if context is None else context.partitionId()], "n": [n]},
            schema=pa.schema([("p", pa.int32()), ("n", pa.int64())]),
        )

    counts: dict[int, int] = dict(df.mapInArrow(count, "p int, n long").collect())
    offsets: dict[int, int] = {}
    start = 0
    for p in sorted(counts):
        offsets[p] = start
        start += counts[p]

    def number(batches: Iterator[Any]) -> Iterator[Any]:
        from pyspark import TaskContext

        context = TaskContext.get()
        at = offsets.get(0 if context is None else context.partitionId(), 0)
        for b in batches:
            yield b.append_column(ROW_ID, pa.array(range(at, at + b.num_rows), pa.int64()))
            at += b.num_rows

    return df.mapInArrow(number, StructType([*df.schema.fields, StructField(ROW_ID, LongType(), False)]))


def _check_partitioned(df: DataFrame, keys: list[str]) -> None:
    """Raises unless each key's rows are in one of ``df``'s partitions, reading only the keys."""
    from pyspark.sql import functions as F

    split = (
        df.select(*keys, F.spark_partition_id().alias("partition"))
        .dropna(subset=keys)
        .distinct()
        .groupBy(*keys)
        .agg(F.count(F.lit(1)).alias("n"), F.sort_array(F.collect_list("partition")).alias("partitions"))
        .filter("n > 1")
    )
    found = split.orderBy(*keys).limit(1).collect()
    if found:
        first = found[0]
        raise split_key_error(
            {k: first[k] for k in keys},
            first["partitions"],
            split.count(),
            "write one file per range of keys (each smaller than spark.sql.files.maxPartitionBytes), "
            "or leave partitioned=False and the frame is grouped by key",
        )


def evaluate(
    df: DataFrame,
    definitions: DefinitionsLike,
    by: Union[str, Sequence[str]],
    period: Union[Period, str, None] = None,
    *,
    row: Optional[str] = None,
    indicator: str = "indicator",
    value: str = "value",
    numerator: str = "numerator",
    denominator: str = "denominator",
    period_column: str = "period",
    provisional: str = "provisional",
    note: str = "note",
    explain: bool = True,
    partitioned: bool = False,
    columns: Union[str, Sequence[str], None] = None,
) -> DataFrame:
    """Evaluates a Spark DataFrame of actuals as :func:`ragstatus.evaluate_frame` does.

    ``by`` names the key columns (at least one); each key's rows are evaluated together on one
    executor. ``row`` names an integer column that identifies the input rows (a row id of the
    source table); without it ``row`` is the input row's position in ``df``, counted in an extra
    pass over ``df`` (cache ``df`` or pass ``row=`` to avoid reading the source twice). Returns a
    lazy DataFrame with the key columns and :data:`ragstatus.frame.RESULT_COLUMNS`; numbers are
    ``DecimalType(38, s)``, statuses text. Bad rows are error rows, listed with the good ones.
    ``explain=False`` leaves ``explanation`` null, as in :func:`ragstatus.evaluate_frame` (less
    to send back to the driver). ``partitioned=True`` says each of ``df``'s partitions already
    holds whole keys (files written one range of keys each, read so that no file is split):
    that is checked at once on the key columns alone (an :class:`~ragstatus.InvalidValueError`
    names a key found in two partitions), and each partition is then evaluated in one call
    (``mapInArrow``) instead of grouping by key. ``columns`` names the output columns wanted, in
    that order, as :func:`ragstatus.evaluate_frame`'s ``columns=`` does: the others are neither
    computed nor sent back, and a name that is not an output column raises
    :class:`~ragstatus.ParseError` at once, before any partition is read.
    """
    from pyspark.sql import SparkSession
    from pyspark.sql import functions as F
    from pyspark.sql.pandas.types import from_arrow_schema, to_arrow_schema

    if partitioned:
        _check_partitioned(df, keys_of(by))
    if row is None:
        df = _with_row_ids(df)
    else:
        row = _name(row, "row")
        if row not in df.columns:
            raise InvalidValueError(f"row: {row!r} is not valid; expected a column of the frame")
        df = df.withColumn(ROW_ID, F.col(row).cast("long"))
    keywords = {
        "indicator": indicator,
        "value": value,
        "numerator": numerator,
        "denominator": denominator,
        "period_column": period_column,
        "provisional": provisional,
        "note": note,
    }
    fixed = plan(definitions, to_arrow_schema(df.schema), by, period, keywords, explain, columns)
    wire = _wire(fixed.schema)
    spark_schema = from_arrow_schema(wire)
    session = SparkSession.getActiveSession() or df.sparkSession
    shipped: Any = session.sparkContext.broadcast(definitions_text(definitions))

    def evaluate_group(table: Any) -> Any:
        return fixed.evaluate(table, definitions_from_text(shipped.value)).cast(wire)

    if not partitioned:
        return df.groupBy(*fixed.keys).applyInArrow(evaluate_group, spark_schema)

    source = to_arrow_schema(df.schema)

    def evaluate_partition(batches: Iterator[Any]) -> Iterator[Any]:
        import pyarrow as pa

        table = pa.Table.from_batches(list(batches), schema=source)
        if table.num_rows:
            yield from evaluate_group(table).to_batches()

    return df.mapInArrow(evaluate_partition, spark_schema)


def summary(
    results: DataFrame, by: Union[str, Sequence[str]] = (), *, group: Union[str, None] = "group"
) -> DataFrame:
    """Counts of each status by key x group, as :func:`ragstatus.summary_frame`: a Spark
    DataFrame with one row per (key..., group), sorted (nulls last), a count column per status
    in ``StatusCode`` order, ``error``, ``rated`` (Red, Amber, Green, Blue), ``on_target``
    (Green, Blue) and ``total``."""
    from pyspark.sql import functions as F

    keys = _names(by, "by") + ([] if group is None else [_name(group, "group")])
    status = F.col("status")

    def count(condition: Any) -> Any:
        return F.sum(F.when(condition, 1).otherwise(0)).cast("long")

    counts = [count(status == s).alias(s) for s in STATUS_CATEGORIES]
    counts.append(count(status.isNull()).alias("error"))
    counts.append(count(status.isin("Red", "Amber", "Green", "Blue")).alias("rated"))
    counts.append(count(status.isin("Green", "Blue")).alias("on_target"))
    counts.append(F.count(F.lit(1)).cast("long").alias("total"))
    grouped = results.groupBy(*keys) if keys else results.groupBy()
    out = grouped.agg(*counts)
    return out.orderBy(*[F.asc_nulls_last(k) for k in keys]) if keys else out


__all__ = ["evaluate", "summary"]
