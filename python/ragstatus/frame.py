"""Data frames in, data frames out: rate a long table of actuals with pandas or polars.

The input has one row per indicator and period, in the layout of an actuals CSV file::

    indicator  period       value  numerator  denominator
    SW-01      2015/16 Q3          412        450
    SW-02      2015/16 Q3   87.5

``value``, or ``numerator`` and ``denominator`` (value = numerator / denominator x the
indicator's multiplier). Missing cells (``None``, NaN, ``pandas.NA``, empty text) mean no value
recorded. Floats are taken as the decimal of their shortest repr; ``Decimal`` and integer
columns are exact.

The output is the same kind of frame (pandas in, pandas out; polars in, polars out) with one row
per indicator and period evaluated, and the columns listed in :data:`RESULT_COLUMNS`. Decimals
stay ``decimal.Decimal`` (pandas object columns; polars ``Decimal`` columns). An indicator that
cannot be evaluated (a bad definition, a bad value) gets a row with ``status`` None and the
message in ``error``: nothing is dropped.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING, Any, Optional, Union

from ragstatus._ragstatus import Definitions, DuplicateError, InvalidValueError, Period
from ragstatus.budget import _narrow

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd
    import polars as pl

    Frame = Union[pd.DataFrame, pl.DataFrame]
else:
    Frame = Any

#: The columns of the frame that :func:`evaluate_frame` returns, in order.
RESULT_COLUMNS = [
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
    "status",
    "shortfall",
    "tolerance_amount",
    "direction",
    "explanation",
    "error",
]

DefinitionsLike = Union[Definitions, Mapping[str, Any], str, Path]


def _is_missing(v: object) -> bool:
    if v is None:
        return True
    if isinstance(v, float) and math.isnan(v):
        return True
    if isinstance(v, Decimal) and v.is_nan():
        return True
    if isinstance(v, str) and not v.strip():
        return True
    return type(v).__name__ in ("NAType", "NaTType")


def _records(df: Any) -> tuple[str, list[dict[str, Any]]]:
    module = type(df).__module__.split(".")[0]
    # Only frames: pandas.NA, say, also comes from the pandas package.
    if module == "polars" and hasattr(df, "to_dicts"):
        return "polars", _narrow(df, list(df.to_dicts()))
    if module == "pandas" and hasattr(df, "to_dict"):
        return "pandas", _narrow(df, list(df.to_dict("records")))
    raise InvalidValueError(f"expected a pandas or polars DataFrame, got {type(df).__name__}")



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

    Periods are read with the definitions' calendar. A row with neither a value nor both a
    numerator and a denominator records nothing. The same indicator and period twice is a
    :class:`DuplicateError`.
    """
    defs = _definitions(definitions)
    _, rows = _records(df)
    out: dict[str, dict[Period, Any]] = {}
    for line, row in enumerate(rows):
        ind = row.get(indicator)
        if _is_missing(ind):
            continue
        ind = str(ind)
        label = row.get(period)
        p = label if isinstance(label, Period) else defs.period(str(label))
        num, den = row.get(numerator), row.get(denominator)
        if not _is_missing(num) and not _is_missing(den):
            obs: Any = (num, den)
        elif not _is_missing(row.get(value)):
            obs = row.get(value)
        else:
            continue
        series = out.setdefault(ind, {})
        if p in series:
            err = DuplicateError(f"row {line}: indicator {ind}, period {p.label} given twice")
            err.indicator, err.period, err.kind = ind, p.label, "Duplicate"
            raise err
        series[p] = obs
    return out


def _target_parts(target: Any) -> tuple[Optional[Decimal], Optional[Decimal]]:
    if isinstance(target, tuple):
        return target[0], target[1]
    return target, None


def _result_rows(
    defs: Definitions, periods: Iterable[Period], actuals: dict[str, dict[Period, Any]]
) -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = []
    names = {i.id: (i.name, i.group) for i in defs.indicators}
    for p in periods:
        evaluation = defs.evaluate(p, actuals)
        for r in evaluation.results:
            low, high = _target_parts(r.target)
            rows.append(
                {
                    "indicator": r.id,
                    "name": r.name,
                    "theme": r.group[0] if r.group else None,
                    "group": " > ".join(r.group),
                    "period": r.period,
                    "measured": r.measured,
                    "actual": r.actual,
                    "target": low,
                    "target_high": high,
                    "stretch": r.stretch,
                    "status": r.status,
                    "shortfall": r.shortfall,
                    "tolerance_amount": r.rating.tolerance_amount,
                    "direction": r.direction,
                    "explanation": r.sentence,
                    "error": None,
                }
            )
        for e in evaluation.errors:
            ind = getattr(e, "indicator", None)
            name, group = names.get(ind or "", ("", []))
            rows.append(
                {
                    "indicator": ind,
                    "name": name,
                    "theme": group[0] if group else None,
                    "group": " > ".join(group),
                    "period": p.label,
                    "measured": None,
                    "actual": None,
                    "target": None,
                    "target_high": None,
                    "stretch": None,
                    "status": None,
                    "shortfall": None,
                    "tolerance_amount": None,
                    "direction": None,
                    "explanation": None,
                    "error": str(e),
                }
            )
    return rows


def evaluate_frame(
    df: Frame,
    definitions: DefinitionsLike,
    period: Union[Period, str, None] = None,
    *,
    indicator: str = "indicator",
    value: str = "value",
    numerator: str = "numerator",
    denominator: str = "denominator",
    period_column: str = "period",
) -> Frame:
    """Evaluates a long frame of actuals against ``definitions``.

    ``definitions`` is a :class:`Definitions`, or anything its constructor accepts (a path, TOML
    or JSON text, a dict). ``period`` is the period to report (a label or :class:`Period`);
    without it every period that appears in the frame is evaluated. Earlier periods in the frame
    feed the direction of travel and year-to-date figures. Returns a frame of the same library
    with the columns :data:`RESULT_COLUMNS`.
    """
    defs = _definitions(definitions)
    kind, _ = _records(df)
    actuals = actuals_from_frame(
        df,
        defs,
        indicator=indicator,
        period=period_column,
        value=value,
        numerator=numerator,
        denominator=denominator,
    )
    if period is None:
        periods = sorted({p for series in actuals.values() for p in series})
    elif isinstance(period, Period):
        periods = [period]
    else:
        periods = [defs.period(period)]
    rows = _result_rows(defs, periods, actuals)
    columns: dict[str, list[Any]] = {c: [row[c] for row in rows] for c in RESULT_COLUMNS}
    if kind == "polars":
        import polars as pl

        decimal_columns = {"actual", "target", "target_high", "stretch", "shortfall", "tolerance_amount"}
        series = []
        for c in RESULT_COLUMNS:
            if c in decimal_columns:
                series.append(pl.Series(c, columns[c], dtype=pl.Decimal(None, _scale(columns[c]))))
            else:
                series.append(pl.Series(c, columns[c], dtype=pl.String))
        return pl.DataFrame(series)
    import pandas as pd

    return pd.DataFrame(columns, columns=RESULT_COLUMNS)


def _scale(values: list[Any]) -> int:
    """The largest number of decimal places among the values (polars needs one scale a column)."""
    scale = 0
    for v in values:
        if isinstance(v, Decimal):
            exp = v.as_tuple().exponent
            if isinstance(exp, int):
                scale = max(scale, -exp)
    return min(scale, 28)


__all__ = ["RESULT_COLUMNS", "actuals_from_frame", "evaluate_frame"]

