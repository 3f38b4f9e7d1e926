"""Exact, explainable Red/Amber/Green rating for public bodies' performance reports.

All arithmetic is decimal. Numbers go in as ``decimal.Decimal``, ``int``, decimal text or
``float``; a float is taken as the decimal of its shortest repr (``94.95`` is
``Decimal("94.95")``). Numbers come out as ``decimal.Decimal`` and dates as ``datetime.date``.
Every error is a :class:`RagstatusError` (a ``ValueError``) that names the indicator, period,
field, file and line where it applies.
"""

from ragstatus._ragstatus import (
    ArithmeticOverflowError,
    DefinitionError,
    DuplicateError,
    FileError,
    FiscalCalendar,
    InvalidValueError,
    LengthMismatchError,
    MissingFieldError,
    ParseError,
    Period,
    PeriodLabelError,
    RagstatusError,
    SchemeError,
    UnknownIndicatorError,
    YearToDate,
    __version__,
    to_decimal,
)

__all__ = [
    "__version__",
    # errors
    "RagstatusError",
    "ArithmeticOverflowError",
    "DefinitionError",
    "DuplicateError",
    "FileError",
    "InvalidValueError",
    "LengthMismatchError",
    "MissingFieldError",
    "ParseError",
    "PeriodLabelError",
    "SchemeError",
    "UnknownIndicatorError",
    # periods
    "FiscalCalendar",
    "Period",
    "YearToDate",
    # values
    "to_decimal",
]

# --- budget, milestones, SPC, benchmarking ---
from ragstatus._ragstatus import (  # noqa: E402
    Benchmark,
    BudgetLine,
    BudgetReport,
    BudgetResult,
    BudgetSettings,
    Milestone,
    MilestoneResult,
    MilestoneSettings,
    SpcPoint,
    SpcResult,
    SpcSegment,
    SpcSignal,
    XmrLimits,
    analyse_spc,
    benchmark,
    evaluate_budget_line,
    evaluate_milestone,
    evaluate_milestones,
    parse_amount,
    parse_date,
    read_budget_csv,
    read_milestones_csv,
    roll_up,
    xmr_limits,
)
from ragstatus.budget import roll_up_frame  # noqa: E402
from ragstatus.milestone import milestones_frame  # noqa: E402
from ragstatus.spc import plot_spc, spc_frame  # noqa: E402

__all__ += [
    # budget
    "BudgetLine",
    "BudgetReport",
    "BudgetResult",
    "BudgetSettings",
    "evaluate_budget_line",
    "parse_amount",
    "read_budget_csv",
    "roll_up",
    "roll_up_frame",
    # milestones
    "Milestone",
    "MilestoneResult",
    "MilestoneSettings",
    "evaluate_milestone",
    "evaluate_milestones",
    "milestones_frame",
    "parse_date",
    "read_milestones_csv",
    # statistical process control
    "SpcPoint",
    "SpcResult",
    "SpcSegment",
    "SpcSignal",
    "XmrLimits",
    "analyse_spc",
    "plot_spc",
    "spc_frame",
    "xmr_limits",
    # benchmarking
    "Benchmark",
    "benchmark",
]
