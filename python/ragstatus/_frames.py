"""Frames in and out: every frame function hands its input to the compiled core one way, and
returns the core's result one way.

``evaluate_frame``, ``actuals_from_frame``, ``roll_up_frame``, ``milestones_frame``,
``spc_frame``, ``interval_frame``, ``funnel_frame``, ``icon_summary_frame`` and the Dask and Spark
workers all call :func:`to_arrow`, so a frame reads the same through each of them: the same
columns (a duplicated name is the core's error, not a column silently picked), the same
conversion of each column (a column Arrow cannot type, such as numbers mixed with text or
:class:`Period` objects, is sent as the text of each cell, which the core reads exactly as it
reads a CSV cell), the same named index levels (a frame indexed by ``organisation`` still has
its ``organisation`` column), and the same Arrow buffers (realigned where the core's reader
needs it). Before, ``evaluate_frame`` and the other frame functions each had a converter of their
own, which disagreed on mixed columns and failed on duplicated names with an ``AttributeError``.

:func:`from_arrow` gives the result back as the caller's kind of frame: statuses as ordered
categoricals (pandas ``Categorical``, polars ``Enum``), decimals exact (pandas ``ArrowDtype``),
integer and boolean columns as pandas' nullable dtypes, so that a key of 64-bit integers with a
null in it comes back as the same integers, not as floats that round ``2**53 + 1``.
"""

from __future__ import annotations

import datetime
import math
from collections.abc import Collection, Iterable, Mapping, Sequence
from decimal import Decimal
from typing import Any, Optional

from ragstatus._ragstatus import _STATUS_NAMES, InvalidValueError, Period

#: The status categories in ``StatusCode`` order.
STATUS_CATEGORIES: list[str] = list(_STATUS_NAMES)


def is_missing(value: Any) -> bool:
    """None, NaN (float, numpy or ``Decimal``), ``pandas.NA`` and ``pandas.NaT`` are missing.

    Text is never missing here: the core decides (a blank cell is missing, ``"nan"`` an error).
    """
    if value is None:
        return True
    if isinstance(value, float):
        return math.isnan(value)
    if isinstance(value, Decimal):
        return value.is_nan()
    name = type(value).__name__
    if name in ("NAType", "NaTType"):
        return True
    if name.startswith("float") and hasattr(value, "dtype"):  # numpy floats
        return bool(value != value)
    return False


def flavour(data: Any) -> str:
    module = type(data).__module__ or ""
    if module.startswith("polars"):
        return "polars"
    if module.startswith("pandas"):
        return "pandas"
    return "other"


# numpy, pandas nullable, pandas Arrow-backed and polars names of the floats narrower than 64 bits
_NARROW_FLOATS = ("float32", "float16", "float[pyarrow]", "halffloat[pyarrow]")


def _is_nan(v: Any) -> bool:
    try:
        return bool(v != v)
    except TypeError:  # pandas.NA
        return True


def _narrow(df: Any, rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Puts back the float32 and float16 values that ``to_dict``/``to_dicts`` widened to Python
    floats: a float is read at its own width (SPEC §14), a float32 94.95 as 94.95."""
    for column in df.columns:
        if str(df[column].dtype).lower() not in _NARROW_FLOATS:
            continue
        for row, v in zip(rows, df[column].to_numpy()):
            row[column] = None if is_missing(v) or _is_nan(v) else v
    return rows


def records(data: Any) -> list[dict[str, Any]]:
    """Rows of a pandas or polars DataFrame, or of a sequence of mappings, as dicts."""
    kind = flavour(data) if hasattr(data, "columns") else "other"
    if kind == "polars":
        return _narrow(data, [dict(r) for r in data.to_dicts()])
    if kind == "pandas":
        return _narrow(data, [dict(r) for r in data.to_dict("records")])
    if isinstance(data, Mapping):
        columns = list(data.keys())
        try:
            values = [list(data[c]) for c in columns]
        except TypeError:
            raise InvalidValueError("expected a dict of columns, each a list of values") from None
        return [dict(zip(columns, row)) for row in zip(*values)]
    if isinstance(data, Iterable) and not isinstance(data, (str, bytes)):
        rows = []
        for row in data:
            if not isinstance(row, Mapping):
                raise InvalidValueError(f"expected rows as mappings, got {type(row).__name__}")
            rows.append(dict(row))
        return rows
    raise InvalidValueError(
        "expected a pandas or polars DataFrame, a pyarrow Table or RecordBatch, an object with "
        f"__arrow_c_stream__, or a list of dicts, got {type(data).__name__}"
    )


def cell_text(value: Any) -> Optional[str]:
    """A cell of a column Arrow cannot type, as the text the core reads exactly."""
    if is_missing(value):
        return None
    if isinstance(value, str):
        return value
    if isinstance(value, Period):
        return value.label
    if isinstance(value, datetime.datetime):  # also pandas.Timestamp
        return value.date().isoformat()
    if isinstance(value, datetime.date):
        return value.isoformat()
    return str(value)  # str of a float is its shortest repr


def arrow_column(values: Any) -> Any:
    """One column as Arrow: typed where Arrow can type it, else each cell's text."""
    import pyarrow as pa

    try:
        if type(getattr(values, "dtype", None)).__name__ == "PeriodDtype":
            # pandas Periods: Arrow stores their ordinals (182 for 2015Q3); their text, which the
            # core reads as a period label or names in its error, never a bare number.
            return pa.array([None if is_missing(v) else str(v) for v in values], pa.string())
        if hasattr(values, "dtype"):  # a pandas Series or Index: nullable, categorical, datetime
            return pa.Array.from_pandas(values)
        return pa.array(values, from_pandas=True)
    except (pa.ArrowInvalid, pa.ArrowTypeError, pa.ArrowNotImplementedError, OverflowError, TypeError):
        # Mixed objects (numbers and text, dates and text), integers beyond 64 bits, Periods:
        # each cell as text, which the core reads exactly.
        return pa.array([cell_text(v) for v in values], pa.string())


def float_column(values: Any) -> Any:
    """A pandas column of numpy floats as Arrow without a copy, NaN kept as NaN; any other
    column as :func:`arrow_column` makes it."""
    import numpy as np
    import pyarrow as pa

    dtype = getattr(values, "dtype", None)
    if isinstance(dtype, np.dtype) and dtype.kind == "f" and dtype.itemsize in (4, 8):
        return pa.array(values.to_numpy(copy=False), from_pandas=False)
    return arrow_column(values)


def aligned(table: Any) -> Any:
    """The table with every buffer at an address the Arrow C data interface's reader accepts.

    A table deserialized from a message (Dask's P2P shuffle, IPC read from memory, say) can hold
    buffers at any byte offset; the core's Arrow import reads 64-bit offsets in place and requires
    them 8-byte aligned. Such chunks are copied into fresh (aligned) buffers; aligned tables, the
    usual case, pass through untouched.
    """
    import pyarrow as pa
    import pyarrow.compute as pc

    columns = []
    changed = False
    for column in table.columns:
        chunks = []
        for chunk in column.chunks:
            if any(b is not None and b.address % 8 for b in chunk.buffers()):
                chunk = pc.take(chunk, pa.array(range(len(chunk)), pa.int64()))
                changed = True
            chunks.append(chunk)
        columns.append(pa.chunked_array(chunks, column.type))
    return pa.table(columns, schema=table.schema) if changed else table


def pandas_table(df: Any, numbers: Collection[str] = ()) -> Any:
    """A pandas DataFrame as a pyarrow Table, column by column (duplicated names kept, for the
    core to report), with its named index levels as columns where no column has the name.

    The ``numbers`` columns, when they hold numpy floats, are passed as they are, NaN included:
    the core reads a NaN number as no value, as it reads a null, and marking each NaN null first
    costs a pass over the column (about 1.4 ms a million cells). Other columns' NaN become nulls
    (a NaN key or label is a missing one, never the text "nan")."""
    import pyarrow as pa

    names = [str(c) for c in df.columns]
    columns = [
        float_column(df.iloc[:, j]) if names[j] in numbers else arrow_column(df.iloc[:, j])
        for j in range(df.shape[1])
    ]
    taken = set(names)
    for level, name in enumerate(df.index.names):
        if name is not None and str(name) not in taken:
            names.append(str(name))
            columns.append(arrow_column(df.index.get_level_values(level)))
            taken.add(str(name))
    return pa.Table.from_arrays(columns, names=names)


def to_arrow(data: Any, required: Sequence[str] = (), numbers: Collection[str] = ()) -> tuple[str, Any]:
    """The kind of ``data`` (``pandas``, ``polars``, ``pyarrow``, ``pyarrow-batch`` or ``other``,
    which the result is returned as) and Arrow data the core reads without Python objects.

    An empty list of rows names no columns: it gets the ``required`` ones, empty. ``numbers``
    names the columns the core reads as numbers (see :func:`pandas_table`).
    """
    import pyarrow as pa

    module, name = type(data).__module__.split(".")[0], type(data).__name__
    if module == "polars" and name in ("DataFrame", "LazyFrame"):
        import polars as pl

        frame = data.collect() if name == "LazyFrame" else data
        # 128-bit integers have no Arrow type the core reads: their cells as text, read exactly.
        wide_types = [t for t in (getattr(pl, "Int128", None), getattr(pl, "UInt128", None)) if t]
        wide = [c for c, dtype in frame.schema.items() if dtype in wide_types]
        if wide:
            frame = frame.with_columns(pl.col(wide).cast(pl.String))
        return "polars", frame
    if module == "pandas" and name == "DataFrame":
        return "pandas", pandas_table(data, numbers)
    if module == "pyarrow" and name == "RecordBatch":
        return "pyarrow-batch", aligned(pa.Table.from_batches([data]))
    if module == "pyarrow" and name == "Table":
        return "pyarrow", aligned(data)
    if hasattr(data, "__arrow_c_stream__") and not hasattr(data, "columns"):
        return "pyarrow", data
    rows = records(data)
    names: dict[str, None] = {} if rows else dict.fromkeys(required)
    for row in rows:
        names.update(dict.fromkeys(str(k) for k in row))
    columns = [arrow_column([row.get(n) for row in rows]) for n in names]
    return "other", pa.Table.from_arrays(columns, names=list(names))


def _pandas_dtype(t: Any) -> Any:
    """The pandas dtype an Arrow result column becomes (None: pyarrow's default)."""
    import pandas as pd  # type: ignore[import-untyped,unused-ignore]
    import pyarrow as pa

    if pa.types.is_decimal(t):
        return pd.ArrowDtype(t)
    if pa.types.is_boolean(t):
        return pd.BooleanDtype()
    if pa.types.is_integer(t):
        # Nullable integers: a null must not turn the column into floats (2**53 + 1 would round).
        return pd.api.types.pandas_dtype(str(t).replace("int", "Int").replace("uInt", "UInt"))
    return None


def _categorical(column: Any) -> Any:
    """A dictionary-encoded column as a pandas Categorical made from its codes, when every chunk
    has the same dictionary of text; None otherwise (`to_pandas` then converts it)."""
    import numpy as np
    import pandas as pd  # type: ignore[import-untyped,unused-ignore]
    import pyarrow as pa
    import pyarrow.compute as pc

    narrow = (pa.int8(), pa.int16(), pa.int32(), pa.uint8(), pa.uint16())
    if not pa.types.is_dictionary(column.type) or column.type.index_type not in narrow:
        return None
    if not pa.types.is_string(column.type.value_type) or not column.chunks:
        return None
    first = column.chunks[0].dictionary
    # (An empty dictionary: `to_pandas` gives its categories another dtype; few rows anyway. A
    # null among the categories: pandas refuses it.)
    if not len(first) or first.null_count or any(not c.dictionary.equals(first) for c in column.chunks[1:]):
        return None
    chunks = column.chunks
    parts = []
    for chunk in chunks:
        indices = chunk.indices
        if indices.null_count:
            indices = pc.fill_null(indices.cast(pa.int32()), -1)
        parts.append(indices.to_numpy(zero_copy_only=False).astype(np.int32, copy=False))
    codes = np.concatenate(parts) if len(parts) > 1 else parts[0]
    categories = pd.Index(first.to_pandas())
    return pd.Categorical.from_codes(codes, dtype=pd.CategoricalDtype(categories, ordered=False), validate=False)


def from_arrow(data: Any, kind: str) -> Any:
    """The core's result (a pyarrow Table of one or more batches, or a RecordBatch) as ``kind``:
    pyarrow for pyarrow, polars for polars, pandas for pandas and plain Python data."""
    import pyarrow as pa

    table = pa.Table.from_batches([data]) if isinstance(data, pa.RecordBatch) else data
    statuses = [c for c in ("status", "computed_status") if c in table.schema.names]
    if kind == "pyarrow":
        return table
    if kind == "pyarrow-batch":
        return pa.record_batch([column.combine_chunks() for column in table.columns], schema=table.schema)
    if kind == "polars":
        import polars as pl

        out = pl.from_arrow(table, rechunk=False)
        assert isinstance(out, pl.DataFrame)
        status = pl.Enum(STATUS_CATEGORIES)
        return out.with_columns([pl.col(c).cast(pl.String).cast(status) for c in statuses])
    import pandas as pd  # type: ignore[import-untyped,unused-ignore]

    # Dictionary columns whose chunks share one dictionary (the core's results) become
    # Categoricals from their codes as they are; pyarrow's `to_pandas` would unify the chunks'
    # dictionaries and transpose every code, on one thread (two thirds of the conversion of a
    # national frame). The other columns go through `to_pandas`; `split_blocks` keeps each
    # column its own block, not consolidated into a 2-D block (a copy).
    coded = {j: c for j, column in enumerate(table.columns) if (c := _categorical(column)) is not None}
    rest = table.select([j for j in range(table.num_columns) if j not in coded])
    out = rest.to_pandas(types_mapper=_pandas_dtype, split_blocks=True)
    for j, categorical in coded.items():
        out.insert(j, table.schema.names[j], categorical, allow_duplicates=True)
    for column in statuses:
        values = out[column]
        if isinstance(values.dtype, pd.CategoricalDtype) and list(values.cat.categories) == STATUS_CATEGORIES:
            # The core's dictionary is every status in code order: the codes are kept as they are.
            out[column] = values.cat.as_ordered()
        else:  # pragma: no cover - a pyarrow that decodes dictionaries differently
            out[column] = pd.Categorical(values.astype(object), categories=STATUS_CATEGORIES, ordered=True)
    return out
