"""Budget variance through the Python API: properties, CSV and frames.

The shared vectors (kinds ``budget`` and ``amount``) run in ``test_vectors.py``, with every other
kind; the dict form of their lines is checked here against the keyword constructor.
"""

from __future__ import annotations

import json
import pickle
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import ragstatus as rs
from test_vectors import line_from_vector

ROOT = Path(__file__).resolve().parents[2]
VECTORS = ROOT / "tests" / "vectors"
DATA = ROOT / "crates" / "ragstatus" / "tests" / "data"


def load(name: str, kind: str) -> list[dict[str, Any]]:
    data = json.loads((VECTORS / name).read_text(encoding="utf-8"))
    assert data["kind"] == kind
    cases: list[dict[str, Any]] = data["cases"]
    assert cases, f"{name} has no cases"
    return cases


def test_vector_lines_read_from_dicts_too() -> None:
    """Dicts in the serde shape give the same report as the keyword constructor."""
    ran = 0
    for case in load("budget.json", "budget"):
        inp = case["input"]
        try:
            from_kwargs = rs.roll_up([line_from_vector(x) for x in inp["lines"]], inp.get("settings"))
            from_dicts = rs.roll_up(inp["lines"], inp.get("settings"))
        except rs.RagstatusError:
            continue
        assert from_kwargs == from_dicts, case["name"]
        ran += 1
    assert ran > 20


# --- the Python surface -------------------------------------------------------------------------


def older_people() -> rs.BudgetLine:
    return rs.BudgetLine(
        "ASC-01", "expenditure", "gross", 46_315_000, 46_967_000.0,
        name="Older People", group="Adults and Health", previous_forecast="46700000",
    )


def test_line_types_and_floats() -> None:
    line = rs.BudgetLine("X", "net", "net_controllable", 94.95, "-12.5", group=["A", "B"])
    assert line.budget == Decimal("94.95") and isinstance(line.budget, Decimal)
    assert line.forecast == Decimal("-12.5")
    assert line.group == ["A", "B"]
    assert rs.BudgetLine("X", "net", "gross", 1, 1, group="A > B").group == ["A", "B"]
    assert line.actual is None and line.note is None


def test_result_fields_and_explanation() -> None:
    report = rs.roll_up([older_people()])
    r = report.get("ASC-01")
    assert r is not None
    assert (r.status, r.code, r.rule, r.level) == ("Red", 0, "red_reached", "service")
    assert r.variance == Decimal("652000")
    assert r.variance_percent == Decimal("1.41")
    assert r.movement == Decimal("267000") and r.movement_direction == "adverse"
    assert r.sentence.startswith("Forecast £47.0m against a budget of £46.3m: overspend of £0.652m")
    [red] = r.thresholds
    assert red["role"] == "red" and red["amount"] == Decimal("100000") and red["reached"] is True
    assert red["threshold"] == {"either": {"percent": Decimal("5"), "absolute": Decimal("100000")}}
    assert [t.id for t in report.totals] == ["Total", "Adults and Health"]
    fund = report.fund
    assert fund is not None and fund.total and fund.level == "fund"
    assert len(report) == 3 and report.results[0] == r


def test_frozen_equal_hashable_and_pickled() -> None:
    line = older_people()
    assert line == older_people() and hash(line) == hash(older_people())
    with pytest.raises(AttributeError):
        line.budget = Decimal(1)  # type: ignore[misc]
    report = rs.roll_up([line, {"id": "bad", "kind": "income", "base": "gross",
                               "budget": "-1", "forecast": "1"}])
    for obj in (line, report, report.lines[0], rs.BudgetSettings()):
        assert pickle.loads(pickle.dumps(obj)) == obj
    again = pickle.loads(pickle.dumps(report))
    assert [str(e) for e in again.errors] == [str(e) for e in report.errors]
    assert "BudgetLine(id='ASC-01', kind='expenditure'" in repr(line)
    assert repr(report) == "BudgetReport(lines=1, totals=2, errors=1, fund='Red')"
    assert rs.BudgetLine.from_json(line.to_json()) == line
    assert rs.BudgetLine.from_dict(line.to_dict()) == line
    assert rs.BudgetResult.from_json(report.lines[0].to_json()) == report.lines[0]


def test_invalid_lines_are_listed_not_raised() -> None:
    bad = rs.BudgetLine("NEG", "expenditure", "gross", -5, 1, group="Adults and Health")
    report = rs.roll_up([older_people(), bad])
    [err] = report.errors
    assert isinstance(err, rs.InvalidValueError)
    assert (err.indicator, err.field, err.kind) == ("NEG", "budget", "InvalidValue")
    assert report.get("Adults and Health").excluded == ["NEG"]  # type: ignore[union-attr]
    with pytest.raises(rs.InvalidValueError):
        bad.validate()


def test_settings_from_dict_toml_and_errors() -> None:
    toml = """
        fund = "General Fund"
        [[levels]]
        name = "fund"
        red = { absolute = "1000000" }
        [[levels]]
        name = "service"
        red = { percent = "5" }
        underspend = { absolute = "50000" }
        underspend_amber = true
    """
    s = rs.BudgetSettings.from_toml(toml)
    assert s.fund == "General Fund" and s.level_names == ["fund", "service"]
    same_from_dict = rs.BudgetSettings(
        "General Fund",
        [{"name": "fund", "red": {"absolute": 1000000}},
         {"name": "service", "red": {"percent": 5}, "underspend": {"absolute": 50000.0},
          "underspend_amber": True}],
    )
    assert same_from_dict == s
    line = rs.BudgetLine("U", "expenditure", "gross", 1_000_000, 900_000)
    r = rs.roll_up([line], s).lines[0]
    assert (r.status, r.significant_underspend, r.rule) == ("Amber", True, "significant_underspend")
    with pytest.raises(rs.InvalidValueError) as info:
        rs.BudgetSettings(levels=[{"name": "x", "red": {"percent": "-1"}}])
    assert info.value.field is not None
    with pytest.raises(rs.RagstatusError):
        rs.BudgetSettings(levels=[{"name": "x", "red": "any", "colour": "red"}])
    with pytest.raises(rs.DefinitionError):
        rs.BudgetSettings(levels=[])


def test_evaluate_budget_line() -> None:
    income = rs.BudgetLine("PK-1", "income", "gross", 2_000_000, 1_950_000)
    r = rs.evaluate_budget_line(income, {"name": "service", "red": {"absolute": 100000}})
    assert (r.variance, r.status, r.direction) == (Decimal(-50000), "Amber", "adverse")
    assert rs.evaluate_budget_line(income).level == "service"


def test_constructor_errors_name_the_field() -> None:
    with pytest.raises(rs.InvalidValueError) as info:
        rs.BudgetLine("X", "spending", "gross", 1, 1)
    assert (info.value.field, info.value.indicator) == ("kind", "X")
    with pytest.raises(rs.InvalidValueError) as info:
        rs.BudgetLine("X", "net", "gross", 1, "lots")
    assert info.value.field == "forecast"
    with pytest.raises(rs.InvalidValueError):
        rs.BudgetLine(3, "net", "gross", 1, 1)  # type: ignore[arg-type]


# --- CSV ----------------------------------------------------------------------------------------


def test_read_budget_csv_file_and_errors() -> None:
    path = DATA / "budget_q3.csv"
    lines, errors = rs.read_budget_csv(path, "thousands")
    assert [x.id for x in lines] == ["ASC-01", "ASC-02", "PLC-03", "PLC-06"]
    assert lines[0].budget == Decimal("46267000")
    assert lines[1].kind == "income" and lines[1].forecast == Decimal("7950000")
    assert lines[2].group == ["Place", "Highways"]
    assert errors and all(isinstance(e, rs.RagstatusError) for e in errors)
    first = errors[0]
    assert (first.line, first.column, first.indicator) == (5, "forecast", "PLC-04")
    assert first.file == str(path)
    assert first.details is not None and first.details["found"] == "n/a"
    # Text, bytes and open files give the same lines; `file` names the source in errors.
    text = path.read_text(encoding="utf-8")
    lines2, errors2 = rs.read_budget_csv(text, "thousands", file="q3.csv")
    assert lines2 == lines and errors2[0].file == "q3.csv"
    assert rs.read_budget_csv(text.encode(), unit="thousands")[0] == lines
    with path.open(encoding="utf-8") as fh:
        assert rs.read_budget_csv(fh, "thousands")[0] == lines


def test_read_budget_csv_bad_header_and_missing_file() -> None:
    with pytest.raises(rs.RagstatusError) as info:
        rs.read_budget_csv("id,kind,colour\nA,net,red\n")
    assert info.value.line == 1
    with pytest.raises(rs.FileError) as missing:
        rs.read_budget_csv("no-such-budget.csv")
    assert missing.value.file == "no-such-budget.csv"
    lines, errors = rs.read_budget_csv(
        "id,kind,budget,forecast\nA,net,1,2\n", default_base="net_controllable"
    )
    assert lines[0].base == "net_controllable" and errors == []


def test_read_budget_csv_reports_unterminated_quotes_blank_rows_and_bad_separators() -> None:
    # Issue #10: the shared CSV layer and number parser, seen from Python.
    text = (
        "id,kind,base,budget,forecast,note\n"
        ",,,,,\n"
        'B-1,expenditure,gross,"44,5",£1.2m,\n'
        'B-2,expenditure,gross,100,110,"Overspend\n'
        "B-3,expenditure,gross,100,90,\n"
    )
    lines, errors = rs.read_budget_csv(text, file="b.csv")
    assert lines == []
    assert [(e.line, e.column) for e in errors] == [(2, None), (3, "budget"), (4, None)]
    assert "every cell empty" in str(errors[0])
    assert "never closed" in str(errors[2])
    assert rs.parse_amount("£1.2m", "thousands") == Decimal("1200000")


# --- frames -------------------------------------------------------------------------------------


def budget_rows() -> dict[str, list[Any]]:
    return {
        "id": ["A1", "A2", "P1", "BAD"],
        "name": ["Older People", None, "Parking", "Broken"],
        "group": ["Adults", "Adults", "Place > Highways", "Place"],
        "kind": ["expenditure", "income", "net", "expenditure"],
        "base": ["gross", "gross", "net_controllable", "gross"],
        "budget": [2_000_000, 500_000, -2_500_000, "n/a"],
        "forecast": [2_090_000.0, 450_000, -2_300_000, 1],
        "previous_forecast": [2_050_000, float("nan"), None, None],
    }


def test_roll_up_frame_pandas() -> None:
    pd = pytest.importorskip("pandas")
    out = rs.roll_up_frame(pd.DataFrame(budget_rows()))
    assert isinstance(out, pd.DataFrame)
    assert list(out.columns) == list(rs.budget.RESULT_COLUMNS)
    assert list(out["id"]) == ["A1", "A2", "P1", "BAD", "Total", "Adults", "Place", "Place > Highways"]
    a1 = out.iloc[0]
    assert a1["variance"] == Decimal("90000") and isinstance(a1["variance"], Decimal)
    assert a1["status"] == "Amber" and a1["movement"] == Decimal("40000")
    assert a1["explanation"].startswith("Forecast £2.1m against a budget of £2.0m")
    assert out.iloc[1]["status"] == "Red"  # income shortfall of 10%
    assert out.iloc[3]["error"] is not None and "n/a" in out.iloc[3]["error"]
    assert out.iloc[3]["status"] is None or pd.isna(out.iloc[3]["status"])
    # The frame agrees with roll_up on the same lines.
    report = rs.roll_up([
        rs.BudgetLine("A1", "expenditure", "gross", 2_000_000, 2_090_000, group="Adults",
                      previous_forecast=2_050_000),
        rs.BudgetLine("A2", "income", "gross", 500_000, 450_000, group="Adults"),
        rs.BudgetLine("P1", "net", "net_controllable", -2_500_000, -2_300_000,
                      group="Place > Highways"),
    ])
    for result in report.results:
        row = out[out["id"] == result.id].iloc[0]
        assert row["status"] == result.status and row["variance"] == result.variance
    assert out[out["id"] == "Total"].iloc[0]["line_count"] == 3


def test_roll_up_frame_polars_and_group_columns() -> None:
    pl = pytest.importorskip("polars")
    rows = budget_rows()
    del rows["group"]
    rows["directorate"] = ["Adults", "Adults", "Place", "Place"]
    rows["service_area"] = [None, None, "Highways", None]
    frame = pl.DataFrame({k: [None if v != v else v for v in vs] if k == "previous_forecast" else
                          [str(v) if v is not None else None for v in vs] for k, vs in rows.items()})
    out = rs.roll_up_frame(frame, group=["directorate", "service_area"], include_totals=False)
    assert isinstance(out, pl.DataFrame)
    assert out["id"].to_list() == ["A1", "A2", "P1", "BAD"]
    assert out["path"].to_list()[:3] == ["Adults", "Adults", "Place > Highways"]
    assert out["variance"].to_list()[0] == Decimal("90000")
    assert out["error"].to_list()[3] is not None


def test_roll_up_frame_without_base_and_duplicates() -> None:
    rows = [
        {"id": "A", "kind": "expenditure", "budget": 100, "forecast": 100},
        {"id": "A", "kind": "expenditure", "budget": 100, "forecast": 200},
    ]
    pytest.importorskip("pandas")
    out = rs.roll_up_frame(rows)
    assert list(out["status"][:1]) == ["Green"]
    assert "duplicate" in out.iloc[1]["error"]
    # An empty base cell takes the default base; a net line needs net_controllable.
    net = [{"id": "N", "kind": "net", "base": None, "budget": -5, "forecast": -4}]
    assert rs.roll_up_frame(net).iloc[0]["error"] is not None
    ok = rs.roll_up_frame(net, default_base="net_controllable", include_totals=False)
    assert list(ok["status"]) == ["Red"] and list(ok["base"]) == ["net_controllable"]


# --- properties ---------------------------------------------------------------------------------

amounts = st.decimals(min_value=0, max_value=10**9, places=2, allow_nan=False, allow_infinity=False)
kinds = st.sampled_from(["expenditure", "income", "net"])
groups = st.lists(st.sampled_from(["Adults", "Place", "Resources"]), min_size=0, max_size=2)


@st.composite
def budget_lines(draw: Any) -> list[rs.BudgetLine]:
    n = draw(st.integers(min_value=1, max_value=8))
    lines = []
    for i in range(n):
        kind = draw(kinds)
        base = "net_controllable" if kind == "net" else "gross"
        lines.append(rs.BudgetLine(f"L{i}", kind, base, draw(amounts), draw(amounts),
                                   group=draw(groups)))
    return lines


@settings(max_examples=150, deadline=None)
@given(budget_lines())
def test_parent_variance_is_the_sum_of_its_children(lines: list[rs.BudgetLine]) -> None:
    report = rs.roll_up(lines)
    for total in report.totals:
        depth = len(total.path)
        children = [
            r for r in report.lines if r.path[:depth] == total.path
        ]
        net = sum(
            ((-r.variance if r.kind == "income" else r.variance) for r in children), Decimal(0)
        )
        assert total.variance == net
        # The parent's own rating is recomputed on its sums, never averaged: its status follows
        # from its own variance and thresholds.
        assert total.line_count == len(children)


@settings(max_examples=150, deadline=None)
@given(kinds, amounts, amounts, amounts)
def test_rating_is_monotone_in_the_forecast(
    kind: str, budget: Decimal, f1: Decimal, f2: Decimal
) -> None:
    low, high = sorted((f1, f2))
    base = "net_controllable" if kind == "net" else "gross"
    severity = {"Green": 0, "Amber": 1, "Red": 2}

    def status(forecast: Decimal) -> int:
        return severity[rs.evaluate_budget_line(rs.BudgetLine("L", kind, base, budget, forecast)).status]

    if kind == "income":
        # Less income is worse.
        assert status(low) >= status(high)
    else:
        assert status(low) <= status(high)


junk = st.one_of(
    st.none(), st.booleans(), st.integers(), st.floats(), st.text(max_size=20),
    st.decimals(allow_nan=True), st.lists(st.integers(), max_size=3),
    st.dictionaries(st.text(max_size=5), st.integers(), max_size=3),
)


@settings(max_examples=300, deadline=None)
@given(junk, junk, junk, junk, junk, junk)
def test_no_input_raises_anything_but_ragstatus_error(
    id_: Any, kind: Any, base: Any, budget: Any, forecast: Any, unit: Any
) -> None:
    try:
        line = rs.BudgetLine(id_, kind, base, budget, forecast, group=unit)
        rs.roll_up([line], {"fund": "F"})
    except rs.RagstatusError:
        pass
    for call in (
        lambda: rs.parse_amount(id_, unit),
        lambda: rs.roll_up([{"id": id_, "kind": kind, "base": base, "budget": budget,
                             "forecast": forecast}], unit),
        lambda: rs.read_budget_csv(f"id,kind,base,budget,forecast\n{id_},{kind},{base},{budget},{forecast}\n"),
        lambda: rs.BudgetSettings(levels=[{"name": kind, "red": budget}]),
    ):
        try:
            call()
        except rs.RagstatusError:
            pass


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=30), st.sampled_from(["pounds", "thousands", "millions"]))
def test_parse_amount_text_never_raises_anything_else(text: str, unit: str) -> None:
    try:
        value = rs.parse_amount(text, unit)
    except rs.RagstatusError:
        return
    assert isinstance(value, Decimal)


def test_dict_lines_are_read_like_the_constructor() -> None:
    fields = {"id": "A", "kind": "expenditure", "base": "gross", "budget": "46267", "forecast": 46000}
    from_text_group = rs.evaluate_budget_line({**fields, "group": "Fund > Dir"})
    from_list_group = rs.evaluate_budget_line({**fields, "group": ["Fund", "Dir"]})
    built = rs.evaluate_budget_line(rs.BudgetLine("A", "expenditure", "gross", 46267, 46000, group="Fund > Dir"))
    assert from_text_group == from_list_group == built
    assert rs.BudgetLine.from_dict({**fields, "actual": None, "note": "n"}).note == "n"
    line = rs.BudgetLine("A", "income", "net_controllable", 10, 12, name="x", group=["F"], original_budget=9)
    assert rs.BudgetLine.from_dict(line.to_dict()) == line
    with pytest.raises(rs.MissingFieldError) as missing:
        rs.evaluate_budget_line({k: v for k, v in fields.items() if k != "forecast"})
    assert missing.value.field == "forecast"
    with pytest.raises(rs.InvalidValueError) as bad:
        rs.evaluate_budget_line({**fields, "budget": "n/a"})
    assert (bad.value.field, bad.value.indicator) == ("budget", "A")
    with pytest.raises(rs.InvalidValueError):
        rs.evaluate_budget_line({**fields, "colour": "red"})
