"""The shared conformance vectors (tests/vectors/*.json), run through the Python API.

Each vector file has a ``kind``; the shape of its cases is documented at the top of the Rust
harness ``crates/ragstatus/tests/vectors_<kind>.rs``. Every file found is collected: a kind the
Python package does not run yet is reported as a visible skip with its reason, never dropped.
Every case of a file is run and the test fails listing every failing case by name.
"""

from __future__ import annotations

import datetime
import decimal
import json
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path
from typing import Any, Optional

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

    def run() -> rs.IndicatorResult:
        defs = rs.Definitions({"calendar": inp.get("calendar", {}), "indicator": [inp["indicator"]]})
        indicator = defs.indicators[0]
        return indicator.evaluate(inp["period"], inp["series"])

    if check_error(exp, run):
        return
    r = run()
    for field, want in exp.items():
        if field in ("actual", "target", "stretch"):
            dec_equal(field, getattr(r, field), want)
        elif field in ("previous", "year_ago"):
            check(field, getattr(r, field).direction, want)
        elif field in ("status", "measured", "no_value", "direction", "sentence"):
            check(field, getattr(r, field), want)
        else:
            raise Mismatch(f"unknown expected field {field!r}")


# --- budget, amounts, milestones ----------------------------------------------------------------


def same_json(field: str, got: object, want: object) -> None:
    """Text that reads as decimals compares by value; everything else exactly."""
    if isinstance(want, str) and isinstance(got, str) and want != got:
        try:
            if Decimal(want) == Decimal(got):
                return
        except ArithmeticError:
            pass
    check(field, got, want)


def run_budget(case: Case) -> None:
    inp, exp = case["input"], case["expected"]

    def run() -> rs.BudgetReport:
        report = rs.budget_report(inp["lines"], inp.get("settings"))
        if "error" in exp and report.errors:
            raise report.errors[0]
        return report

    if check_error(exp, run):
        return
    report = run()
    for id_, fields in exp["results"].items():
        result = report.get(id_)
        assert result is not None, f"no result {id_!r}"
        for field, want in fields.items():
            got = result["explanation"].get(field) if field in ("sentence", "rule") else result.get(field)
            same_json(f"{id_}.{field}", got, want)
    want_errors = exp.get("errors", [])
    check("number of line errors", len(report.errors), len(want_errors))
    for err, want in zip(report.errors, want_errors):
        check("line error kind", err.kind, want["error"])
        if "indicator" in want:
            check("line error indicator", err.indicator, want["indicator"])


def run_amount(case: Case) -> None:
    inp, exp = case["input"], case["expected"]

    def run() -> Decimal:
        return rs.read_amount(inp["text"], inp["unit"])

    if check_error(exp, run):
        return
    dec_equal("value", run(), exp["value"])


def run_milestone(case: Case) -> None:
    inp, exp = case["input"], case["expected"]
    if "date" in inp:

        def parse() -> datetime.date:
            return rs.read_date(inp["date"])

        if check_error(exp, parse):
            return
        check("date", parse().isoformat(), exp["value"])
        return

    def run() -> rs.MilestoneResult:
        return rs.milestone_status(
            inp["milestone"], datetime.date.fromisoformat(inp["as_of"]), inp.get("settings")
        )

    if check_error(exp, run):
        return
    r = run().to_dict()
    for field, want in exp.items():
        if field in ("state", "status", "completed", "due", "as_of"):
            got = r.get(field) if field != "status" else run().status
        else:
            got = r["explanation"].get(field)
        same_json(field, got, want)


# --- SPC and benchmarking -----------------------------------------------------------------------


def _round_sf(text: Any, digits: Optional[int]) -> Any:
    if not isinstance(text, str):
        return text
    d = Decimal(text)
    if digits is None or d == 0:
        return d
    return decimal.Context(prec=digits, rounding=decimal.ROUND_HALF_EVEN).plus(d)


def run_spc(case: Case) -> None:
    inp, exp = case["input"], case["expected"]

    def run() -> rs.SpcResult:
        return rs.spc(inp["values"], inp.get("settings"), inp.get("labels"))

    if check_error(exp, run):
        return
    got = run().to_dict()
    digits = exp.get("significant_digits")
    points = got["points"]
    for i, (want, have) in enumerate(zip(exp.get("segments", []), got["segments"])):
        for key, wv in want.items():
            hv = have[key] if key in have else have["limits"][key]
            if isinstance(wv, str) or (wv is None and not isinstance(hv, int)):
                check(f"segment {i} {key}", _round_sf(hv, digits), _round_sf(wv, digits))
            else:
                check(f"segment {i} {key}", hv, wv)
    if "segments" in exp:
        check("segments", len(got["segments"]), len(exp["segments"]))
    if "point_types" in exp:
        check("point_types", [p["point_type"] for p in points], exp["point_types"])
    for rule, want in exp.get("flagged", {}).items():
        check(f"flagged {rule}", [p["index"] for p in points if rule in p["rules"]], want)
    if "moving_ranges" in exp:
        have = [_round_sf(p["moving_range"], None) for p in points]
        check("moving_ranges", have, [_round_sf(w, None) for w in exp["moving_ranges"]])
    if "moving_range_used" in exp:
        check("moving_range_used", [p["moving_range_used"] for p in points], exp["moving_range_used"])
    for key in ("variation", "assurance", "explanation"):
        if key in exp:
            check(key, got[key], exp[key])
    for index, text in exp.get("explanations", {}).items():
        check(f"explanation {index}", points[int(index)]["explanation"], text)
    if "signals" in exp:
        check("signals", [s["explanation"] for s in got["signals"]], exp["signals"])


def run_benchmarking(case: Case) -> None:
    inp, exp = case["input"], case["expected"]

    def run() -> rs.Benchmark:
        return rs.benchmark(inp["actual"], inp["comparators"], inp["settings"])

    if check_error(exp, run):
        return
    got = run().to_dict()
    for field, want in exp.items():
        same_json(field, got.get(field), want)


RUNNERS: dict[str, Runner] = {
    "period": run_period,
    "values": run_values,
    "direction": run_direction,
    "summary": run_summary,
    "rag": run_rag,
    "scheme": run_scheme,
    "target": run_target,
    "indicators": run_indicators,
    "budget": run_budget,
    "amount": run_amount,
    "milestone": run_milestone,
    "spc": run_spc,
    "benchmarking": run_benchmarking,
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
