"""The frame evaluation on a Dask cluster: :func:`evaluate` and :func:`summary`.

Needs the ``dask`` extra (``pip install "ragstatus[dask]"``: ``dask[dataframe]`` and
``distributed``). Importing :mod:`ragstatus` does not import Dask; this module does.

Each partition is evaluated by :func:`ragstatus.evaluate_frame` on a worker, so the answers are
the same as in one process, on three conditions this module takes care of:

- **Whole keys per partition.** Direction of travel needs a key's history and duplicates are per
  key, so a key's rows must all be in one partition. :func:`evaluate` shuffles the frame by the
  key columns (``ddf.shuffle(on=by)``), unless it is already split so: indexed by the one key
  column with known divisions (``ddf.set_index("organisation")``), which puts each key in one
  partition, or declared so with ``partitioned=True`` (files written one range of keys each,
  read with ``dd.read_parquet``), which is checked on the key columns alone before anything is
  evaluated.
- **A declared result type.** The result's ``meta`` (and each partition's types) is the schema
  of :func:`ragstatus._distributed.result_schema`: the same columns as ``evaluate_frame``, the
  status an ordered ``Categorical``, the decimal columns ``pd.ArrowDtype(pa.decimal128(38, s))``
  with ``s`` fixed from the definitions and the input's types, so every partition has the same
  types. A number that does not fit its declared column is an error row, never rounded.
- **Rows named across partitions.** ``row`` is the input row's position in the whole frame
  (counted before the shuffle), and the messages of error rows name it.

Partitions travel as pandas frames whose decimals are Arrow arrays (``pd.ArrowDtype``), not as
pickled ``Decimal`` objects, and the definitions are shipped once, as JSON text, in a single
task of the graph that every partition's task reads.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any, Union

from ragstatus._distributed import (
    ROW_ID,
    Plan,
    definitions_from_text,
    definitions_text,
    keys_of,
    plan,
    split_key_error,
)
from ragstatus._ragstatus import Period
from ragstatus._frames import from_arrow, pandas_table
from ragstatus.frame import DefinitionsLike, _names, summary_frame

if TYPE_CHECKING:  # pragma: no cover
    import dask.dataframe as dd


def _evaluate_partition(df: Any, text: str, plan: Plan) -> Any:
    table = plan.evaluate(pandas_table(df), definitions_from_text(text))
    return from_arrow(table, "pandas")


def _partition_keys(df: Any, keys: list[str], partition_info: Any = None) -> Any:
    found = df[keys].dropna().drop_duplicates()
    return found.assign(partition=0 if partition_info is None else partition_info["number"])


def _check_partitioned(ddf: Any, keys: list[str]) -> None:
    """Raises unless each key's rows are in one partition, reading only the key columns."""
    import pandas as pd

    meta = ddf._meta[keys].assign(partition=pd.Series([], dtype="int64"))
    found = ddf[keys].map_partitions(_partition_keys, keys, meta=meta).compute()
    split = found[found.duplicated(keys, keep=False)]
    if len(split):
        first = split.iloc[0]
        parts = sorted(int(p) for p in split.loc[(split[keys] == first[keys]).all(axis=1), "partition"])
        raise split_key_error(
            {k: first[k] for k in keys},
            parts,
            len(split.drop_duplicates(keys)),
            "write one file per range of keys, or leave partitioned=False and the frame is shuffled by key",
        )


def _partitioned_by(ddf: Any, keys: list[str]) -> bool:
    """Whether each key's rows are already in one partition: indexed by the key, sorted."""
    return len(keys) == 1 and ddf.index.name == keys[0] and bool(ddf.known_divisions)


def evaluate(
    ddf: dd.DataFrame,
    definitions: DefinitionsLike,
    by: Union[str, Sequence[str]],
    period: Union[Period, str, None] = None,
    *,
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
) -> dd.DataFrame:
    """Evaluates a Dask DataFrame of actuals as :func:`ragstatus.evaluate_frame` does.

    ``by`` names the key columns (at least one). The frame is shuffled so that each key is in
    one partition, unless it is indexed by the key with known divisions (a key column that is
    the index is put back as a column) or ``partitioned=True`` says each partition already holds
    whole keys; that is checked at once, on the key columns alone (an
    :class:`~ragstatus.InvalidValueError` names a key found in two partitions), and saves the
    shuffle. Returns a lazy Dask DataFrame with the key columns and
    :data:`ragstatus.frame.RESULT_COLUMNS`, partitioned by key: ``status`` and
    ``computed_status`` are ordered ``Categorical`` columns, the numbers exact decimals
    (``pd.ArrowDtype(pa.decimal128(38, s))``), ``row`` the input row's position in the whole
    frame. Bad rows are error rows, listed with the good ones. ``explain=False`` leaves
    ``explanation`` null, as in :func:`ragstatus.evaluate_frame` (less to send back).
    ``columns`` names the output columns wanted, in that order, as
    :func:`ragstatus.evaluate_frame`'s ``columns=`` does: the others are neither computed nor
    sent back, and a name that is not an output column raises :class:`~ragstatus.ParseError` at
    once, before any partition is read.
    """
    import pyarrow as pa
    from dask.delayed import delayed

    # Dask's own annotations do not cover these methods.
    frame: Any = ddf
    keys = keys_of(by)
    indexed = _partitioned_by(frame, keys)
    if frame.index.name in keys:
        frame = frame.reset_index()
    if partitioned and not indexed:
        _check_partitioned(frame, keys)
    whole_keys = partitioned or indexed
    # Positions counted before the shuffle moves rows between partitions.
    frame = frame.assign(**{ROW_ID: 1})
    frame = frame.assign(**{ROW_ID: frame[ROW_ID].cumsum() - 1})
    if not whole_keys:
        frame = frame.shuffle(on=keys)
    keywords = {
        "indicator": indicator,
        "value": value,
        "numerator": numerator,
        "denominator": denominator,
        "period_column": period_column,
        "provisional": provisional,
        "note": note,
    }
    fixed = plan(definitions, pa.Schema.from_pandas(frame._meta, preserve_index=False), keys, period, keywords, explain, columns)
    meta = from_arrow(fixed.schema.empty_table(), "pandas")
    out: dd.DataFrame = frame.map_partitions(
        _evaluate_partition,
        delayed(definitions_text(definitions)),
        fixed,
        meta=meta,
        enforce_metadata=False,
        align_dataframes=False,
    )
    return out


def summary(
    results: dd.DataFrame, by: Union[str, Sequence[str]] = (), *, group: Union[str, None] = "group"
) -> dd.DataFrame:
    """Counts of each status by key x group, as :func:`ragstatus.summary_frame`, computed on the
    workers: each partition's counts, then their sums. One partition, sorted by key and group.
    """
    keys = _names(by, "by") + ([] if group is None else [group])
    frame: Any = results
    counts: Any = frame.map_partitions(
        summary_frame, by=_names(by, "by"), group=group, meta=summary_frame(frame._meta, by, group=group)
    )
    out: dd.DataFrame = (
        counts.sum().to_frame().T
        if not keys
        else counts.groupby(keys, dropna=False, sort=True).sum(split_out=1).reset_index()
    )
    return out


__all__ = ["evaluate", "summary"]
