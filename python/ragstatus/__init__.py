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
