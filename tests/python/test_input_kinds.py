"""Every numeric kind is read by one rule (SPEC §14, issue 10).

The same value is rated the same by ``rate``, ``rate_array`` and ``evaluate_frame`` whatever
it arrives as: a Python int, float, Decimal or text, a numpy scalar or array of any dtype, a
pyarrow array, a polars or pandas Series (nullable and Arrow-backed dtypes included); or every
one of them raises ``InvalidValueError``. A float is the decimal of its own shortest text at
its own width, so a float32 ``94.95`` is ``94.95``.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any, Callable

import numpy as np
import pandas as pd
import polars as pl
import pyarrow as pa
import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

import ragstatus as rs

TARGET, TOLERANCE = Decimal("95"), Decimal("0.05")
RULE = rs.Rule(polarity="higher", tolerance={"absolute": str(TOLERANCE)})
DEFINITIONS = {
    "indicator": [
        {
            "id": "X",
            "name": "X",
            "unit": "count",
            "polarity": "higher",
            "tolerance": {"absolute": str(TOLERANCE)},
            "target": [{"value": str(TARGET)}],
        }
    ]
}
PERIOD = "2015/16 Q3"

# --- the cases of issue 10, each failing before the change -------------------------------------


def codes(actual: Any, **kw: Any) -> list[int]:
    return [int(c) for c in rs.rate_array(actual, TARGET, rule=RULE, **kw)]


def test_float32_is_read_at_its_own_width_everywhere() -> None:
    x = np.float32(94.95)
    assert rs.to_decimal(x) == Decimal("94.95")
    assert rs.rate(x, TARGET, rule=RULE).status == "Amber"
    assert codes(np.array([x])) == [rs.StatusCode.Amber]
    assert codes(pa.array([x], type=pa.float32())) == [rs.StatusCode.Amber]
    assert codes(pl.Series([x], dtype=pl.Float32)) == [rs.StatusCode.Amber]
    assert codes(pd.Series([x], dtype="float32")) == [rs.StatusCode.Amber]
    assert rs.to_decimal(np.float16(94.94)) == Decimal("94.94")
    assert codes(np.array([94.94], dtype=np.float16), decimals=2) == [rs.StatusCode.Red]
    line = rs.BudgetLine("B1", "expenditure", "gross", x, x)
    assert line.budget == Decimal("94.95")
    for column in (
        np.array([x]),
        pd.Series([x], dtype="Float32"),
        pd.Series([x], dtype=pd.ArrowDtype(pa.float32())),
    ):
        assert frame_status(pd.DataFrame({"indicator": ["X"], "period": [PERIOD], "value": column})) == "Amber"
    assert frame_status(pl.DataFrame({"indicator": ["X"], "period": [PERIOD], "value": pl.Series([x])})) == "Amber"


@pytest.mark.parametrize("lib", ["pandas", "polars"])
def test_budget_frames_keep_float32_at_its_own_width(lib: str) -> None:
    money = np.array([94.95, 100.05], dtype=np.float32)
    data = {"id": ["B1", "B2"], "kind": ["expenditure"] * 2, "base": ["gross"] * 2, "budget": money, "forecast": money}
    out = rs.roll_up_frame(pd.DataFrame(data) if lib == "pandas" else pl.DataFrame(data))
    rows = out.to_dict("records") if lib == "pandas" else out.to_dicts()
    budgets = {r["id"]: r["budget"] for r in rows}
    assert budgets["B1"] == Decimal("94.95") and budgets["B2"] == Decimal("100.05")


def test_uint64_beyond_int64_is_exact() -> None:
    big = np.array([2**63 + 5], dtype=np.uint64)
    assert codes(big) == [rs.StatusCode.Green]
    assert rs.rate(big[0], TARGET, rule=RULE).status == "Green"


def test_masked_entries_are_missing() -> None:
    x = np.ma.array([1.0, 99.0, 99.0], mask=[False, True, False])
    assert codes(x) == [0, rs.StatusCode.NoData, 2]
    ints = np.ma.array([1, 99], mask=[True, False])
    assert codes(ints) == [rs.StatusCode.NoData, 2]
    # as a target column too
    targets = np.ma.array([95.0, 95.0], mask=[False, True])
    assert list(rs.rate_array([99, 99], targets, rule=RULE)) == [2, rs.StatusCode.NoTarget]


@pytest.mark.parametrize(
    "bad",
    [
        np.array([b"12"]),
        [b"12"],
        [bytearray(b"12")],
        np.array([1 + 0j]),
        [1 + 0j],
        np.array(["2020-01-01"], dtype="datetime64[D]"),
        np.array([5], dtype="timedelta64[D]"),
        np.array(["NaT"], dtype="datetime64[D]"),
        np.ones((2, 2)),
        np.array([(1, 2.0)], dtype=[("a", "i4"), ("b", "f8")]),
        np.array([True]),
        [1e300],
        np.array([1e300] * 600),
        np.array([np.inf]),
        pa.array([1e300]),
        pa.array([b"1"]),
        pa.array([True]),
        pd.Series([1 + 0j]),
        pd.Series([True]),
        pd.Series([b"1"]),
        pd.Series(pd.to_datetime(["2020-01-01"])),
        pl.Series([True]),
        pl.Series([date(2020, 1, 1)]),
    ],
    ids=repr,
)
def test_arrays_that_are_not_numbers_are_invalid(bad: Any) -> None:
    with pytest.raises(rs.InvalidValueError):
        rs.rate_array(bad, TARGET, rule=RULE)
    with pytest.raises(rs.InvalidValueError):
        rs.rate_array(bad, TARGET, rule=RULE, decimals=1)


def test_a_bad_row_is_named() -> None:
    with pytest.raises(rs.InvalidValueError, match=r"row\[1\]"):
        rs.rate_array(np.array([1.0, 1e300]), TARGET, rule=RULE)


@pytest.mark.parametrize(
    "bad",
    [
        np.array([1.0]),
        np.void(b"ab"),
        np.datetime64("2020-01-01"),
        np.datetime64("NaT"),
        np.timedelta64(5, "D"),
        np.complex128(1),
        np.bytes_(b"1.5"),
        np.bool_(True),
        1e300,
        np.float32(np.inf),
    ],
    ids=repr,
)
def test_scalars_that_are_not_numbers_are_invalid(bad: Any) -> None:
    with pytest.raises(rs.InvalidValueError):
        rs.rate(bad, TARGET, rule=RULE)
    with pytest.raises(rs.InvalidValueError):
        rs.to_decimal(bad)


def test_declared_decimals_never_make_a_present_value_missing() -> None:
    x = 0.1 + 0.2  # 0.30000000000000004
    expected = rs.rate(x, Decimal("0.3"), polarity="higher").status
    for column in ([x], np.array([x]), np.array([x] * 600), pa.array([x])):
        got = rs.rate_array(column, Decimal("0.3"), polarity="higher", decimals=2)
        assert {rs.StatusCode(int(c)).name for c in got} == {expected}


def test_exponent_text_with_too_many_digits_is_refused_like_the_plain_form() -> None:
    for text in ("44.999999999999999999999999999999", "4.4999999999999999999999999999999e1"):
        with pytest.raises(rs.InvalidValueError):
            rs.to_decimal(text)
    assert rs.to_decimal("4.5e1") == Decimal("45")
    assert rs.to_decimal("1E-28") == Decimal("1E-28")
    assert rs.to_decimal("0e-40") == 0
    with pytest.raises(rs.InvalidValueError):
        rs.to_decimal("1e-29")
    with pytest.raises(rs.InvalidValueError):
        rs.to_decimal("1e29")


def test_a_rounded_tolerance_amount_is_an_overflow_not_a_status() -> None:
    low = Decimal("-79228162514264337593543950335")
    with pytest.raises(rs.ArithmeticOverflowError):
        rs.rate(0, low, polarity="lower", tolerance={"floor": Decimal("-1E-28")})


# --- one value, every kind ---------------------------------------------------------------------


def frame_status(df: Any) -> str:
    out = rs.evaluate_frame(df, DEFINITIONS, PERIOD)
    rows = out.to_dict("records") if isinstance(out, pd.DataFrame) else out.to_dicts()
    # The output row of the one input row (added rows, which fill gaps, have no `row`).
    (row,) = [r for r in rows if r["indicator"] == "X" and r["row"] is not None and r["row"] == r["row"]]
    if row["error"] is not None and row["error"] == row["error"]:
        raise rs.InvalidValueError(row["error"])
    return str(row["status"])


def frame(values: Any, lib: str) -> Any:
    data = {"indicator": ["X"], "period": [PERIOD], "value": values}
    return pd.DataFrame(data) if lib == "pandas" else pl.DataFrame(data)


Outcome = str  # a status name, or "invalid"


def outcome(fn: Callable[[], str]) -> Outcome:
    try:
        return fn()
    except rs.InvalidValueError:
        return "invalid"


def array_status(column: Any, **kw: Any) -> str:
    (code,) = rs.rate_array(column, TARGET, rule=RULE, **kw)
    return rs.StatusCode(int(code)).name


def kinds_of_float(x: float) -> list[tuple[str, Any, Any]]:
    """(name, scalar, column) for every way a float64 value arrives."""
    return [
        ("float", x, [x]),
        ("np.float64", np.float64(x), np.array([x])),
        ("object array", np.float64(x), np.array([x], dtype=object)),
        ("pyarrow float64", x, pa.array([x])),
        ("polars Float64", x, pl.Series([x])),
        ("pandas float64", x, pd.Series([x])),
        ("pandas Float64", x, pd.Series([x], dtype="Float64")),
        ("pandas arrow double", x, pd.Series([x], dtype="double[pyarrow]")),
    ]


def kinds_of_float32(x: np.float32) -> list[tuple[str, Any, Any]]:
    return [
        ("np.float32", x, np.array([x])),
        ("pyarrow float32", x, pa.array([x], type=pa.float32())),
        ("polars Float32", x, pl.Series([x], dtype=pl.Float32)),
        ("pandas float32", x, pd.Series([x], dtype="float32")),
        ("pandas Float32", x, pd.Series([x], dtype="Float32")),
        ("pandas arrow float", x, pd.Series([x], dtype=pd.ArrowDtype(pa.float32()))),
    ]


POLARS_INTS = {
    np.int8: pl.Int8,
    np.int16: pl.Int16,
    np.int32: pl.Int32,
    np.int64: pl.Int64,
    np.uint8: pl.UInt8,
    np.uint16: pl.UInt16,
    np.uint32: pl.UInt32,
    np.uint64: pl.UInt64,
}


def kinds_of_int(i: int) -> list[tuple[str, Any, Any]]:
    out: list[tuple[str, Any, Any]] = [
        ("int", i, [i]),
        ("text", str(i), [str(i)]),
        ("Decimal", Decimal(i), [Decimal(i)]),
        ("pyarrow string", str(i), pa.array([str(i)])),
        ("pandas Int64", i, pd.Series([i], dtype="Int64") if abs(i) < 2**63 else [i]),
    ]
    for dtype in (np.int8, np.int16, np.int32, np.int64, np.uint8, np.uint16, np.uint32, np.uint64):
        info = np.iinfo(dtype)
        if info.min <= i <= info.max:
            out.append((dtype.__name__, dtype(i), np.array([i], dtype=dtype)))
            out.append((f"pyarrow {dtype.__name__}", i, pa.array([i], type=pa.from_numpy_dtype(dtype))))
            out.append((f"polars {dtype.__name__}", i, pl.Series([i], dtype=POLARS_INTS[dtype])))
    return out


def kinds_of_decimal(d: Decimal) -> list[tuple[str, Any, Any]]:
    exp = d.as_tuple().exponent
    scale = -exp if isinstance(exp, int) and exp < 0 else 0
    out: list[tuple[str, Any, Any]] = [
        ("Decimal", d, [d]),
        ("text", str(d), [str(d)]),
        ("object array", d, np.array([d], dtype=object)),
    ]
    if len(d.as_tuple().digits) + max(0, exp if isinstance(exp, int) else 0) <= 38 and scale <= 28:
        out.append(("pyarrow decimal128", d, pa.array([d], type=pa.decimal128(38, scale))))
        out.append(("pyarrow decimal256", d, pa.array([d], type=pa.decimal256(76, scale))))
        out.append(("polars Decimal", d, pl.Series([d], dtype=pl.Decimal(38, scale))))
        out.append(("pandas arrow decimal", d, pd.Series([d], dtype=pd.ArrowDtype(pa.decimal128(38, scale)))))
    return out


def check_same(kinds: list[tuple[str, Any, Any]], libs_value: Any) -> None:
    answers: dict[str, Outcome] = {}
    for name, scalar, column in kinds:
        answers[f"rate({name})"] = outcome(lambda: rs.rate(scalar, TARGET, rule=RULE).status)
        answers[f"rate_array({name})"] = outcome(lambda: array_status(column))
        answers[f"rate_array({name}, decimals=2)"] = outcome(lambda: array_status(column, decimals=2))
    for lib in ("pandas", "polars"):
        try:
            df = frame(libs_value, lib)
        except (OverflowError, TypeError, ValueError, RuntimeError):
            continue  # the library holds no such column
        answers[f"evaluate_frame({lib})"] = outcome(lambda: frame_status(df))
    assert len(set(answers.values())) == 1, answers


floats = st.one_of(
    st.floats(allow_nan=False, allow_infinity=False),
    st.floats(min_value=90, max_value=100).map(lambda v: round(v, 2)),
    st.sampled_from([94.95, 94.94999999999999, 95.0, 0.1 + 0.2, 1e28, 1e29, 1e300, -0.0, 5e-324]),
)


@settings(max_examples=60)
@given(floats)
def test_a_float64_is_rated_the_same_by_every_kind(x: float) -> None:
    check_same(kinds_of_float(x), [x])


@settings(max_examples=60)
@given(st.one_of(st.floats(width=32, allow_nan=False), st.floats(min_value=90, max_value=100, width=32)))
def test_a_float32_is_rated_the_same_by_every_kind(v: float) -> None:
    x = np.float32(v)
    check_same(kinds_of_float32(x), np.array([x]))


@settings(max_examples=60)
@given(st.one_of(st.integers(), st.integers(min_value=90, max_value=100), st.integers(2**62, 2**64)))
def test_an_integer_is_rated_the_same_by_every_kind(i: int) -> None:
    check_same(kinds_of_int(i), [i])


@settings(max_examples=60)
@given(
    st.one_of(
        st.decimals(allow_nan=False, allow_infinity=False, places=3, min_value=-1000, max_value=1000),
        st.decimals(allow_nan=False, allow_infinity=False),
    )
)
# Wider than a Decimal's 96 bits at its own scale, the same number with one trailing zero less:
# Arrow decimal columns once refused what the text and the Decimal object read.
@example(Decimal("1888045913790861181987348.95890"))
def test_a_decimal_is_rated_the_same_by_every_kind(d: Decimal) -> None:
    check_same(kinds_of_decimal(d), [d])


@settings(max_examples=60)
@given(st.one_of(st.floats(width=16, allow_nan=False), st.floats(min_value=90, max_value=100, width=16)))
def test_a_float16_is_rated_the_same_by_every_kind(v: float) -> None:
    x = np.float16(v)
    kinds: list[tuple[str, Any, Any]] = [
        ("np.float16", x, np.array([x])),
        ("pyarrow float16", x, pa.array(np.array([x]))),
    ]
    check_same(kinds, np.array([x]))
    # longdouble: its own shortest text at its own (wider) width, the same in rate and rate_array
    wide = np.longdouble(x) / np.longdouble(3)
    assert outcome(lambda: rs.rate(wide, TARGET, rule=RULE).status) == outcome(
        lambda: array_status(np.array([wide]))
    )
    if np.isfinite(x):
        # numpy's own shortest text at the value's width
        assert rs.to_decimal(x) == Decimal(str(x))


# --- a frame's text cells read as the CSV files read them ----------------------------------------


@pytest.mark.parametrize("make", [pd.DataFrame, pl.DataFrame])
def test_nan_text_in_a_frame_is_an_error_as_in_a_csv_file(make: Callable[..., Any]) -> None:
    # "nan" is what `astype(str)` writes for a missing float: the CSV reader has always refused
    # it, and the frame now names the row too instead of reading it as no value.
    frame = make({"indicator": ["X", "X"], "period": [PERIOD, "2015/16 Q4"], "value": ["nan", " "]})
    out = rs.evaluate_frame(frame, DEFINITIONS)
    out = out.to_pandas() if isinstance(out, pl.DataFrame) else out
    bad = out[out["period"].astype(str) == PERIOD]
    assert bad["error_kind"].astype(str).tolist() == ["InvalidValue"]
    assert "nan" in bad["error"].iloc[0]
    blank = out[out["period"].astype(str) == "2015/16 Q4"]
    assert blank["status"].astype(str).tolist() == ["NoData"]


def test_budget_amounts_as_text_read_as_the_budget_csv_reads_them() -> None:
    csv = "id,kind,base,budget,forecast\nA1,expenditure,gross,\"£46,267\",£1.2m\n"
    lines, errors = rs.read_budget_csv(csv)
    assert errors == []
    frame = pd.DataFrame(
        {"id": ["A1"], "kind": ["expenditure"], "budget": ["£46,267"], "forecast": ["£1.2m"]}
    )
    out = rs.roll_up_frame(frame, include_totals=False)
    assert out["error"].isna().all()
    assert Decimal(str(out["budget"].iloc[0])) == lines[0].budget == Decimal("46267")
    assert Decimal(str(out["forecast"].iloc[0])) == lines[0].forecast == Decimal("1200000")


def test_percent_complete_and_provisional_text_read_as_in_the_csv_files() -> None:
    milestones = pd.DataFrame({"id": ["M1"], "due": ["2016-03-31"], "percent_complete": ["60%"]})
    out = rs.milestones_frame(milestones, "2016-01-15")
    assert out["error"].isna().all()
    frame = pd.DataFrame(
        {
            "indicator": ["X", "X"],
            "period": [PERIOD, "2015/16 Q4"],
            "value": ["96", "96"],
            "provisional": ["p", "maybe"],
        }
    )
    out = rs.evaluate_frame(frame, DEFINITIONS)
    assert out["provisional"].iloc[0]
    assert out["error_kind"].astype(str).tolist()[1] == "InvalidValue"


def test_float16_is_read_at_its_own_width_in_frames_too() -> None:
    # A float16 12.8 is 12.796875 widened: frames read it as 12.8, as rate and rate_array do
    # (the frame path used to widen it and rate it Amber against a target of 12.8).
    x = np.array([12.8], dtype=np.float16)
    rule = rs.Rule(polarity="higher", tolerance={"absolute": "0.3"})
    assert rs.rate(x[0], "12.8", rule=rule).status == "Green"
    assert [int(c) for c in rs.rate_array(x, "12.8", rule=rule)] == [rs.StatusCode.Green]
    assert [int(c) for c in rs.rate_array(pa.array(x), "12.8", rule=rule)] == [rs.StatusCode.Green]
    definitions = {"indicator": [{**DEFINITIONS["indicator"][0], "target": [{"value": "12.8"}]}]}
    out = rs.evaluate_frame(pd.DataFrame({"indicator": ["X"], "period": [PERIOD], "value": x}), definitions)
    assert out["actual"].tolist() == [Decimal("12.8")]
    assert str(out["status"].iloc[0]) == "Green"
    series = pd.DataFrame({"series": ["a"] * 2, "period": ["2015/16 Q1", "2015/16 Q2"], "value": np.repeat(x, 2)})
    assert rs.spc_frame(series, by="series")["value"].tolist() == [Decimal("12.8")] * 2


def test_rate_array_reads_dictionary_columns_as_the_frames_do() -> None:
    # A categorical of numbers written as text: the frames always read it; rate_array refused it.
    codes_of = rs.rate_array(pd.Series(["12.8", "12.4", None], dtype="category"), "12.8", polarity="higher")
    assert [rs.StatusCode(int(c)).name for c in codes_of] == ["Green", "Red", "NoData"]
    with pytest.raises(rs.InvalidValueError, match=r"actual\[1\]|row\[1\]"):
        rs.rate_array(pa.array(["12.8", "n/a"]).dictionary_encode(), "12.8", polarity="higher")
