"""Data frames in, data frames out: rate a long table of actuals, national frames included.

The input has one row per (key..., indicator, period), in the layout of an actuals CSV file::

    organisation  indicator  period       value  numerator  denominator
    E06000001     SW-01      2015/16 Q3          412        450
    E06000001     SW-02      2015/16 Q3   87.5

``value``, or ``numerator`` and ``denominator`` (value = numerator / denominator x the
indicator's multiplier). Missing cells (``None``, a float NaN, ``pandas.NA``, blank text) mean
no value recorded. Floats are taken as the decimal of their shortest repr at their own width (a
float32 94.95 is 94.95); ``Decimal``, integer and decimal columns are exact; text is read as the
actuals CSV reads it (``1,842`` and ``4.41e1`` are numbers; ``"nan"``, ``"NA"`` or ``"n/a"`` is an
error naming its row, as in a CSV file). Periods are labels (``"2015/16 Q3"``) or dates (``datetime.date``, numpy/pandas
``datetime64``: the period of the indicator's frequency containing the date).

:func:`evaluate_frame` hands the frame to the compiled core as Arrow, as every frame function of
the package does (pandas column by column, its named index levels included as columns; a column
of mixed objects as the text of each cell; polars and pyarrow directly), and evaluates it there, without the
GIL, in one pass per (key..., indicator) group, in parallel. The result is the same kind of frame
as the input (pandas, polars, pyarrow) with the key columns and :data:`RESULT_COLUMNS`:

- **one row per input row**, in input order (``row`` is its position), rated or in error, then
  the added rows (``row`` null) that show the gaps: each period of an indicator's frequency
  evaluated for a key without a row for one of the key's indicators (without keys, every
  defined indicator at every period present, as
  ``Definitions.evaluate`` does). With a ``period``, rows of other periods are history only and
  are left out, except rows in error, which are always listed.
- ``status`` and ``computed_status`` are **ordered categoricals** with the categories in
  ``StatusCode`` order (Red < Amber < Green < Blue < NoData < NoTarget < NotDue): pandas
  ``Categorical(ordered=True)``, polars ``Enum``, pyarrow ``dictionary<uint8, string>``.
- ``actual``, ``target``, ``target_high``, ``stretch``, ``shortfall`` and ``tolerance_amount``
  are **exact decimals**, Arrow ``decimal128(38, s)`` with ``s`` the largest scale in the
  column: pandas ``pd.ArrowDtype(pa.decimal128(38, s))`` (elements are ``decimal.Decimal``),
  polars ``Decimal(38, s)``. Never floats. A value that does not fit is an error row.
- Integer and boolean columns (``row``, integer keys, ``provisional``) are pandas' nullable
  ``Int64``/``UInt64``/``boolean``: a key of 64-bit integers with a null in it comes back as the
  same integers, never as floats.
- A **bad row** (unknown or null indicator, null key, unreadable number or period, a period of
  another frequency than the indicator's, a value and a fraction together, the same key,
  indicator and period twice: every copy) has a null status, its message naming ``row[i]`` and
  the column in ``error``, and the error kind (``UnknownIndicator``, ``Duplicate``, ...) in
  ``error_kind``. The good rows are still rated.
- A frame that cannot be read at all (no ``indicator`` or ``period`` column, no ``value`` nor
  ``numerator`` and ``denominator``, a key column that does not exist, duplicate column names)
  raises :class:`ParseError` listing every problem.

The frame functions need ``pyarrow``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, Union

from ragstatus._frames import STATUS_CATEGORIES, from_arrow, to_arrow
from ragstatus._ragstatus import (
    Definitions,
    InvalidValueError,
    ParseError,
    Period,
    _evaluate_frame,
    _read_actuals,
)

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd
    import polars as pl
    import pyarrow as pa

    Frame = Union[pd.DataFrame, pl.DataFrame, pl.LazyFrame, pa.Table, pa.RecordBatch]
else:
    Frame = Any

#: The columns of the frame that :func:`evaluate_frame` returns after the key columns, in order.
RESULT_COLUMNS = [
    "row",
    "indicator",
    "name",
    "theme",
    "group",
    "period",
    "measured",
    "actual",
    "target",
    "target_high",
    "stretch",
    "shortfall",
    "tolerance_amount",
    "status",
    "computed_status",
    "direction",
    "direction_previous",
    "direction_year_ago",
    "explanation",
    "provisional",
    "note",
    "error",
    "error_kind",
]


DefinitionsLike = Union[Definitions, Mapping[str, Any], str, Path]


def _definitions(definitions: DefinitionsLike) -> Definitions:
    if isinstance(definitions, Definitions):
        return definitions
    return Definitions(definitions)


def actuals_from_frame(
    df: Frame,
    definitions: DefinitionsLike,
    *,
    indicator: str = "indicator",
    period: str = "period",
    value: str = "value",
    numerator: str = "numerator",
    denominator: str = "denominator",
) -> dict[str, dict[Period, Any]]:
    """The actuals of a long frame as ``{indicator id: {Period: observation}}``.

    The frame is read by the same reader as :func:`evaluate_frame` (pandas, polars or pyarrow;
    the same columns, exact numbers and period rules): a value is a ``Decimal``, a fraction a
    ``(numerator, denominator)`` tuple of ``Decimal``, and a row with no value recorded is
    ``None`` for its period, so every row is accounted for. A row that cannot be read (an
    unknown indicator, an unreadable period or number, a value and a fraction together, the
    same indicator and period twice) raises its :class:`RagstatusError` subclass (a duplicate
    is a :class:`DuplicateError`) naming the row and column; the other bad rows are listed in
    the exception's notes (``__notes__``), so one call shows every problem.
    """
    defs = _definitions(definitions)
    _, data = to_arrow(df)
    series, errors = _read_actuals(
        data,
        defs,
        indicator=_name(indicator, "indicator"),
        period_column=_name(period, "period"),
        value=_name(value, "value"),
        numerator=_name(numerator, "numerator"),
        denominator=_name(denominator, "denominator"),
    )
    if errors:
        first = errors[0]
        if len(errors) > 1:
            notes = [f"{len(errors) - 1} more rows could not be read:"] + [str(e) for e in errors[1:]]
            first.__notes__ = [*getattr(first, "__notes__", []), *notes]
        raise first
    return series


def _names(names: Any, what: str) -> list[str]:
    """Column names given as one name or a sequence of names."""
    if isinstance(names, str):
        return [names]
    if isinstance(names, Sequence) and all(isinstance(n, str) for n in names):
        return list(names)
    raise InvalidValueError(f"{what}: {names!r} is not valid; expected a column name or a list of them")


def _name(name: Any, what: str) -> str:
    if isinstance(name, str):
        return name
    raise InvalidValueError(f"{what}: {name!r} is not valid; expected a column name")


def evaluate_frame(
    frame: Frame,
    definitions: DefinitionsLike,
    period: Union[Period, str, None] = None,
    *,
    by: Union[str, Sequence[str]] = (),
    indicator: str = "indicator",
    value: str = "value",
    numerator: str = "numerator",
    denominator: str = "denominator",
    period_column: str = "period",
    provisional: str = "provisional",
    note: str = "note",
    explain: bool = True,
    text: str = "string",
    columns: Union[str, Sequence[str], None] = None,
) -> Frame:
    """Evaluates a long frame of actuals against ``definitions``; see the module docs.

    ``frame`` is a pandas DataFrame, a polars DataFrame or LazyFrame (collected), a pyarrow
    Table or RecordBatch, any object with ``__arrow_c_stream__``, or rows as a list of dicts (or
    a dict of columns; the result is then pandas). ``definitions`` is a
    :class:`Definitions`, or anything its constructor accepts (a path, TOML or JSON text, a
    dict). ``period`` is the period to report (a label or :class:`Period`); without it every
    period present is evaluated. ``by`` names the key columns (``"organisation"``, or
    ``["region", "organisation"]``): history, duplicates and gaps are per key.
    ``explain=False`` leaves ``explanation`` null on every row: the same statuses, numbers and
    errors for about a fifth less time and a third less memory, for bulk runs that do not show
    the sentences. ``text="category"`` returns the text columns with few distinct values
    (``indicator``, ``name``, ``theme``, ``group``, ``period``, ``measured``, the three
    direction columns and ``error_kind``) dictionary-encoded: pandas ``Categorical``
    (unordered), polars ``Categorical``, pyarrow ``dictionary<int32, string>``; the same text
    on every row as the default ``text="string"``, in less time and memory (each row a 4-byte
    code). The categories are every defined indicator's id, name, theme and group and every
    direction name, then the other values met, in order of first appearance.
    ``explanation``, ``note`` and ``error`` stay plain text. ``columns`` names the output
    columns wanted, in the order wanted, from the key columns and :data:`RESULT_COLUMNS`
    (``columns=["organisation", "indicator", "period", "status"]``): the others are not
    computed at all, for less time and memory on a large frame, and each column given is the
    one the full frame has, on every row (a row in error has a null ``status``; ask for
    ``error`` to see why). A decimal column left out cannot make a row an error row by a value
    too large for it. A name that is not an output column, or given twice, raises
    :class:`ParseError`. The other keywords rename the input columns.

    Returns the same kind of frame (a pyarrow Table for other Arrow objects) with the key
    columns and :data:`RESULT_COLUMNS`: one row per input row, in input order, then the added
    rows. ``status`` is an ordered categorical (pandas ``Categorical``, polars ``Enum``) with
    the categories of :data:`STATUS_CATEGORIES`; the numbers are exact decimals (pandas
    ``pd.ArrowDtype(pa.decimal128(38, s))``, polars ``Decimal``). Bad rows are listed with
    their message in ``error``; a frame without the needed columns raises :class:`ParseError`.
    """
    defs = _definitions(definitions)
    keys = _names(by, "by")
    kind, data = to_arrow(frame, numbers=(value, numerator, denominator))
    table = _evaluate_frame(
        data,
        defs,
        period,
        by=keys,
        indicator=_name(indicator, "indicator"),
        period_column=_name(period_column, "period_column"),
        value=_name(value, "value"),
        numerator=_name(numerator, "numerator"),
        denominator=_name(denominator, "denominator"),
        provisional=_name(provisional, "provisional"),
        note=_name(note, "note"),
        explain=bool(explain),
        text=_name(text, "text"),
        columns=None if columns is None else _names(columns, "columns"),
    )
    return from_arrow(table, kind)


def summary_frame(
    results: Frame, by: Union[str, Sequence[str]] = (), *, group: Union[str, None] = "group"
) -> Frame:
    """Counts of each status by key x group: the pivot a report starts from.

    ``results`` is a frame from :func:`evaluate_frame` (pandas, polars or pyarrow). The result
    has one row per (key..., group), sorted, with a count column per status in ``StatusCode``
    order (``Red`` ... ``NotDue``), ``error`` (rows in error), ``rated`` (Red, Amber, Green and
    Blue), ``on_target`` (Green and Blue) and ``total``. ``group=None`` counts by key only.
    Returns the same kind of frame as ``results``.
    """
    import pyarrow as pa

    keys = _names(by, "by") + ([] if group is None else [_name(group, "group")])
    kind, data = to_arrow(results)
    table = pa.table(data.to_arrow()) if kind == "polars" else pa.table(data)
    missing = [c for c in [*keys, "status"] if c not in set(table.column_names)]
    if missing:
        raise ParseError(f"data frame: the results have no column {', '.join(map(repr, missing))}")
    table = table.select([*keys, "status"])
    # Counted by Arrow's hash aggregation; only the (key, group, status) counts reach Python.
    names = [f"key{j}" for j in range(len(keys))]
    parts: dict[str, Any] = {}
    for name, source in zip(names, keys):
        column = table.column(source)
        if pa.types.is_dictionary(column.type):
            column = column.cast(column.type.value_type)
        parts[name] = column
    parts["status"] = table.column("status").cast(pa.string()).fill_null("error")
    counted = pa.table(parts).group_by([*names, "status"]).aggregate([("status", "count")])
    counts: dict[tuple[Any, ...], dict[str, int]] = {}
    for row in counted.to_pylist():
        key = tuple(row[name] for name in names)
        counts.setdefault(key, {})[row["status"]] = row["status_count"]

    def order(key: tuple[Any, ...]) -> tuple[Any, ...]:
        return tuple((v is None, "" if v is None else v) for v in key)

    ordered = sorted(counts, key=order)
    columns: dict[str, list[Any]] = {k: [key[j] for key in ordered] for j, k in enumerate(keys)}
    for name in [*STATUS_CATEGORIES, "error"]:
        columns[name] = [counts[key].get(name, 0) for key in ordered]
    columns["rated"] = [sum(counts[k].get(s, 0) for s in ("Red", "Amber", "Green", "Blue")) for k in ordered]
    columns["on_target"] = [counts[k].get("Green", 0) + counts[k].get("Blue", 0) for k in ordered]
    columns["total"] = [sum(counts[k].values()) for k in ordered]
    schema = pa.schema(
        [table.schema.field(k) for k in keys]
        + [pa.field(c, pa.int64()) for c in columns if c not in keys]
    )
    return from_arrow(pa.table(columns, schema=schema), kind)


__all__ = ["RESULT_COLUMNS", "STATUS_CATEGORIES", "actuals_from_frame", "evaluate_frame", "summary_frame"]
