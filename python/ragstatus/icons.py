"""The icon summary (NHS England "Making Data Count"): one row per indicator with its variation
and assurance icons, the table a board reads first (SPEC §12).

:func:`icon_summary` makes it from analyses already run (:func:`ragstatus.analyse_spc`,
:meth:`ragstatus.Indicator.spc`); :func:`icon_summary_frame` from a frame of series, as
:func:`ragstatus.spc.spc_frame` reads it, analysing every series and keeping its last point.
Each row has the icons as names (``variation``, ``assurance``), as words (``variation_label``,
``assurance_label``), a sentence a councillor can read (``summary``) and, with ``svg=True``,
each icon as inline SVG (``variation_svg``, ``assurance_svg``). :func:`icon_svg` and
:func:`icon_text` give the drawing and the words of any icon by name.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any, Literal, Optional, Union, get_args

from ragstatus._ragstatus import (
    InvalidValueError,
    SpcResult,
    _icon_row,
    _icons_of,
    _spc_frame,
    icon_svg,
    icon_text,
    to_decimal,
)
from ragstatus._frames import to_arrow
from ragstatus.budget import _frame
from ragstatus.spc import _column_name, _column_names, _is_frame

__all__ = [
    "icon_summary",
    "icon_summary_frame",
    "icon_svg",
    "icon_text",
    "ICON_COLUMNS",
    "ICON_FRAME_COLUMNS",
    "VARIATION_ICONS",
    "ASSURANCE_ICONS",
    "VariationIconName",
    "AssuranceIconName",
]

#: The columns of :func:`icon_summary`, in order (``svg=True`` adds ``variation_svg`` and
#: ``assurance_svg``).
ICON_COLUMNS: tuple[str, ...] = (
    "id",
    "name",
    "period",
    "value",
    "target",
    "points",
    "trial_limits",
    "variation",
    "assurance",
    "variation_label",
    "assurance_label",
    "summary",
)

#: The columns of :func:`icon_summary_frame` after its key columns, in order (``svg=True`` adds
#: ``variation_svg`` and ``assurance_svg`` before ``error``).
ICON_FRAME_COLUMNS: tuple[str, ...] = (
    "rows",
    "period",
    "value",
    "target",
    "points",
    "trial_limits",
    "variation",
    "assurance",
    "variation_label",
    "assurance_label",
    "summary",
    "error",
    "error_kind",
)

#: A variation icon's name, as the ``variation`` column gives it.
VariationIconName = Literal[
    "common_cause",
    "improvement_high",
    "improvement_low",
    "concern_high",
    "concern_low",
    "neutral_high",
    "neutral_low",
    "too_few_points",
]

#: An assurance icon's name, as the ``assurance`` column gives it: ``no_limits`` is a run
#: chart's, which has no process limits however many points it has.
AssuranceIconName = Literal[
    "consistent_pass",
    "inconsistent",
    "consistent_fail",
    "no_better_direction",
    "no_target",
    "too_few_points",
    "no_limits",
]

#: Every variation icon's name, in the order of the Making Data Count key.
VARIATION_ICONS: tuple[VariationIconName, ...] = get_args(VariationIconName)

#: Every assurance icon's name.
ASSURANCE_ICONS: tuple[AssuranceIconName, ...] = get_args(AssuranceIconName)

_SVG_COLUMNS = ("variation_svg", "assurance_svg")


def _flag(value: Any, name: str) -> bool:
    """A true/false argument: a bool (or a numpy bool), nothing that merely has a truth value."""
    if isinstance(value, bool) or type(value).__name__ == "bool_":
        return bool(value)
    raise InvalidValueError(f"{name}: {value!r} is not valid; expected True or False")


def _with_svg(row: dict[str, Any]) -> dict[str, Any]:
    variation, assurance = row.get("variation"), row.get("assurance")
    row["variation_svg"] = None if variation is None else icon_svg("variation", variation)
    row["assurance_svg"] = None if assurance is None else icon_svg("assurance", assurance)
    return row


def _pairs(results: Any) -> list[tuple[str, SpcResult]]:
    items = results.items() if isinstance(results, Mapping) else results
    if isinstance(items, (str, bytes)) or not isinstance(items, Iterable):
        raise InvalidValueError(
            f"results: {type(results).__name__} is not valid; expected a dict of id to SpcResult "
            "or (id, SpcResult) pairs"
        )
    pairs: list[tuple[str, SpcResult]] = []
    for i, item in enumerate(items):
        if not (isinstance(item, tuple) and len(item) == 2):
            raise InvalidValueError(f"results[{i}]: {item!r} is not valid; expected an (id, SpcResult) pair")
        key, result = item
        if not isinstance(key, str):
            raise InvalidValueError(f"results[{i}]: the id {key!r} is not valid; expected text")
        if not isinstance(result, SpcResult):
            raise InvalidValueError(
                f"results[{key!r}]: {type(result).__name__} is not valid; expected an SpcResult "
                "(from analyse_spc or Indicator.spc)"
            )
        pairs.append((key, result))
    return pairs


def icon_summary(
    results: Union[Mapping[str, SpcResult], Iterable[tuple[str, SpcResult]]],
    *,
    names: Optional[Mapping[str, str]] = None,
    svg: bool = False,
    polars: bool = False,
) -> Any:
    """The icon summary of analyses already run: one row per indicator, in the order given.

    ``results`` maps each indicator's id to its :class:`~ragstatus.SpcResult` (a dict, or
    ``(id, result)`` pairs); ``names`` gives the indicators' names (default: the id). The frame
    has :data:`ICON_COLUMNS` (pandas, or polars with ``polars=True``): ``period`` and ``value``
    are the last point's label and exact value, ``target`` the target tested, ``points`` the
    series' length, ``trial_limits`` whether the last segment's limits are trial limits.
    ``variation`` is one of :data:`VARIATION_ICONS` and ``assurance`` one of
    :data:`ASSURANCE_ICONS`; where there is no assurance icon it says why (no better direction,
    no target, too few points). With ``svg=True`` each icon is also given as inline SVG.
    """
    if names is not None and not isinstance(names, Mapping):
        raise InvalidValueError(f"names: {names!r} is not valid; expected a dict of id to name")
    svg, polars = _flag(svg, "svg"), _flag(polars, "polars")
    rows = []
    for key, result in _pairs(results):
        name = key if names is None else names.get(key, key)
        if not isinstance(name, str):
            raise InvalidValueError(f"names[{key!r}]: {name!r} is not valid; expected text")
        row = dict(_icon_row(result, key, name))
        rows.append(_with_svg(row) if svg else row)
    columns = ICON_COLUMNS + (_SVG_COLUMNS if svg else ())
    return _frame(columns, rows, "polars" if polars else "pandas")


# The columns of spc_frame's result that the icon summary reads from a series' last point.
_LAST = (
    "index",
    "label",
    "value",
    "segment",
    "upper_process_limit",
    "trial_limits",
    "point_type",
    "assurance",
    "error",
    "error_kind",
)


def _last_points(batch: Any, keys: list[str]) -> list[dict[str, Any]]:
    """One dict per series of spc_frame's result, in order of its first row: the key columns,
    ``rows`` (its number of rows), ``first`` (its first row), the columns of :data:`_LAST` at
    its last point and ``segment_points`` (the number of points of the last point's segment).

    Grouped in Arrow, so that a frame of many series is not walked row by row in Python."""
    import pyarrow as pa
    import pyarrow.compute as pc

    table = pa.Table.from_batches([batch]) if isinstance(batch, pa.RecordBatch) else batch
    # Keys from polars arrive as string views, which Arrow's filter, take and group-by kernels
    # do not all read yet.
    views = {pa.string_view(): pa.string(), pa.binary_view(): pa.binary()}
    if any(f.type in views for f in table.schema):
        table = table.cast(
            pa.schema([f.with_type(views.get(f.type, f.type)) for f in table.schema])
        )
    whole = table
    # A constant column gives a frame without keys its one group; each row's position picks the
    # last points out afterwards (Arrow's "last" has no kernel for decimals).
    table = table.append_column("_series", pa.array([0] * table.num_rows, pa.int8()))
    table = table.append_column("_position", pa.array(range(table.num_rows), pa.int64()))
    null_key = None
    for k in keys:
        missing = pc.is_null(table[k])
        null_key = missing if null_key is None else pc.or_(null_key, missing)
    lone: list[dict[str, Any]] = []
    if null_key is not None:
        # Rows with a null key are each in error and belong to no series.
        for r in whole.filter(null_key).to_pylist():
            lone.append({**r, "rows": 1, "first": r["row"], "segment_points": None})
        table = table.filter(pc.invert(null_key))
    group = [*keys, "_series"]
    # Stable, with the unanalysed rows (no index) last: each group's last row is its last point.
    ordered = table.sort_by([("index", "ascending")])
    last = ordered.group_by(group, use_threads=False).aggregate(
        [("row", "min"), ("row", "count"), ("_position", "last", pc.ScalarAggregateOptions(skip_nulls=False))]
    )
    points = whole.select([*keys, *_LAST]).take(last["_position_last"]).to_pylist()
    sizes = table.group_by([*group, "segment"]).aggregate([("row", "count")])
    segment_points = {
        (tuple(r[k] for k in keys), r["segment"]): r["row_count"] for r in sizes.to_pylist()
    }
    series = []
    for r, point in zip(last.to_pylist(), points):
        key = tuple(point[k] for k in keys)
        point.update(
            rows=r["row_count"],
            first=r["row_min"],
            segment_points=segment_points.get((key, point["segment"])),
        )
        series.append(point)
    return sorted(series + lone, key=lambda s: s["first"])


def _series_row(
    last: dict[str, Any], improvement: str, has_target: bool, chart: Optional[str]
) -> dict[str, Any]:
    row: dict[str, Any] = dict.fromkeys(ICON_FRAME_COLUMNS)
    row["rows"] = last["rows"]
    if last.get("error") is not None:
        # A series with a row in error is not analysed (see spc_frame): every row of it is in
        # error, and it keeps its row here so that no series is left out without a word.
        row["error"], row["error_kind"] = last["error"], last.get("error_kind")
        return row
    has_limits = last.get("upper_process_limit") is not None
    trial = bool(last.get("trial_limits")) and has_limits
    row.update(
        _icons_of(
            last.get("point_type"),
            last.get("assurance"),
            improvement,
            has_target,
            has_limits,
            last["segment_points"] if trial else None,
            chart,
            last["segment_points"],
        )
    )
    row.update(
        period=last.get("label"),
        value=last.get("value"),
        points=last["rows"],
        trial_limits=trial,
    )
    return row


def icon_summary_frame(
    values: Any,
    *,
    by: Union[str, Sequence[str], None] = None,
    value: Optional[str] = None,
    period: Optional[str] = None,
    svg: bool = False,
    **settings: Any,
) -> Any:
    """The icon summary of every series of a frame: one row per series (per distinct ``by``
    key), in order of first appearance.

    ``values``, ``by``, ``value``, ``period`` and ``settings`` are those of
    :func:`ragstatus.spc.spc_frame` for a frame (pandas or polars DataFrame, polars LazyFrame,
    pyarrow Table or RecordBatch), which analyses the series; each row here is its series' last
    point, with the key columns and :data:`ICON_FRAME_COLUMNS`: ``rows`` is the number of input
    rows of the series, ``target`` the target of the settings. A series with a row in error
    (a missing value, a repeated period, ...) is not analysed: its row has no icons and names
    the first error in ``error`` and ``error_kind``; a row with a null key is its own series.
    The result is the same kind of frame as the input (polars for polars, a pyarrow Table or
    RecordBatch for those, pandas for pandas). With ``svg=True`` each icon is also given as
    inline SVG.
    """
    if not _is_frame(values):
        raise InvalidValueError(
            f"values: {type(values).__name__} is not valid; expected a frame of series (pandas or "
            "polars DataFrame, polars LazyFrame, pyarrow Table or RecordBatch); for analyses "
            "already run use icon_summary"
        )
    svg = _flag(svg, "svg")
    merged: dict[str, Any] = {}
    given = settings.pop("settings", None)
    if given is not None:
        if not isinstance(given, Mapping):
            raise InvalidValueError(f"settings: {given!r} is not valid; expected a dict of SPC settings")
        merged.update(given)
    merged.update(settings)
    keys = _column_names(by, "by")
    kind, data = to_arrow(values)
    batch = _spc_frame(
        data,
        merged,
        by=keys,
        value="value" if value is None else _column_name(value, "value"),
        period=None if period is None else _column_name(period, "period"),
    )
    improvement = merged.get("improvement", "increase")
    if not isinstance(improvement, str):
        raise InvalidValueError(f"improvement: {improvement!r} is not valid; expected text")
    chart = merged.get("chart")
    if chart is not None and not isinstance(chart, str):
        raise InvalidValueError(f"chart: {chart!r} is not valid; expected text")
    target = merged.get("target")
    tested = None if target is None else to_decimal(target)
    rows = []
    for last in _last_points(batch, keys):
        row = {k: last.get(k) for k in keys}
        row.update(_series_row(last, improvement, target is not None, chart))
        row["target"] = tested if row["error"] is None else None
        rows.append(row)
    columns = list(keys) + list(ICON_FRAME_COLUMNS)
    if svg:
        rows = [_with_svg(r) for r in rows]
        at = columns.index("error")
        columns[at:at] = list(_SVG_COLUMNS)
    if kind in ("pyarrow", "pyarrow-batch"):
        import pyarrow as pa

        data = {c: [r.get(c) for r in rows] for c in columns}
        table = pa.table(data) if kind == "pyarrow" else pa.RecordBatch.from_pydict(data)
        return table
    return _frame(columns, rows, "polars" if kind == "polars" else "pandas")
