"""Numbers crossing into ragstatus: decimals exact, floats by their shortest repr."""

from decimal import Decimal

import numpy as np
import pytest

import ragstatus
from ragstatus import InvalidValueError, RagstatusError, to_decimal


@pytest.mark.parametrize(
    ("given", "expected"),
    [
        (94.95, Decimal("94.95")),
        (0.1, Decimal("0.1")),
        (1e-7, Decimal("0.0000001")),
        (-0.0, Decimal("0")),
        (45, Decimal("45")),
        (2**70, Decimal(2**70)),
        ("94.950", Decimal("94.950")),
        ("1e3", Decimal("1000")),
        (Decimal("44.1"), Decimal("44.1")),
        (np.float64(94.95), Decimal("94.95")),
        (np.int32(7), Decimal("7")),
    ],
)
def test_numbers_are_read_exactly(given: object, expected: Decimal) -> None:
    got = to_decimal(given)  # type: ignore[arg-type]
    assert isinstance(got, Decimal)
    assert got == expected


def test_float_is_not_its_binary_expansion() -> None:
    # Decimal(94.95) is the binary float's exact value; ragstatus takes the shortest repr.
    assert Decimal(94.95) != Decimal("94.95")
    assert to_decimal(94.95) == Decimal("94.95")


@pytest.mark.parametrize(
    "bad",
    [True, "n/a", "", None, float("nan"), float("inf"), Decimal("NaN"), 1e300, 2**100, object(), [1]],
)
def test_bad_numbers_raise_invalid_value(bad: object) -> None:
    with pytest.raises(InvalidValueError) as info:
        to_decimal(bad)  # type: ignore[arg-type]
    err = info.value
    assert isinstance(err, RagstatusError)
    assert isinstance(err, ValueError)
    assert err.kind == "InvalidValue"
    assert err.details is not None and "found" in err.details


def test_error_classes_form_a_hierarchy() -> None:
    for name in ragstatus.__all__:
        obj = getattr(ragstatus, name)
        if isinstance(obj, type) and issubclass(obj, Exception):
            assert issubclass(obj, RagstatusError)
            assert obj.__module__ == "ragstatus"
            # Location attributes exist on every class, so reading them never fails.
            for attr in ("indicator", "period", "field", "file", "line", "column", "kind"):
                assert getattr(obj, attr) is None
    assert issubclass(ragstatus.SchemeError, ragstatus.DefinitionError)
    assert not issubclass(ragstatus.ArithmeticOverflowError, OverflowError)
