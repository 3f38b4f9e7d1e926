"""Funnel plots and bulk intervals through the Python API: the frames, the chart and properties.

The shared vectors (kind ``funnel``, file ``funnel.json``) run in ``test_vectors.py``, with every
other kind.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import ragstatus as rs

# PHEindicatormethods' documented example of the significance function.
NUMERATORS = [10232, 12321, 15123, 13213]
DENOMINATORS = [15232, 16123, 17932, 18475]


def test_analyse_funnel_labels_the_documented_example() -> None:
    f = rs.analyse_funnel(NUMERATORS, DENOMINATORS, preference="higher", limits_at=[1000])
    assert f["statistic"] == "proportion" and f["multiplier"] == 100
    assert f["centre"].quantize(Decimal("0.0001")) == Decimal("75.0996")
    assert [p["position"] for p in f["points"]] == ["below", "above", "above", "below"]
    assert [p["outcome"] for p in f["points"]] == ["Worse", "Better", "Better", "Worse"]
    assert all(p["level"] == "99.8" for p in f["points"])
    assert all(isinstance(p["lower_95"], Decimal) for p in f["points"])
    assert f["dispersion"] is None
    [wide] = f["limits"]
    assert wide["denominator"] == 1000 and wide["upper_998"] > f["points"][0]["upper_998"]


def test_bad_units_are_named() -> None:
    with pytest.raises(rs.InvalidValueError) as err:
        rs.analyse_funnel([65, 80, 30], [100, 100, 0])
    assert err.value.field == "units[2].denominator"
    with pytest.raises(rs.LengthMismatchError):
        rs.analyse_funnel([1, 2], [3])
    with pytest.raises(rs.InvalidValueError) as err:
        rs.analyse_funnel([1], [2], "percentage")
    assert err.value.field == "statistic"
    with pytest.raises(rs.InvalidValueError) as err:
        rs.analyse_funnel([1, 2], [2, 4], winsor="0.1")
    with pytest.raises(rs.InvalidValueError) as err:
        rs.funnel_limits([100, 0], 50)
    assert err.value.field == "denominators[1]"


def test_overdispersion_widens_the_limits() -> None:
    xs = [30, 45, 200, 350, 2100, 2900, 500, 640, 1300, 1100]
    ns = [100, 100, 1000, 1000, 10000, 10000, 2000, 2000, 5000, 5000]
    plain = rs.analyse_funnel(xs, ns)
    adjusted = rs.analyse_funnel(xs, ns, overdispersion=True)
    disp = adjusted["dispersion"]
    assert disp is not None and disp["adjusted"] and disp["tau2"] > 0 and disp["phi"] > 1
    outside = [sum(p["position"] != "within" for p in f["points"]) for f in (plain, adjusted)]
    assert outside[1] < outside[0]
    for a, b in zip(plain["points"], adjusted["points"]):
        assert b["upper_998"] > a["upper_998"]
    # The lines drawn with tau2 are the adjusted limits at the units' own denominators.
    lines = rs.funnel_limits(ns, adjusted["centre"], tau2=disp["tau2"])
    for line, p in zip(lines, adjusted["points"]):
        assert abs(line["upper_95"] - p["upper_95"]) < Decimal("1e-6")


def test_funnel_frame_pandas_keeps_every_row_with_exact_columns() -> None:
    pd = pytest.importorskip("pandas")
    df = pd.DataFrame({
        "events": [10232, 12321, None, 15123, 13213, -1],
        "pop": [15232, 16123, 100, 17932, 18475, 100],
    })
    out = rs.funnel_frame(df, numerator="events", denominator="pop", preference="higher")
    assert list(out.columns) == list(rs.funnel.FUNNEL_COLUMNS)
    assert len(out) == len(df)
    assert str(out["value"].dtype).startswith("decimal128")
    assert out["position"].tolist()[:2] == ["below", "above"]
    assert out["error"].isna().tolist() == [True, True, False, True, True, False]
    assert "row[2]" in out["error"][2] and "events" in out["error"][2]
    assert out["error_kind"][2] == "Missing" and out["error_kind"][5] == "InvalidValue"
    meta = out.attrs["funnel"]
    # Rows in error take no part in the centre: it is the four good rows' average.
    assert Decimal(meta["centre"]) == rs.analyse_funnel(NUMERATORS, DENOMINATORS)["centre"]
    assert meta["statistic"] == "proportion"


def test_funnel_frame_polars_and_pyarrow() -> None:
    pl = pytest.importorskip("polars")
    pa = pytest.importorskip("pyarrow")
    data = {"numerator": [150, 95, 0], "denominator": [100.0, 100.0, 4.0]}
    out = rs.funnel_frame(pl.DataFrame(data), "ratio", multiplier=100, preference="lower")
    assert isinstance(out, pl.DataFrame)
    assert out["position"].to_list() == ["above", "within", "below"]
    assert out["outcome"].to_list() == ["Worse", "Similar", "Better"]
    table = rs.funnel_frame(pa.table(data), "ratio", multiplier=100, overdispersion=True)
    assert isinstance(table, pa.Table)
    meta = {k.decode(): v.decode() for k, v in table.schema.metadata.items()}
    assert meta["centre"] == "100" and "tau2" in meta and "phi" in meta


def test_interval_frame_gives_the_scalar_intervals() -> None:
    pd = pytest.importorskip("pandas")
    df = pd.DataFrame({"numerator": [81, 0, 9, 250], "denominator": [263, 20, 10000, 300000]})
    props = rs.interval_frame(df, multiplier=1)
    rates = rs.interval_frame(df, "rate")
    for i, (x, n) in enumerate(zip(df["numerator"], df["denominator"])):
        for frame, one, m in ((props, rs.proportion_interval, 1), (rates, rs.rate_interval, 100000)):
            a, b = one(int(x), int(n), "95", m), one(int(x), int(n), "99.8", m)
            assert frame["value"][i] == a["value"]
            assert frame["lower_95"][i] == a["lower"] and frame["upper_95"][i] == a["upper"]
            assert frame["lower_998"][i] == b["lower"] and frame["upper_998"][i] == b["upper"]
            assert frame["method"][i] == a["method"]
    assert props["lower_95"][0].quantize(Decimal("0.0001")) == Decimal("0.2553")
    assert list(props.columns) == list(rs.funnel.INTERVAL_COLUMNS)


def test_plot_funnel_draws_every_part() -> None:
    matplotlib = pytest.importorskip("matplotlib")
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    xs = [30, 45, 200, 350, 2100, 2900, 500, 640, 1300, 1100]
    ns = [100, 100, 1000, 1000, 10000, 10000, 2000, 2000, 5000, 5000]
    result = rs.analyse_funnel(xs, ns, preference="higher")
    ax = rs.plot_funnel(result, title="Screening coverage")
    legend = [t.get_text() for t in ax.get_legend().get_texts()]
    for name in ("95% limits", "99.8% limits", "within the limits", "better (above)", "worse (below)"):
        assert name in legend
    assert any(t.startswith("centre ") for t in legend)
    # One scatter per (outcome, position) drawn, each with its own marker shape.
    kinds = {(p["outcome"], p["position"]) for p in result["points"]}
    assert len(ax.collections) == len(kinds)
    markers = {rs.funnel.POINT_STYLES[o][1] for o, _ in kinds}
    assert {"^", "v", "o"} <= markers
    # The centre and the upper and lower line at each level.
    assert len(ax.get_lines()) == 5
    text = " ".join(t.get_text() for t in ax.texts)
    counts = {k: sum(p["position"] == k for p in result["points"]) for k in ("above", "within", "below")}
    assert f"{counts['above']} above, {counts['within']} within, {counts['below']} below" in text
    assert ax.get_title() == "Screening coverage" and ax.get_xscale() == "log"
    # The upper 99.8% line narrows with the denominator.
    upper = [ln for ln in ax.get_lines() if ln.get_linestyle() == ":"][0].get_ydata()
    assert upper[0] > upper[-1]
    # From a frame, on a given axis, with the overdispersion note.
    pd = pytest.importorskip("pandas")
    frame = rs.funnel_frame(pd.DataFrame({"numerator": xs, "denominator": ns}), overdispersion=True)
    _, given_ax = plt.subplots()
    assert rs.plot_funnel(frame, ax=given_ax) is given_ax
    assert any("Limits widened for overdispersion" in t.get_text() for t in given_ax.texts)
    with pytest.raises(rs.InvalidValueError):
        rs.plot_funnel([1, 2, 3])
    plt.close("all")


def test_plot_funnel_without_matplotlib(monkeypatch: pytest.MonkeyPatch) -> None:
    import builtins

    real_import = builtins.__import__

    def fake_import(name: str, *args: Any, **kwargs: Any) -> Any:
        if name.startswith("matplotlib"):
            raise ImportError("No module named 'matplotlib'")
        return real_import(name, *args, **kwargs)

    monkeypatch.setattr(builtins, "__import__", fake_import)
    with pytest.raises(ImportError, match=r"pip install 'ragstatus\[plot\]'"):
        rs.plot_funnel(rs.analyse_funnel([1], [2]))


# --- properties ---------------------------------------------------------------------------------

units_st = st.lists(
    st.integers(min_value=1, max_value=100_000).flatmap(
        lambda n: st.tuples(st.integers(min_value=0, max_value=n), st.just(n))
    ),
    min_size=1,
    max_size=30,
)


@settings(max_examples=100, deadline=None)
@given(units_st, st.sampled_from(["proportion", "rate", "ratio"]))
def test_limits_contain_the_centre_and_nest(units: list[tuple[int, int]], statistic: str) -> None:
    f = rs.analyse_funnel([u[0] for u in units], [u[1] for u in units], statistic)
    c = f["centre"]
    for p in f["points"]:
        assert p["lower_998"] <= p["lower_95"] <= c <= p["upper_95"] <= p["upper_998"]


@settings(max_examples=100, deadline=None)
@given(st.integers(min_value=1, max_value=999), st.integers(min_value=1, max_value=10**6),
       st.sampled_from(["proportion", "rate", "ratio"]))
def test_the_funnel_narrows(per_mille: int, n: int, statistic: str) -> None:
    centre = Decimal(per_mille) / 10
    small, large = rs.funnel_limits([n, 4 * n], centre, statistic, multiplier=100)
    assert small["upper_998"] >= large["upper_998"] and small["lower_998"] <= large["lower_998"]
    assert small["upper_95"] >= large["upper_95"] and small["lower_95"] <= large["lower_95"]


@settings(max_examples=100, deadline=None)
@given(st.lists(st.one_of(st.none(), st.floats(allow_nan=True), st.text(max_size=4),
                          st.integers(min_value=-10, max_value=10**9)), min_size=2, max_size=10))
def test_no_crash_on_any_cells(cells: list[Any]) -> None:
    pa = pytest.importorskip("pyarrow")
    text = [None if c is None else str(c) for c in cells]
    table = pa.table({"numerator": text, "denominator": list(reversed(text))})
    for statistic in ("proportion", "rate", "ratio"):
        try:
            out = rs.funnel_frame(table, statistic, overdispersion=True)
        except rs.RagstatusError:
            continue
        assert out.num_rows == len(cells)
        assert rs.interval_frame(table, statistic).num_rows == len(cells)


def test_funnel_results_are_frozen_classes_that_still_read_as_their_dicts() -> None:
    import dataclasses
    import pickle

    from ragstatus import _ragstatus
    from ragstatus.funnel import Dispersion, Funnel, FunnelLimits, FunnelPoint

    f = rs.analyse_funnel(NUMERATORS, DENOMINATORS, preference="higher", limits_at=[1000], overdispersion=True)
    assert isinstance(f, Funnel) and isinstance(f.points[0], FunnelPoint)
    assert isinstance(f.dispersion, Dispersion) and isinstance(f.limits[0], FunnelLimits)
    raw = _ragstatus.analyse_funnel(
        NUMERATORS, DENOMINATORS, preference="higher", limits_at=[1000], overdispersion=True
    )
    assert [p.outcome for p in f.points] == [p["outcome"] for p in raw["points"]]
    assert f.dispersion.adjusted == raw["dispersion"]["adjusted"]  # type: ignore[index]
    assert f == raw and f.to_dict() == raw
    assert f["points"][0] == raw["points"][0] and isinstance(f["dispersion"], dict)
    with pytest.raises(dataclasses.FrozenInstanceError):
        f.centre = Decimal(1)  # type: ignore[misc]
    assert pickle.loads(pickle.dumps(f)) == f
    lines = rs.funnel_limits([10, 100], 50, "rate", multiplier=100)
    assert all(isinstance(line, FunnelLimits) for line in lines)
    assert [line.to_dict() for line in lines] == _ragstatus.funnel_limits([10, 100], 50, "rate", multiplier=100)
