"""Comparator-group quantiles and the recent trend (SPEC §8a): :func:`quantile_bands`,
:func:`recent_trend_proportions`, :func:`recent_trend_intervals` and, on DataFrames,
:func:`quantile_frame`.

The per-group functions return frozen result classes (:class:`QuantileBands` with its
:class:`AreaBand` entries, :class:`RecentTrend`): typed attributes, ``to_dict()`` for plain
data, and item access (``result["cut_points"]``) that reads as the dicts they returned before.

In :func:`quantile_frame` each group of rows (all English councils for one indicator and year,
say) is banded by the same ``quantile_bands`` as the per-group API. Every row comes back, in its
place: a row with no value has no band and says so in ``quantile_error``, and so does every row
of a group too small to band, with the group's error.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, Literal, Optional, Union

from ragstatus import _ragstatus
from ragstatus._ragstatus import InvalidValueError, RagstatusError, to_decimal
from ragstatus._records import Record

__all__ = [
    "quantile_frame",
    "quantile_bands",
    "recent_trend_proportions",
    "recent_trend_intervals",
    "AreaBand",
    "QuantileBands",
    "RecentTrend",
    "RESULT_COLUMNS",
]

_Preference = Literal["higher", "lower", "none"]


@dataclass(frozen=True, eq=False)
class AreaBand(Record):
    """One area of a comparator group: its value, band (1 = the lowest values) and label; no
    band or label for a missing value."""

    value: Optional[Decimal]
    band: Optional[int]
    label: Optional[str]


@dataclass(frozen=True, eq=False)
class QuantileBands(Record):
    """The quantile bands of a comparator group (:func:`quantile_bands`)."""

    #: The number of bands.
    n: int
    #: The minimum, the k/n quantiles and the maximum.
    cut_points: tuple[Decimal, ...]
    #: One entry per value, in order.
    areas: tuple[AreaBand, ...]
    #: The positions of the missing values.
    missing: tuple[int, ...]
    preference: _Preference


@dataclass(frozen=True, eq=False)
class RecentTrend(Record):
    """The recent trend of a series (:func:`recent_trend_proportions`,
    :func:`recent_trend_intervals`)."""

    marker: Literal["Increasing", "Decreasing", "No significant change", "Cannot be calculated"]
    judgement: Optional[Literal["getting better", "getting worse"]]
    #: "Increasing and getting better", "Cannot be calculated: fewer than five data points", ...
    label: str
    #: To 10 significant digits; None when it cannot be calculated.
    chi_squared: Optional[Decimal]
    gradient: Optional[Decimal]
    consistent: bool
    points_used: int
    reason: Optional[
        Literal[
            "TooFewPoints",
            "TooFewRecentPoints",
            "CountEqualsDenominator",
            "ZeroCount",
            "ZeroWidthInterval",
        ]
    ]
    preference: _Preference


def quantile_bands(
    values: Iterable[Any], bands: Optional[int] = None, preference: Optional[str] = None
) -> QuantileBands:
    """Places each area of a comparator group in one of ``bands`` quantile bands (default 5,
    quintiles; 4 for quartiles), as Fingertips' quintile and quartile benchmarking.

    ``cut_points`` are the minimum, the k/n quantiles (R type 7, exact decimals) and the
    maximum. ``areas`` has one entry per value, in order: band 1 holds the lowest values, a value
    exactly on a cut point is in the lower band, and ``label`` reads the band by ``preference``
    (``"higher"``: Worst … Best; ``"lower"``: Best … Worst; ``"none"``: Lowest … Highest). A
    missing value (None, NaN) gets no band and is listed in ``missing``. Raises
    ``InvalidValueError`` for no areas, fewer than 2 bands, or fewer values with data than
    ``bands`` or than 4.
    """
    d = _ragstatus.quantile_bands(values, bands, preference)
    return QuantileBands(
        n=d["n"],
        cut_points=tuple(d["cut_points"]),
        areas=tuple(AreaBand(**a) for a in d["areas"]),
        missing=tuple(d["missing"]),
        preference=d["preference"],
    )


def recent_trend_proportions(
    counts: Iterable[Any], denominators: Iterable[Any], preference: Optional[str] = None
) -> RecentTrend:
    """The recent trend of a proportion, as Fingertips' trend marker: the chi-squared test for
    trend over the five most recent periods (given oldest first).

    Significant when chi-squared exceeds 9.549535706 (99.8%) and the log-odds gradient keeps its
    sign with any one point left out: ``marker`` "Increasing" or "Decreasing", with
    ``judgement`` "getting better" or "getting worse" by ``preference``. Otherwise "No
    significant change", or "Cannot be calculated" with ``reason`` (fewer than five points, a
    gap among the last five, a count equal to its denominator, a zero count). A missing count
    or denominator is a gap. Raises ``InvalidValueError`` for a negative count, a denominator
    not above zero or a count above its denominator, and ``LengthMismatchError`` for sequences
    of different lengths.
    """
    return RecentTrend(**_ragstatus.recent_trend_proportions(counts, denominators, preference))


def recent_trend_intervals(
    values: Iterable[Any],
    lower: Iterable[Any],
    upper: Iterable[Any],
    preference: Optional[str] = None,
) -> RecentTrend:
    """The recent trend of values with 95% confidence intervals (rates, ratios, means), as
    Fingertips' trend marker for every type other than proportions: the weighted least-squares
    gradient over the five most recent periods (given oldest first), each weighted by the
    inverse square of (upper − lower) / 3.92.

    The result reads as for ``recent_trend_proportions``; an interval of zero width cannot be
    calculated. Raises ``InvalidValueError`` for a lower limit above its upper.
    """
    return RecentTrend(**_ragstatus.recent_trend_intervals(values, lower, upper, preference))

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
            result = _ragstatus.quantile_bands([values[i] for i in rows], bands, preference)
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
