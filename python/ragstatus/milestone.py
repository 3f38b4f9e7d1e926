"""Milestones on DataFrames: :func:`milestones_frame`.

A plan's milestones (one row each, columns as in the milestones CSV files: ``id``, ``due`` and
optionally ``description``, ``owner``, ``start``, ``completed``, ``percent_complete``, ``note``)
go in as a pandas or polars DataFrame or a pyarrow Table and come back, evaluated as of a date,
as the same kind of frame with the state, status and explanation of each. The frame is handed to
the compiled core as Arrow and evaluated there, without the GIL, by the same
``evaluate_milestone`` as the per-item API. A row that cannot be read or evaluated is kept with
its error in the ``error`` column.
"""

from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, Union

from ragstatus._ragstatus import (
    InvalidValueError,
    MilestoneSettings,
    _milestones_frame,
    evaluate_milestones,
)
from ragstatus._frames import from_arrow, to_arrow

__all__ = ["milestones_frame", "RESULT_COLUMNS"]

#: The columns of the frame :func:`milestones_frame` returns, in order.
RESULT_COLUMNS: tuple[str, ...] = (
    "row",
    "id",
    "description",
    "owner",
    "due",
    "completed",
    "as_of",
    "state",
    "status",
    "rule",
    "days_from_due",
    "expected_progress",
    "progress_gap",
    "explanation",
    "error",
    "error_kind",
)


def _settings(settings: Union[MilestoneSettings, Mapping[str, Any], None]) -> MilestoneSettings:
    if settings is None:
        return MilestoneSettings()
    if isinstance(settings, MilestoneSettings):
        return settings
    if isinstance(settings, Mapping):
        return MilestoneSettings.from_dict(dict(settings))
    raise InvalidValueError(
        f"{type(settings).__name__} is not valid; expected a MilestoneSettings or a dict of settings"
    )


def milestones_frame(
    df: Any,
    as_of: Union[datetime.date, str],
    settings: Union[MilestoneSettings, Mapping[str, Any], None] = None,
) -> Any:
    """Evaluates a frame of milestones as of a date and returns a frame of results.

    ``df`` is a pandas or polars DataFrame (or LazyFrame), a pyarrow Table or RecordBatch (or a
    list of dicts). Dates may be dates (``datetime.date``, pandas/numpy ``datetime64``, Arrow
    ``date32``/timestamps: the date part) or text (``2016-03-04`` or ``04/03/2016``);
    ``percent_complete`` is read exactly (text as :func:`read_milestones_csv` reads it: ``60`` or
    ``60%``). The result has :data:`RESULT_COLUMNS`, one row per
    input row in order (``row`` is its position); a row that cannot be read or evaluated, or
    that repeats the id of an earlier row, has its error message (naming ``row[i]`` and the
    column) in ``error`` and its kind in ``error_kind``. A bad ``as_of`` or bad settings raise.

    The result is the same kind of frame as the input (pandas for a list of dicts, a pyarrow
    Table for other Arrow objects); ``status`` is an ordered categorical (pandas
    ``Categorical``, polars ``Enum``), ``expected_progress`` and ``progress_gap`` exact
    decimals, the dates ``datetime.date`` (pandas) or Arrow/polars dates. The evaluation runs in
    the compiled core, without the GIL.
    """
    # A bad date or bad settings are errors of the call, not of a row: raise them once here.
    evaluate_milestones([], as_of, settings)
    kind, data = to_arrow(df, ("id", "due"))
    return from_arrow(_milestones_frame(data, as_of, _settings(settings)), kind)
