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

from collections.abc import Iterable, Mapping, Sequence
from decimal import Decimal
from typing import Any, Union

from ragstatus._frames import STATUS_CATEGORIES, from_arrow, to_arrow
from ragstatus._ragstatus import (
    BudgetSettings,
    InvalidValueError,
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
    kind, data = to_arrow(df, ("id", "kind", "budget", "forecast"))
    batch = _roll_up_frame(
        data,
        _budget_settings(settings),
        group=path,
        group_columns=columns,
        default_base=default_base,
        include_totals=bool(include_totals),
    )
    return from_arrow(batch, kind)
