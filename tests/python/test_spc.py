"""SPC through the Python API: properties, the frame and the chart.

The shared vectors (kind ``spc``, files ``spc.json`` and ``spc_rules.json``) run in
``test_vectors.py``, with every other kind.
"""

from __future__ import annotations

import pickle
import re
from decimal import Decimal
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import ragstatus as rs
from test_vectors import round_sf


RNORM = [
    "-0.56047565", "-0.23017749", "1.55870831", "0.07050839", "0.12928774", "1.71506499",
    "0.46091621", "-1.26506123", "-0.68685285", "-0.44566197", "1.22408180", "0.35981383",
    "0.40077145", "0.11068272", "-0.55584113", "1.78691314", "0.49785048", "-1.96661716",
    "0.70135590", "-0.47279141",
]

# --- the Python surface -------------------------------------------------------------------------


def test_rnorm_limits_match_nhsrplotthedots() -> None:
    result = rs.analyse_spc(RNORM)
    [seg] = result.segments
    assert round_sf(seg.limits.mean, 7) == Decimal("0.1416238")
    assert round_sf(seg.limits.lower_process_limit, 7) == Decimal("-3.011380")  # type: ignore[arg-type]
    assert round_sf(seg.limits.upper_process_limit, 7) == Decimal("3.294627")  # type: ignore[arg-type]
    outlier = list(RNORM)
    outlier[14] = "10"
    screened = rs.xmr_limits([Decimal(v) for v in outlier])
    raw = rs.xmr_limits(outlier, screen_outliers=False)
    assert round_sf(screened.upper_process_limit, 7) == Decimal("3.722497")  # type: ignore[arg-type]
    assert round_sf(raw.lower_process_limit, 7) == Decimal("-4.596625")  # type: ignore[arg-type]


def test_types_settings_and_labels() -> None:
    values = [50, 51, 49, 50, 52, 48, 50, 51, 49, 50, 53, 54, 53, 52, 53, 54, 53]
    labels = [f"P{i}" for i in range(len(values))]
    r = rs.analyse_spc(values, labels, improvement="higher", target=60.5)
    assert r.variation == "special_cause_improvement"
    assert r.assurance == "consistent_fail" and r.target == Decimal("60.5")
    assert r.improvement == "increase"
    last = r.points[-1]
    assert isinstance(last.value, Decimal) and last.label == "P16"
    assert "shift" in last.rules and last.is_special_cause
    assert r.signals[0].explanation == (
        "7 points in a row above the mean from P10: special cause improvement"
    )
    # A dict of settings, keywords winning over it.
    r2 = rs.analyse_spc(values, settings={"improvement": "lower", "target": "60.5"},
                        improvement="increase")
    assert r2.improvement == "increase"
    periods = [rs.Period("2015/16 Q1").offset(i) for i in range(len(values))]
    r3 = rs.analyse_spc(values, periods)
    assert r3.points[0].label == "2015/16 Q1"


def test_errors() -> None:
    with pytest.raises(rs.InvalidValueError) as info:
        rs.analyse_spc([1, 2, None, 4])
    assert info.value.field == "values[2]"
    with pytest.raises(rs.InvalidValueError):
        rs.analyse_spc([1, 2, float("nan")])
    with pytest.raises(rs.LengthMismatchError):
        rs.analyse_spc([1, 2, 3], ["a"])
    with pytest.raises(rs.DefinitionError) as d:
        rs.analyse_spc([1, 2, 3], fix_after=5)
    assert d.value.field == "fix_after"
    with pytest.raises(rs.RagstatusError):
        rs.analyse_spc([1, 2, 3], colour="red")
    with pytest.raises(rs.RagstatusError):
        rs.analyse_spc([1, 2, 3], rebase_at=[-1])
    with pytest.raises(rs.RagstatusError):
        rs.analyse_spc("123")


def test_pickle_equality_repr() -> None:
    r = rs.analyse_spc(RNORM, target=0)
    assert pickle.loads(pickle.dumps(r)) == r
    for obj in (r.points[0], r.segments[0], r.segments[0].limits):
        assert pickle.loads(pickle.dumps(obj)) == obj and hash(obj) == hash(obj)
    assert rs.SpcResult.from_json(r.to_json()) == r
    assert repr(r) == "SpcResult(points=20, segments=1, variation='common_cause', assurance='inconsistent')"
    assert len(r) == 20
    with pytest.raises(AttributeError):
        r.points[0].value = Decimal(1)  # type: ignore[misc]


def test_numpy_pandas_polars_inputs() -> None:
    np = pytest.importorskip("numpy")
    pd = pytest.importorskip("pandas")
    pl = pytest.importorskip("polars")
    floats = [float(v) for v in RNORM]
    base = rs.analyse_spc(RNORM)
    for values in (np.array(floats), pd.Series(floats), pl.Series(floats)):
        assert rs.analyse_spc(values) == base


# --- frame and plot ------------------------------------------------------------------------------


def test_spc_frame_pandas_and_polars() -> None:
    pd = pytest.importorskip("pandas")
    values = [50, 51, 49, 50, 52, 48, 50, 51, 49, 50, 53, 54, 53, 52, 53, 54, 53]
    series = pd.Series(values, index=[f"2015-{i:02d}" for i in range(1, len(values) + 1)])
    frame = rs.spc_frame(series, improvement="increase")
    assert list(frame.columns) == list(rs.spc.RESULT_COLUMNS)
    assert len(frame) == len(values)
    assert frame["label"].iloc[0] == "2015-01"
    assert frame["point_type"].iloc[-1] == "special_cause_improvement"
    assert frame["special_cause"].iloc[-1] and not frame["special_cause"].iloc[0]
    assert frame["rules"].iloc[-1] == "shift"
    assert isinstance(frame["mean"].iloc[0], Decimal)
    assert isinstance(frame.attrs["spc"], rs.SpcResult)
    pl = pytest.importorskip("polars")
    pframe = rs.spc_frame(pl.Series(values), labels=[str(i) for i in range(len(values))])
    assert isinstance(pframe, pl.DataFrame) and pframe["label"].to_list()[0] == "0"
    assert pframe["point_type"].to_list() == list(frame["point_type"])


def test_plot_spc_draws_every_part() -> None:
    matplotlib = pytest.importorskip("matplotlib")
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    values = [50, 51, 49, 50, 52, 48, 50, 51, 49, 50, 53, 54, 53, 52, 53, 54, 53, 70]
    result = rs.analyse_spc(values, [f"M{i}" for i in range(len(values))],
                            improvement="decrease", target=45, rebase_at=[10])
    ax = rs.plot_spc(result, title="Waiting times")
    legend = [t.get_text() for t in ax.get_legend().get_texts()]
    for name in ("value", "mean", "process limits", "2σ lines", "target 45"):
        assert name in legend
    special = {p.point_type for p in result.points if p.is_special_cause}
    assert special, "the example must have special causes"
    for point_type in special:
        colour, marker, text = rs.spc.POINT_STYLES[point_type]
        assert text in legend
    # Special causes are drawn with a marker shape of their own, not only a colour.
    markers = {rs.spc.POINT_STYLES[t][1] for t in special}
    assert markers.isdisjoint({rs.spc.POINT_STYLES["common_cause"][1]})
    assert len(ax.collections) == len(special)
    texts = [t.get_text() for t in ax.texts]
    assert any("Variation: special cause" in t and "Assurance:" in t for t in texts)
    assert ax.get_title() == "Waiting times"
    assert [t.get_text() for t in ax.get_xticklabels()][0] == "M0"
    # Two segments: each has its own mean line.
    means = [ln for ln in ax.get_lines() if ln.get_color() == "black"]
    assert len(means) == 2
    # Drawing on a given axis, from a frame.
    pd = pytest.importorskip("pandas")
    fig, given_ax = plt.subplots()
    assert rs.plot_spc(rs.spc_frame(pd.Series(values)), ax=given_ax) is given_ax
    plt.close("all")


def test_plot_spc_without_matplotlib(monkeypatch: pytest.MonkeyPatch) -> None:
    import builtins

    real_import = builtins.__import__

    def fake_import(name: str, *args: Any, **kwargs: Any) -> Any:
        if name.startswith("matplotlib"):
            raise ImportError("No module named 'matplotlib'")
        return real_import(name, *args, **kwargs)

    monkeypatch.setattr(builtins, "__import__", fake_import)
    with pytest.raises(ImportError, match=r"pip install 'ragstatus\[plot\]'"):
        rs.plot_spc(rs.analyse_spc([1, 2, 3]))


# --- properties ---------------------------------------------------------------------------------

values_st = st.lists(
    st.decimals(min_value=-1000, max_value=1000, places=2, allow_nan=False, allow_infinity=False),
    min_size=2, max_size=40,
)


@settings(max_examples=150, deadline=None)
@given(values_st, st.decimals(min_value=-10**6, max_value=10**6, places=3,
                              allow_nan=False, allow_infinity=False))
def test_limits_are_translation_equivariant(values: list[Decimal], shift: Decimal) -> None:
    a = rs.analyse_spc(values)
    b = rs.analyse_spc([v + shift for v in values])
    for sa, sb in zip(a.segments, b.segments):
        la, lb = sa.limits, sb.limits
        assert lb.mean_moving_range == la.mean_moving_range
        for key in ("mean", "lower_process_limit", "upper_process_limit"):
            x, y = getattr(la, key), getattr(lb, key)
            # Equal up to the last of the 28 significant digits of a decimal.
            assert abs((x + shift) - y) <= Decimal("1e-20") * max(1, abs(y))
    assert [p.point_type for p in a.points] == [p.point_type for p in b.points]


@settings(max_examples=100, deadline=None)
@given(st.decimals(min_value=-1000, max_value=1000, places=2, allow_nan=False,
                   allow_infinity=False), st.integers(min_value=1, max_value=40))
def test_a_constant_series_has_no_special_cause(value: Decimal, n: int) -> None:
    r = rs.analyse_spc([value] * n)
    assert all(p.point_type == "common_cause" for p in r.points)
    assert r.signals == []


@settings(max_examples=100, deadline=None)
@given(values_st)
def test_reversing_polarity_swaps_improvement_and_concern(values: list[Decimal]) -> None:
    up = rs.analyse_spc(values, improvement="increase")
    down = rs.analyse_spc(values, improvement="decrease")
    swap = {"special_cause_improvement": "special_cause_concern",
            "special_cause_concern": "special_cause_improvement", "common_cause": "common_cause"}
    assert [swap[p.point_type] for p in up.points] == [p.point_type for p in down.points]


junk = st.one_of(st.none(), st.integers(), st.floats(), st.text(max_size=8), st.booleans(),
                 st.lists(st.integers(min_value=-3, max_value=50), max_size=3))


@settings(max_examples=300, deadline=None)
@given(st.lists(junk, max_size=15), junk, junk, junk)
def test_no_input_raises_anything_but_ragstatus_error(
    values: list[Any], labels: Any, target: Any, length: Any
) -> None:
    for call in (
        lambda: rs.analyse_spc(values, labels, target=target, shift_length=length),
        lambda: rs.analyse_spc(values, rebase_at=length, fix_after=target),
        lambda: rs.xmr_limits(values),
        lambda: rs.analyse_spc(target),
    ):
        try:
            call()
        except rs.RagstatusError:
            pass


def test_display_decimals_round_the_sentences_not_the_data() -> None:
    values = [1, 2, 3, 2, 1, 2, 3, 2, 1, 2, 3, 2, 30]
    plain = rs.analyse_spc(values)
    fixed = rs.analyse_spc(values, display_decimals=2)
    upper = fixed.segments[0].limits.upper_process_limit
    assert upper is not None and upper == plain.segments[0].limits.upper_process_limit
    (signal,) = [s for s in fixed.signals if s.start == 12]
    assert f"upper process limit of {upper.quantize(Decimal('0.01'))}:" in signal.explanation
    with pytest.raises(rs.DefinitionError):
        rs.analyse_spc(values, display_decimals=29)
    # An indicator's analysis uses its display decimals.
    defs = rs.Definitions(
        {
            "indicator": [
                {"id": "X", "polarity": "higher", "decimals": 1, "aggregation": "ratio", "multiplier": 100, "spc": True}
            ]
        }
    )
    indicator = defs.indicators[0]
    series = {rs.Period("2013/14 Q1").offset(i): (n, 97) for i, n in enumerate([88, 90, 89, 91, 90, 89, 90, 91, 90, 89, 60, 90])}
    result = indicator.spc("2015/16 Q4", series)
    assert result is not None
    texts = [s.explanation for s in result.signals] + [result.explanation]
    assert any("process limit of" in t for t in texts)
    assert not any(re.search(r"\d\.\d{2,}", t) for t in texts), texts
