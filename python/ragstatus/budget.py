"""Budget variance on DataFrames: :func:`roll_up_frame`.

A budget-monitoring table (one row per line, columns as in the budget CSV files: ``id``,
``name``, ``group``, ``kind``, ``base``, ``budget``, ``forecast`` and optionally
``original_budget``, ``actual``, ``previous_forecast``, ``base_budget``, ``note``) goes in as a
pandas or polars DataFrame; the roll-up comes back as the same kind of DataFrame, one row per line
then one per total, with the variance, status and explanation of each. Amounts are in pounds and
come back as ``decimal.Decimal``. A row that cannot be read or rated is kept, with its error in
the ``error`` column: no row is dropped silently and no bad row raises.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from decimal import Decimal
from typing import Any, Optional, Union

from ragstatus._ragstatus import (
    BudgetLine,
    BudgetResult,
    BudgetSettings,
    InvalidValueError,
    RagstatusError,
    roll_up,
)

__all__ = ["roll_up_frame", "RESULT_COLUMNS"]

#: The columns of the frame :func:`roll_up_frame` returns, in order.
RESULT_COLUMNS: tuple[str, ...] = (
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
)

_LINE_FIELDS = (
    "name",
    "original_budget",
    "actual",
    "previous_forecast",
    "base_budget",
    "note",
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


# --- the roll-up --------------------------------------------------------------------------------


def _group(row: Mapping[str, Any], group: Union[None, str, Sequence[str]]) -> Any:
    if group is None:
        return _clean(row.get("group"))
    if isinstance(group, str):
        return _clean(row.get(group))
    parts = [_text(row.get(c)) for c in group]
    return [p for p in parts if p is not None and p.strip()]


def _line(
    row: Mapping[str, Any], group: Union[None, str, Sequence[str]], default_base: str
) -> BudgetLine:
    kwargs: dict[str, Any] = {}
    for field in _LINE_FIELDS:
        if field in row:
            value = _clean(row[field])
            if field in ("name", "note"):
                value = _text(value)
            kwargs[field] = value
    return BudgetLine(
        _text(row.get("id")) or "",
        _text(row.get("kind")) or "",
        _text(row.get("base")) or default_base,
        _clean(row.get("budget")),
        _clean(row.get("forecast")),
        group=_group(row, group),
        **kwargs,
    )


def _result_row(result: BudgetResult) -> dict[str, Any]:
    return {
        "id": result.id,
        "name": result.name,
        "path": " > ".join(result.path),
        "level": result.level,
        "total": result.total,
        "kind": result.kind,
        "base": result.base,
        "budget": result.budget,
        "forecast": result.forecast,
        "variance": result.variance,
        "variance_percent": result.variance_percent,
        "direction": result.direction,
        "status": result.status,
        "rule": result.rule,
        "significant_underspend": result.significant_underspend,
        "movement": result.movement,
        "movement_direction": result.movement_direction,
        "original_budget": result.original_budget,
        "actual": result.actual,
        "previous_forecast": result.previous_forecast,
        "base_amount": result.base_amount,
        "line_count": result.line_count,
        "explanation": result.sentence,
        "error": None,
    }


def roll_up_frame(
    df: Any,
    settings: Union[BudgetSettings, Mapping[str, Any], None] = None,
    *,
    group: Union[None, str, Sequence[str]] = None,
    default_base: str = "gross",
    include_totals: bool = True,
) -> Any:
    """Rolls up a DataFrame of budget lines and returns a DataFrame of results.

    ``df`` is a pandas or polars DataFrame (or a list of dicts) with one row per budget line and
    the columns of the budget CSV files (``id``, ``kind``, ``budget``, ``forecast`` required;
    ``name``, ``group``, ``base``, ``original_budget``, ``actual``, ``previous_forecast``,
    ``base_budget``, ``note`` optional; other columns are ignored). Amounts are in pounds, as
    ``Decimal``, ``int``, text or ``float`` (the decimal of its shortest repr).

    The group path comes from the ``group`` column (a list of names, or names separated by
    ``>``), or from several columns given as ``group=["directorate", "service_area"]``. Rows
    without a ``base`` column are rated on ``default_base``.

    The result has :data:`RESULT_COLUMNS`: one row per input row in input order, then (unless
    ``include_totals`` is false) one per total, the fund first. A row that cannot be read, or
    that the roll-up leaves out, keeps its ``id`` and has its error message in ``error`` and no
    figures. The result is a polars DataFrame for a polars input, else pandas.
    """
    flavour = _flavour(df)
    rows = _records(df)
    lines: list[BudgetLine] = []
    slots: list[Union[int, RagstatusError]] = []
    for row in rows:
        try:
            lines.append(_line(row, group, default_base))
            slots.append(len(lines) - 1)
        except RagstatusError as err:
            slots.append(err)
    report = roll_up(lines, settings)

    # Results and errors back to their input rows: results by id (first occurrence), errors by
    # the id they name, in order.
    results: dict[str, BudgetResult] = {}
    for r in report.lines:
        results.setdefault(r.id, r)
    pending: dict[str, list[RagstatusError]] = {}
    for line_error in report.errors:
        pending.setdefault(line_error.indicator or "", []).append(line_error)
    used: set[str] = set()
    out: list[dict[str, Any]] = []
    for row, slot in zip(rows, slots):
        row_id = _text(row.get("id")) or ""
        if isinstance(slot, int):
            line = lines[slot]
            if line.id in results and line.id not in used:
                used.add(line.id)
                out.append(_result_row(results[line.id]))
                continue
            errors = pending.get(line.id) or []
            message = str(errors.pop(0)) if errors else "left out of the roll-up"
        else:
            message = str(slot)
        out.append({"id": row_id, "name": _text(row.get("name")), "error": message})
    if include_totals:
        out.extend(_result_row(t) for t in report.totals)
    return _frame(RESULT_COLUMNS, out, flavour)
