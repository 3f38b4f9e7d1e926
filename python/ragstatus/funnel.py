"""Funnel plots and bulk confidence intervals on DataFrames: :func:`funnel_frame`,
:func:`interval_frame` and :func:`plot_funnel` (SPEC §8a, §8b).

The analysis of units given as two sequences is :func:`analyse_funnel` (a :class:`Funnel` of
:class:`FunnelPoint`), and the lines around a known centre :func:`funnel_limits` (a list of
:class:`FunnelLimits`): frozen result classes with typed attributes, ``to_dict()`` for plain
data, and item access (``funnel["centre"]``) that reads as the dicts they returned before. :func:`funnel_frame` runs the funnel over
a frame with one row per unit, and :func:`interval_frame` gives every row's 95% and 99.8%
intervals, both in the compiled core without the GIL, with exact decimal columns.
:func:`plot_funnel` draws the funnel with matplotlib (an optional dependency: ``pip install
'ragstatus[plot]'``): the centre, the 95% and 99.8% limits, and each unit coloured *and* marked
by its position (above ▲, within ●, below ▼), so the chart reads without colour, with the centre,
the counts and any overdispersion adjustment written out as text.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, Literal, Optional

from ragstatus import _ragstatus
from ragstatus._ragstatus import InvalidValueError, _funnel_frame, _interval_frame
from ragstatus._records import Record
from ragstatus._frames import from_arrow, to_arrow

__all__ = [
    "analyse_funnel",
    "funnel_limits",
    "Funnel",
    "FunnelLimits",
    "FunnelPoint",
    "Dispersion",
    "funnel_frame",
    "interval_frame",
    "plot_funnel",
    "FUNNEL_COLUMNS",
    "INTERVAL_COLUMNS",
    "POINT_STYLES",
]

#: The columns of the frame :func:`funnel_frame` returns, in order.
FUNNEL_COLUMNS: tuple[str, ...] = (
    "row",
    "numerator",
    "denominator",
    "value",
    "lower_95",
    "upper_95",
    "lower_998",
    "upper_998",
    "position",
    "level",
    "outcome",
    "error",
    "error_kind",
)

#: The columns of the frame :func:`interval_frame` returns, in order.
INTERVAL_COLUMNS: tuple[str, ...] = (
    "row",
    "value",
    "lower_95",
    "upper_95",
    "lower_998",
    "upper_998",
    "method",
    "error",
    "error_kind",
)

#: How each position is drawn: (colour, marker, legend text). Fingertips' comparison colours
#: (green better, red worse, blue higher or lower without a preferred direction, amber within);
#: the markers carry the position without colour (above a triangle up, below a triangle down,
#: within a circle).
POINT_STYLES: dict[str, tuple[str, str, str]] = {
    "Better": ("#92d050", "^", "better"),
    "Worse": ("#c00000", "v", "worse"),
    "Higher": ("#5555e6", "^", "higher"),
    "Lower": ("#bed2ff", "v", "lower"),
    "Similar": ("#ffc000", "o", "within the limits"),
}

#: Markers when the outcome's direction must come from the position (Better below the funnel
#: when lower is better).
_MARKERS = {"above": "^", "below": "v", "within": "o"}


@dataclass(frozen=True, eq=False)
class FunnelLimits(Record):
    """The funnel's limits at one denominator: 95% and 99.8%, lower and upper (× multiplier)."""

    denominator: Decimal
    lower_95: Decimal
    upper_95: Decimal
    lower_998: Decimal
    upper_998: Decimal


@dataclass(frozen=True, eq=False)
class FunnelPoint(FunnelLimits):
    """One unit of a funnel: its limits at its own denominator, its value, and where it lies."""

    numerator: Decimal
    value: Decimal
    position: Literal["above", "within", "below"]
    level: Optional[Literal["95", "99.8"]]
    outcome: Literal["Better", "Similar", "Worse", "Higher", "Lower"]


@dataclass(frozen=True, eq=False)
class Dispersion(Record):
    """The overdispersion estimate (Spiegelhalter): φ, τ² and whether the limits were widened."""

    phi: Decimal
    tau2: Decimal
    adjusted: bool


@dataclass(frozen=True, eq=False)
class Funnel(Record):
    """A funnel analysis (:func:`analyse_funnel`)."""

    statistic: Literal["proportion", "rate", "ratio"]
    multiplier: Decimal
    centre: Decimal
    #: None unless ``overdispersion=True``.
    dispersion: Optional[Dispersion]
    #: One per unit, in order.
    points: tuple[FunnelPoint, ...]
    #: The limits at each of ``limits_at``.
    limits: tuple[FunnelLimits, ...]


def analyse_funnel(
    numerators: Iterable[Any],
    denominators: Iterable[Any],
    statistic: Optional[Literal["proportion", "rate", "ratio"]] = None,
    *,
    multiplier: Any = None,
    centre: Any = None,
    preference: Optional[str] = None,
    overdispersion: Optional[bool] = None,
    winsor: Any = None,
    limits_at: Optional[Iterable[Any]] = None,
) -> Funnel:
    """The funnel of units given as two sequences (numerators: events, or observed events for a
    ratio; denominators: population, or expected events), as PHEindicatormethods'
    ``calculate_funnel_limits`` and ``assign_funnel_significance`` (SPEC §8b).

    ``statistic`` is ``"proportion"`` (default), ``"rate"`` or ``"ratio"``; ``multiplier``
    defaults to 100, 100,000 and 1. The centre is the group's average Σx / Σn × multiplier (1 ×
    multiplier for a ratio) unless ``centre`` is given. Each point has its limits at 95% and
    99.8% at its own denominator and its ``position`` (above / within / below) with the
    ``level``; ``outcome`` is Better / Worse by ``preference`` (``"higher"`` or ``"lower"``),
    Higher / Lower without one. ``overdispersion=True`` applies Spiegelhalter's additive
    random-effects adjustment (``winsor``: the fraction winsorised at each end, default 0.1).
    ``limits`` are the limits at each of ``limits_at``. Raises ``InvalidValueError`` naming
    ``units[i]`` and the field for a bad unit, and ``LengthMismatchError`` for sequences of
    different lengths.
    """
    d = _ragstatus.analyse_funnel(
        numerators,
        denominators,
        statistic,
        multiplier=multiplier,
        centre=centre,
        preference=preference,
        overdispersion=overdispersion,
        winsor=winsor,
        limits_at=limits_at,
    )
    disp = d["dispersion"]
    return Funnel(
        statistic=d["statistic"],
        multiplier=d["multiplier"],
        centre=d["centre"],
        dispersion=None if disp is None else Dispersion(**disp),
        points=tuple(FunnelPoint(**p) for p in d["points"]),
        limits=tuple(FunnelLimits(**lim) for lim in d["limits"]),
    )


def funnel_limits(
    denominators: Iterable[Any],
    centre: Any,
    statistic: Optional[Literal["proportion", "rate", "ratio"]] = None,
    *,
    multiplier: Any = None,
    tau2: Any = None,
) -> list[FunnelLimits]:
    """The funnel's limits at each of ``denominators`` around a known ``centre`` (×
    ``multiplier``): the lines to draw. ``tau2`` (from an overdispersion estimate) widens them as
    Spiegelhalter's additive random effects do.
    """
    lines = _ragstatus.funnel_limits(
        denominators, centre, statistic, multiplier=multiplier, tau2=tau2
    )
    return [FunnelLimits(**lim) for lim in lines]


def _column_name(name: Any, what: str) -> str:
    if isinstance(name, str):
        return name
    raise InvalidValueError(f"{what}: {name!r} is not valid; expected a column name")


def _attach(out: Any, kind: str, batch: Any) -> Any:
    """Keeps the batch's metadata (centre, overdispersion) where the frame kind can hold it."""
    meta = {k.decode(): v.decode() for k, v in (batch.schema.metadata or {}).items()}
    if kind == "pandas":
        out.attrs["funnel"] = meta
    return out


def funnel_frame(
    data: Any,
    statistic: str = "proportion",
    *,
    numerator: str = "numerator",
    denominator: str = "denominator",
    multiplier: Any = None,
    centre: Any = None,
    preference: Optional[str] = None,
    overdispersion: Optional[bool] = None,
    winsor: Any = None,
) -> Any:
    """The funnel of a frame with one row per unit (SPEC §8b), one output row per input row.

    ``data`` is a pandas or polars DataFrame, a polars LazyFrame, or a pyarrow Table or
    RecordBatch; ``numerator`` and ``denominator`` name its columns (events and population, or
    observed and expected events for a ratio). ``statistic``, ``multiplier``, ``centre``,
    ``preference``, ``overdispersion`` and ``winsor`` are those of
    :func:`ragstatus.analyse_funnel`. The result is the same kind of frame (pandas for anything
    else) with :data:`FUNNEL_COLUMNS`: the unit as read, its value, its limits at its own
    denominator, its ``position`` (above / within / below), ``level`` and ``outcome``; numbers
    are exact decimals (pandas ``pd.ArrowDtype(pa.decimal128(38, s))``, polars ``Decimal``).

    A row whose numerator or denominator is missing or unreadable, or fails the checks (a
    negative numerator, a denominator not above zero, a proportion's numerator above its
    denominator), has its error (naming ``row[i]`` and the column) in ``error`` and takes no
    part in the centre. The centre, statistic, multiplier and the overdispersion estimate
    (``phi``, ``tau2``, ``adjusted``) are in ``frame.attrs["funnel"]`` for pandas and in the
    schema metadata for pyarrow. A frame without the columns raises
    :class:`~ragstatus.ParseError`.
    """
    numerator = _column_name(numerator, "numerator")
    denominator = _column_name(denominator, "denominator")
    kind, arrow = to_arrow(data, (numerator, denominator))
    batch = _funnel_frame(
        arrow,
        statistic,  # type: ignore[arg-type]
        numerator=numerator,
        denominator=denominator,
        multiplier=multiplier,
        centre=centre,
        preference=preference,
        overdispersion=overdispersion,
        winsor=winsor,
    )
    return _attach(from_arrow(batch, kind), kind, batch)


def interval_frame(
    data: Any,
    statistic: str = "proportion",
    *,
    numerator: str = "numerator",
    denominator: str = "denominator",
    multiplier: Any = None,
) -> Any:
    """The 95% and 99.8% confidence intervals of every row of a frame (SPEC §8a): Wilson for
    ``"proportion"`` (default multiplier 100), exact Poisson below 10 events and Byar's from 10
    for ``"rate"`` (100,000) and ``"ratio"`` (1), exactly as :func:`ragstatus.proportion_interval`,
    :func:`ragstatus.rate_interval` and :func:`ragstatus.ratio_interval` give them one at a time.

    The result has :data:`INTERVAL_COLUMNS`, one row per input row; a row that cannot be read or
    fails the checks has its error in ``error``.
    """
    numerator = _column_name(numerator, "numerator")
    denominator = _column_name(denominator, "denominator")
    kind, arrow = to_arrow(data, (numerator, denominator))
    batch = _interval_frame(
        arrow,
        statistic,  # type: ignore[arg-type]
        numerator=numerator,
        denominator=denominator,
        multiplier=multiplier,
    )
    return from_arrow(batch, kind)


def _rows(result: Any) -> tuple[list[dict[str, Any]], dict[str, Any]]:
    """The points and the funnel's settings of an :func:`analyse_funnel` result (or its dict), or of a
    pandas frame or pyarrow table from :func:`funnel_frame`."""
    if isinstance(result, Mapping) and "points" in result:
        disp = result.get("dispersion") or {}
        meta = {
            "statistic": result["statistic"],
            "multiplier": result["multiplier"],
            "centre": result["centre"],
            "tau2": disp.get("tau2") if disp.get("adjusted") else None,
            "phi": disp.get("phi"),
            "adjusted": disp.get("adjusted"),
        }
        return list(result["points"]), meta
    module, name = type(result).__module__.split(".")[0], type(result).__name__
    if module == "pandas" and name == "DataFrame" and "funnel" in result.attrs:
        raw = dict(result.attrs["funnel"])
        rows = result.to_dict("records")
    elif module == "pyarrow" and name in ("Table", "RecordBatch") and result.schema.metadata:
        raw = {k.decode(): v.decode() for k, v in result.schema.metadata.items()}
        rows = result.to_pylist()
    else:
        raise InvalidValueError(
            "plot_funnel takes the result of analyse_funnel, or a pandas frame or pyarrow table "
            "from funnel_frame"
        )
    meta = {
        "statistic": raw.get("statistic"),
        "multiplier": raw.get("multiplier"),
        "centre": raw.get("centre"),
        "phi": raw.get("phi"),
        "adjusted": raw.get("adjusted") == "true",
        "tau2": raw.get("tau2") if raw.get("adjusted") == "true" else None,
    }
    return [r for r in rows if _missing(r.get("error"))], meta


def _missing(v: Any) -> bool:
    return v is None or (isinstance(v, float) and v != v)


def _float(v: Any) -> float:
    # Drawing only: the decisions were made in decimals.
    return float("nan") if v is None else float(v)


def plot_funnel(result: Any, ax: Any = None, *, title: Optional[str] = None, points: int = 100) -> Any:
    """Draws the funnel plot of ``result`` and returns the matplotlib ``Axes``.

    ``result`` is the :class:`Funnel` of :func:`analyse_funnel`, or a pandas frame or pyarrow
    table from :func:`funnel_frame` (rows in error are left out of the drawing, not out of the
    frame). Draws on ``ax`` when given, else on a new figure: each unit at (denominator, value),
    coloured and marked by its outcome and position (see :data:`POINT_STYLES`); the centre
    (solid), the 95% limits (dashed) and the 99.8% limits (dotted), computed by
    :func:`ragstatus.funnel_limits` at ``points`` denominators spaced evenly on a log scale
    across the units (with the overdispersion adjustment when it applied); and a text box with
    the centre, how many units lie above, within and below, and φ and τ² when adjusted.
    """
    try:
        import matplotlib.pyplot as plt  # type: ignore[import-not-found,unused-ignore]
    except ImportError as err:
        raise ImportError(
            "plot_funnel needs matplotlib, an optional dependency: pip install 'ragstatus[plot]' "
            "(or pip install matplotlib)"
        ) from err
    rows, meta = _rows(result)
    if ax is None:
        _, ax = plt.subplots(figsize=(9, 5))
    xs = [_float(r["denominator"]) for r in rows]
    if xs:
        low, high = min(xs), max(xs)
        if high <= low:
            low, high = low / 2, high * 2
        count = max(2, points) if isinstance(points, int) and not isinstance(points, bool) else 100
        grid = [low * (high / low) ** (k / (count - 1)) for k in range(count)]
        lines = _ragstatus.funnel_limits(
            [Decimal(repr(g)) for g in grid],
            meta["centre"],
            meta["statistic"],
            multiplier=meta["multiplier"],
            tau2=meta["tau2"],
        )
        ax.plot(grid, [_float(meta["centre"])] * len(grid), color="black", linewidth=1.2,
                label=f"centre {Decimal(str(meta['centre'])).normalize():f}", zorder=1)
        for lower, upper, style, name in (
            ([l["lower_95"] for l in lines], [l["upper_95"] for l in lines], "--", "95% limits"),
            ([l["lower_998"] for l in lines], [l["upper_998"] for l in lines], ":", "99.8% limits"),
        ):
            ax.plot(grid, [_float(v) for v in upper], color="#555555", linestyle=style,
                    linewidth=1, label=name, zorder=1)
            ax.plot(grid, [_float(v) for v in lower], color="#555555", linestyle=style,
                    linewidth=1, zorder=1)
        ax.set_xscale("log")

    counts = {"above": 0, "within": 0, "below": 0}
    for r in rows:
        counts[str(r["position"])] = counts.get(str(r["position"]), 0) + 1
    for outcome, (colour, _, text) in POINT_STYLES.items():
        for position, marker in _MARKERS.items():
            chosen = [r for r in rows if r["outcome"] == outcome and r["position"] == position]
            if chosen:
                ax.scatter([_float(r["denominator"]) for r in chosen],
                           [_float(r["value"]) for r in chosen], color=colour, marker=marker,
                           s=45, edgecolors="black", linewidths=0.6, zorder=3,
                           label=f"{text} ({position})" if outcome != "Similar" else text)

    text = (f"Centre {Decimal(str(meta['centre'])).normalize():f}: {counts['above']} above, "
            f"{counts['within']} within, {counts['below']} below")
    if meta.get("adjusted"):
        text += f"\nLimits widened for overdispersion (φ {meta['phi']}, τ² {meta['tau2']})"
    elif meta.get("phi") is not None:
        text += f"\nNo overdispersion found (φ {meta['phi']})"
    ax.text(0.01, 0.98, text, transform=ax.transAxes, va="top", ha="left", fontsize=8,
            bbox={"boxstyle": "round", "facecolor": "white", "alpha": 0.85})
    ax.set_xlabel("expected events" if meta["statistic"] == "ratio" else "denominator")
    if title is not None:
        ax.set_title(title)
    ax.legend(loc="upper right", fontsize=7, framealpha=0.85)
    return ax
