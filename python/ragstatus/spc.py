"""Statistical process control on DataFrames and charts: :func:`spc_frame` and :func:`plot_spc`.

The analysis itself is :func:`ragstatus.analyse_spc` (so named because ``ragstatus.spc`` is this
module). :func:`spc_frame` runs it and returns one row per point with its limits, rules, label
and explanation: for one series, or for thousands of series of a frame at once, keyed by
``by`` columns and analysed in the compiled core without the GIL (:data:`FRAME_COLUMNS`). :func:`plot_spc` draws the XmR chart with matplotlib (an optional
dependency: ``pip install 'ragstatus[plot]'``): the values, the mean, the process limits and the
2σ lines of each segment, the target if any, and special-cause points coloured *and* marked by
shape (improvement ■, concern ✖, neutral ▲/▼), so the chart reads without colour, with the
variation and assurance icons written out as text.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from decimal import Decimal
from typing import Any, Optional, Union

from ragstatus._ragstatus import InvalidValueError, SpcPoint, SpcResult, _spc_frame, analyse_spc
from ragstatus import _frames
from ragstatus.budget import _frame

__all__ = ["spc_frame", "plot_spc", "RESULT_COLUMNS", "FRAME_COLUMNS", "POINT_STYLES"]

#: The columns of the frame :func:`spc_frame` returns, in order.
RESULT_COLUMNS: tuple[str, ...] = (
    "index",
    "label",
    "value",
    "segment",
    "mean",
    "lower_process_limit",
    "upper_process_limit",
    "lower_two_sigma",
    "upper_two_sigma",
    "moving_range",
    "moving_range_used",
    "rules",
    "point_type",
    "special_cause",
    "explanation",
)

#: The columns of the frame :func:`spc_frame` returns for a frame of series, after its key
#: columns, in order.
FRAME_COLUMNS: tuple[str, ...] = (
    "row",
    *RESULT_COLUMNS,
    "trial_limits",
    "variation",
    "assurance",
    "error",
    "error_kind",
)

#: How each point type is drawn: (colour, marker, legend text). The colours are those of NHS
#: England's "Making Data Count" (blue improvement, orange concern, purple neutral); the markers
#: carry the same meaning without colour (improvement a square, concern a cross, neutral a
#: triangle pointing up for high or down for low: improvement may be either way up).
POINT_STYLES: dict[str, tuple[str, str, str]] = {
    "common_cause": ("#7f7f7f", "o", "common cause"),
    "special_cause_improvement": ("#289de0", "s", "special cause improvement"),
    "special_cause_concern": ("#e46c0a", "X", "special cause concern"),
    "special_cause_neutral_high": ("#7030a0", "^", "special cause (high)"),
    "special_cause_neutral_low": ("#7030a0", "v", "special cause (low)"),
}


def _labels_from(values: Any) -> Optional[list[str]]:
    """The index of a pandas Series as labels, unless it is the default 0..n-1."""
    if _frames.flavour(values) != "pandas" or not hasattr(values, "index"):
        return None
    index = list(values.index)
    if index == list(range(len(index))):
        return None
    return [str(i) for i in index]


def _point_row(p: SpcPoint) -> dict[str, Any]:
    return {
        "index": p.index,
        "label": p.label,
        "value": p.value,
        "segment": p.segment,
        "mean": p.mean,
        "lower_process_limit": p.lower_process_limit,
        "upper_process_limit": p.upper_process_limit,
        "lower_two_sigma": p.lower_two_sigma,
        "upper_two_sigma": p.upper_two_sigma,
        "moving_range": p.moving_range,
        "moving_range_used": p.moving_range_used,
        "rules": ",".join(p.rules),
        "point_type": p.point_type,
        "special_cause": p.is_special_cause,
        "explanation": p.explanation,
    }


def _is_frame(data: Any) -> bool:
    module, name = type(data).__module__.split(".")[0], type(data).__name__
    return (
        (module == "pandas" and name == "DataFrame")
        or (module == "polars" and name in ("DataFrame", "LazyFrame"))
        or (module == "pyarrow" and name in ("Table", "RecordBatch"))
    )


def _column_names(names: Any, what: str) -> list[str]:
    if names is None:
        return []
    if isinstance(names, str):
        return [names]
    if isinstance(names, Sequence) and all(isinstance(n, str) for n in names):
        return list(names)
    raise InvalidValueError(f"{what}: {names!r} is not valid; expected a column name or a list of them")


def _column_name(name: Any, what: str) -> str:
    if isinstance(name, str):
        return name
    raise InvalidValueError(f"{what}: {name!r} is not valid; expected a column name")


def spc_frame(
    values: Any,
    labels: Optional[Iterable[Any]] = None,
    *,
    by: Union[str, Sequence[str], None] = None,
    value: Optional[str] = None,
    period: Optional[str] = None,
    denominator: Optional[str] = None,
    explain: bool = True,
    **settings: Any,
) -> Any:
    """Runs SPC on one series, or on every series of a frame, and returns one row per point.

    **One series.** ``values`` is any sequence of numbers, oldest first: a list, a numpy array,
    a pandas or polars Series, or the column of a DataFrame. ``labels`` names the points
    (periods, dates or text); for a pandas Series with its own index, the index is used. The
    frame has :data:`RESULT_COLUMNS`; for pandas the :class:`~ragstatus.SpcResult` is kept in
    ``frame.attrs["spc"]`` (for :func:`plot_spc`). The result is a polars DataFrame for a polars
    input, else pandas.

    **Many series.** ``values`` is a frame (pandas or polars DataFrame, polars LazyFrame,
    pyarrow Table or RecordBatch) with one row per point: ``by`` names the key columns (one
    series per distinct key; none: the whole frame is one series), ``value`` the value column
    (default ``"value"``) and ``period`` the column that orders each series and names its points
    (period labels such as ``"2015/16 Q1"``, dates, or integers; without it each series is taken
    in row order and its points are "point 1", "point 2", ...). Every series is analysed with
    the same settings, exactly as :func:`ragstatus.analyse_spc` would analyse it alone, in the
    compiled core without the GIL, in parallel. The result is the same kind of frame as the
    input (a pyarrow Table for a Table) with the key columns and :data:`FRAME_COLUMNS`: one row
    per input row, in input order (``row`` is its position; ``index`` the point's position in
    its ordered series); ``trial_limits`` is the point's segment's, ``variation`` and
    ``assurance`` are its series' icons. The numbers are exact decimals (pandas
    ``pd.ArrowDtype(pa.decimal128(38, s))``, polars ``Decimal``).

    **Chart types.** ``chart=`` picks the chart (``"xmr"``, the default, ``"run"``, ``"p"``,
    ``"p_prime"``, ``"u"``, ``"u_prime"``, ``"c"``, ``"g"``, ``"t"``; SPEC §12a). The P, P′, U
    and U′ charts take the numerators as the values and one denominator per point:
    ``denominators=`` (a sequence) for one series, ``denominator=`` (the column name) for a
    frame; the output ``value`` is then numerator / denominator.

    A row with a null key, a missing or unreadable value or denominator, an unreadable period, or the period
    of another row of its series has its error (naming ``row[i]`` and the column) in ``error``
    and its kind in ``error_kind``; SPC needs an unbroken series, so the other rows of that
    series are error rows too, naming the row in error, and are not analysed. A frame without
    the columns it needs raises :class:`~ragstatus.ParseError`.

    ``explain=False`` (frames only) leaves each point's sentence out: the ``explanation``
    column is null and every other column is the same; building the sentences is much of the
    time on large frames.

    ``settings`` are the keywords of :func:`ragstatus.analyse_spc` (``improvement``,
    ``target``, ``rebase_at``, ``shift_length``, ..., or ``settings={...}``), for either form.
    """
    if _is_frame(values):
        if labels is not None:
            raise InvalidValueError("labels: for a frame of series, name the period column with period=")
        merged: dict[str, Any] = {}
        given = settings.pop("settings", None)
        if given is not None:
            if not isinstance(given, Mapping):
                raise InvalidValueError(f"settings: {given!r} is not valid; expected a dict of SPC settings")
            merged.update(given)
        merged.update(settings)
        kind, data = _frames.to_arrow(values)
        batch = _spc_frame(
            data,
            merged,
            by=_column_names(by, "by"),
            value="value" if value is None else _column_name(value, "value"),
            period=None if period is None else _column_name(period, "period"),
            denominator=None if denominator is None else _column_name(denominator, "denominator"),
            explain=explain,
        )
        return _frames.from_arrow(batch, kind)
    if by is not None or value is not None or period is not None or denominator is not None:
        raise InvalidValueError(
            "by, value, period and denominator name the columns of a frame of series; "
            f"got a {type(values).__name__}"
        )
    if explain is not True:
        raise InvalidValueError(
            f"explain: {explain!r} is not valid for one series (its SpcResult keeps every "
            "sentence); explain=False is for a frame of series"
        )
    flavour = _frames.flavour(values)
    if labels is None:
        labels = _labels_from(values)
    result = analyse_spc(values, None if labels is None else list(labels), **settings)
    frame = _frame(RESULT_COLUMNS, [_point_row(p) for p in result.points], flavour)
    if flavour != "polars":
        frame.attrs["spc"] = result
    return frame


def _floats(values: Sequence[Optional[Decimal]]) -> list[float]:
    # Drawing only: the decisions were made in decimals.
    return [float("nan") if v is None else float(v) for v in values]


def _icon_text(result: SpcResult) -> str:
    variation = (result.variation or "no data").replace("_", " ")
    text = f"Variation: {variation}"
    if result.assurance is not None:
        text += f"\nAssurance: {result.assurance.replace('_', ' ')}"
        if result.target is not None:
            text += f" (target {result.target})"
    elif result.target is not None:
        text += f"\nAssurance: not available (target {result.target})"
    if any(s.trial_limits for s in result.segments):
        text += "\nTrial limits (fewer points than needed for firm limits)"
    return text


def plot_spc(result: Any, ax: Any = None, *, title: Optional[str] = None) -> Any:
    """Draws the XmR chart of ``result`` and returns the matplotlib ``Axes``.

    ``result`` is an :class:`~ragstatus.SpcResult` (or a pandas frame from :func:`spc_frame`).
    Draws on ``ax`` when given, else on a new figure. Each segment has its own mean (solid),
    process limits (dashed) and 2σ lines (dotted); special-cause points are coloured and marked
    by shape (see :data:`POINT_STYLES`); the variation and assurance icons are written in a text
    box in the corner; x tick labels are the point labels when there are any.
    """
    try:
        import matplotlib.pyplot as plt  # type: ignore[import-not-found,unused-ignore]
    except ImportError as err:
        raise ImportError(
            "plot_spc needs matplotlib, an optional dependency: pip install 'ragstatus[plot]' "
            "(or pip install matplotlib)"
        ) from err
    if not isinstance(result, SpcResult):
        attrs = getattr(result, "attrs", None)
        found = attrs.get("spc") if isinstance(attrs, dict) else None
        if not isinstance(found, SpcResult):
            raise InvalidValueError("plot_spc takes an SpcResult or a frame from spc_frame")
        result = found

    if ax is None:
        _, ax = plt.subplots(figsize=(9, 4.5))
    points = result.points
    x = [p.index for p in points]
    y = _floats([p.value for p in points])
    ax.plot(x, y, color="#7f7f7f", linewidth=1, marker="o", markersize=3, zorder=2,
            label="value")

    first = True
    for seg in result.segments:
        xs = [seg.start - 0.5, seg.end + 0.5]
        lim = seg.limits
        ax.plot(xs, _floats([lim.mean] * 2), color="black", linewidth=1.2,
                label="mean" if first else None, zorder=1)
        for value, style, name in (
            (lim.upper_process_limit, "--", "process limits"),
            (lim.lower_process_limit, "--", None),
            (lim.upper_two_sigma, ":", "2σ lines"),
            (lim.lower_two_sigma, ":", None),
        ):
            if value is not None:
                ax.plot(xs, _floats([value] * 2), color="#555555", linestyle=style,
                        linewidth=1, label=name if first else None, zorder=1)
        first = False
    if result.target is not None and points:
        ax.axhline(float(result.target), color="#d62728", linestyle="-.", linewidth=1,
                   label=f"target {result.target}", zorder=1)

    for point_type, (colour, marker, text) in POINT_STYLES.items():
        if point_type == "common_cause":
            continue
        chosen = [p for p in points if p.point_type == point_type]
        if chosen:
            ax.scatter([p.index for p in chosen], _floats([p.value for p in chosen]),
                       color=colour, marker=marker, s=70, edgecolors="black", linewidths=0.6,
                       zorder=3, label=text)

    labels = [p.label for p in points]
    if points and all(label is not None for label in labels):
        step = max(1, len(points) // 12)
        ax.set_xticks(x[::step])
        ax.set_xticklabels(labels[::step], rotation=45, ha="right")
    ax.text(0.01, 0.98, _icon_text(result), transform=ax.transAxes, va="top", ha="left",
            fontsize=8, bbox={"boxstyle": "round", "facecolor": "white", "alpha": 0.85})
    if title is not None:
        ax.set_title(title)
    ax.legend(loc="upper right", fontsize=7, framealpha=0.85)
    return ax
