"""Comparator-group quantiles on DataFrames: :func:`quantile_frame`.

Each group of rows (all English councils for one indicator and year, say) is banded by the same
``quantile_bands`` as the per-group API. Every row comes back, in its place: a row with no value
has no band and says so in ``quantile_error``, and so does every row of a group too small to band,
with the group's error.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Optional, Union

from ragstatus._ragstatus import InvalidValueError, RagstatusError, quantile_bands, to_decimal

__all__ = ["quantile_frame", "RESULT_COLUMNS"]

#: The columns :func:`quantile_frame` adds, in order.
RESULT_COLUMNS: tuple[str, ...] = ("quantile_band", "quantile_label", "quantile_error")


def _column(frame: Any, name: str) -> list[Any]:
    try:
        series = frame[name]
    except Exception as exc:  # noqa: BLE001 - pandas raises KeyError, polars ColumnNotFoundError
        err = InvalidValueError(f"no column {name!r} in the frame")
        err.field = name
        raise err from exc
    return list(series.to_list())


def _is_null(v: Any) -> bool:
    # None, NaN (v != v) and pandas.NA, whose truth value raises.
    if v is None:
        return True
    try:
        return bool(v != v)
    except TypeError:
        return True


def quantile_frame(
    frame: Any,
    value: str,
    by: Union[str, Sequence[str], None] = None,
    bands: int = 5,
    preference: Optional[str] = None,
) -> Any:
    """Bands each row's ``value`` within its group of ``by`` columns (the whole frame without
    ``by``), as :func:`ragstatus.quantile_bands` does, and returns a copy of the pandas or polars
    DataFrame with the columns ``quantile_band`` (1 = lowest values; null when none),
    ``quantile_label`` and ``quantile_error`` (why a row has no band: no value, an unreadable
    value, a null group key, or its group's error, such as too few values to band). A bad
    ``bands`` or ``preference`` raises, as does a column that is not in the frame.
    """
    if by is None:
        keys: list[str] = []
    elif isinstance(by, str):
        keys = [by]
    elif isinstance(by, (list, tuple)) and all(isinstance(k, str) for k in by):
        keys = list(by)
    else:
        err = InvalidValueError(f"by={by!r} is not valid; expected a column name or a list of them")
        err.field = "by"
        raise err
    if not isinstance(value, str):
        err = InvalidValueError(f"value={value!r} is not valid; expected a column name")
        err.field = "value"
        raise err
    values = _column(frame, value)
    key_columns = [_column(frame, k) for k in keys]
    groups: dict[tuple[Any, ...], list[int]] = {}
    band: list[Optional[int]] = [None] * len(values)
    label: list[Optional[str]] = [None] * len(values)
    error: list[Optional[str]] = [None] * len(values)
    for i, v in enumerate(values):
        if not _is_null(v):
            try:
                to_decimal(v)
            except RagstatusError as exc:
                # The row is in error and, like a missing value, takes no part in its group.
                error[i] = f"unreadable value: {exc}"
                values[i] = None
        key = tuple(col[i] for col in key_columns)
        if any(_is_null(k) for k in key):
            error[i] = "the group key is missing"
            continue
        groups.setdefault(key, []).append(i)
    for rows in groups.values():
        try:
            result = quantile_bands([values[i] for i in rows], bands, preference)
        except RagstatusError as exc:
            if exc.field in ("bands", "preference"):
                raise
            for i in rows:
                error[i] = f"group not banded: {exc}"
            continue
        for i, area in zip(rows, result["areas"]):
            band[i] = area["band"]
            label[i] = area["label"]
            if area["band"] is None and error[i] is None:
                error[i] = "no value"
    return _with_columns(frame, band, label, error)


def _with_columns(
    frame: Any, band: list[Optional[int]], label: list[Optional[str]], error: list[Optional[str]]
) -> Any:
    if type(frame).__module__.startswith("polars"):
        import polars as pl

        return frame.with_columns(
            pl.Series("quantile_band", band, dtype=pl.Int64),
            pl.Series("quantile_label", label, dtype=pl.Utf8),
            pl.Series("quantile_error", error, dtype=pl.Utf8),
        )
    import pandas as pd

    out = frame.copy()
    out["quantile_band"] = pd.array(band, dtype="Int64")
    out["quantile_label"] = pd.Series(label, index=out.index, dtype=object)
    out["quantile_error"] = pd.Series(error, index=out.index, dtype=object)
    return out
