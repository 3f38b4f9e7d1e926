"""Exact, explainable Red/Amber/Green rating for public bodies' performance reports.

All arithmetic is decimal. Numbers go in as ``decimal.Decimal``, ``int``, decimal text or
``float``; a float is taken as the decimal of its shortest repr (``94.95`` is
``Decimal("94.95")``, never ``94.9500000000000028...``). Numbers come out as ``decimal.Decimal``
and dates as ``datetime.date``. Missing values (``None``, NaN, ``pandas.NA``) are ``NoData``.
Every error is a :class:`RagstatusError` (a ``ValueError``) that names the indicator, period,
field, file and line where it applies.

Statuses are their names as text (``"Red"``, ``"Amber"``, ``"Green"``, ``"Blue"``,
``"NoData"``, ``"NoTarget"``, ``"NotDue"``); :class:`StatusCode` maps the ``uint8`` codes of
:func:`rate_array` to them.

The public API is the names in ``__all__`` (``dir(ragstatus)`` lists them and nothing else):

- errors: ``RagstatusError``, ``ArithmeticOverflowError``, ``DefinitionError``,
  ``DuplicateError``, ``FileError``, ``InvalidValueError``, ``LengthMismatchError``,
  ``MissingFieldError``, ``ParseError``, ``PeriodLabelError``, ``SchemeError``,
  ``UnknownIndicatorError``;
- periods: ``FiscalCalendar``, ``Period``, ``YearToDate``;
- values: ``to_decimal``, ``parse_number``, ``resolve``, ``aggregate``, ``Resolved``, ``Rounding``;
- rating: ``rate``, ``rate_array``, ``simd_level``, ``Rule``, ``Scheme``, ``TargetSpec``,
  ``Rating``, ``Explanation``, ``StatusCode``;
- direction of travel: ``compare_direction``, ``direction_by_regression``, ``Travel``;
- indicators: ``Definitions``, ``Indicator``, ``IndicatorResult``, ``Evaluation``;
- summaries: ``summarize``, ``Summary``, ``GroupSummary``, ``Counts``;
- data frames: ``evaluate_frame``, ``summary_frame``, ``actuals_from_frame``;
- budget: ``BudgetLine``, ``BudgetReport``, ``BudgetResult``, ``BudgetSettings``,
  ``evaluate_budget_line``, ``parse_amount``, ``read_budget_csv``, ``roll_up``,
  ``roll_up_frame``;
- milestones: ``Milestone``, ``MilestoneResult``, ``MilestoneSettings``, ``evaluate_milestone``,
  ``evaluate_milestones``, ``milestones_frame``, ``parse_date``, ``read_milestones_csv``;
- statistical process control: ``RunsAnalysis``, ``SpcPoint``, ``SpcResult``, ``SpcSegment``,
  ``SpcSignal``, ``XmrLimits``, ``analyse_spc``, ``plot_spc``, ``spc_frame``, ``xmr_limits``;
- the icon summary (Making Data Count): ``icon_summary``, ``icon_summary_frame``, ``icon_svg``,
  ``icon_text``;
- benchmarking: ``Benchmark``, ``benchmark``;
- confidence intervals and comparison with a benchmark (Fingertips): ``proportion_interval``,
  ``rate_interval``, ``ratio_interval``, ``dsr_interval``, ``compare_with_benchmark``,
  ``interval_frame``;
- comparator-group quantiles and the recent trend (Fingertips): ``quantile_bands``,
  ``quantile_frame``, ``recent_trend_proportions``, ``recent_trend_intervals``;
- funnel plots: ``analyse_funnel``, ``funnel_limits``, ``funnel_frame``, ``plot_funnel``
  (the per-group results of these statistics are frozen classes of ``ragstatus.groupstats`` and
  ``ragstatus.funnel``, which still read as dicts);
- ``__version__``.

Every class is frozen, has a readable ``repr``, compares equal by value, pickles, and is hashable
except the definitions and the collections of results (``Definitions``, ``Indicator``,
``Evaluation``, ``BudgetReport``).
"""

from enum import IntEnum as _IntEnum

from ragstatus._ragstatus import (
    ArithmeticOverflowError,
    Benchmark,
    BudgetLine,
    BudgetReport,
    BudgetResult,
    BudgetSettings,
    Counts,
    DefinitionError,
    Definitions,
    DuplicateError,
    Evaluation,
    Explanation,
    FileError,
    FiscalCalendar,
    GroupSummary,
    Indicator,
    IndicatorResult,
    InvalidValueError,
    LengthMismatchError,
    Milestone,
    MilestoneResult,
    MilestoneSettings,
    MissingFieldError,
    ParseError,
    Period,
    PeriodLabelError,
    RagstatusError,
    Rating,
    Resolved,
    Rounding,
    Rule,
    RunsAnalysis,
    Scheme,
    SchemeError,
    SpcPoint,
    SpcResult,
    SpcSegment,
    SpcSignal,
    Summary,
    TargetSpec,
    Travel,
    UnknownIndicatorError,
    XmrLimits,
    YearToDate,
    __version__,
    aggregate,
    analyse_spc,
    benchmark,
    compare_direction,
    compare_with_benchmark,
    dsr_interval,
    direction_by_regression,
    evaluate_budget_line,
    evaluate_milestone,
    evaluate_milestones,
    parse_amount,
    parse_date,
    parse_number,
    proportion_interval,
    rate,
    rate_array,
    rate_interval,
    ratio_interval,
    read_budget_csv,
    read_milestones_csv,
    resolve,
    roll_up,
    simd_level,
    summarize,
    to_decimal,
    xmr_limits,
)
from ragstatus._ragstatus import icon_svg, icon_text
from ragstatus.budget import roll_up_frame
from ragstatus.frame import actuals_from_frame, evaluate_frame, summary_frame
from ragstatus.groupstats import (
    quantile_bands,
    quantile_frame,
    recent_trend_intervals,
    recent_trend_proportions,
)
from ragstatus.funnel import analyse_funnel, funnel_frame, funnel_limits, interval_frame, plot_funnel
from ragstatus.milestone import milestones_frame
from ragstatus.icons import icon_summary, icon_summary_frame
from ragstatus.spc import plot_spc, spc_frame


class StatusCode(_IntEnum):
    """The ``uint8`` status codes of :func:`rate_array` (the same as the Rust ``Status::code``)."""

    Red = 0
    Amber = 1
    Green = 2
    Blue = 3
    NoData = 4
    NoTarget = 5
    NotDue = 6


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
    "parse_number",
    "resolve",
    "aggregate",
    "Resolved",
    "Rounding",
    # rating
    "rate",
    "rate_array",
    "simd_level",
    "Rule",
    "Scheme",
    "TargetSpec",
    "Rating",
    "Explanation",
    "StatusCode",
    # direction of travel
    "compare_direction",
    "direction_by_regression",
    "Travel",
    # indicators
    "Definitions",
    "Indicator",
    "IndicatorResult",
    "Evaluation",
    # summaries
    "summarize",
    "Summary",
    "GroupSummary",
    "Counts",
    # data frames
    "evaluate_frame",
    "summary_frame",
    "actuals_from_frame",
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
    "RunsAnalysis",
    "SpcPoint",
    "SpcResult",
    "SpcSegment",
    "SpcSignal",
    "XmrLimits",
    "analyse_spc",
    "plot_spc",
    "spc_frame",
    "xmr_limits",
    # the icon summary
    "icon_summary",
    "icon_summary_frame",
    "icon_svg",
    "icon_text",
    # benchmarking
    "Benchmark",
    "benchmark",
    # confidence intervals and comparison with a benchmark
    "proportion_interval",
    "rate_interval",
    "ratio_interval",
    "dsr_interval",
    "compare_with_benchmark",
    # comparator-group quantiles and the recent trend
    "quantile_bands",
    "quantile_frame",
    "recent_trend_proportions",
    "recent_trend_intervals",
    "interval_frame",
    # funnel plots
    "analyse_funnel",
    "funnel_limits",
    "funnel_frame",
    "plot_funnel",
]


def __dir__() -> list[str]:
    # The deliberate API only: not the helper submodules (``frame``, ``budget``, ...) nor the
    # names this module imports for its own use.
    return sorted(__all__)
