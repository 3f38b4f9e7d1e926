"""Milestones on DataFrames: :func:`milestones_frame`.

A plan's milestones (one row each, columns as in the milestones CSV files: ``id``, ``due`` and
optionally ``description``, ``owner``, ``start``, ``completed``, ``percent_complete``, ``note``)
go in as a pandas or polars DataFrame and come back, evaluated as of a date, as the same kind of
DataFrame with the state, status and explanation of each. A row that cannot be read or evaluated
is kept with its error in the ``error`` column.
"""

from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, Union

from ragstatus._ragstatus import (
    Milestone,
    MilestoneResult,
    MilestoneSettings,
    RagstatusError,
    evaluate_milestone,
    evaluate_milestones,
)
from ragstatus.budget import _clean, _flavour, _frame, _records, _text

__all__ = ["milestones_frame", "RESULT_COLUMNS"]

#: The columns of the frame :func:`milestones_frame` returns, in order.
RESULT_COLUMNS: tuple[str, ...] = (
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
)


def _milestone(row: Mapping[str, Any]) -> Milestone:
    return Milestone(
        _text(row.get("id")) or "",
        _clean(row.get("due")),
        description=_text(row.get("description")),
        owner=_text(row.get("owner")),
        start=_clean(row.get("start")),
        completed=_clean(row.get("completed")),
        percent_complete=_clean(row.get("percent_complete")),
        note=_text(row.get("note")),
    )


def _row(result: MilestoneResult) -> dict[str, Any]:
    return {
        "id": result.id,
        "description": result.description,
        "owner": result.owner,
        "due": result.due,
        "completed": result.completed,
        "as_of": result.as_of,
        "state": result.state,
        "status": result.status,
        "rule": result.rule,
        "days_from_due": result.days_from_due,
        "expected_progress": result.expected_progress,
        "progress_gap": result.progress_gap,
        "explanation": result.sentence,
        "error": None,
    }


def milestones_frame(
    df: Any,
    as_of: Union[datetime.date, str],
    settings: Union[MilestoneSettings, Mapping[str, Any], None] = None,
) -> Any:
    """Evaluates a DataFrame of milestones as of a date and returns a DataFrame of results.

    ``df`` is a pandas or polars DataFrame (or a list of dicts); dates may be ``datetime.date``,
    ``datetime``/``pandas.Timestamp`` or text (``2016-03-04`` or ``04/03/2016``). The result has
    :data:`RESULT_COLUMNS`, one row per input row in order; a row that cannot be read or
    evaluated (or repeats an earlier id) has its error message in ``error``. The result is a
    polars DataFrame for a polars input, else pandas.
    """
    flavour = _flavour(df)
    # A bad date or bad settings are errors of the call, not of a row: raise them once here.
    evaluate_milestones([], as_of, settings)
    seen: set[str] = set()
    out: list[dict[str, Any]] = []
    for row in _records(df):
        try:
            milestone = _milestone(row)
            if milestone.id in seen:
                message = f"milestone id {milestone.id!r} given twice"
                out.append({"id": milestone.id, "error": message})
                continue
            seen.add(milestone.id)
            out.append(_row(evaluate_milestone(milestone, as_of, settings)))
        except RagstatusError as err:
            out.append({"id": _text(row.get("id")), "error": str(err)})
    return _frame(RESULT_COLUMNS, out, flavour)
