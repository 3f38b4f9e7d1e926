"""Budget variance on DataFrames: :func:`roll_up_frame`.

A budget-monitoring table (one row per line, columns as in the budget CSV files: ``id``,
``name``, ``group``, ``kind``, ``base``, ``budget``, ``forecast`` and optionally
``original_budget``, ``actual``, ``previous_forecast``, ``base_budget``, ``note``) goes in as a
pandas or polars DataFrame or a pyarrow Table; the roll-up comes back as the same kind of frame,
one row per line then one per total, with the variance, status and explanation of each. The frame
is handed to the compiled core as Arrow and rolled up there, without the GIL, by the same
``roll_up`` as the per-line API. Amounts are in pounds and come back as exact decimals. A row
that cannot be read or rated is kept, with its error in the ``error`` column: no row is dropped
silently and no bad row raises.
"""

from __future__ import annotations

import datetime
import math
from collections.abc import Iterable, Mapping, Sequence
from decimal import Decimal
from typing import Any, Optional, Union

from ragstatus._ragstatus import (
    _STATUS_NAMES,
    BudgetSettings,
    InvalidValueError,
    Period,
    _roll_up_frame,
)

__all__ = ["roll_up_frame", "RESULT_COLUMNS", "STATUS_CATEGORIES"]

#: The columns of the frame :func:`roll_up_frame` returns, in order.
RESULT_COLUMNS: tuple[str, ...] = (
    "row",
    "id",
    "name",
    "path",
    "level",
    "total",
    "kind",
    "base",
    "budget",
    "forecast",
    "variance",
    "variance_percent",
    "direction",
    "status",
    "rule",
    "significant_underspend",
    "movement",
    "movement_direction",
    "original_budget",
    "actual",
    "previous_forecast",
    "base_amount",
    "line_count",
    "explanation",
    "error",
    "error_kind",
)

# --- frames in and out (shared with the milestone and SPC helpers) ------------------------------


def _is_missing(value: Any) -> bool:
    """None, NaN, ``pandas.NA`` and ``pandas.NaT`` are missing."""
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


def _clean(value: Any) -> Any:
    return None if _is_missing(value) else value


def _text(value: Any) -> Optional[str]:
    value = _clean(value)
    if value is None:
        return None
    return value if isinstance(value, str) else str(value)


def _flavour(data: Any) -> str:
    module = type(data).__module__ or ""
    if module.startswith("polars"):
        return "polars"
    if module.startswith("pandas"):
        return "pandas"
    return "other"


def _narrow(df: Any, rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Puts back the float32 and float16 values that ``to_dict``/``to_dicts`` widened to Python
    floats: a float is read at its own width (SPEC §14), a float32 94.95 as 94.95."""
    for column in df.columns:
        if str(df[column].dtype).lower() not in _NARROW_FLOATS:
            continue
        for row, v in zip(rows, df[column].to_numpy()):
            row[column] = None if _is_missing(v) or _is_nan(v) else v
    return rows


# numpy, pandas nullable, pandas Arrow-backed and polars names of the floats narrower than 64 bits
_NARROW_FLOATS = ("float32", "float16", "float[pyarrow]", "halffloat[pyarrow]")


def _is_nan(v: Any) -> bool:
    try:
        return bool(v != v)
    except TypeError:  # pandas.NA
        return True


def _records(data: Any) -> list[dict[str, Any]]:
    """Rows of a pandas or polars DataFrame, or of a sequence of mappings, as dicts."""
    flavour = _flavour(data) if hasattr(data, "columns") else "other"
    if flavour == "polars":
        return _narrow(data, [dict(r) for r in data.to_dicts()])
    if flavour == "pandas":
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
        f"expected a pandas or polars DataFrame or a list of dicts, got {type(data).__name__}"
    )


def _frame(columns: Sequence[str], rows: list[dict[str, Any]], flavour: str) -> Any:
    """A DataFrame of ``rows`` with ``columns``: polars for ``"polars"``, else pandas."""
    data = {c: [r.get(c) for r in rows] for c in columns}
    if flavour == "polars":
        import polars as pl

        # Decimals stay exact: polars' Decimal type when every value fits, else Python objects.
        series = []
        for c in columns:
            values = data[c]
            if any(isinstance(v, Decimal) for v in values):
                try:
                    series.append(pl.Series(c, values, dtype=pl.Decimal(scale=_scale(values))))
                    continue
                except Exception:  # noqa: BLE001 - fall back to exact Python objects
                    series.append(pl.Series(c, values, dtype=pl.Object))
                    continue
            series.append(pl.Series(c, values))
        return pl.DataFrame(series)
    try:
        import pandas as pd  # type: ignore[import-untyped,unused-ignore]
    except ImportError as err:  # pragma: no cover - depends on the environment
        raise ImportError(
            "ragstatus DataFrame helpers need pandas or polars: pip install 'ragstatus[pandas]'"
        ) from err
    columns_data: dict[str, Any] = {}
    for c in columns:
        values = data[c]
        present = [v for v in values if v is not None]
        if present and any(v is None for v in values):
            # Nullable dtypes keep counts whole and flags true/false next to missing values.
            if all(isinstance(v, bool) for v in present):
                columns_data[c] = pd.array(values, dtype="boolean")
                continue
            if all(isinstance(v, int) and not isinstance(v, bool) for v in present):
                columns_data[c] = pd.array(values, dtype="Int64")
                continue
        columns_data[c] = values
    return pd.DataFrame(columns_data, columns=list(columns))


def _scale(values: Iterable[Any]) -> int:
    scale = 0
    for v in values:
        if isinstance(v, Decimal):
            exponent = v.as_tuple().exponent
            if isinstance(exponent, int) and exponent < 0:
                scale = max(scale, -exponent)
    return scale


# --- frames to Arrow and back (the columnar path of the budget, milestone and SPC frames) -----

#: The status categories in ``StatusCode`` order.
STATUS_CATEGORIES: list[str] = list(_STATUS_NAMES)


def _cell_text(value: Any) -> Optional[str]:
    """A cell of a column Arrow cannot type, as the text the core reads exactly."""
    if _is_missing(value):
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


def _arrow_column(values: Any) -> Any:
    import pyarrow as pa

    try:
        if hasattr(values, "dtype"):  # a pandas Series: nullable, categorical and datetime dtypes
            return pa.Array.from_pandas(values)
        return pa.array(values, from_pandas=True)
    except (pa.ArrowInvalid, pa.ArrowTypeError, pa.ArrowNotImplementedError, OverflowError, TypeError):
        # Mixed objects (numbers and text, dates and text), integers beyond 64 bits, Periods:
        # each cell as text, which the core reads exactly.
        return pa.array([_cell_text(v) for v in values], pa.string())


def _arrow_in(data: Any, required: Sequence[str] = ()) -> tuple[str, Any]:
    """The kind of ``data`` (``pandas``, ``polars``, ``pyarrow``, ``pyarrow-batch`` or ``other``)
    and Arrow data the core reads without Python objects. An empty list of rows names no
    columns: it gets the ``required`` ones, empty."""
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
        columns = [_arrow_column(data.iloc[:, j]) for j in range(data.shape[1])]
        return "pandas", pa.Table.from_arrays(columns, names=[str(c) for c in data.columns])
    if module == "pyarrow" and name == "RecordBatch":
        return "pyarrow-batch", data
    if module == "pyarrow" and name == "Table":
        return "pyarrow", data
    if hasattr(data, "__arrow_c_stream__") and not hasattr(data, "columns"):
        return "pyarrow", data
    rows = _records(data)
    names: dict[str, None] = {} if rows else dict.fromkeys(required)
    for row in rows:
        names.update(dict.fromkeys(str(k) for k in row))
    columns = [_arrow_column([row.get(n) for row in rows]) for n in names]
    return "other", pa.Table.from_arrays(columns, names=list(names))


def _arrow_out(batch: Any, kind: str) -> Any:
    """The core's result batch as the caller's kind of frame: pandas for pandas and plain Python
    data, polars for polars, pyarrow for pyarrow. Statuses are ordered categoricals (pandas
    ``Categorical``, polars ``Enum``); decimals stay exact (pandas ``ArrowDtype(decimal128)``,
    polars ``Decimal``)."""
    import pyarrow as pa

    status_columns = [c for c in ("status",) if c in batch.schema.names]
    if kind == "pyarrow-batch":
        return batch
    if kind == "pyarrow":
        return pa.Table.from_batches([batch])
    if kind == "polars":
        import polars as pl

        out = pl.from_arrow(batch)
        assert isinstance(out, pl.DataFrame)
        status = pl.Enum(STATUS_CATEGORIES)
        return out.with_columns([pl.col(c).cast(pl.String).cast(status) for c in status_columns])
    import pandas as pd  # type: ignore[import-untyped,unused-ignore]

    def mapper(t: Any) -> Any:
        if pa.types.is_decimal(t):
            return pd.ArrowDtype(t)
        if t == pa.uint64():
            return pd.UInt64Dtype()
        if t == pa.int64():
            return pd.Int64Dtype()
        if t == pa.bool_():
            return pd.BooleanDtype()
        return None

    out = batch.to_pandas(types_mapper=mapper)
    for column in status_columns:
        values = out[column]
        if isinstance(values.dtype, pd.CategoricalDtype) and list(values.cat.categories) == STATUS_CATEGORIES:
            # The core's dictionary is every status in code order: the codes are kept as they are.
            out[column] = values.cat.as_ordered()
        else:  # pragma: no cover - a pyarrow that decodes dictionaries differently
            out[column] = pd.Categorical(values.astype(object), categories=STATUS_CATEGORIES, ordered=True)
    return out


# --- the roll-up --------------------------------------------------------------------------------


def _budget_settings(settings: Union[BudgetSettings, Mapping[str, Any], None]) -> BudgetSettings:
    if settings is None:
        return BudgetSettings()
    if isinstance(settings, BudgetSettings):
        return settings
    if isinstance(settings, Mapping):
        return BudgetSettings.from_dict(dict(settings))
    raise InvalidValueError(
        f"{type(settings).__name__} is not valid; expected a BudgetSettings or a dict of settings"
    )


def roll_up_frame(
    df: Any,
    settings: Union[BudgetSettings, Mapping[str, Any], None] = None,
    *,
    group: Union[None, str, Sequence[str]] = None,
    default_base: str = "gross",
    include_totals: bool = True,
) -> Any:
    """Rolls up a frame of budget lines and returns a frame of results.

    ``df`` is a pandas or polars DataFrame (or LazyFrame), a pyarrow Table or RecordBatch (or a
    list of dicts) with one row per budget line and the columns of the budget CSV files (``id``,
    ``kind``, ``budget``, ``forecast`` required; ``name``, ``group``, ``base``,
    ``original_budget``, ``actual``, ``previous_forecast``, ``base_budget``, ``note`` optional;
    other columns are ignored). Amounts are in pounds, as decimals (pyarrow ``decimal128``,
    ``Decimal`` objects), integers, text or floats (the decimal of their shortest repr), read
    exactly; text is read as :func:`read_budget_csv` reads an amount (``46,267``, ``£46,267``,
    ``(443)``, ``£1.2m``).

    The group path comes from the ``group`` column (lists of names, or names separated by
    ``>``), or from another column named by ``group="service_path"``, or from several columns
    given as ``group=["directorate", "service_area"]`` (null and blank cells skipped). Rows
    without a ``base`` are rated on ``default_base``.

    The result has :data:`RESULT_COLUMNS`: one row per input row in input order (``row`` is its
    position), then (unless ``include_totals`` is false) one per total, the fund first (``row``
    null). Every number, status and sentence is that of :func:`ragstatus.roll_up` on the same
    lines. A row that cannot be read, or that the roll-up leaves out (an invalid line, a
    repeated id), keeps its ``id`` and ``name``, has no figures, and has its error message
    (naming ``row[i]`` and the column) in ``error`` and its kind in ``error_kind``.

    The result is the same kind of frame as the input (pandas for a list of dicts, a pyarrow
    Table for other Arrow objects). ``status`` is an ordered categorical (pandas
    ``Categorical``, polars ``Enum``) over :data:`STATUS_CATEGORIES`; amounts are exact decimals
    (pandas ``pd.ArrowDtype(pa.decimal128(38, s))``, whose elements are ``decimal.Decimal``;
    polars ``Decimal``). The roll-up runs in the compiled core, without the GIL.
    """
    if group is None:
        path, columns = "group", None
    elif isinstance(group, str):
        path, columns = group, None
    elif isinstance(group, Sequence) and all(isinstance(c, str) for c in group):
        path, columns = "group", list(group)
    else:
        raise InvalidValueError(f"group: {group!r} is not valid; expected a column name or a list of them")
    if not isinstance(default_base, str):
        raise InvalidValueError(
            f"default_base: {default_base!r} is not valid; expected \"gross\" or \"net_controllable\""
        )
    kind, data = _arrow_in(df, ("id", "kind", "budget", "forecast"))
    batch = _roll_up_frame(
        data,
        _budget_settings(settings),
        group=path,
        group_columns=columns,
        default_base=default_base,
        include_totals=bool(include_totals),
    )
    return _arrow_out(batch, kind)
