"""The shared conformance vectors (tests/vectors/*.json), run through the Python API.

Each vector file has a ``kind``; the shape of its cases is documented at the top of the Rust
harness ``crates/ragstatus/tests/vectors_<kind>.rs``. Every kind has its runner in the one table
``RUNNERS`` below, which checks the same fields as that harness. Every file found is collected: a
kind the Python package does not run yet is reported as a visible skip with its reason, never
dropped. Every case of a file is run and the test fails listing every failing case by name.
"""

from __future__ import annotations

import datetime
import json
from collections.abc import Callable
from decimal import ROUND_HALF_UP, Decimal
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
        elif field == "trend":
            if want is None or r.trend is None:
                check("trend", r.trend, want)
                continue
            for key, w in want.items():
                have = getattr(r.trend, key)
                if not same(w, have):
                    raise Mismatch(f"trend.{key}: got {have!r}, expected {w!r}")
        elif field == "recent_trend":
            trend = r.recent_trend
            if want is None or trend is None:
                check("recent_trend", trend, want)
                continue
            for key, w in want.items():
                have: Any = trend[key]  # type: ignore[literal-required]
                if key == "marker":
                    w = TREND_MARKERS[w]
                elif key == "judgement":
                    w = TREND_JUDGEMENTS[w]
                if not same(w, have):
                    raise Mismatch(f"recent_trend.{key}: got {have!r}, expected {w!r}")
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


# --- kinds that list every problem of a case: budget, milestone, spc, benchmarking ----------------


def same(want: Any, got: Any) -> bool:
    """Decimals compare as numbers (``"1.40"`` equals ``Decimal("1.4")``), dates as ISO text; the
    rest exactly."""
    if isinstance(want, str) and isinstance(got, Decimal):
        try:
            return Decimal(want) == got
        except ArithmeticError:
            return False
    if isinstance(want, str) and isinstance(got, datetime.date):
        return got.isoformat() == want
    return bool(want == got)


def error_problems(err: rs.RagstatusError, want: dict[str, Any]) -> list[str]:
    problems = []
    if err.kind != want["error"]:
        problems.append(f"error {err.kind} ({err}), expected {want['error']}")
    for key in ("indicator", "field"):
        if key in want and getattr(err, key) != want[key]:
            problems.append(f"{key} {getattr(err, key)!r}, expected {want[key]!r} ({err})")
    return problems


def from_problems(problems_of: Callable[[Case], list[str]]) -> Runner:
    """A runner for a kind whose checks list every problem of a case rather than stop at the
    first."""

    def run(case: Case) -> None:
        problems = problems_of(case)
        if problems:
            raise Mismatch("\n    " + "\n    ".join(problems))

    return run


# --- budget and amount ----------------------------------------------------------------------------


def line_from_vector(data: dict[str, Any]) -> rs.BudgetLine:
    """A vector's line through the keyword constructor (the Python way in)."""
    fields = dict(data)
    return rs.BudgetLine(
        fields.pop("id"),
        fields.pop("kind"),
        fields.pop("base"),
        fields.pop("budget"),
        fields.pop("forecast"),
        **fields,
    )


def budget_problems(case: dict[str, Any]) -> list[str]:
    inp, exp = case["input"], case["expected"]
    try:
        lines = [line_from_vector(line) for line in inp["lines"]]
        report = rs.roll_up(lines, inp.get("settings"))
    except rs.RagstatusError as err:
        if "error" in exp:
            return error_problems(err, exp)
        return [f"unexpected error: {err}"]
    if "error" in exp:
        if not report.errors:
            return [f"no error, expected {exp['error']}"]
        return error_problems(report.errors[0], exp)
    problems = []
    for rid, fields in exp["results"].items():
        result = report.get(rid)
        if result is None:
            problems.append(f"no result {rid!r}")
            continue
        for field, want in fields.items():
            got = getattr(result, field)
            if not same(want, got):
                problems.append(f"{rid}.{field} = {got!r}, expected {want!r}")
    want_errors = exp.get("errors", [])
    if len(want_errors) != len(report.errors):
        problems.append(f"{len(report.errors)} line errors, expected {len(want_errors)}")
    else:
        for err, want in zip(report.errors, want_errors):
            problems.extend(error_problems(err, want))
    return problems


def amount_problems(case: dict[str, Any]) -> list[str]:
    inp, exp = case["input"], case["expected"]
    try:
        value = rs.parse_amount(inp["text"], inp["unit"])
    except rs.RagstatusError as err:
        if "error" in exp:
            return error_problems(err, exp)
        return [f"{inp['text']!r} failed: {err}"]
    if "error" in exp:
        return [f"{inp['text']!r} gave {value}, expected error {exp['error']}"]
    if not isinstance(value, Decimal) or value != Decimal(exp["value"]):
        return [f"{inp['text']!r} gave {value!r}, expected {exp['value']}"]
    return []


# --- milestone ------------------------------------------------------------------------------------


def as_date(text: Any) -> Any:
    return datetime.date.fromisoformat(text) if isinstance(text, str) else text


def milestone_from_vector(data: dict[str, Any]) -> rs.Milestone:
    """The vector's milestone through the keyword constructor, with real dates."""
    fields = dict(data)
    for key in ("start", "completed"):
        if key in fields:
            fields[key] = as_date(fields[key])
    return rs.Milestone(fields.pop("id"), as_date(fields.pop("due")), **fields)


MILESTONE_FIELDS = {
    "state", "status", "completed", "rule", "days_from_due", "expected_progress",
    "progress_gap", "sentence",
}


def milestone_problems(case: dict[str, Any]) -> list[str]:
    inp, exp = case["input"], case["expected"]
    if "date" in inp:
        try:
            got = rs.parse_date(inp["date"])
        except rs.RagstatusError as err:
            return error_problems(err, exp) if "error" in exp else [f"failed: {err}"]
        if "error" in exp:
            return [f"{inp['date']!r} gave {got}, expected error"]
        return [] if got.isoformat() == exp["value"] else [f"gave {got}, expected {exp['value']}"]
    settings_ = inp.get("settings")
    try:
        milestone = milestone_from_vector(inp["milestone"])
        result = rs.evaluate_milestone(milestone, datetime.date.fromisoformat(inp["as_of"]), settings_)
    except rs.RagstatusError as err:
        return error_problems(err, exp) if "error" in exp else [f"unexpected error: {err}"]
    if "error" in exp:
        return [f"{result.state}, expected error {exp['error']}"]
    problems = []
    for field, want in exp.items():
        assert field in MILESTONE_FIELDS, field
        got = getattr(result, field)
        if not same(want, got):
            problems.append(f"{field} = {got!r}, expected {want!r}")
    # The dict form of the same input gives the same result.
    again = rs.evaluate_milestone(inp["milestone"], inp["as_of"], settings_)
    if again != result:
        problems.append("the dict input gave a different result")
    return problems


# --- spc ------------------------------------------------------------------------------------------


SEGMENT_KEYS = ("start", "end", "points", "trial_limits", "reason")
POINT_LINES = {
    "values": "value",
    "centre": "mean",
    "lower_process_limits": "lower_process_limit",
    "upper_process_limits": "upper_process_limit",
}
LIMIT_KEYS = (
    "mean", "mean_moving_range", "lower_process_limit", "upper_process_limit",
    "lower_two_sigma", "upper_two_sigma", "baseline_points", "moving_ranges_used",
    "moving_ranges_screened",
)


def round_sf(value: Decimal, digits: int) -> Decimal:
    """``value`` to ``digits`` significant digits, half away from zero (as Rust's round_sf)."""
    if value.is_zero():
        return Decimal(0)
    exponent = value.adjusted() - digits + 1
    from decimal import ROUND_HALF_EVEN

    return value.quantize(Decimal(1).scaleb(exponent), rounding=ROUND_HALF_EVEN)


def same_decimal(got: Optional[Decimal], want: Optional[str], digits: Optional[int]) -> bool:
    if got is None or want is None:
        return got is None and want is None
    w = Decimal(want)
    if digits is None:
        return got == w
    return round_sf(got, digits) == round_sf(w, digits)


def spc_result(inp: dict[str, Any]) -> rs.SpcResult:
    values = [Decimal(v) for v in inp["values"]]
    denominators = inp.get("denominators")
    if denominators is not None:
        denominators = [Decimal(v) for v in denominators]
    return rs.analyse_spc(
        values, inp.get("labels"), denominators=denominators, **inp.get("settings", {})
    )


def spc_problems(result: rs.SpcResult, exp: dict[str, Any]) -> list[str]:
    problems: list[str] = []
    digits = exp.get("significant_digits")
    if "segments" in exp:
        segments = result.segments
        if len(segments) != len(exp["segments"]):
            problems.append(f"{len(segments)} segments, expected {len(exp['segments'])}")
        for i, (want, seg) in enumerate(zip(exp["segments"], segments)):
            for key, wv in want.items():
                if key in SEGMENT_KEYS:
                    hv: Any = getattr(seg, key)
                else:
                    assert key in LIMIT_KEYS, key
                    hv = getattr(seg.limits, key)
                if isinstance(hv, str) or key == "reason":
                    ok = hv == wv
                elif isinstance(hv, Decimal) or (hv is None and not isinstance(wv, int)):
                    ok = same_decimal(hv, wv, digits)
                else:
                    ok = hv == wv
                if not ok:
                    problems.append(f"segment {i} {key}: got {hv}, expected {wv}")
    points = result.points
    if "point_types" in exp:
        got = [p.point_type for p in points]
        if got != exp["point_types"]:
            problems.append(f"point_types: got {got}, expected {exp['point_types']}")
    for rule, want in exp.get("flagged", {}).items():
        got_idx = [p.index for p in points if rule in p.rules]
        if got_idx != want:
            problems.append(f"flagged {rule}: got {got_idx}, expected {want}")
    if "moving_ranges" in exp:
        got_mr = [p.moving_range for p in points]
        want = exp["moving_ranges"]
        if len(got_mr) != len(want) or not all(
            same_decimal(g, w, None) for g, w in zip(got_mr, want)
        ):
            problems.append(f"moving_ranges: got {got_mr}, expected {want}")
    if "moving_range_used" in exp:
        got_used = [p.moving_range_used for p in points]
        if got_used != exp["moving_range_used"]:
            problems.append(f"moving_range_used: got {got_used}")
    for key in ("variation", "assurance", "explanation"):
        if key in exp and getattr(result, key) != exp[key]:
            problems.append(f"{key}: got {getattr(result, key)!r}, expected {exp[key]!r}")
    for index, text in exp.get("explanations", {}).items():
        if points[int(index)].explanation != text:
            problems.append(f"explanation of point {index}: got {points[int(index)].explanation!r}")
    for key, attr in POINT_LINES.items():
        if key in exp:
            got_line = [getattr(p, attr) for p in points]
            if len(got_line) != len(exp[key]) or not all(
                same_decimal(g, w, digits) for g, w in zip(got_line, exp[key])
            ):
                problems.append(f"{key}: got {got_line}, expected {exp[key]}")
    if "runs" in exp:
        got_runs = [None if s.runs is None else s.runs.to_dict() for s in result.segments]
        if got_runs != exp["runs"]:
            problems.append(f"runs: got {got_runs}, expected {exp['runs']}")
    if "excluded" in exp:
        got_excl = [p.excluded for p in points]
        if got_excl != exp["excluded"]:
            problems.append(f"excluded: got {got_excl}, expected {exp['excluded']}")
    if "signals" in exp:
        got_sig = [s.explanation for s in result.signals]
        if got_sig != exp["signals"]:
            problems.append(f"signals: got {got_sig}, expected {exp['signals']}")
    return problems


def spc_case_problems(case: dict[str, Any]) -> list[str]:
    exp = case["expected"]
    try:
        result = spc_result(case["input"])
    except rs.RagstatusError as err:
        return error_problems(err, exp) if "error" in exp else [f"unexpected error: {err}"]
    if "error" in exp:
        return [f"expected error {exp['error']}"]
    return spc_problems(result, exp)


# --- benchmarking ---------------------------------------------------------------------------------


BENCHMARK_DECIMAL_FIELDS = {"lower_quartile", "median", "upper_quartile", "distance_from_median"}


def benchmarking_problems(case: dict[str, Any]) -> list[str]:
    inp, exp = case["input"], case["expected"]
    comparators = [None if c is None else Decimal(c) for c in inp["comparators"]]
    try:
        result = rs.benchmark(Decimal(inp["actual"]), comparators, **inp["settings"])
    except rs.RagstatusError as err:
        return error_problems(err, exp) if "error" in exp else [f"unexpected error: {err}"]
    if "error" in exp:
        return [f"expected error {exp['error']}"]
    problems = []
    for key, want in exp.items():
        got = getattr(result, key)
        if key in BENCHMARK_DECIMAL_FIELDS and want is not None:
            ok = got is not None and Decimal(want) == got
        else:
            ok = got == want
        if not ok:
            problems.append(f"{key}: got {got!r}, expected {want!r}")
    return problems


# --- intervals: confidence intervals and the comparison with a benchmark (SPEC §8a) ---


def interval_rounded(d: Decimal, expected: dict[str, Any]) -> Decimal:
    if "places" in expected:
        return d.quantize(Decimal(1).scaleb(-expected["places"]), rounding=ROUND_HALF_UP)
    if "significant" in expected and d != 0:
        exponent = d.adjusted() - expected["significant"] + 1
        return d.quantize(Decimal(1).scaleb(exponent), rounding=ROUND_HALF_UP)
    return d


def interval_of(spec: dict[str, Any], level: str) -> Any:
    function = spec["function"]
    if function == "dsr":
        strata = spec["strata"]
        return rs.dsr_interval(
            [s["count"] for s in strata],
            [Decimal(s["population"]) for s in strata],
            [Decimal(s["standard"]) for s in strata],
            level,
            Decimal(spec["multiplier"]),
        )
    make = {
        "proportion": rs.proportion_interval,
        "rate": rs.rate_interval,
        "ratio": rs.ratio_interval,
    }[function]
    return make(Decimal(spec["count"]), Decimal(spec["denominator"]), level, Decimal(spec["multiplier"]))


def run_intervals(case: dict[str, Any]) -> None:
    assert case["why"] and case["source"]
    spec, expected = case["input"], case["expected"]
    function = spec["function"]
    if function in ("compare", "compare_levels"):
        try:
            narrow = interval_of(spec["area"], spec.get("level", "95"))
        except rs.RagstatusError:
            narrow = None
        wide = None
        if function == "compare_levels":
            wide = interval_of(spec["area"], "99.8")
        got = rs.compare_with_benchmark(
            narrow, Decimal(spec["comparator"]), spec["preference"], interval_998=wide, name="England"
        )
        outcome = {"NotCompared": "Not compared"}.get(expected.get("outcome", ""), expected.get("outcome"))
        for key, want in expected.items():
            have = got[key]
            assert have == (outcome if key == "outcome" else want), f"{key}: {have!r} != {want!r}"
        assert isinstance(got["explanation"], str) and got["explanation"]
        return
    if "error" in expected:
        with pytest.raises(rs.InvalidValueError) as err:
            interval_of(spec, spec["level"])
        if "field" in expected:
            assert err.value.field == expected["field"]
        return
    got = interval_of(spec, spec["level"])
    for key in ("value", "lower", "upper"):
        assert isinstance(got[key], Decimal)
        if key in expected:
            assert interval_rounded(got[key], expected) == Decimal(expected[key]), f"{key}: {got[key]}"
    if "method" in expected:
        assert got["method"] == expected["method"]
    assert got["level"] == spec["level"]


# --- quantiles and recent_trend: comparator-group bands and the recent trend (SPEC §8a) ---------


def quantile_problems(case: Case) -> list[str]:
    inp, exp = case["input"], case["expected"]
    assert case["why"] and case["source"]
    values = [dec(v) for v in inp["values"]]
    try:
        got = rs.quantile_bands(values, inp["bands"], inp["preference"])
    except rs.RagstatusError as err:
        if "error" not in exp:
            return [f"unexpected error {err.kind}: {err}"]
        return error_problems(err, exp)
    if "error" in exp:
        return [f"expected error {exp['error']}, got {got!r}"]
    actual: dict[str, Any] = {
        "cut_points": got["cut_points"],
        "bands": [a["band"] for a in got["areas"]],
        "labels": [a["label"] for a in got["areas"]],
        "missing": got["missing"],
    }
    problems = []
    if len(got["areas"]) != len(values):
        problems.append(f"{len(got['areas'])} areas for {len(values)} values")
    for key, want in exp.items():
        have = actual[key]
        if len(have) != len(want) or not all(same(w, h) for w, h in zip(want, have)):
            problems.append(f"{key}: got {have!r}, expected {want!r}")
    return problems


TREND_MARKERS = {
    "Increasing": "Increasing",
    "Decreasing": "Decreasing",
    "NoSignificantChange": "No significant change",
    "CannotBeCalculated": "Cannot be calculated",
}
TREND_JUDGEMENTS = {"GettingBetter": "getting better", "GettingWorse": "getting worse", None: None}


def trend_problems(case: Case) -> list[str]:
    inp, exp = case["input"], case["expected"]
    assert case["why"] and case["source"]
    series = inp["series"]

    def col(key: str) -> list[Optional[Decimal]]:
        return [None if p is None else Decimal(p[key]) for p in series]

    try:
        if inp["method"] == "proportions":
            got = rs.recent_trend_proportions(col("count"), col("denominator"), inp["preference"])
        else:
            got = rs.recent_trend_intervals(col("value"), col("lower"), col("upper"), inp["preference"])
    except rs.RagstatusError as err:
        if "error" not in exp:
            return [f"unexpected error {err.kind}: {err}"]
        return error_problems(err, exp)
    if "error" in exp:
        return [f"expected error {exp['error']}, got {got!r}"]
    problems = []
    for key, want in exp.items():
        if key == "places":
            continue
        have: Any = got[key]  # type: ignore[literal-required]
        if key == "marker":
            want = TREND_MARKERS[want]
        elif key == "judgement":
            want = TREND_JUDGEMENTS[want]
        elif key == "chi_squared" and have is not None:
            places = Decimal(1).scaleb(-exp.get("places", 10))
            have = have.quantize(places, rounding=ROUND_HALF_UP)
        if not same(want, have):
            problems.append(f"{key}: got {have!r}, expected {want!r}")
    return problems


# --- funnel: funnel plots (SPEC §8b) ---


def funnel_close(field: str, got: Any, want: str) -> None:
    """``got`` rounded half away from zero to the places ``want`` shows, as the Rust harness."""
    places = len(want.split(".")[1]) if "." in want else 0
    rounded = Decimal(got).quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)
    check(field, rounded, Decimal(want))


def funnel_problems(case: dict[str, Any]) -> list[str]:
    assert case["why"] and case["source"]
    spec, exp = case["input"], case["expected"]
    od = spec.get("overdispersion")
    units = spec["units"]

    def run() -> Any:
        return rs.analyse_funnel(
            [Decimal(u["numerator"]) for u in units],
            [Decimal(u["denominator"]) for u in units],
            spec["statistic"],
            multiplier=Decimal(spec["multiplier"]),
            centre=dec(spec.get("centre")),
            preference=spec.get("preference"),
            overdispersion=od is not None,
            winsor=None if od is None else Decimal(od["winsor"]),
            limits_at=[Decimal(n) for n in spec.get("limits_at", [])],
        )

    if check_error(exp, run):
        return []
    got = run()
    problems = []

    def close(field: str, have: Any, want: str) -> None:
        try:
            funnel_close(field, have, want)
        except Mismatch as err:
            problems.append(str(err))

    if "centre" in exp:
        close("centre", got["centre"], exp["centre"])
    for key in ("phi", "tau2", "adjusted"):
        if key in exp:
            disp = got["dispersion"]
            if disp is None:
                problems.append(f"{key}: no overdispersion estimate")
            elif key == "adjusted":
                if disp["adjusted"] != exp["adjusted"]:
                    problems.append(f"adjusted: got {disp['adjusted']}, expected {exp['adjusted']}")
            else:
                close(key, disp[key], exp[key])
    limit_keys = ("lower_95", "upper_95", "lower_998", "upper_998")
    for i, want in enumerate(exp.get("points", [])):
        have = got["points"][i]
        for key in ("value", *limit_keys):
            if key in want:
                close(f"points[{i}].{key}", have[key], want[key])
        for key in ("position", "level", "outcome"):
            if key in want and have[key] != want[key]:
                problems.append(f"points[{i}].{key}: got {have[key]!r}, expected {want[key]!r}")
    for i, want in enumerate(exp.get("limits_at", [])):
        for key in limit_keys:
            close(f"limits_at[{i}].{key}", got["limits"][i][key], want[key])
    return problems


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
    "budget": from_problems(budget_problems),
    "amount": from_problems(amount_problems),
    "milestone": from_problems(milestone_problems),
    "spc": from_problems(spc_case_problems),
    "benchmarking": from_problems(benchmarking_problems),
    "intervals": run_intervals,
    "quantiles": from_problems(quantile_problems),
    "recent_trend": from_problems(trend_problems),
    "funnel": from_problems(funnel_problems),
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
