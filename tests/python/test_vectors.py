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


def dec_equal(field: str, got: object, want: object) -> None:
    """Decimals compare by value ("2.0" equals "2"); null is None."""
    if want is None or got is None:
        check(field, got, want)
        return
    if isinstance(want, dict):
        assert isinstance(got, tuple), f"{field}: got {got!r}, expected a range {want!r}"
        check(field, got, (Decimal(want["low"]), Decimal(want["high"])))
        return
    check(field, Decimal(str(got)), Decimal(want))


def target_of(v: Any) -> Any:
    if v is None or isinstance(v, str):
        return v
    return (v["low"], v["high"])


# --- values -------------------------------------------------------------------------------------


def run_values(case: Case) -> None:
    inp, exp = case["input"], case["expected"]
    op = inp["op"]

    def run() -> object:
        if op == "resolve":
            return rs.resolve(inp["observation"], inp["multiplier"])
        if op == "aggregate":
            return rs.aggregate(inp["aggregation"], inp["observations"], inp["multiplier"])
        if op == "round":
            return rs.Rounding(inp["decimals"], inp["mode"]).apply(inp["value"])
        if op == "from_f64":
            try:
                return rs.to_decimal(inp["float"])
            except rs.InvalidValueError:
                return None
        raise Mismatch(f"unknown op {op!r}")

    if check_error(exp, run):
        return
    got = run()
    if isinstance(got, rs.Resolved):
        if "value" in exp:
            dec_equal("value", got.value, exp["value"])
        if "no_value" in exp:
            check("no_value", got.no_value, exp["no_value"])
        return
    dec_equal("value", got, exp["value"])


# --- direction ----------------------------------------------------------------------------------


def run_direction(case: Case) -> None:
    inp, exp = case["input"], case["expected"]
    kwargs = {"range": inp.get("range"), "stable": inp.get("stable")}

    def run() -> rs.Travel:
        if inp["op"] == "compare":
            return rs.compare_direction(inp["polarity"], inp["actual"], inp["comparison"], **kwargs)
        return rs.direction_by_regression(inp["polarity"], inp["values"], **kwargs)

    if check_error(exp, run):
        return
    t = run()
    check("direction", t.direction, exp["direction"])
    if "change" in exp:
        dec_equal("change", t.change, exp["change"])


# --- summary ------------------------------------------------------------------------------------


def _check_group(name: str, g: rs.GroupSummary, want: dict[str, Any], decimals: Any) -> None:
    for field, w in want.items():
        if field == "roll_up":
            check(f"{name}.roll_up", g.roll_up, w)
        elif field == "percent_on_target":
            dec_equal(f"{name}.percent_on_target", g.counts.percent_on_target, w)
        elif field == "percent_on_target_display":
            dec_equal(f"{name}.display", g.counts.percent_on_target_rounded(decimals), w)
        else:
            check(f"{name}.{field}", getattr(g.counts, field), w)


def run_summary(case: Case) -> None:
    inp, exp = case["input"], case["expected"]

    def run() -> rs.Summary:
        return rs.summarize(inp["items"], inp.get("rule"))

    if check_error(exp, run):
        return
    s = run()
    decimals = inp.get("display_decimals")
    if "overall" in exp:
        _check_group("overall", s.overall, exp["overall"], decimals)
    for path, want in exp.get("groups", {}).items():
        g = s.group(path.split(" > "))
        assert g is not None, f"no group {path!r}"
        _check_group(path, g, want, decimals)


# --- rating: rag, scheme, target ----------------------------------------------------------------


def run_rag(case: Case) -> None:
    inp, exp = case["input"], case["expected"]

    def run() -> rs.Rating:
        r = rs.rate(
            inp["actual"],
            target_of(inp["target"]),
            polarity=inp["polarity"],
            tolerance=inp["tolerance"],
            stretch=inp["stretch"],
            blue=inp.get("blue", True),
            not_due=inp.get("not_due", False),
            no_value_reason=inp.get("no_value_reason"),
        ).explained(inp.get("unit"), inp.get("decimals"))
        if "override" in inp:
            o = inp["override"]
            r = r.with_override(o["status"], o["reason"], o["by"])
        return r

    if check_error(exp, run):
        return
    r = run()
    check("status", r.status, exp["status"])
    for field in ("shortfall", "tolerance_amount"):
        if field in exp:
            dec_equal(field, getattr(r, field), exp[field])
    if "computed" in exp:
        check("computed", r.computed, exp["computed"])
    if "fired" in exp:
        want = exp["fired"]
        check("fired", r.fired, want if isinstance(want, str) else next(iter(want)))
    if "sentence" in exp:
        check("sentence", r.sentence, exp["sentence"])
    # Every rated sentence ends with the computed status; unrated ones say it in words.
    if r.computed in ("Red", "Amber", "Green", "Blue"):
        assert r.sentence is not None and f": {r.computed}" in r.sentence, r.sentence


def run_scheme(case: Case) -> None:
    inp, exp = case["input"], case["expected"]
    if "actual" not in inp:
        if check_error(exp, lambda: rs.Scheme(inp["scheme"])):
            return
        scheme = rs.Scheme(inp["scheme"])
        check("round trip", rs.Scheme(scheme.to_dict()), scheme)
        return

    def run() -> rs.Rating:
        r = rs.rate(
            inp["actual"],
            target_of(inp.get("target")),
            polarity=inp["polarity"],
            scheme=inp["scheme"],
        )
        if "unit" in inp or "decimals" in inp:
            r = r.explained(inp.get("unit"), inp.get("decimals"))
        return r

    if check_error(exp, run):
        return
    r = run()
    check("status", r.status, exp["status"])
    if "band" in exp:
        check("band", r.band, exp["band"])
    if "measure" in exp:
        dec_equal("measure", r.measure_value, exp["measure"])
    if "sentence" in exp:
        check("sentence", r.sentence, exp["sentence"])


def run_target(case: Case) -> None:
    inp, exp = case["input"], case["expected"]

    def run() -> tuple[Any, Any]:
        spec = rs.TargetSpec(inp["spec"])
        return spec.target_for(inp["k"], inp["n"]), spec.stretch_for(inp["k"], inp["n"])

    if check_error(exp, run):
        return
    target, stretch = run()
    dec_equal("target", target, exp["target"])
    if "stretch" in exp:
        dec_equal("stretch", stretch, exp["stretch"])


# --- indicators ---------------------------------------------------------------------------------


def run_indicators(case: Case) -> None:
    inp, exp = case["input"], case["expected"]

    def indicator() -> rs.Indicator:
        defs = rs.Definitions({"calendar": inp.get("calendar", {}), "indicator": [inp["indicator"]]})
        return defs.indicators[0]

    def run() -> rs.IndicatorResult:
        return indicator().evaluate(inp["period"], inp["series"])

    if check_error(exp, run):
        return
    r = run()
    for field, want in exp.items():
        if field == "spc":
            spc = indicator().spc(inp["period"], inp["series"])
            if want is None or spc is None:
                check("spc", spc, want)
                continue
            got = {
                "points": [p.label for p in spc.points],
                "variation": spc.variation,
                "assurance": spc.assurance,
                "target": None if spc.target is None else str(spc.target),
                "segment_starts": [seg.start for seg in spc.segments],
            }
            for key, w in want.items():
                if key == "target" and w is not None:
                    dec_equal("spc.target", spc.target, w)
                else:
                    check(f"spc.{key}", got[key], w)
            continue
        if field in ("actual", "target", "stretch"):
            dec_equal(field, getattr(r, field), want)
        elif field in ("previous", "year_ago"):
            check(field, getattr(r, field).direction, want)
        elif field in ("status", "measured", "no_value", "direction", "sentence"):
            check(field, getattr(r, field), want)
        else:
            raise Mismatch(f"unknown expected field {field!r}")


# --- number -------------------------------------------------------------------------------------


def run_number(case: Case) -> None:
    inp, exp = case["input"], case["expected"]

    def run() -> object:
        if inp["form"] == "plain":
            # to_decimal reads text with the same reader; both must agree.
            value = rs.parse_number(inp["text"])
            check("to_decimal", rs.to_decimal(inp["text"]), value)
            return value
        return rs.parse_number(inp["text"], inp["form"], inp.get("unit"))

    if check_error(exp, run):
        return
    got = run()
    check("value", got, Decimal(exp["value"]))
    check("scale", format(got, "f"), exp["value"])


RUNNERS: dict[str, Runner] = {
    "period": run_period,
    "values": run_values,
    "direction": run_direction,
    "summary": run_summary,
    "rag": run_rag,
    "scheme": run_scheme,
    "target": run_target,
    "indicators": run_indicators,
    "number": run_number,
}

# Kinds whose vectors run through the Python API in their own test module (which checks the same
# fields as the Rust harness); reported here as skips naming that module.
ELSEWHERE: dict[str, str] = {
    "budget": "test_budget.py",
    "amount": "test_budget.py",
    "milestone": "test_milestone.py",
    "spc": "test_spc.py",
    "benchmarking": "test_benchmarking.py",
    "intervals": "test_intervals.py",
}

# Kinds whose Python support is not there yet: reported as skips with this reason.
NOT_YET: dict[str, str] = {}


def vector_files() -> list[Any]:
    params = []
    for path in sorted(VECTORS.glob("*.json")):
        kind = json.loads(path.read_text(encoding="utf-8"))["kind"]
        marks = []
        if kind in ELSEWHERE:
            marks.append(pytest.mark.skip(reason=f"kind {kind!r} runs in tests/python/{ELSEWHERE[kind]}"))
        elif kind not in RUNNERS:
            reason = NOT_YET.get(kind, f"vector kind {kind!r} has no Python runner yet")
            marks.append(pytest.mark.skip(reason=reason))
        params.append(pytest.param(path, id=f"{path.stem}[{kind}]", marks=marks))
    return params


def test_vector_files_exist() -> None:
    assert list(VECTORS.glob("*.json")), f"no vector files in {VECTORS}"


def test_kinds_run_elsewhere_are_run_there() -> None:
    here = Path(__file__).resolve().parent
    for path in sorted(VECTORS.glob("*.json")):
        kind = json.loads(path.read_text(encoding="utf-8"))["kind"]
        if kind in ELSEWHERE:
            assert path.name in (here / ELSEWHERE[kind]).read_text(encoding="utf-8"), path.name


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
