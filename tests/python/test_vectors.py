"""The shared conformance vectors (tests/vectors/*.json), run through the Python API.

Each vector file has a ``kind``; the shape of its cases is documented at the top of the Rust
harness ``crates/ragstatus/tests/vectors_<kind>.rs``. Every file found is collected: a kind the
Python package does not run yet is reported as a visible skip with its reason, never dropped.
Every case of a file is run and the test fails listing every failing case by name.
"""

from __future__ import annotations

import datetime
import json
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

import ragstatus as rs

VECTORS = Path(__file__).resolve().parents[2] / "tests" / "vectors"

Case = dict[str, Any]
Runner = Callable[[Case], None]


class Mismatch(AssertionError):
    pass


def check(field: str, got: object, want: object) -> None:
    if got != want:
        raise Mismatch(f"{field}: got {got!r}, expected {want!r}")


def dec(text: str | None) -> Decimal | None:
    return None if text is None else Decimal(text)


def check_error(expected: dict[str, Any], run: Callable[[], object]) -> bool:
    """Runs a case expected to fail; returns False when the case is not an error case."""
    if "error" not in expected:
        return False
    try:
        got = run()
    except rs.RagstatusError as err:
        check("error kind", err.kind, expected["error"])
        for part in ("field", "indicator", "period", "file", "line", "column"):
            if part in expected:
                check(f"error {part}", getattr(err, part), expected[part])
        return True
    raise Mismatch(f"expected error {expected['error']}, got {got!r}")


# --- period -------------------------------------------------------------------------------------


def _label_or_none(step: Callable[[], rs.Period]) -> str | None:
    try:
        return step().label
    except rs.RagstatusError:
        return None


def run_period(case: Case) -> None:
    inp, exp = case["input"], case["expected"]
    start_month = inp.get("start_month", 4)
    if "date" in inp:
        date = datetime.date.fromisoformat(inp["date"])

        def run_date() -> object:
            cal = rs.FiscalCalendar(start_month)
            return {k: cal.period_of(date, k).label for k in ("month", "quarter", "half", "year")}

        if check_error(exp, run_date):
            return
        got = run_date()
        assert isinstance(got, dict)
        for field, want in exp.items():
            check(field, got[field], want)
        return

    def parse() -> rs.Period:
        return rs.Period(inp["label"], start_month)

    if check_error(exp, parse):
        return
    p = parse()
    check("round trip", rs.Period(p.label, start_month), p)
    ytd = p.year_to_date()
    getters: dict[str, Callable[[], object]] = {
        "canonical": lambda: p.label,
        "kind": lambda: p.kind,
        "first": lambda: p.first_date.isoformat(),
        "last": lambda: p.last_date.isoformat(),
        "days": lambda: p.days,
        "previous": lambda: _label_or_none(p.previous),
        "next": lambda: _label_or_none(p.next),
        "year_ago": lambda: _label_or_none(p.year_ago),
        "fiscal_year": lambda: p.fiscal_year.label,
        "position": lambda: list(p.position),
        "ytd_first": lambda: ytd.first_date.isoformat(),
        "ytd_last": lambda: ytd.last_date.isoformat(),
        "ytd_month_count": lambda: ytd.month_count,
        "ytd_quarters": lambda: [q.label for q in ytd.quarters()],
        "months": lambda: [m.label for m in p.months()],
        "contains": lambda: {d: p.contains(datetime.date.fromisoformat(d)) for d in exp["contains"]},
    }
    for field, want in exp.items():
        if field not in getters:
            raise Mismatch(f"unknown expected field {field!r}")
        check(field, getters[field](), want)


RUNNERS: dict[str, Runner] = {
    "period": run_period,
}

# Kinds whose Python support is not there yet: reported as skips with this reason.
NOT_YET: dict[str, str] = {}


def vector_files() -> list[Any]:
    params = []
    for path in sorted(VECTORS.glob("*.json")):
        kind = json.loads(path.read_text(encoding="utf-8"))["kind"]
        marks = []
        if kind not in RUNNERS:
            reason = NOT_YET.get(kind, f"vector kind {kind!r} has no Python runner yet")
            marks.append(pytest.mark.skip(reason=reason))
        params.append(pytest.param(path, id=f"{path.stem}[{kind}]", marks=marks))
    return params


def test_vector_files_exist() -> None:
    assert list(VECTORS.glob("*.json")), f"no vector files in {VECTORS}"


@pytest.mark.parametrize("path", vector_files())
def test_vectors(path: Path) -> None:
    data = json.loads(path.read_text(encoding="utf-8"))
    runner = RUNNERS[data["kind"]]
    cases = data["cases"]
    assert cases, f"{path.name} has no cases"
    failures = []
    for case in cases:
        try:
            runner(case)
        except Exception as exc:  # noqa: BLE001 - every failure is listed, whatever it is
            failures.append(f"{case['name']}: {type(exc).__name__}: {exc}")
    assert not failures, f"{len(failures)} of {len(cases)} cases failed:\n" + "\n".join(failures)
