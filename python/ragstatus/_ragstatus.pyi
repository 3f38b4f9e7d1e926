"""Type stubs for the compiled module ``ragstatus._ragstatus``."""

from decimal import Decimal
from typing import Any, Optional, Union

__version__: str
__all__ = [
    "__version__",
    "ArithmeticOverflowError",
    "DefinitionError",
    "DuplicateError",
    "FileError",
    "InvalidValueError",
    "LengthMismatchError",
    "MissingFieldError",
    "ParseError",
    "PeriodLabelError",
    "RagstatusError",
    "SchemeError",
    "UnknownIndicatorError",
    "to_decimal",
]

_Number = Union[Decimal, int, float, str]

class RagstatusError(ValueError):
    kind: Optional[str]
    details: Optional[dict[str, Any]]
    indicator: Optional[str]
    period: Optional[str]
    field: Optional[str]
    file: Optional[str]
    line: Optional[int]
    column: Optional[str]

class PeriodLabelError(RagstatusError): ...
class InvalidValueError(RagstatusError): ...
class DefinitionError(RagstatusError): ...
class SchemeError(DefinitionError): ...
class MissingFieldError(RagstatusError): ...
class UnknownIndicatorError(RagstatusError): ...
class DuplicateError(RagstatusError): ...
class LengthMismatchError(RagstatusError): ...
class ArithmeticOverflowError(RagstatusError): ...
class ParseError(RagstatusError): ...
class FileError(RagstatusError): ...

def to_decimal(value: _Number) -> Decimal: ...
