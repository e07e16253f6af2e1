"""The package's plan holds: dependencies point one way and no modules import each other in a circle.

Every import statement of every module is read from its source (at any depth: in
functions and under ``TYPE_CHECKING`` too), so a lazy import cannot hide a wrong edge.
"""

from __future__ import annotations

import ast
import importlib
import os
from pathlib import Path

import pytest

import escalation

ROOT = Path(escalation.__file__).resolve().parent
SHARED = {"errors", "disclaimer"}  # leaf modules every part may use
# what each part may import besides itself and the shared modules
ALLOWED = {
    "scenario": set(),
    "model": {"scenario"},
    "ensemble": {"model", "scenario"},
    "analysis": {"ensemble", "model", "scenario"},
    "tabletop": {"model", "scenario", "analysis"},
    "cli": {"tabletop", "ensemble", "model", "scenario", "analysis"},
}


def modules() -> dict[str, Path]:
    """Every module of the package by its dotted name (analysis/ is escalation.analysis)."""
    out = {}
    files = sorted(Path(folder, f) for folder, _, names in os.walk(ROOT, followlinks=True) for f in names if f.endswith(".py"))
    for path in files:  # analysis/ is linked into the package: walked with the links followed
        parts = path.relative_to(ROOT).with_suffix("").parts
        if parts[0] == "scenarios":
            continue
        name = ".".join(("escalation", *parts[:-1])) if parts[-1] == "__init__" else ".".join(("escalation", *parts))
        out[name] = path
    return out


MODULES = modules()


def imports_of(name: str, path: Path) -> set[str]:
    """The package's modules that ``name`` imports, by any import statement anywhere in it."""
    package = name if path.name == "__init__.py" else name.rsplit(".", 1)[0]
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            targets = [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join([*anchor, base] if base else anchor)
            targets = [f"{base}.{a.name}" if f"{base}.{a.name}" in MODULES else base for a in node.names]
        else:
            continue
        found |= {t for t in targets if t in MODULES and t != name}
    return found


GRAPH = {name: imports_of(name, path) for name, path in MODULES.items()}


def part(module: str) -> str:
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else ""


def test_every_module_imports():
    for name in MODULES:
        if not name.endswith(".__main__"):  # that one runs the command line
            importlib.import_module(name)


def test_dependencies_point_one_way():
    wrong = sorted(
        f"{a} imports {b}"
        for a, targets in GRAPH.items()
        for b in targets
        if part(a) in ALLOWED and part(b) not in {part(a), "", *SHARED, *ALLOWED[part(a)]}
    )
    assert wrong == []


def test_shared_modules_import_nothing_of_the_package():
    assert {m: GRAPH[f"escalation.{m}"] for m in SHARED} == {m: set() for m in SHARED}


def test_no_import_circles():
    """Tarjan's strongly connected components: any component of two or more modules is a circle."""
    index, low, stack, on, circles = {}, {}, [], set(), []

    def visit(v):
        index[v] = low[v] = len(index)
        stack.append(v)
        on.add(v)
        for w in GRAPH[v]:
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            component = []
            while True:
                w = stack.pop()
                on.discard(w)
                component.append(w)
                if w == v:
                    break
            if len(component) > 1:
                circles.append(sorted(component))

    for v in GRAPH:
        if v not in index:
            visit(v)
    assert circles == []


@pytest.mark.parametrize("bad, edge", [("escalation.model.crisis", "escalation.cli"), ("escalation.scenario.loading", "escalation.model.crisis")])
def test_the_rule_would_see_a_forbidden_edge(bad, edge, monkeypatch):
    """The check itself can fail: an added edge the rule forbids is reported."""
    monkeypatch.setitem(GRAPH, bad, GRAPH[bad] | {edge})
    with pytest.raises(AssertionError):
        test_dependencies_point_one_way()


def test_the_rule_would_see_a_circle(monkeypatch):
    monkeypatch.setitem(GRAPH, "escalation.model.ladder", GRAPH["escalation.model.ladder"] | {"escalation.model.crisis"})
    with pytest.raises(AssertionError):
        test_no_import_circles()
