"""Type stubs for the compiled module ``ragstatus._ragstatus``."""

import datetime
from decimal import Decimal
import os
from collections.abc import Iterable, Mapping, Sequence
from typing import Any, Literal, Optional, TypedDict, Union, final

import numpy as np
import numpy.typing as npt
from typing_extensions import Self, TypeAlias

from ragstatus.groupstats import RecentTrend

__version__: str
__all__ = [
    "__version__",
    "ArithmeticOverflowError",
    "Counts",
    "DefinitionError",
    "Definitions",
    "DuplicateError",
    "Evaluation",
    "Explanation",
    "FileError",
    "FiscalCalendar",
    "GroupSummary",
    "Indicator",
    "IndicatorResult",
    "InvalidValueError",
    "LengthMismatchError",
    "MissingFieldError",
    "ParseError",
    "Period",
    "PeriodLabelError",
    "RagstatusError",
    "Rating",
    "Resolved",
    "Rounding",
    "Rule",
    "Scheme",
    "SchemeError",
    "Summary",
    "TargetSpec",
    "Travel",
    "UnknownIndicatorError",
    "YearToDate",
    "aggregate",
    "compare_direction",
    "direction_by_regression",
    "rate",
    "rate_array",
    "resolve",
    "simd_level",
    "summarize",
    "to_decimal",
]

_Number: TypeAlias = Union[Decimal, int, float, str]
_MaybeNumber: TypeAlias = Optional[_Number]
_Target: TypeAlias = Union[_Number, tuple[_Number, _Number], Mapping[str, _Number], None]
_TargetOut: TypeAlias = Union[Decimal, tuple[Decimal, Decimal]]
_Data: TypeAlias = Any
_Status: TypeAlias = Literal["Red", "Amber", "Green", "Blue", "NoData", "NoTarget", "NotDue"]
_Polarity: TypeAlias = Literal["higher", "lower", "within"]
_Observation: TypeAlias = Union[_MaybeNumber, tuple[_MaybeNumber, _MaybeNumber], Mapping[str, _MaybeNumber]]
_PeriodLike: TypeAlias = Union[Period, str]

class RagstatusError(ValueError):
    """Base class of every error raised by ragstatus."""
    kind: Optional[str]
    details: Optional[dict[str, Any]]
    indicator: Optional[str]
    period: Optional[str]
    field: Optional[str]
    file: Optional[str]
    line: Optional[int]
    column: Optional[str]

class PeriodLabelError(RagstatusError):
    """A period label that matches none of the accepted forms."""
class InvalidValueError(RagstatusError):
    """A value (number, date, amount, name) that could not be read."""
class DefinitionError(RagstatusError):
    """An inconsistent definition: indicator, target, tolerance, threshold or setting."""
class SchemeError(DefinitionError):
    """A custom status scheme whose bands do not cover every value exactly once, in order."""
class MissingFieldError(RagstatusError):
    """A field that must be present is missing."""
class UnknownIndicatorError(RagstatusError):
    """A reference to an indicator that has no definition."""
class DuplicateError(RagstatusError):
    """The same key given twice where it must be unique."""
class LengthMismatchError(RagstatusError):
    """Columns of one batch with different lengths."""
class ArithmeticOverflowError(RagstatusError):
    """Decimal arithmetic beyond the range of the 96-bit decimal (about 7.9e28)."""
class ParseError(RagstatusError):
    """Text or a file in JSON, TOML or CSV that does not parse or does not have the expected shape."""
class FileError(RagstatusError):
    """A file that could not be read or written."""

def to_decimal(value: _Number) -> Decimal:
    """Converts a number as ragstatus reads it: `decimal.Decimal`, `int`, decimal text, or a float
    taken as the decimal of its shortest repr (`94.95` gives `Decimal("94.95")`).
    """

@final
class FiscalCalendar:
    """A fiscal calendar: the year starts on the 1st of `start_month` (default 4, April)."""
    def __new__(cls, start_month: int = 4) -> Self: ...
    @property
    def start_month(self) -> int:
        """The month (1-12) in which the fiscal year starts."""
    @property
    def start_month_name(self) -> str:
        """The start month's English name."""
    @property
    def is_calendar_year(self) -> bool:
        """True for a calendar year (January start)."""
    def parse(self, label: str) -> Period:
        """Parses a period label in any accepted form."""
    def period(self, start_year: int, kind: str, index: int) -> Period:
        """The period of `kind` number `index` in the fiscal year starting in `start_year`."""
    def year(self, start_year: int) -> Period:
        """The fiscal year that starts in `start_year`."""
    def half(self, start_year: int, half: int) -> Period:
        """Half `half` (1-2) of the fiscal year that starts in `start_year`."""
    def quarter(self, start_year: int, quarter: int) -> Period:
        """Quarter `quarter` (1-4) of the fiscal year that starts in `start_year`."""
    def month(self, start_year: int, month: int) -> Period:
        """Month `month` (1-12, 1 = the start month) of the fiscal year that starts in `start_year`."""
    def period_of(self, date: datetime.date, kind: str) -> Period:
        """The period of `kind` that contains `date`."""
    def month_of(self, date: datetime.date) -> Period:
        """The month that contains `date`."""
    def quarter_of(self, date: datetime.date) -> Period:
        """The quarter that contains `date`."""
    def half_of(self, date: datetime.date) -> Period:
        """The half year that contains `date`."""
    def year_of(self, date: datetime.date) -> Period:
        """The fiscal year that contains `date`."""
    def __eq__(self, other: object, /) -> bool: ...
    def __ne__(self, other: object, /) -> bool: ...
    def __lt__(self, other: FiscalCalendar, /) -> bool: ...
    def __le__(self, other: FiscalCalendar, /) -> bool: ...
    def __gt__(self, other: FiscalCalendar, /) -> bool: ...
    def __ge__(self, other: FiscalCalendar, /) -> bool: ...
    def __hash__(self) -> int: ...
    def __reduce__(self) -> tuple[Any, ...]: ...

@final
class Period:
    """One month, quarter, half year or whole year of a fiscal calendar."""
    def __new__(cls, label: str, start_month: int = 4) -> Self: ...
    @staticmethod
    def parse(label: str, calendar: Optional[FiscalCalendar] = None) -> Period:
        """staticmethod(function) -> method

        Convert a function to be a static method.

        A static method does not receive an implicit first argument.
        To declare a static method, use this idiom:

             class C:
                 @staticmethod
                 def f(arg1, arg2, argN):
                     ...

        It can be called either on the class (e.g. C.f()) or on an instance
        (e.g. C().f()). Both the class and the instance are ignored, and
        neither is passed implicitly as the first argument to the method.

        Static methods in Python are similar to those found in Java or C++.
        For a more advanced concept, see the classmethod builtin.
        """
    @property
    def label(self) -> str:
        """The canonical label, such as `2015/16 Q3`."""
    @property
    def calendar(self) -> FiscalCalendar:
        """The calendar this period belongs to."""
    @property
    def start_month(self) -> int:
        """The start month of its calendar."""
    @property
    def start_year(self) -> int:
        """The calendar year in which its fiscal year starts."""
    @property
    def end_year(self) -> int:
        """The calendar year in which its fiscal year ends."""
    @property
    def kind(self) -> str:
        """`"month"`, `"quarter"`, `"half"` or `"year"`."""
    @property
    def index(self) -> int:
        """The 1-based number within the fiscal year (3 for Q3)."""
    @property
    def position(self) -> tuple[int, int]:
        """`(k, n)`: period k of n of its kind in the year."""
    @property
    def months_to_date(self) -> int:
        """Months from the start of the fiscal year to the end of this period."""
    @property
    def is_year_end(self) -> bool:
        """True for the last period of its kind in the year."""
    @property
    def first_date(self) -> datetime.date:
        """The first day."""
    @property
    def last_date(self) -> datetime.date:
        """The last day."""
    @property
    def days(self) -> int:
        """The number of days."""
    @property
    def fiscal_year(self) -> Period:
        """The whole fiscal year this period sits in."""
    def contains(self, date: datetime.date) -> bool:
        """True when `date` lies within the period."""
    def contains_period(self, other: _PeriodLike) -> bool:
        """True when `other` lies wholly within this period (same calendar)."""
    def enclosing(self, kind: str) -> Optional[Period]:
        """The period of `kind` that contains this one, or None when `kind` is shorter."""
    def offset(self, steps: int) -> Period:
        """The period `steps` periods of the same kind later (earlier when negative)."""
    def previous(self) -> Period:
        """The period just before this one."""
    def next(self) -> Period:
        """The period just after this one."""
    def year_ago(self) -> Period:
        """The same period a year before."""
    def steps_to(self, later: _PeriodLike) -> Optional[int]:
        """How many periods `later` is after this one, or None across calendars or kinds."""
    def year_to_date(self) -> YearToDate:
        """The span from the start of the fiscal year to the end of this period."""
    def periods(self, kind: str) -> list[Period]:
        """The periods of `kind` within this one, in order."""
    def months(self) -> list[Period]:
        """The months within this period, in order."""
    def __eq__(self, other: object, /) -> bool: ...
    def __ne__(self, other: object, /) -> bool: ...
    def __lt__(self, other: Period, /) -> bool: ...
    def __le__(self, other: Period, /) -> bool: ...
    def __gt__(self, other: Period, /) -> bool: ...
    def __ge__(self, other: Period, /) -> bool: ...
    def __hash__(self) -> int: ...
    def __reduce__(self) -> tuple[Any, ...]: ...

@final
class YearToDate:
    """The span from the start of a fiscal year to the end of a period in it."""
    def __new__(cls, end: _PeriodLike) -> Self: ...
    @property
    def end(self) -> Period:
        """The period the span ends with."""
    @property
    def fiscal_year(self) -> Period:
        """The fiscal year."""
    @property
    def first_date(self) -> datetime.date:
        """The first day (the start of the fiscal year)."""
    @property
    def last_date(self) -> datetime.date:
        """The last day."""
    @property
    def month_count(self) -> int:
        """The number of months covered."""
    @property
    def is_whole_year(self) -> bool:
        """True when the span is the whole year."""
    def contains(self, date: datetime.date) -> bool:
        """True when `date` lies within the span."""
    def contains_period(self, period: _PeriodLike) -> bool:
        """True when `period` lies wholly within the span."""
    def periods(self, kind: str) -> list[Period]:
        """The whole periods of `kind` within the span, in order."""
    def months(self) -> list[Period]:
        """The months within the span."""
    def quarters(self) -> list[Period]:
        """The whole quarters within the span."""
    def __eq__(self, other: object, /) -> bool: ...
    def __ne__(self, other: object, /) -> bool: ...
    def __hash__(self) -> int: ...
    def __reduce__(self) -> tuple[Any, ...]: ...

# --- values -------------------------------------------------------------------------------------

@final
class Resolved:
    """A value, or the reason there is none."""
    @property
    def value(self) -> Optional[Decimal]:
        """The value, or None."""
    @property
    def no_value(self) -> Optional[Literal["missing", "zero_denominator", "incomplete"]]:
        """Why there is no value (`"missing"`, `"zero_denominator"`, `"incomplete"`), or None."""
    @property
    def reason(self) -> Optional[str]:
        """The reason in words, or None when there is a value."""
    def to_json(self) -> str:
        """The JSON text."""
    @staticmethod
    def from_json(text: str) -> Resolved:
        """staticmethod(function) -> method

        Convert a function to be a static method.

        A static method does not receive an implicit first argument.
        To declare a static method, use this idiom:

             class C:
                 @staticmethod
                 def f(arg1, arg2, argN):
                     ...

        It can be called either on the class (e.g. C.f()) or on an instance
        (e.g. C().f()). Both the class and the instance are ignored, and
        neither is passed implicitly as the first argument to the method.

        Static methods in Python are similar to those found in Java or C++.
        For a more advanced concept, see the classmethod builtin.
        """
    def __bool__(self) -> bool: ...
    def __eq__(self, other: object, /) -> bool: ...
    def __ne__(self, other: object, /) -> bool: ...
    def __hash__(self) -> int: ...
    def __reduce__(self) -> tuple[Any, ...]: ...

def resolve(observation: _Observation, multiplier: Optional[_Number] = None) -> Resolved:
    """The value of one observation (numerator / denominator × multiplier for a fraction)."""
def aggregate(
    aggregation: Literal["sum", "ratio", "mean", "last", "max", "min"],
    observations: Iterable[_Observation],
    multiplier: Optional[_Number] = None,
) -> Resolved:
    """Combines the observations of consecutive periods (oldest first) by `aggregation`: `"sum"`,
    `"ratio"`, `"mean"`, `"last"`, `"max"` or `"min"`. A missing observation among them gives
    no value (reason `"incomplete"`).
    """

@final
class Rounding:
    """A rounding rule applied to the actual before comparison: `decimals` places, `mode`
    `"half_away_from_zero"` (as spreadsheets) or `"half_even"`.
    """
    def __new__(
        cls, decimals: int, mode: Literal["half_away_from_zero", "half_even"] = "half_away_from_zero"
    ) -> Self: ...
    @property
    def decimals(self) -> int:
        """The number of decimal places."""
    @property
    def mode(self) -> str:
        """`"half_away_from_zero"` or `"half_even"`."""
    def apply(self, value: _Number) -> Decimal:
        """Rounds a value."""
    def __eq__(self, other: object, /) -> bool: ...
    def __ne__(self, other: object, /) -> bool: ...
    def __hash__(self) -> int: ...
    def __reduce__(self) -> tuple[Any, ...]: ...

# --- direction of travel ------------------------------------------------------------------------

@final
class Travel:
    """The outcome of a direction-of-travel comparison, with its workings."""
    @property
    def direction(self) -> Literal["Improving", "Worsening", "NoChange", "NotComparable"]:
        """`"Improving"`, `"Worsening"`, `"NoChange"` or `"NotComparable"`."""
    @property
    def actual(self) -> Optional[Decimal]:
        """The actual (for a regression, the last value of the window)."""
    @property
    def comparison(self) -> Optional[Decimal]:
        """The comparison value (for a regression, the first value of the window)."""
    @property
    def change(self) -> Optional[Decimal]:
        """The improvement (negated for lower; fall in shortfall for within); None when not
        comparable.
        """
    @property
    def band(self) -> Optional[Decimal]:
        """The stable band as an amount; None when not comparable."""
    @property
    def reason(self) -> Optional[str]:
        """Why two present values could not be compared (a change beyond the decimal range);
        None otherwise.
        """
    def sentence(self, label: str, suffix: str = "") -> str:
        """One plain-English sentence, e.g. "up 2.1 from 42.0 in 2015/16 Q2: improving"."""
    def to_dict(self) -> dict[str, Any]:
        """The JSON form as plain Python data (decimals as text)."""
    def to_json(self) -> str:
        """The JSON text."""
    @staticmethod
    def from_json(text: str) -> Travel:
        """staticmethod(function) -> method

        Convert a function to be a static method.

        A static method does not receive an implicit first argument.
        To declare a static method, use this idiom:

             class C:
                 @staticmethod
                 def f(arg1, arg2, argN):
                     ...

        It can be called either on the class (e.g. C.f()) or on an instance
        (e.g. C().f()). Both the class and the instance are ignored, and
        neither is passed implicitly as the first argument to the method.

        Static methods in Python are similar to those found in Java or C++.
        For a more advanced concept, see the classmethod builtin.
        """
    def __eq__(self, other: object, /) -> bool: ...
    def __ne__(self, other: object, /) -> bool: ...
    def __hash__(self) -> int: ...
    def __reduce__(self) -> tuple[Any, ...]: ...

def compare_direction(
    polarity: _Polarity,
    actual: _MaybeNumber,
    comparison: _MaybeNumber,
    *,
    range: Optional[Sequence[_Number]] = None,
    stable: Optional[Mapping[str, _Number]] = None,
) -> Travel:
    """The direction of travel from `comparison` to `actual`. Either value missing (None, NaN)
    gives `NotComparable`. `range` is the `[low, high]` target of a within indicator; `stable`
    is `{"absolute": x}` or `{"relative": percent}` (default absolute 0).
    """
def direction_by_regression(
    polarity: _Polarity,
    values: Iterable[_MaybeNumber],
    *,
    range: Optional[Sequence[_Number]] = None,
    stable: Optional[Mapping[str, _Number]] = None,
) -> Travel:
    """The direction of travel by the least-squares slope over `values` (oldest first, at least
    3); any missing value gives `NotComparable`.
    """

# --- summaries ----------------------------------------------------------------------------------

@final
class Counts:
    """Counts of statuses and directions in one group."""
    @staticmethod
    def from_json(text: str) -> Counts:
        """staticmethod(function) -> method

        Convert a function to be a static method.

        A static method does not receive an implicit first argument.
        To declare a static method, use this idiom:

             class C:
                 @staticmethod
                 def f(arg1, arg2, argN):
                     ...

        It can be called either on the class (e.g. C.f()) or on an instance
        (e.g. C().f()). Both the class and the instance are ignored, and
        neither is passed implicitly as the first argument to the method.

        Static methods in Python are similar to those found in Java or C++.
        For a more advanced concept, see the classmethod builtin.
        """
    def to_json(self) -> str:
        """The JSON text."""
    def __reduce__(self) -> tuple[Any, ...]: ...
    @property
    def total(self) -> int:
        """Every item."""
    @property
    def rated(self) -> int:
        """Items rated Red, Amber, Green or Blue."""
    @property
    def red(self) -> int:
        """Items rated Red."""
    @property
    def amber(self) -> int:
        """Items rated Amber."""
    @property
    def green(self) -> int:
        """Items rated Green."""
    @property
    def blue(self) -> int:
        """Items rated Blue."""
    @property
    def no_data(self) -> int:
        """Items with no data."""
    @property
    def no_target(self) -> int:
        """Items with no target."""
    @property
    def not_due(self) -> int:
        """Items not due this period."""
    @property
    def improving(self) -> int:
        """Items whose direction of travel is improving."""
    @property
    def worsening(self) -> int:
        """Items whose direction of travel is worsening."""
    @property
    def no_change(self) -> int:
        """Items with no change."""
    @property
    def not_comparable(self) -> int:
        """Items whose direction could not be compared."""
    @property
    def no_direction(self) -> int:
        """Items given without a direction."""
    @property
    def percent_on_target(self) -> Optional[Decimal]:
        """Green and Blue as a percent of rated items, exact; None when nothing is rated."""
    def percent_on_target_rounded(self, decimals: int) -> Optional[Decimal]:
        """The percent on target rounded half away from zero to `decimals` places, for display."""
    def of(self, status: _Status) -> int:
        """The count of one status (`"Red"`, ..., `"NotDue"`)."""
    def to_dict(self) -> dict[str, Any]:
        """The JSON form as plain Python data (decimals as text)."""
    def __eq__(self, other: object, /) -> bool: ...
    def __ne__(self, other: object, /) -> bool: ...
    def __hash__(self) -> int: ...

@final
class GroupSummary:
    """The counts and roll-up status of one group (or of everything, with an empty path)."""
    @staticmethod
    def from_json(text: str) -> GroupSummary:
        """staticmethod(function) -> method

        Convert a function to be a static method.

        A static method does not receive an implicit first argument.
        To declare a static method, use this idiom:

             class C:
                 @staticmethod
                 def f(arg1, arg2, argN):
                     ...

        It can be called either on the class (e.g. C.f()) or on an instance
        (e.g. C().f()). Both the class and the instance are ignored, and
        neither is passed implicitly as the first argument to the method.

        Static methods in Python are similar to those found in Java or C++.
        For a more advanced concept, see the classmethod builtin.
        """
    def to_json(self) -> str:
        """The JSON text."""
    def __reduce__(self) -> tuple[Any, ...]: ...
    @property
    def path(self) -> list[str]:
        """The group path, outermost first (empty for the overall summary)."""
    @property
    def counts(self) -> Counts:
        """The counts."""
    @property
    def roll_up(self) -> Optional[_Status]:
        """The roll-up status by the rule asked for, or None (no rule, or nothing rated)."""
    def __eq__(self, other: object, /) -> bool: ...
    def __ne__(self, other: object, /) -> bool: ...
    def __hash__(self) -> int: ...

@final
class Summary:
    """A summary: overall and per group."""
    @property
    def overall(self) -> GroupSummary:
        """Everything."""
    @property
    def groups(self) -> list[GroupSummary]:
        """Every group at every level of the group paths, in path order."""
    def group(self, path: Sequence[str]) -> Optional[GroupSummary]:
        """The group with this path, or None."""
    def to_dict(self) -> dict[str, Any]:
        """The JSON form as plain Python data (decimals as text)."""
    def to_json(self) -> str:
        """The JSON text."""
    @staticmethod
    def from_json(text: str) -> Summary:
        """staticmethod(function) -> method

        Convert a function to be a static method.

        A static method does not receive an implicit first argument.
        To declare a static method, use this idiom:

             class C:
                 @staticmethod
                 def f(arg1, arg2, argN):
                     ...

        It can be called either on the class (e.g. C.f()) or on an instance
        (e.g. C().f()). Both the class and the instance are ignored, and
        neither is passed implicitly as the first argument to the method.

        Static methods in Python are similar to those found in Java or C++.
        For a more advanced concept, see the classmethod builtin.
        """
    def __eq__(self, other: object, /) -> bool: ...
    def __ne__(self, other: object, /) -> bool: ...
    def __hash__(self) -> int: ...
    def __reduce__(self) -> tuple[Any, ...]: ...

def summarize(items: Iterable[Any], rule: _Data = None) -> Summary:
    """Counts statuses and directions per group and overall, with roll-ups by `rule`."""

# --- rating -------------------------------------------------------------------------------------

@final
class Scheme:
    """A custom status scheme: ordered bands over a measure (validated when built)."""
    def __new__(cls, definition: Mapping[str, Any]) -> Self: ...
    @property
    def measure(self) -> str:
        """The measure the bands are over."""
    @property
    def polarity(self) -> Optional[_Polarity]:
        """The polarity the scheme states, if any."""
    def to_dict(self) -> dict[str, Any]:
        """The JSON form as plain Python data (decimals as text)."""
    def __eq__(self, other: object, /) -> bool: ...
    def __ne__(self, other: object, /) -> bool: ...
    def __hash__(self) -> int: ...
    def __reduce__(self) -> tuple[Any, ...]: ...

@final
class Rule:
    """How an indicator is rated: polarity, tolerance, optional custom scheme, Blue on or off."""
    def __new__(
        cls,
        polarity: _Polarity,
        tolerance: _Data = None,
        *,
        scheme: Union[Scheme, Mapping[str, Any], None] = None,
        blue: bool = True,
    ) -> Self: ...
    @property
    def polarity(self) -> _Polarity:
        """`"higher"`, `"lower"` or `"within"`."""
    @property
    def tolerance(self) -> _Data:
        """The tolerance as plain data."""
    @property
    def scheme(self) -> Optional[Scheme]:
        """The custom scheme, if any."""
    @property
    def blue(self) -> bool:
        """Whether a met stretch target earns Blue."""
    def to_dict(self) -> dict[str, Any]:
        """The JSON form as plain Python data (decimals as text)."""
    def to_json(self) -> str:
        """The JSON text."""
    @staticmethod
    def from_json(text: str) -> Rule:
        """staticmethod(function) -> method

        Convert a function to be a static method.

        A static method does not receive an implicit first argument.
        To declare a static method, use this idiom:

             class C:
                 @staticmethod
                 def f(arg1, arg2, argN):
                     ...

        It can be called either on the class (e.g. C.f()) or on an instance
        (e.g. C().f()). Both the class and the instance are ignored, and
        neither is passed implicitly as the first argument to the method.

        Static methods in Python are similar to those found in Java or C++.
        For a more advanced concept, see the classmethod builtin.
        """
    def __eq__(self, other: object, /) -> bool: ...
    def __ne__(self, other: object, /) -> bool: ...
    def __hash__(self) -> int: ...
    def __reduce__(self) -> tuple[Any, ...]: ...

@final
class Explanation:
    """The inputs of an evaluation and its plain-English sentence."""
    @property
    def actual(self) -> Optional[Decimal]:
        """The actual compared (after any rounding rule), or None."""
    @property
    def target(self) -> Optional[_TargetOut]:
        """The target: a Decimal, a `(low, high)` tuple, or None."""
    @property
    def stretch(self) -> Optional[Decimal]:
        """The stretch target, or None."""
    @property
    def polarity(self) -> _Polarity:
        """`"higher"`, `"lower"` or `"within"`."""
    @property
    def tolerance(self) -> _Data:
        """The tolerance as plain data."""
    @property
    def reason(self) -> Optional[str]:
        """Why there is no value (NoData), or None."""
    @property
    def sentence(self) -> Optional[str]:
        """The sentence, when built."""
    def to_dict(self) -> dict[str, Any]:
        """The JSON form as plain Python data (decimals as text)."""
    def to_json(self) -> str:
        """The JSON text."""
    @staticmethod
    def from_json(text: str) -> Explanation:
        """staticmethod(function) -> method

        Convert a function to be a static method.

        A static method does not receive an implicit first argument.
        To declare a static method, use this idiom:

             class C:
                 @staticmethod
                 def f(arg1, arg2, argN):
                     ...

        It can be called either on the class (e.g. C.f()) or on an instance
        (e.g. C().f()). Both the class and the instance are ignored, and
        neither is passed implicitly as the first argument to the method.

        Static methods in Python are similar to those found in Java or C++.
        For a more advanced concept, see the classmethod builtin.
        """
    def __eq__(self, other: object, /) -> bool: ...
    def __ne__(self, other: object, /) -> bool: ...
    def __hash__(self) -> int: ...
    def __reduce__(self) -> tuple[Any, ...]: ...

@final
class Rating:
    """The status of one evaluation, with the shortfall, the tolerance amount, the rule that fired,
    any override, and the explanation.
    """
    @property
    def status(self) -> _Status:
        """The status name (`"Red"`, `"Amber"`, `"Green"`, ...)."""
    @property
    def code(self) -> int:
        """The status code (0 Red, 1 Amber, 2 Green, 3 Blue, 4 NoData, 5 NoTarget, 6 NotDue)."""
    @property
    def computed(self) -> _Status:
        """The status the rule computed, before any override."""
    @property
    def shortfall(self) -> Optional[Decimal]:
        """How far the actual is on the wrong side of the target (≤ 0: met), or None."""
    @property
    def tolerance_amount(self) -> Optional[Decimal]:
        """The width of the Amber band in the indicator's units, or None."""
    @property
    def fired(self) -> str:
        """The rule that fired: `"met"`, `"within_tolerance"`, `"beyond_tolerance"`, `"stretch"`,
        `"no_actual"`, `"no_target"`, `"not_due"` or `"band"` (a custom scheme's band).
        """
    @property
    def band(self) -> Optional[int]:
        """For a custom scheme: the zero-based index of the band that fired, else None."""
    @property
    def measure_value(self) -> Optional[Decimal]:
        """For a custom scheme: the value of its measure, else None."""
    @property
    def is_rated(self) -> bool:
        """True for Red, Amber, Green and Blue."""
    @property
    def overridden(self) -> Optional[dict[str, str]]:
        """The override as a dict `{"status", "reason", "by"}`, or None."""
    @property
    def explanation(self) -> Explanation:
        """The inputs and the sentence."""
    @property
    def sentence(self) -> Optional[str]:
        """The plain-English sentence, when built (see `explained`)."""
    def explained(self, unit: _Data = None, decimals: Optional[int] = None) -> Rating:
        """The same rating with its sentence built for `unit` and display `decimals`."""
    def with_override(self, status: _Status, reason: str, by: str) -> Rating:
        """The same rating overridden by a person: `status` becomes the override's, `computed`
        keeps what the rule said.
        """
    def to_dict(self) -> dict[str, Any]:
        """The JSON form as plain Python data (decimals as text)."""
    def to_json(self) -> str:
        """The JSON text."""
    @staticmethod
    def from_json(text: str) -> Rating:
        """staticmethod(function) -> method

        Convert a function to be a static method.

        A static method does not receive an implicit first argument.
        To declare a static method, use this idiom:

             class C:
                 @staticmethod
                 def f(arg1, arg2, argN):
                     ...

        It can be called either on the class (e.g. C.f()) or on an instance
        (e.g. C().f()). Both the class and the instance are ignored, and
        neither is passed implicitly as the first argument to the method.

        Static methods in Python are similar to those found in Java or C++.
        For a more advanced concept, see the classmethod builtin.
        """
    def __eq__(self, other: object, /) -> bool: ...
    def __ne__(self, other: object, /) -> bool: ...
    def __hash__(self) -> int: ...
    def __reduce__(self) -> tuple[Any, ...]: ...

def rate(
    actual: _MaybeNumber,
    target: _Target = None,
    *,
    polarity: Optional[_Polarity] = None,
    tolerance: _Data = None,
    stretch: _MaybeNumber = None,
    scheme: Union[Scheme, Mapping[str, Any], None] = None,
    blue: bool = True,
    rule: Optional[Rule] = None,
    unit: _Data = None,
    decimals: Optional[int] = None,
    not_due: bool = False,
    no_value_reason: Optional[str] = None,
) -> Rating:
    """Rates `actual` against `target` (and the optional `stretch` target).

    Give the rule either as `rule=Rule(...)` or by its parts (`polarity`, `tolerance`, `scheme`,
    `blue`). `actual` None / NaN gives NoData; `not_due=True` gives NotDue; `no_value_reason`
    gives NoData with that reason. With `unit` (and display `decimals`) the sentence is built.
    """
# `decimals` is a speed hint for float input, never a rounding: floats are read exactly either way.
def rate_array(
    actual: Any,
    target: Any = None,
    *,
    polarity: Optional[_Polarity] = None,
    tolerance: _Data = None,
    stretch: Any = None,
    scheme: Union[Scheme, Mapping[str, Any], None] = None,
    blue: bool = True,
    rule: Optional[Rule] = None,
    decimals: Optional[int] = None,
) -> npt.NDArray[np.uint8]:
    """Rates every row of `actual` against `target` (one value, or an array of the same length),
    returning numpy `uint8` status codes (`StatusCode`: 0 Red, 1 Amber, 2 Green, 3 Blue,
    4 NoData, 5 NoTarget, 6 NotDue).

    `actual` is a numpy array (float, integer or object dtype), an Arrow array or chunked array
    (pyarrow, polars Series: anything with `__arrow_c_array__` / `__arrow_c_stream__`; float,
    integer, decimal128 or text), or a sequence of numbers. Missing values (NaN, None, nulls) are
    NoData. The rule is `rule=Rule(...)` or its parts (`polarity`, `tolerance`, `scheme`, `blue`);
    `stretch` is one value or an array.

    Exact: integers, decimals and text are read exactly; a float is the decimal of its shortest
    repr at its own width, as `rate` reads it (a float32 `94.95` is `94.95`). `decimals=d` is a
    speed hint, not a rounding: floats with at most `d` places are read much faster, and any
    other float (`0.1 + 0.2` at `decimals=2`) is read exactly as without it. A value `rate`
    refuses (a float beyond a Decimal's range, complex, bytes, datetimes) raises
    `InvalidValueError` naming the row. Large arrays are rated with the GIL released, on all
    cores.
    """
def simd_level() -> Literal["baseline", "avx2", "avx512"]:
    """The instruction-set level `rate_array`'s bulk pass runs at: `"baseline"`, `"avx2"` or
    `"avx512"` (the best the CPU has, capped by the environment variable `RAGSTATUS_SIMD`).
    """

@final
class TargetSpec:
    """A year's target as written in a definition: a value, a range, or an annual target with a
    profile; optional stretch.
    """
    def __new__(cls, definition: Mapping[str, Any]) -> Self: ...
    def target_for(self, k: int, n: int) -> Optional[_TargetOut]:
        """The target for period `k` of `n` in the year (None: no target)."""
    def stretch_for(self, k: int, n: int) -> Optional[Decimal]:
        """The stretch target for period `k` of `n`, or None."""
    @property
    def year(self) -> Optional[str]:
        """The fiscal year label, as written, if given."""
    def to_dict(self) -> dict[str, Any]:
        """The JSON form as plain Python data (decimals as text)."""
    def __eq__(self, other: object, /) -> bool: ...
    def __ne__(self, other: object, /) -> bool: ...
    def __hash__(self) -> int: ...
    def __reduce__(self) -> tuple[Any, ...]: ...

# --- indicators ---------------------------------------------------------------------------------

_Series: TypeAlias = Mapping[Any, _Observation]  # keys: Period or label

@final
class Indicator:
    """An indicator definition."""
    def __new__(cls, definition: Mapping[str, Any], calendar: Optional[FiscalCalendar] = None) -> Self: ...
    @property
    def id(self) -> str:
        """The unique id."""
    @property
    def name(self) -> str:
        """The display name."""
    @property
    def group(self) -> list[str]:
        """The group path: theme, then directorate."""
    @property
    def unit(self) -> _Data:
        """The unit as plain data (`"percent"`, `{"currency": "GBP"}`, ...)."""
    @property
    def polarity(self) -> _Polarity:
        """`"higher"`, `"lower"` or `"within"`."""
    @property
    def frequency(self) -> str:
        """`"monthly"`, `"quarterly"`, `"half_yearly"` or `"annual"`."""
    @property
    def decimals(self) -> Optional[int]:
        """Display decimals."""
    @property
    def aggregation(self) -> str:
        """The aggregation over periods."""
    @property
    def multiplier(self) -> Decimal:
        """The multiplier for numerator / denominator values."""
    @property
    def tolerance(self) -> _Data:
        """The tolerance as plain data."""
    @property
    def targets(self) -> list[TargetSpec]:
        """The targets, one per fiscal year."""
    @property
    def rule(self) -> Rule:
        """The rating rule."""
    def target_for(self, period: _PeriodLike) -> tuple[Optional[_TargetOut], Optional[Decimal]]:
        """The target (Decimal, `(low, high)` or None) and stretch in force for `period`."""
    def evaluate(self, period: _PeriodLike, series: _Series) -> IndicatorResult:
        """Evaluates the indicator for `period` from a series `{period: observation}`."""
    def spc(self, period: _PeriodLike, series: _Series) -> Optional[SpcResult]:
        """The SPC (XmR) analysis of the indicator's series up to `period`, when the definition
        enables it (`spc = { ... }`); None otherwise.
        """
    def to_dict(self) -> dict[str, Any]:
        """The definition as plain data."""
    def __eq__(self, other: object, /) -> bool: ...
    def __ne__(self, other: object, /) -> bool: ...
    def __reduce__(self) -> tuple[Any, ...]: ...

@final
class IndicatorResult:
    """The evaluation of one indicator for one period."""
    @property
    def id(self) -> str:
        """The indicator's id."""
    @property
    def name(self) -> str:
        """The indicator's display name."""
    @property
    def group(self) -> list[str]:
        """The indicator's group path: theme, then directorate."""
    @property
    def period(self) -> str:
        """The period evaluated (label)."""
    @property
    def measured(self) -> Optional[str]:
        """The period actually measured (label), or None when not due."""
    @property
    def basis(self) -> str:
        """`"period"` or `"year_to_date"`."""
    @property
    def actual(self) -> Optional[Decimal]:
        """The actual compared (after any rounding rule), or None."""
    @property
    def unrounded(self) -> Optional[Decimal]:
        """The actual before rounding, or None."""
    @property
    def no_value(self) -> Optional[str]:
        """Why there is no actual (`"missing"`, `"zero_denominator"`, `"incomplete"`), or None."""
    @property
    def target(self) -> Optional[_TargetOut]:
        """The target in force: Decimal, `(low, high)` or None."""
    @property
    def stretch(self) -> Optional[Decimal]:
        """The stretch target in force, or None."""
    @property
    def status(self) -> _Status:
        """The status name (`"Red"`, `"Amber"`, `"Green"`, ...)."""
    @property
    def code(self) -> int:
        """The status code (0 Red, 1 Amber, 2 Green, 3 Blue, 4 NoData, 5 NoTarget, 6 NotDue)."""
    @property
    def shortfall(self) -> Optional[Decimal]:
        """The shortfall, or None."""
    @property
    def rating(self) -> Rating:
        """The rating with its explanation."""
    @property
    def direction(self) -> Literal["Improving", "Worsening", "NoChange", "NotComparable"]:
        """The headline direction of travel."""
    @property
    def direction_sentence(self) -> str:
        """The direction sentence."""
    @property
    def previous(self) -> Travel:
        """Against the previous period."""
    @property
    def year_ago(self) -> Travel:
        """Against the same period a year before."""
    @property
    def trend(self) -> Optional[Travel]:
        """By regression or by the recent trend, when configured."""
    @property
    def recent_trend(self) -> Optional[RecentTrend]:
        """The recent-trend test's outcome (a `ragstatus.groupstats.RecentTrend`, as
        `recent_trend_proportions` returns), when the definition says `trend = "recent"` and
        the points were proportions."""
    @property
    def sentence(self) -> str:
        """The rating and direction sentences joined."""
    def with_override(self, status: _Status, reason: str, by: str) -> IndicatorResult:
        """The same result overridden by a person."""
    def to_dict(self) -> dict[str, Any]:
        """The JSON form as plain Python data (decimals as text)."""
    def to_json(self) -> str:
        """The JSON text."""
    @staticmethod
    def from_json(text: str) -> IndicatorResult:
        """staticmethod(function) -> method

        Convert a function to be a static method.

        A static method does not receive an implicit first argument.
        To declare a static method, use this idiom:

             class C:
                 @staticmethod
                 def f(arg1, arg2, argN):
                     ...

        It can be called either on the class (e.g. C.f()) or on an instance
        (e.g. C().f()). Both the class and the instance are ignored, and
        neither is passed implicitly as the first argument to the method.

        Static methods in Python are similar to those found in Java or C++.
        For a more advanced concept, see the classmethod builtin.
        """
    def __eq__(self, other: object, /) -> bool: ...
    def __ne__(self, other: object, /) -> bool: ...
    def __hash__(self) -> int: ...
    def __reduce__(self) -> tuple[Any, ...]: ...

@final
class Evaluation:
    """The results of evaluating many indicators, and every error met (nothing dropped).

    Equal when the results and the errors are; pickled through its JSON form (`to_json`).
    """
    @property
    def results(self) -> list[IndicatorResult]:
        """One result per indicator evaluated without error, in definition order."""
    @property
    def errors(self) -> list[RagstatusError]:
        """Every error, as `RagstatusError` instances (not raised)."""
    def summary(self, rule: _Data = None) -> Summary:
        """The summary of the results by group, with roll-ups by `rule`."""
    def to_dict(self) -> dict[str, Any]:
        """The JSON form as plain Python data (decimals as text)."""
    def to_json(self) -> str:
        """The JSON text."""
    @staticmethod
    def from_json(text: str) -> Evaluation:
        """staticmethod(function) -> method

        Convert a function to be a static method.

        A static method does not receive an implicit first argument.
        To declare a static method, use this idiom:

             class C:
                 @staticmethod
                 def f(arg1, arg2, argN):
                     ...

        It can be called either on the class (e.g. C.f()) or on an instance
        (e.g. C().f()). Both the class and the instance are ignored, and
        neither is passed implicitly as the first argument to the method.

        Static methods in Python are similar to those found in Java or C++.
        For a more advanced concept, see the classmethod builtin.
        """
    def __len__(self) -> int: ...
    def __eq__(self, other: object, /) -> bool: ...
    def __ne__(self, other: object, /) -> bool: ...
    def __reduce__(self) -> tuple[Any, ...]: ...

@final
class Definitions:
    """Indicator definitions: a fiscal calendar and a list of indicators."""
    def __new__(cls, source: Union[Mapping[str, Any], str, os.PathLike[str]]) -> Self: ...
    @staticmethod
    def from_path(path: Union[str, os.PathLike[str]]) -> Definitions:
        """staticmethod(function) -> method

        Convert a function to be a static method.

        A static method does not receive an implicit first argument.
        To declare a static method, use this idiom:

             class C:
                 @staticmethod
                 def f(arg1, arg2, argN):
                     ...

        It can be called either on the class (e.g. C.f()) or on an instance
        (e.g. C().f()). Both the class and the instance are ignored, and
        neither is passed implicitly as the first argument to the method.

        Static methods in Python are similar to those found in Java or C++.
        For a more advanced concept, see the classmethod builtin.
        """
    @staticmethod
    def from_toml(text: str) -> Definitions:
        """staticmethod(function) -> method

        Convert a function to be a static method.

        A static method does not receive an implicit first argument.
        To declare a static method, use this idiom:

             class C:
                 @staticmethod
                 def f(arg1, arg2, argN):
                     ...

        It can be called either on the class (e.g. C.f()) or on an instance
        (e.g. C().f()). Both the class and the instance are ignored, and
        neither is passed implicitly as the first argument to the method.

        Static methods in Python are similar to those found in Java or C++.
        For a more advanced concept, see the classmethod builtin.
        """
    @staticmethod
    def from_json(text: str) -> Definitions:
        """staticmethod(function) -> method

        Convert a function to be a static method.

        A static method does not receive an implicit first argument.
        To declare a static method, use this idiom:

             class C:
                 @staticmethod
                 def f(arg1, arg2, argN):
                     ...

        It can be called either on the class (e.g. C.f()) or on an instance
        (e.g. C().f()). Both the class and the instance are ignored, and
        neither is passed implicitly as the first argument to the method.

        Static methods in Python are similar to those found in Java or C++.
        For a more advanced concept, see the classmethod builtin.
        """
    @property
    def calendar(self) -> FiscalCalendar:
        """The fiscal calendar."""
    @property
    def indicators(self) -> list[Indicator]:
        """The indicators, in file order."""
    def get(self, id: str) -> Optional[Indicator]:
        """The indicator with this id, or None."""
    def period(self, label: str) -> Period:
        """Parses a period label with the definitions' calendar."""
    def evaluate(self, period: _PeriodLike, actuals: Mapping[str, _Series]) -> Evaluation:
        """Evaluates every indicator for `period` with `actuals` (`{id: {period: observation}}`).
        Good indicators are all evaluated; every problem is in `errors`.
        """
    def to_toml(self) -> str:
        """The definitions as TOML text."""
    def to_json(self) -> str:
        """The definitions as JSON text."""
    def to_dict(self) -> dict[str, Any]:
        """The JSON form as plain Python data (decimals as text)."""
    def __len__(self) -> int: ...
    def __eq__(self, other: object, /) -> bool: ...
    def __ne__(self, other: object, /) -> bool: ...
    def __reduce__(self) -> tuple[Any, ...]: ...

# --- budget, milestones, SPC, benchmarking ---

import os
from collections.abc import Iterable, Mapping, Sequence
from typing import IO

__all__ += [
    "BudgetLine",
    "BudgetReport",
    "BudgetResult",
    "BudgetSettings",
    "Milestone",
    "MilestoneResult",
    "MilestoneSettings",
    "evaluate_budget_line",
    "evaluate_milestone",
    "evaluate_milestones",
    "parse_amount",
    "parse_number",
    "parse_date",
    "read_budget_csv",
    "read_milestones_csv",
    "roll_up",
]

_Date = Union[datetime.date, str]
_CsvSource = Union[str, bytes, "os.PathLike[str]", IO[str], IO[bytes]]

@final
class BudgetLine:
    """One line of a budget-monitoring report; amounts in pounds. Built without checks (a roll-up
    lists an invalid line among its errors); `validate()` checks it alone.
    """
    def __new__(
        cls,
        id: str,
        kind: str,
        base: str,
        budget: _Number,
        forecast: _Number,
        *,
        name: Optional[str] = None,
        group: Union[str, Sequence[str], None] = None,
        original_budget: Optional[_Number] = None,
        actual: Optional[_Number] = None,
        previous_forecast: Optional[_Number] = None,
        base_budget: Optional[_Number] = None,
        note: Optional[str] = None,
    ) -> Self: ...
    @property
    def id(self) -> str:
        """Unique id."""
    @property
    def name(self) -> str:
        """Display name (empty: the id is shown)."""
    @property
    def group(self) -> list[str]:
        """Group path, outermost first."""
    @property
    def kind(self) -> str:
        """`"expenditure"`, `"income"` or `"net"`."""
    @property
    def base(self) -> str:
        """`"gross"` or `"net_controllable"`."""
    @property
    def budget(self) -> Decimal:
        """Current budget."""
    @property
    def original_budget(self) -> Optional[Decimal]:
        """Original budget, if kept."""
    @property
    def actual(self) -> Optional[Decimal]:
        """Actual to date, if known."""
    @property
    def forecast(self) -> Decimal:
        """Forecast outturn."""
    @property
    def previous_forecast(self) -> Optional[Decimal]:
        """Previous forecast, if known."""
    @property
    def base_budget(self) -> Optional[Decimal]:
        """The amount percent thresholds are taken of, when not the line's own budget."""
    @property
    def note(self) -> Optional[str]:
        """Commentary."""
    def validate(self) -> None:
        """Checks the line alone; raises a `RagstatusError` naming the line when it is invalid."""
    def to_dict(self) -> dict[str, Any]:
        """The JSON form as plain Python data (decimals as text)."""
    @staticmethod
    def from_dict(data: Mapping[str, Any]) -> BudgetLine:
        """staticmethod(function) -> method

        Convert a function to be a static method.

        A static method does not receive an implicit first argument.
        To declare a static method, use this idiom:

             class C:
                 @staticmethod
                 def f(arg1, arg2, argN):
                     ...

        It can be called either on the class (e.g. C.f()) or on an instance
        (e.g. C().f()). Both the class and the instance are ignored, and
        neither is passed implicitly as the first argument to the method.

        Static methods in Python are similar to those found in Java or C++.
        For a more advanced concept, see the classmethod builtin.
        """
    def to_json(self) -> str:
        """The JSON text."""
    @staticmethod
    def from_json(text: str) -> BudgetLine:
        """staticmethod(function) -> method

        Convert a function to be a static method.

        A static method does not receive an implicit first argument.
        To declare a static method, use this idiom:

             class C:
                 @staticmethod
                 def f(arg1, arg2, argN):
                     ...

        It can be called either on the class (e.g. C.f()) or on an instance
        (e.g. C().f()). Both the class and the instance are ignored, and
        neither is passed implicitly as the first argument to the method.

        Static methods in Python are similar to those found in Java or C++.
        For a more advanced concept, see the classmethod builtin.
        """
    def __eq__(self, other: object, /) -> bool: ...
    def __ne__(self, other: object, /) -> bool: ...
    def __hash__(self) -> int: ...
    def __reduce__(self) -> tuple[Any, ...]: ...

@final
class BudgetSettings:
    """How budget lines roll up and are rated: the fund's name and the thresholds per level, from
    the top (fund, directorate, ..., service). The default is the commonly published key.
    """
    def __new__(
        cls, fund: Optional[str] = None, levels: Optional[Sequence[Mapping[str, Any]]] = None
    ) -> Self: ...
    @property
    def fund(self) -> str:
        """The name of the root total."""
    @property
    def levels(self) -> list[dict[str, Any]]:
        """The levels as plain data (decimals as text), from the top."""
    @property
    def level_names(self) -> list[str]:
        """The names of the levels, from the top."""
    @staticmethod
    def from_dict(data: Mapping[str, Any]) -> BudgetSettings:
        """staticmethod(function) -> method

        Convert a function to be a static method.

        A static method does not receive an implicit first argument.
        To declare a static method, use this idiom:

             class C:
                 @staticmethod
                 def f(arg1, arg2, argN):
                     ...

        It can be called either on the class (e.g. C.f()) or on an instance
        (e.g. C().f()). Both the class and the instance are ignored, and
        neither is passed implicitly as the first argument to the method.

        Static methods in Python are similar to those found in Java or C++.
        For a more advanced concept, see the classmethod builtin.
        """
    @staticmethod
    def from_toml(text: str) -> BudgetSettings:
        """staticmethod(function) -> method

        Convert a function to be a static method.

        A static method does not receive an implicit first argument.
        To declare a static method, use this idiom:

             class C:
                 @staticmethod
                 def f(arg1, arg2, argN):
                     ...

        It can be called either on the class (e.g. C.f()) or on an instance
        (e.g. C().f()). Both the class and the instance are ignored, and
        neither is passed implicitly as the first argument to the method.

        Static methods in Python are similar to those found in Java or C++.
        For a more advanced concept, see the classmethod builtin.
        """
    def to_dict(self) -> dict[str, Any]:
        """The JSON form as plain Python data (decimals as text)."""
    def to_json(self) -> str:
        """The JSON text."""
    @staticmethod
    def from_json(text: str) -> BudgetSettings:
        """staticmethod(function) -> method

        Convert a function to be a static method.

        A static method does not receive an implicit first argument.
        To declare a static method, use this idiom:

             class C:
                 @staticmethod
                 def f(arg1, arg2, argN):
                     ...

        It can be called either on the class (e.g. C.f()) or on an instance
        (e.g. C().f()). Both the class and the instance are ignored, and
        neither is passed implicitly as the first argument to the method.

        Static methods in Python are similar to those found in Java or C++.
        For a more advanced concept, see the classmethod builtin.
        """
    def __eq__(self, other: object, /) -> bool: ...
    def __ne__(self, other: object, /) -> bool: ...
    def __hash__(self) -> int: ...
    def __reduce__(self) -> tuple[Any, ...]: ...

_BudgetSettingsArg = Union[BudgetSettings, Mapping[str, Any], None]

@final
class BudgetResult:
    """The evaluation of one budget line or one total of the roll-up."""
    @property
    def id(self) -> str:
        """The line id; for a total its path joined with " > "; for the fund its name."""
    @property
    def name(self) -> str:
        """The line's name, or the last segment of a total's path, or the fund's name."""
    @property
    def path(self) -> list[str]:
        """A line's group path, or a total's path (empty for the fund)."""
    @property
    def level(self) -> str:
        """The name of the level whose thresholds applied."""
    @property
    def total(self) -> bool:
        """True for a total."""
    @property
    def kind(self) -> str:
        """`"expenditure"`, `"income"` or `"net"` (`"net"` for totals)."""
    @property
    def base(self) -> str:
        """`"gross"` or `"net_controllable"`."""
    @property
    def base_amount(self) -> Decimal:
        """The amount percent thresholds were taken of."""
    @property
    def budget(self) -> Decimal:
        """Current budget."""
    @property
    def original_budget(self) -> Optional[Decimal]:
        """Original budget (for a total: when known for every line)."""
    @property
    def actual(self) -> Optional[Decimal]:
        """Actual to date (for a total: when known for every line)."""
    @property
    def forecast(self) -> Decimal:
        """Forecast outturn."""
    @property
    def previous_forecast(self) -> Optional[Decimal]:
        """Previous forecast (for a total: when known for every line)."""
    @property
    def variance(self) -> Decimal:
        """forecast − budget."""
    @property
    def variance_percent(self) -> Optional[Decimal]:
        """variance ÷ |budget| × 100 to two places; None at a zero budget."""
    @property
    def direction(self) -> str:
        """`"adverse"`, `"favourable"` or `"breakeven"`."""
    @property
    def movement(self) -> Optional[Decimal]:
        """forecast − previous forecast."""
    @property
    def movement_direction(self) -> Optional[str]:
        """Whether the movement is `"adverse"`, `"favourable"` or `"breakeven"`."""
    @property
    def status(self) -> _Status:
        """The status name (`"Red"`, `"Amber"`, `"Green"`, ...)."""
    @property
    def code(self) -> int:
        """The status code (0 Red, 1 Amber, 2 Green, 3 Blue, 4 NoData, 5 NoTarget, 6 NotDue)."""
    @property
    def significant_underspend(self) -> bool:
        """A favourable variance at or beyond the underspend threshold."""
    @property
    def line_count(self) -> int:
        """The number of lines summed (1 for a line)."""
    @property
    def excluded(self) -> list[str]:
        """Ids of invalid lines left out of this total."""
    @property
    def rule(self) -> str:
        """The rule that fired: `"breakeven"`, `"favourable"`, `"significant_underspend"`,
        `"below_amber"`, `"amber_reached"` or `"red_reached"`.
        """
    @property
    def adverse_amount(self) -> Decimal:
        """The adverse amount (0 when not adverse)."""
    @property
    def favourable_amount(self) -> Decimal:
        """The favourable amount (0 when not favourable)."""
    @property
    def thresholds(self) -> list[dict[str, Any]]:
        """The thresholds compared, in order: dicts with `level`, `role`, `threshold`, `amount`,
        `binding` and `reached`.
        """
    @property
    def sentence(self) -> str:
        """The plain-English explanation."""
    def to_dict(self) -> dict[str, Any]:
        """The JSON form as plain Python data (decimals as text)."""
    def to_json(self) -> str:
        """The JSON text."""
    @staticmethod
    def from_json(text: str) -> BudgetResult:
        """staticmethod(function) -> method

        Convert a function to be a static method.

        A static method does not receive an implicit first argument.
        To declare a static method, use this idiom:

             class C:
                 @staticmethod
                 def f(arg1, arg2, argN):
                     ...

        It can be called either on the class (e.g. C.f()) or on an instance
        (e.g. C().f()). Both the class and the instance are ignored, and
        neither is passed implicitly as the first argument to the method.

        Static methods in Python are similar to those found in Java or C++.
        For a more advanced concept, see the classmethod builtin.
        """
    def __eq__(self, other: object, /) -> bool: ...
    def __ne__(self, other: object, /) -> bool: ...
    def __hash__(self) -> int: ...
    def __reduce__(self) -> tuple[Any, ...]: ...

@final
class BudgetReport:
    """The roll-up of budget lines: `BudgetReport(lines, settings=None)` is `roll_up(lines,
    settings)`. Every valid line's result, every total (the fund first), and an exception
    instance for every line left out.
    """
    def __new__(
        cls, lines: Iterable[Union[BudgetLine, Mapping[str, Any]]], settings: _BudgetSettingsArg = None
    ) -> Self: ...
    @property
    def lines(self) -> list[BudgetResult]:
        """Every valid line's result, in input order."""
    @property
    def totals(self) -> list[BudgetResult]:
        """The fund total first, then every group total (a group before its sub-groups)."""
    @property
    def results(self) -> list[BudgetResult]:
        """Lines and totals together: lines first."""
    @property
    def errors(self) -> list[RagstatusError]:
        """One exception instance (a `RagstatusError`, not raised) per line left out."""
    @property
    def fund(self) -> Optional[BudgetResult]:
        """The fund total."""
    @property
    def settings(self) -> BudgetSettings:
        """The settings used."""
    def get(self, id: str) -> Optional[BudgetResult]:
        """The result with this id (a line id, a total's path joined with " > ", or the fund's
        name), or None.
        """
    def to_dict(self) -> dict[str, Any]:
        """The JSON form (lines and totals; not the errors) as plain Python data."""
    def to_json(self) -> str:
        """The JSON text (lines and totals; not the errors)."""
    def __len__(self) -> int: ...
    def __eq__(self, other: object, /) -> bool: ...
    def __ne__(self, other: object, /) -> bool: ...
    def __reduce__(self) -> tuple[Any, ...]: ...

def roll_up(
    lines: Iterable[Union[BudgetLine, Mapping[str, Any]]], settings: _BudgetSettingsArg = None
) -> BudgetReport:
    """Evaluates every line and every total up the group paths (SPEC §10). `lines` holds
    `BudgetLine`s or dicts of their fields; `settings` a `BudgetSettings`, a dict, or None for
    the default key. Invalid lines are listed in `errors`; invalid settings or sums that
    overflow raise.
    """
def evaluate_budget_line(
    line: Union[BudgetLine, Mapping[str, Any]], level: Optional[Mapping[str, Any]] = None
) -> BudgetResult:
    """Evaluates one line alone with one level's thresholds (a dict such as `{"name": "service",
    "red": {"absolute": 100000}}`; by default the last level of the default settings).
    """
def parse_amount(text: str, unit: Optional[str] = None) -> Decimal:
    """Reads one published amount (`46,267`, `(443)`, `£1,234.50`, `-443`) in `unit`
    (`"pounds"`, `"thousands"` for £'000, `"millions"` for £m) and returns it in pounds,
    exactly. A unit written on the amount (`£1.2m`, `£450k`) wins over `unit`.
    """
def parse_number(
    text: str, form: Optional[Literal["plain", "amount", "percent"]] = None, unit: Optional[str] = None
) -> Decimal:
    """Reads a number written as text, exactly as every ragstatus reader does (the CSV readers, the
    frame functions, `to_decimal`): `form` is `"plain"` (`44.1`, `-3`, `4.41e1`, `1,842`),
    `"amount"` (a published amount in `unit`, returned in pounds) or `"percent"` (`1.4%`,
    `(1.4%)`). Never rounds: text with more digits than a decimal holds is refused.
    """
def read_budget_csv(
    source: _CsvSource,
    unit: Optional[str] = None,
    *,
    default_base: Optional[str] = None,
    derived: Optional[str] = None,
    file: Optional[str] = None,
) -> tuple[list[BudgetLine], list[RagstatusError]]:
    """Reads budget lines from CSV as councils publish them: `source` is CSV text (with a line
    break), bytes, a path or an open file. Returns `(lines, errors)`: every good line, and an
    exception instance for every bad cell of every bad row, naming file, line, column and the
    text found. A bad header raises.
    """
@final
class Milestone:
    """One milestone or action of a plan. Built without checks; `validate()` checks it, and an
    evaluation raises (or, in bulk, lists) the error.
    """
    def __new__(
        cls,
        id: str,
        due: _Date,
        *,
        description: Optional[str] = None,
        owner: Optional[str] = None,
        start: Optional[_Date] = None,
        completed: Optional[_Date] = None,
        percent_complete: Optional[_Number] = None,
        note: Optional[str] = None,
    ) -> Self: ...
    @property
    def id(self) -> str:
        """Unique id."""
    @property
    def description(self) -> str:
        """What is to be done."""
    @property
    def owner(self) -> Optional[str]:
        """Who answers for it."""
    @property
    def start(self) -> Optional[datetime.date]:
        """When work started."""
    @property
    def due(self) -> datetime.date:
        """When it is due."""
    @property
    def completed(self) -> Optional[datetime.date]:
        """When it was completed."""
    @property
    def percent_complete(self) -> Optional[Decimal]:
        """Percent complete, 0 to 100."""
    @property
    def note(self) -> Optional[str]:
        """Commentary."""
    def validate(self) -> None:
        """Checks the milestone; raises a `RagstatusError` naming it when it is invalid."""
    def to_dict(self) -> dict[str, Any]:
        """The JSON form as plain Python data (decimals as text)."""
    @staticmethod
    def from_dict(data: Mapping[str, Any]) -> Milestone:
        """staticmethod(function) -> method

        Convert a function to be a static method.

        A static method does not receive an implicit first argument.
        To declare a static method, use this idiom:

             class C:
                 @staticmethod
                 def f(arg1, arg2, argN):
                     ...

        It can be called either on the class (e.g. C.f()) or on an instance
        (e.g. C().f()). Both the class and the instance are ignored, and
        neither is passed implicitly as the first argument to the method.

        Static methods in Python are similar to those found in Java or C++.
        For a more advanced concept, see the classmethod builtin.
        """
    def to_json(self) -> str:
        """The JSON text."""
    @staticmethod
    def from_json(text: str) -> Milestone:
        """staticmethod(function) -> method

        Convert a function to be a static method.

        A static method does not receive an implicit first argument.
        To declare a static method, use this idiom:

             class C:
                 @staticmethod
                 def f(arg1, arg2, argN):
                     ...

        It can be called either on the class (e.g. C.f()) or on an instance
        (e.g. C().f()). Both the class and the instance are ignored, and
        neither is passed implicitly as the first argument to the method.

        Static methods in Python are similar to those found in Java or C++.
        For a more advanced concept, see the classmethod builtin.
        """
    def __eq__(self, other: object, /) -> bool: ...
    def __ne__(self, other: object, /) -> bool: ...
    def __hash__(self) -> int: ...
    def __reduce__(self) -> tuple[Any, ...]: ...

@final
class MilestoneSettings:
    """How milestones are evaluated: the warning window in days (default 14) and the margin, in
    percentage points, behind the straight-line expected progress (default 10; None or `"off"`
    turns the check off).
    """
    def __new__(
        cls, warning_days: int = ..., progress_margin: Union[_Number, None] = ...
    ) -> Self: ...
    @property
    def warning_days(self) -> int:
        """The warning window in days."""
    @property
    def progress_margin(self) -> Optional[Decimal]:
        """The progress margin in percentage points, or None when the check is off."""
    @staticmethod
    def from_dict(data: Mapping[str, Any]) -> MilestoneSettings:
        """staticmethod(function) -> method

        Convert a function to be a static method.

        A static method does not receive an implicit first argument.
        To declare a static method, use this idiom:

             class C:
                 @staticmethod
                 def f(arg1, arg2, argN):
                     ...

        It can be called either on the class (e.g. C.f()) or on an instance
        (e.g. C().f()). Both the class and the instance are ignored, and
        neither is passed implicitly as the first argument to the method.

        Static methods in Python are similar to those found in Java or C++.
        For a more advanced concept, see the classmethod builtin.
        """
    def to_dict(self) -> dict[str, Any]:
        """The JSON form as plain Python data (decimals as text)."""
    def to_json(self) -> str:
        """The JSON text."""
    @staticmethod
    def from_json(text: str) -> MilestoneSettings:
        """staticmethod(function) -> method

        Convert a function to be a static method.

        A static method does not receive an implicit first argument.
        To declare a static method, use this idiom:

             class C:
                 @staticmethod
                 def f(arg1, arg2, argN):
                     ...

        It can be called either on the class (e.g. C.f()) or on an instance
        (e.g. C().f()). Both the class and the instance are ignored, and
        neither is passed implicitly as the first argument to the method.

        Static methods in Python are similar to those found in Java or C++.
        For a more advanced concept, see the classmethod builtin.
        """
    def __eq__(self, other: object, /) -> bool: ...
    def __ne__(self, other: object, /) -> bool: ...
    def __hash__(self) -> int: ...
    def __reduce__(self) -> tuple[Any, ...]: ...

_MilestoneSettingsArg = Union[MilestoneSettings, Mapping[str, Any], None]

@final
class MilestoneResult:
    """The evaluation of one milestone as of a date."""
    @property
    def id(self) -> str:
        """The milestone id."""
    @property
    def description(self) -> str:
        """Its description."""
    @property
    def owner(self) -> Optional[str]:
        """Its owner."""
    @property
    def as_of(self) -> datetime.date:
        """The date evaluated as of."""
    @property
    def due(self) -> datetime.date:
        """The due date."""
    @property
    def completed(self) -> Optional[datetime.date]:
        """The completed date, if completed on or before the as-of date."""
    @property
    def state(self) -> str:
        """`"Complete"`, `"CompleteLate"`, `"Overdue"`, `"AtRisk"` or `"OnTrack"`."""
    @property
    def status(self) -> _Status:
        """The status name (`"Red"`, `"Amber"`, `"Green"`, ...)."""
    @property
    def code(self) -> int:
        """The status code (0 Red, 1 Amber, 2 Green, 3 Blue, 4 NoData, 5 NoTarget, 6 NotDue)."""
    @property
    def rule(self) -> str:
        """The rule that fired: `"completed_on_time"`, `"completed_late"`, `"past_due"`,
        `"warning_window"`, `"behind_progress"` or `"on_track"`.
        """
    @property
    def days_from_due(self) -> int:
        """Days from the due date to the completed (or as-of) date: negative before it."""
    @property
    def expected_progress(self) -> Optional[Decimal]:
        """The straight-line expected percent complete, to two places, when known."""
    @property
    def progress_gap(self) -> Optional[Decimal]:
        """Expected minus actual percent complete, to two places, when known."""
    @property
    def warning_days(self) -> int:
        """The warning window applied, in days."""
    @property
    def progress_margin(self) -> Optional[Decimal]:
        """The progress margin applied, if any."""
    @property
    def sentence(self) -> str:
        """The plain-English explanation."""
    def to_dict(self) -> dict[str, Any]:
        """The JSON form as plain Python data (decimals as text)."""
    def to_json(self) -> str:
        """The JSON text."""
    @staticmethod
    def from_json(text: str) -> MilestoneResult:
        """staticmethod(function) -> method

        Convert a function to be a static method.

        A static method does not receive an implicit first argument.
        To declare a static method, use this idiom:

             class C:
                 @staticmethod
                 def f(arg1, arg2, argN):
                     ...

        It can be called either on the class (e.g. C.f()) or on an instance
        (e.g. C().f()). Both the class and the instance are ignored, and
        neither is passed implicitly as the first argument to the method.

        Static methods in Python are similar to those found in Java or C++.
        For a more advanced concept, see the classmethod builtin.
        """
    def __eq__(self, other: object, /) -> bool: ...
    def __ne__(self, other: object, /) -> bool: ...
    def __hash__(self) -> int: ...
    def __reduce__(self) -> tuple[Any, ...]: ...

def evaluate_milestone(
    milestone: Union[Milestone, Mapping[str, Any]],
    as_of: _Date,
    settings: _MilestoneSettingsArg = None,
) -> MilestoneResult:
    """Evaluates one milestone as of a date (SPEC §11). `milestone` is a `Milestone` or a dict of
    its fields; `settings` a `MilestoneSettings`, a dict, or None for the defaults. Raises a
    `RagstatusError` naming the milestone when it is invalid.
    """
def evaluate_milestones(
    milestones: Iterable[Union[Milestone, Mapping[str, Any]]],
    as_of: _Date,
    settings: _MilestoneSettingsArg = None,
) -> tuple[list[MilestoneResult], list[RagstatusError]]:
    """Evaluates every milestone as of a date. Returns `(results, errors)`: a result for every
    valid milestone in input order, and an exception instance (not raised) for every invalid
    one or repeated id.
    """
def parse_date(text: str) -> datetime.date:
    """Reads a date written as ISO `yyyy-mm-dd` or UK `dd/mm/yyyy`; anything else raises
    `InvalidValueError`.
    """
def read_milestones_csv(
    source: _CsvSource, *, file: Optional[str] = None
) -> tuple[list[Milestone], list[RagstatusError]]:
    """Reads milestones from CSV: `source` is CSV text (with a line break), bytes, a path or an
    open file. Returns `(milestones, errors)`: every good milestone, and an exception instance
    for every bad cell of every bad row, naming file, line, column and the text found. A bad
    header raises.
    """

__all__ += [
    "Benchmark",
    "RunsAnalysis",
    "SpcPoint",
    "SpcResult",
    "SpcSegment",
    "SpcSignal",
    "XmrLimits",
    "analyse_spc",
    "benchmark",
    "xmr_limits",
]

@final
class XmrLimits:
    """The XmR limits of one baseline: mean, mean moving range, process limits and 2σ lines."""
    @property
    def mean(self) -> Decimal:
        """The mean of the baseline values."""
    @property
    def mean_moving_range(self) -> Optional[Decimal]:
        """The mean moving range after screening; None with fewer than 2 points."""
    @property
    def lower_process_limit(self) -> Optional[Decimal]:
        """mean − 2.66 × mean mR."""
    @property
    def upper_process_limit(self) -> Optional[Decimal]:
        """mean + 2.66 × mean mR."""
    @property
    def lower_two_sigma(self) -> Optional[Decimal]:
        """mean − (2/3 × 2.66) × mean mR."""
    @property
    def upper_two_sigma(self) -> Optional[Decimal]:
        """mean + (2/3 × 2.66) × mean mR."""
    @property
    def baseline_points(self) -> int:
        """The number of baseline values."""
    @property
    def moving_ranges_used(self) -> int:
        """The number of moving ranges in the mean mR."""
    @property
    def moving_ranges_screened(self) -> int:
        """The number of moving ranges dropped by screening."""
    def to_dict(self) -> dict[str, Any]:
        """The JSON form as plain Python data (decimals as text)."""
    def to_json(self) -> str:
        """The JSON text."""
    @staticmethod
    def from_json(text: str) -> XmrLimits:
        """staticmethod(function) -> method

        Convert a function to be a static method.

        A static method does not receive an implicit first argument.
        To declare a static method, use this idiom:

             class C:
                 @staticmethod
                 def f(arg1, arg2, argN):
                     ...

        It can be called either on the class (e.g. C.f()) or on an instance
        (e.g. C().f()). Both the class and the instance are ignored, and
        neither is passed implicitly as the first argument to the method.

        Static methods in Python are similar to those found in Java or C++.
        For a more advanced concept, see the classmethod builtin.
        """
    def __eq__(self, other: object, /) -> bool: ...
    def __ne__(self, other: object, /) -> bool: ...
    def __hash__(self) -> int: ...
    def __reduce__(self) -> tuple[Any, ...]: ...

@final
class RunsAnalysis:
    """The Anhøj runs analysis of a run chart's segment (SPEC §12a)."""
    @property
    def useful_points(self) -> int:
        """Included points not on the centre line."""
    @property
    def longest_run(self) -> int:
        """The longest run on one side of the centre line."""
    @property
    def longest_run_max(self) -> int:
        """round(log2(useful_points)) + 3: a longer run signals."""
    @property
    def crossings(self) -> int:
        """How often the series crosses the centre line."""
    @property
    def crossings_min(self) -> int:
        """qbinom(0.05, useful_points - 1, 0.5): fewer crossings signal."""
    @property
    def signal(self) -> bool:
        """Whether either rule signals."""
    def to_dict(self) -> dict[str, Any]:
        """The JSON form as plain Python data (decimals as text)."""
    def to_json(self) -> str:
        """The JSON text."""
    @staticmethod
    def from_json(text: str) -> RunsAnalysis:
        """staticmethod(function) -> method

        Convert a function to be a static method.

        A static method does not receive an implicit first argument.
        To declare a static method, use this idiom:

             class C:
                 @staticmethod
                 def f(arg1, arg2, argN):
                     ...

        It can be called either on the class (e.g. C.f()) or on an instance
        (e.g. C().f()). Both the class and the instance are ignored, and
        neither is passed implicitly as the first argument to the method.

        Static methods in Python are similar to those found in Java or C++.
        For a more advanced concept, see the classmethod builtin.
        """
    def __eq__(self, other: object, /) -> bool: ...
    def __ne__(self, other: object, /) -> bool: ...
    def __hash__(self) -> int: ...
    def __reduce__(self) -> tuple[Any, ...]: ...

@final
class SpcSegment:
    """One segment of the series (between rebase points), with its limits."""
    @property
    def start(self) -> int:
        """Index of the first point."""
    @property
    def end(self) -> int:
        """Index of the last point."""
    @property
    def points(self) -> int:
        """Number of points."""
    @property
    def limits(self) -> XmrLimits:
        """The segment's limits."""
    @property
    def trial_limits(self) -> bool:
        """True when the segment is too short for firm limits (trial limits)."""
    @property
    def reason(self) -> Optional[str]:
        """The reason of the process change that starts the segment, if one was given."""
    @property
    def runs(self) -> Optional[RunsAnalysis]:
        """The Anhøj runs analysis (run charts; None for the others)."""
    def to_dict(self) -> dict[str, Any]:
        """The JSON form as plain Python data (decimals as text)."""
    def to_json(self) -> str:
        """The JSON text."""
    @staticmethod
    def from_json(text: str) -> SpcSegment:
        """staticmethod(function) -> method

        Convert a function to be a static method.

        A static method does not receive an implicit first argument.
        To declare a static method, use this idiom:

             class C:
                 @staticmethod
                 def f(arg1, arg2, argN):
                     ...

        It can be called either on the class (e.g. C.f()) or on an instance
        (e.g. C().f()). Both the class and the instance are ignored, and
        neither is passed implicitly as the first argument to the method.

        Static methods in Python are similar to those found in Java or C++.
        For a more advanced concept, see the classmethod builtin.
        """
    def __eq__(self, other: object, /) -> bool: ...
    def __ne__(self, other: object, /) -> bool: ...
    def __hash__(self) -> int: ...
    def __reduce__(self) -> tuple[Any, ...]: ...

@final
class SpcPoint:
    """One point of the series with its limits, rules and label."""
    @property
    def index(self) -> int:
        """Zero-based index in the series."""
    @property
    def label(self) -> Optional[str]:
        """The point's label, if labels were given."""
    @property
    def value(self) -> Decimal:
        """The value."""
    @property
    def segment(self) -> int:
        """Zero-based index of its segment."""
    @property
    def mean(self) -> Decimal:
        """The segment's mean."""
    @property
    def lower_process_limit(self) -> Optional[Decimal]:
        """The segment's lower process limit."""
    @property
    def upper_process_limit(self) -> Optional[Decimal]:
        """The segment's upper process limit."""
    @property
    def lower_two_sigma(self) -> Optional[Decimal]:
        """The segment's lower 2σ line."""
    @property
    def upper_two_sigma(self) -> Optional[Decimal]:
        """The segment's upper 2σ line."""
    @property
    def moving_range(self) -> Optional[Decimal]:
        """|value − previous value| within the segment; None for a segment's first point."""
    @property
    def moving_range_used(self) -> bool:
        """Whether the moving range went into the mean mR."""
    @property
    def denominator(self) -> Optional[Decimal]:
        """The denominator (P, P′, U, U′ charts; the value is numerator / denominator)."""
    @property
    def excluded(self) -> Optional[str]:
        """Why the point is left out of the lines and rules, if it is."""
    @property
    def rules(self) -> list[str]:
        """The rules that flag the point, in precedence order: `"outside"`, `"trend"`,
        `"two_of_three"`, `"shift"`.
        """
    @property
    def point_type(self) -> str:
        """`"common_cause"`, `"special_cause_improvement"`, `"special_cause_concern"`,
        `"special_cause_neutral_high"` or `"special_cause_neutral_low"`.
        """
    @property
    def is_special_cause(self) -> bool:
        """True for every label but common cause."""
    @property
    def explanation(self) -> str:
        """Why: the winning rule's sentence, or "common cause variation"."""
    def to_dict(self) -> dict[str, Any]:
        """The JSON form as plain Python data (decimals as text)."""
    def to_json(self) -> str:
        """The JSON text."""
    @staticmethod
    def from_json(text: str) -> SpcPoint:
        """staticmethod(function) -> method

        Convert a function to be a static method.

        A static method does not receive an implicit first argument.
        To declare a static method, use this idiom:

             class C:
                 @staticmethod
                 def f(arg1, arg2, argN):
                     ...

        It can be called either on the class (e.g. C.f()) or on an instance
        (e.g. C().f()). Both the class and the instance are ignored, and
        neither is passed implicitly as the first argument to the method.

        Static methods in Python are similar to those found in Java or C++.
        For a more advanced concept, see the classmethod builtin.
        """
    def __eq__(self, other: object, /) -> bool: ...
    def __ne__(self, other: object, /) -> bool: ...
    def __hash__(self) -> int: ...
    def __reduce__(self) -> tuple[Any, ...]: ...

@final
class SpcSignal:
    """One occurrence of a rule: an outside point, a run, or a two-of-three cluster."""
    @property
    def rule(self) -> str:
        """`"outside"`, `"trend"`, `"two_of_three"` or `"shift"`."""
    @property
    def direction(self) -> str:
        """`"high"` (above, rising) or `"low"` (below, falling)."""
    @property
    def start(self) -> int:
        """Index of the first flagged point."""
    @property
    def end(self) -> int:
        """Index of the last flagged point."""
    @property
    def points(self) -> int:
        """The number of points flagged."""
    @property
    def point_type(self) -> str:
        """What the rule means for the indicator."""
    @property
    def explanation(self) -> str:
        """A sentence such as "7 points in a row above the mean from 2015/16 Q1: special cause
        improvement".
        """
    def to_dict(self) -> dict[str, Any]:
        """The JSON form as plain Python data (decimals as text)."""
    def to_json(self) -> str:
        """The JSON text."""
    @staticmethod
    def from_json(text: str) -> SpcSignal:
        """staticmethod(function) -> method

        Convert a function to be a static method.

        A static method does not receive an implicit first argument.
        To declare a static method, use this idiom:

             class C:
                 @staticmethod
                 def f(arg1, arg2, argN):
                     ...

        It can be called either on the class (e.g. C.f()) or on an instance
        (e.g. C().f()). Both the class and the instance are ignored, and
        neither is passed implicitly as the first argument to the method.

        Static methods in Python are similar to those found in Java or C++.
        For a more advanced concept, see the classmethod builtin.
        """
    def __eq__(self, other: object, /) -> bool: ...
    def __ne__(self, other: object, /) -> bool: ...
    def __hash__(self) -> int: ...
    def __reduce__(self) -> tuple[Any, ...]: ...

@final
class SpcResult:
    """The result of an SPC analysis: every point, segment and signal, the variation and assurance
    icons and a summary sentence.
    """
    @property
    def improvement(self) -> str:
        """`"increase"`, `"decrease"` or `"neutral"`."""
    @property
    def chart(self) -> str:
        """The chart type: `"xmr"`, `"run"`, `"p"`, `"p_prime"`, `"u"`, `"u_prime"`, `"c"`,
        `"g"` or `"t"`.
        """
    @property
    def target(self) -> Optional[Decimal]:
        """The target used for assurance, if any."""
    @property
    def segments(self) -> list[SpcSegment]:
        """The segments, in order."""
    @property
    def points(self) -> list[SpcPoint]:
        """Every point, in order."""
    @property
    def signals(self) -> list[SpcSignal]:
        """Every rule occurrence."""
    @property
    def variation(self) -> Optional[str]:
        """The variation icon: the last point's label (None for an empty series)."""
    @property
    def assurance(self) -> Optional[str]:
        """The assurance icon: `"consistent_pass"`, `"consistent_fail"`, `"inconsistent"` or None."""
    @property
    def explanation(self) -> str:
        """A summary for a report."""
    def to_dict(self) -> dict[str, Any]:
        """The JSON form as plain Python data (decimals as text)."""
    def to_json(self) -> str:
        """The JSON text."""
    @staticmethod
    def from_json(text: str) -> SpcResult:
        """staticmethod(function) -> method

        Convert a function to be a static method.

        A static method does not receive an implicit first argument.
        To declare a static method, use this idiom:

             class C:
                 @staticmethod
                 def f(arg1, arg2, argN):
                     ...

        It can be called either on the class (e.g. C.f()) or on an instance
        (e.g. C().f()). Both the class and the instance are ignored, and
        neither is passed implicitly as the first argument to the method.

        Static methods in Python are similar to those found in Java or C++.
        For a more advanced concept, see the classmethod builtin.
        """
    def __len__(self) -> int: ...
    def __eq__(self, other: object, /) -> bool: ...
    def __ne__(self, other: object, /) -> bool: ...
    def __hash__(self) -> int: ...
    def __reduce__(self) -> tuple[Any, ...]: ...

def analyse_spc(
    values: Iterable[_Number],
    labels: Optional[Iterable[Any]] = None,
    settings: Optional[Mapping[str, Any]] = None,
    *,
    denominators: Optional[Iterable[_Number]] = None,
    **kwargs: Any,
) -> SpcResult:
    """Analyses a series, oldest first (SPEC §12, NHS "Making Data Count"): XmR limits, the four
    rules, point labels, the variation and assurance icons. `values` is any sequence of numbers
    (a list, numpy array, pandas or polars Series); `labels` (one per value: text, periods or
    dates) name the points in explanations. Settings as keywords or a dict (see the module
    docs). `chart=` picks the chart type (SPEC §12a); the P, P′, U and U′ charts take the
    numerators as `values` and one denominator per value as `denominators`. The work is done
    without the GIL.
    """
def xmr_limits(baseline: Iterable[_Number], screen_outliers: bool = True) -> XmrLimits:
    """The XmR limits of a baseline: mean, mean moving range (screened when `screen_outliers`),
    process limits and 2σ lines.
    """
@final
class Benchmark:
    """Where an actual stands in its comparator group: rank (1 = best, ties share the best rank),
    quartile (1 = best), the quartile cut points, the median, the distance from it (positive =
    better) and, with a scheme, a status.
    """
    @property
    def actual(self) -> Decimal:
        """The actual."""
    @property
    def group_size(self) -> int:
        """The actual plus every comparator with a value."""
    @property
    def missing(self) -> int:
        """Comparators without a value."""
    @property
    def tied(self) -> int:
        """Comparators equal to the actual."""
    @property
    def rank(self) -> Optional[int]:
        """1 = best; None without comparator values."""
    @property
    def quartile(self) -> Optional[int]:
        """1 = best quartile."""
    @property
    def lower_quartile(self) -> Optional[Decimal]:
        """The 25th percentile of the group."""
    @property
    def median(self) -> Optional[Decimal]:
        """The median of the group."""
    @property
    def upper_quartile(self) -> Optional[Decimal]:
        """The 75th percentile of the group."""
    @property
    def distance_from_median(self) -> Optional[Decimal]:
        """Distance from the median, positive = better."""
    @property
    def status(self) -> Optional[_Status]:
        """The quartile's status under the scheme (`"NoData"` without comparators); None without
        a scheme.
        """
    @property
    def explanation(self) -> str:
        """A sentence such as "3rd of 16 (quartile 1); 4.2 points better than the median of 41.0%"."""
    def to_dict(self) -> dict[str, Any]:
        """The JSON form as plain Python data (decimals as text)."""
    def to_json(self) -> str:
        """The JSON text."""
    @staticmethod
    def from_json(text: str) -> Benchmark:
        """staticmethod(function) -> method

        Convert a function to be a static method.

        A static method does not receive an implicit first argument.
        To declare a static method, use this idiom:

             class C:
                 @staticmethod
                 def f(arg1, arg2, argN):
                     ...

        It can be called either on the class (e.g. C.f()) or on an instance
        (e.g. C().f()). Both the class and the instance are ignored, and
        neither is passed implicitly as the first argument to the method.

        Static methods in Python are similar to those found in Java or C++.
        For a more advanced concept, see the classmethod builtin.
        """
    def __eq__(self, other: object, /) -> bool: ...
    def __ne__(self, other: object, /) -> bool: ...
    def __hash__(self) -> int: ...
    def __reduce__(self) -> tuple[Any, ...]: ...

def benchmark(
    actual: _Number,
    comparators: Iterable[Optional[_Number]],
    polarity: str,
    *,
    actual_in_comparators: Optional[bool] = None,
    scheme: Union[bool, Mapping[str, str], None] = None,
    unit: Optional[str] = None,
) -> Benchmark:
    """Ranks `actual` among the comparators' values for the same indicator and period (SPEC §8).
    `comparators` lists the other members of the group (set `actual_in_comparators` when it
    holds the body's own value too).
    """

_STATUS_NAMES: list[str]

def _evaluate_frame(
    data: Any,
    definitions: Definitions,
    period: Optional[_PeriodLike],
    *,
    by: Sequence[str],
    indicator: str,
    period_column: str,
    value: str,
    numerator: str,
    denominator: str,
    provisional: str,
    note: str,
    explain: bool = ...,
    text: str = ...,
    columns: Optional[Sequence[str]] = ...,
) -> Any: ...

def _read_actuals(
    data: Any,
    definitions: Definitions,
    *,
    indicator: str,
    period_column: str,
    value: str,
    numerator: str,
    denominator: str,
) -> tuple[dict[str, dict[Period, Any]], list[RagstatusError]]: ...

def _spc_frame(
    data: Any,
    settings: dict[str, Any],
    *,
    by: Sequence[str],
    value: str,
    period: Optional[str],
    denominator: Optional[str] = None,
    explain: bool = True,
) -> Any:
    """Analyses every series of an Arrow frame (see ``ragstatus.spc.spc_frame``); returns a
    ``pyarrow.RecordBatch``. The work is done without the GIL. ``explain=False`` leaves the
    ``explanation`` column null."""

def _roll_up_frame(
    data: Any,
    settings: BudgetSettings,
    *,
    group: str,
    group_columns: Optional[Sequence[str]],
    default_base: str,
    include_totals: bool,
) -> Any:
    """Rolls up an Arrow frame of budget lines (see ``ragstatus.budget.roll_up_frame``);
    returns a ``pyarrow.RecordBatch``. The work is done without the GIL."""

def _milestones_frame(
    data: Any,
    as_of: _Date,
    settings: MilestoneSettings,
) -> Any:
    """Evaluates an Arrow frame of milestones as of a date (see
    ``ragstatus.milestone.milestones_frame``); returns a ``pyarrow.RecordBatch``. The work is
    done without the GIL."""

# The icon summary (SPEC §12, Making Data Count).
__all__ += [
    "icon_svg",
    "icon_text",
]

_VariationIconName: TypeAlias = Literal[
    "common_cause",
    "improvement_high",
    "improvement_low",
    "concern_high",
    "concern_low",
    "neutral_high",
    "neutral_low",
    "too_few_points",
]
_AssuranceIconName: TypeAlias = Literal[
    "consistent_pass",
    "inconsistent",
    "consistent_fail",
    "no_better_direction",
    "no_target",
    "too_few_points",
    "no_limits",
]

class _IconRow(TypedDict):
    id: str
    name: str
    period: Optional[str]
    value: Optional[Decimal]
    target: Optional[Decimal]
    points: int
    trial_limits: bool
    variation: _VariationIconName
    assurance: _AssuranceIconName
    variation_label: str
    assurance_label: str
    summary: str

class _Icons(TypedDict):
    variation: _VariationIconName
    assurance: _AssuranceIconName
    variation_label: str
    assurance_label: str
    summary: str

def _icon_row(result: SpcResult, id: str, name: str) -> _IconRow:
    """The icon summary row of an analysis, as a dict: `id`, `name`, `period` (the last point's
    label), `value`, `target`, `points`, `trial_limits`, `variation`, `assurance`,
    `variation_label`, `assurance_label` and `summary`.
    """

def _icons_of(
    variation: Optional[str],
    assurance: Optional[str],
    improvement: str,
    has_target: bool,
    has_limits: bool,
    trial_points: Optional[int] = None,
    chart: Optional[str] = None,
    segment_points: Optional[int] = None,
) -> _Icons:
    """The icons of a series from the columns of its last point in `spc_frame`: its `point_type`
    (`variation`) and `assurance`, the improvement direction, whether a target was given,
    whether the last segment has limits and, when its limits are trial limits, its number of
    points; `chart` is the chart type (default `"xmr"`) and `segment_points` the number of
    points of the last segment (a run chart's icon needs 2). A dict with `variation`,
    `assurance`, `variation_label`, `assurance_label` and `summary`.
    """

def icon_svg(kind: Literal["variation", "assurance"], name: str) -> str:
    """The inline SVG of an icon (32 × 32 pixels, with a `<title>`): `kind` is `"variation"` or
    `"assurance"`, `name` the icon's name (`"improvement_high"`, `"consistent_pass"`, ...).
    """

def icon_text(kind: Literal["variation", "assurance"], name: str) -> tuple[str, str]:
    """An icon's short label and its sentence for a councillor: `kind` is `"variation"` or
    `"assurance"`, `name` the icon's name.
    """

# Confidence intervals and the Fingertips comparison with a benchmark (SPEC §8a).
__all__ += [
    "compare_with_benchmark",
    "dsr_interval",
    "proportion_interval",
    "rate_interval",
    "ratio_interval",
]

_Level: TypeAlias = Union[str, int, float, Decimal]

class _Interval(TypedDict):
    value: Decimal
    lower: Decimal
    upper: Decimal
    method: Literal["Wilson", "Byar", "ExactPoisson", "Dobson"]
    level: Literal["95", "99.8"]

class _Comparison(TypedDict):
    outcome: Literal["Better", "Similar", "Worse", "Higher", "Lower", "Not compared"]
    level: Optional[Literal["95", "99.8"]]
    reason: Literal[
        "ComparatorBelowInterval", "ComparatorInsideInterval", "ComparatorAboveInterval", "NoInterval"
    ]
    at_limit: bool
    preference: Literal["higher", "lower", "none"]
    comparator: Decimal
    interval: Optional[_Interval]
    explanation: str

def proportion_interval(
    count: _Number,
    denominator: _Number,
    level: Optional[_Level] = None,
    multiplier: Optional[_Number] = None,
) -> _Interval:
    """A proportion with its Wilson score interval (PHEindicatormethods ``phe_proportion``).

    ``value`` is count / denominator × ``multiplier`` (default 1; 100 for a percentage), exact;
    ``lower`` and ``upper`` are rounded to 10 significant digits. ``level`` is ``"95"``
    (default) or ``"99.8"``. Raises ``InvalidValueError`` for a negative count, a denominator not
    above zero, or a count above the denominator.
    """

def rate_interval(
    count: _Number,
    denominator: _Number,
    level: Optional[_Level] = None,
    multiplier: Optional[_Number] = None,
) -> _Interval:
    """A crude rate, count / denominator × ``multiplier`` (default 100,000), with exact Poisson
    limits below 10 events and Byar's limits from 10 (PHEindicatormethods ``phe_rate``).

    Raises ``InvalidValueError`` for a negative count or a denominator not above zero.
    """

def ratio_interval(
    observed: _Number,
    expected: _Number,
    level: Optional[_Level] = None,
    multiplier: Optional[_Number] = None,
) -> _Interval:
    """An indirectly standardised ratio, observed / expected × ``multiplier`` (default 1; 100
    for an SMR), with the limits of the observed count (PHEindicatormethods
    ``calculate_ISRatio``)."""

def dsr_interval(
    counts: Iterable[_Number],
    populations: Iterable[_Number],
    standard: Iterable[_Number],
    level: Optional[_Level] = None,
    multiplier: Optional[_Number] = None,
) -> _Interval:
    """A directly standardised rate with Dobson's interval (PHEindicatormethods ``phe_dsr``):
    one count, population and standard population weight per category (age band).

    Raises ``LengthMismatchError`` when the sequences differ in length and ``InvalidValueError``
    for a total count below 10 (not published), a population not above zero or a negative
    weight.
    """

def compare_with_benchmark(
    interval: Optional[_Interval],
    comparator: _Number,
    preference: Optional[str] = None,
    *,
    interval_998: Optional[_Interval] = None,
    name: Optional[str] = None,
) -> _Comparison:
    """Compares an area's interval with a comparator value, as Fingertips does.

    Similar when the comparator lies within the interval, limits included; otherwise Better or
    Worse by ``preference`` (``"higher"`` or ``"lower"`` is better), or Higher / Lower with
    ``"none"`` (the default). ``interval`` None gives "Not compared". With ``interval_998``
    (then ``interval`` is the 95% one) the result's ``level`` is the highest level at which the
    difference holds. ``at_limit`` flags a comparator within the precision of a limit.
    ``name`` names the comparator in ``explanation`` (default "the benchmark").
    """

# Comparator-group quantiles and the recent trend (SPEC §8a).
__all__ += [
    "quantile_bands",
    "recent_trend_intervals",
    "recent_trend_proportions",
]

class _AreaBand(TypedDict):
    value: Optional[Decimal]
    band: Optional[int]
    label: Optional[str]

class _QuantileBands(TypedDict):
    n: int
    cut_points: list[Decimal]
    areas: list[_AreaBand]
    missing: list[int]
    preference: Literal["higher", "lower", "none"]

class _RecentTrend(TypedDict):
    marker: Literal["Increasing", "Decreasing", "No significant change", "Cannot be calculated"]
    judgement: Optional[Literal["getting better", "getting worse"]]
    label: str
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
    preference: Literal["higher", "lower", "none"]

def quantile_bands(
    values: Iterable[_MaybeNumber],
    bands: Optional[int] = None,
    preference: Optional[str] = None,
) -> _QuantileBands:
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

def recent_trend_proportions(
    counts: Iterable[_MaybeNumber],
    denominators: Iterable[_MaybeNumber],
    preference: Optional[str] = None,
) -> _RecentTrend:
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

def recent_trend_intervals(
    values: Iterable[_MaybeNumber],
    lower: Iterable[_MaybeNumber],
    upper: Iterable[_MaybeNumber],
    preference: Optional[str] = None,
) -> _RecentTrend:
    """The recent trend of values with 95% confidence intervals (rates, ratios, means), as
    Fingertips' trend marker for every type other than proportions: the weighted least-squares
    gradient over the five most recent periods (given oldest first), each weighted by the
    inverse square of (upper − lower) / 3.92.

    The result reads as for ``recent_trend_proportions``; an interval of zero width cannot be
    calculated. Raises ``InvalidValueError`` for a lower limit above its upper.
    """

# Funnel plots (SPEC §8b).
__all__ += [
    "analyse_funnel",
    "funnel_limits",
]

_Statistic: TypeAlias = Literal["proportion", "rate", "ratio"]

class _FunnelLimits(TypedDict):
    denominator: Decimal
    lower_95: Decimal
    upper_95: Decimal
    lower_998: Decimal
    upper_998: Decimal

class _FunnelPoint(_FunnelLimits):
    numerator: Decimal
    value: Decimal
    position: Literal["above", "within", "below"]
    level: Optional[Literal["95", "99.8"]]
    outcome: Literal["Better", "Similar", "Worse", "Higher", "Lower"]

class _Dispersion(TypedDict):
    phi: Decimal
    tau2: Decimal
    adjusted: bool

class _Funnel(TypedDict):
    statistic: _Statistic
    multiplier: Decimal
    centre: Decimal
    dispersion: Optional[_Dispersion]
    points: list[_FunnelPoint]
    limits: list[_FunnelLimits]

def analyse_funnel(
    numerators: Iterable[_Number],
    denominators: Iterable[_Number],
    statistic: Optional[_Statistic] = None,
    *,
    multiplier: Optional[_Number] = None,
    centre: Optional[_Number] = None,
    preference: Optional[str] = None,
    overdispersion: Optional[bool] = None,
    winsor: Optional[_Number] = None,
    limits_at: Optional[Iterable[_Number]] = None,
) -> _Funnel:
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

def funnel_limits(
    denominators: Iterable[_Number],
    centre: _Number,
    statistic: Optional[_Statistic] = None,
    *,
    multiplier: Optional[_Number] = None,
    tau2: Optional[_Number] = None,
) -> list[_FunnelLimits]:
    """The funnel's limits at each of ``denominators`` around a known ``centre`` (×
    ``multiplier``): the lines to draw. ``tau2`` (from an overdispersion estimate) widens them as
    Spiegelhalter's additive random effects do.
    """

def _funnel_frame(
    data: Any,
    statistic: Optional[_Statistic],
    *,
    numerator: str,
    denominator: str,
    multiplier: Optional[_Number] = None,
    centre: Optional[_Number] = None,
    preference: Optional[str] = None,
    overdispersion: Optional[bool] = None,
    winsor: Optional[_Number] = None,
) -> Any:
    """The funnel of an Arrow frame of units (see ``ragstatus.funnel.funnel_frame``); returns a
    ``pyarrow.RecordBatch``. The work is done without the GIL."""

def _interval_frame(
    data: Any,
    statistic: Optional[_Statistic],
    *,
    numerator: str,
    denominator: str,
    multiplier: Optional[_Number] = None,
) -> Any:
    """The 95% and 99.8% intervals of every row of an Arrow frame (see
    ``ragstatus.funnel.interval_frame``); returns a ``pyarrow.RecordBatch``. The work is done
    without the GIL."""
