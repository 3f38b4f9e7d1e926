"""The package's public API is deliberate: `__all__` lists it, `dir()` shows it and nothing else,
the package docstring documents every name in it, and the compiled module exports nothing that
the package leaves out."""

from __future__ import annotations

import ast
import importlib
import re
from pathlib import Path

import ragstatus as rs
from ragstatus import _ragstatus

STUBS = Path(rs.__file__).with_name("_ragstatus.pyi")


def test_every_name_in_all_is_importable() -> None:
    assert len(rs.__all__) == len(set(rs.__all__)), "duplicates in __all__"
    namespace: dict[str, object] = {}
    exec("from ragstatus import *", namespace)  # noqa: S102
    assert {n for n in namespace if n != "__builtins__"} == set(rs.__all__)
    for name in rs.__all__:
        assert getattr(importlib.import_module("ragstatus"), name) is namespace[name]


def test_dir_lists_the_public_api_only() -> None:
    assert dir(rs) == sorted(rs.__all__)
    for leaked in ("IntEnum", "annotations", "frame", "budget", "milestone", "spc", "_ragstatus"):
        assert leaked not in dir(rs)


def test_docstring_documents_all() -> None:
    doc = rs.__doc__ or ""
    api = doc[doc.index("The public API is") : doc.index("Every class is frozen")]
    documented = set(re.findall(r"``(\w+)``", api))
    assert set(rs.__all__) <= documented, set(rs.__all__) - documented
    assert documented - set(rs.__all__) <= {"__all__", "dir"}, documented - set(rs.__all__)


def test_every_compiled_name_is_exported() -> None:
    compiled = {n for n in vars(_ragstatus) if not n.startswith("_")} | {"__version__"}
    assert compiled <= set(rs.__all__), compiled - set(rs.__all__)
    # Only the pure-Python helpers come from elsewhere.
    python_only = set(rs.__all__) - compiled
    assert python_only == {
        "StatusCode",
        "evaluate_frame",
        "summary_frame",
        "actuals_from_frame",
        "roll_up_frame",
        "milestones_frame",
        "quantile_frame",
        "plot_spc",
        "spc_frame",
        "funnel_frame",
        "interval_frame",
        "plot_funnel",
        "icon_summary",
        "icon_summary_frame",
    }


def test_stub_all_matches_the_compiled_module() -> None:
    tree = ast.parse(STUBS.read_text(encoding="utf-8"))
    names: list[str] = []
    for node in tree.body:
        if isinstance(node, (ast.Assign, ast.AugAssign)):
            target = node.targets[0] if isinstance(node, ast.Assign) else node.target
            if isinstance(target, ast.Name) and target.id == "__all__":
                assert isinstance(node.value, ast.List)
                names += [e.value for e in node.value.elts if isinstance(e, ast.Constant)]
    compiled = {n for n in vars(_ragstatus) if not n.startswith("_")} | {"__version__"}
    assert set(names) == compiled, set(names) ^ compiled
