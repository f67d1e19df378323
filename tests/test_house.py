"""The shape of the house: data flows one way, no import circles, SimPy only in the engine.

Read from the source with :mod:`ast` (imports under ``TYPE_CHECKING`` and inside functions count:
they show a dependency all the same).
"""
from __future__ import annotations

import ast
import re
from pathlib import Path

PKG = Path(__file__).resolve().parents[1] / "workbench"
NOTEBOOKS = Path(__file__).resolve().parents[1] / "notebooks"

# layers, lowest first: a module may import its own layer and those below, never above
LAYERS = [
    {"errors", "files", "charting", "_compiled", "calendar", "scenario"},
    {"model"},
    {"analysis"},
    {"experiment"},
    {"calibration", "published", "decision"},
    {"present", "cli", "app"},
]


def _modules() -> dict[str, Path]:
    mods = {}
    for p in PKG.rglob("*.py"):
        parts = p.relative_to(PKG.parent).with_suffix("").parts
        name = ".".join(parts[:-1] if parts[-1] == "__init__" else parts)
        mods[name] = p
    return mods


def _imports(name: str, path: Path, mods: dict[str, Path]) -> set[str]:
    out: set[str] = set()
    is_pkg = path.name == "__init__.py"
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom):
            if node.level:
                base = name.split(".") if is_pkg else name.split(".")[:-1]
                base = base[: len(base) - (node.level - 1)]
                mod = ".".join(base + ([node.module] if node.module else []))
            else:
                mod = node.module or ""
            for a in node.names:
                cand = f"{mod}.{a.name}"
                out.add(cand if cand in mods else mod)
        elif isinstance(node, ast.Import):
            out.update(a.name for a in node.names)
    return {m for m in out if m in mods and m != name}


def _graph() -> dict[str, set[str]]:
    mods = _modules()
    # a package's __init__ re-exports its modules: its edges are not a module's dependencies
    return {m: (set() if p.name == "__init__.py" else _imports(m, p, mods))
            for m, p in mods.items()}


def _cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on: set[str] = set()
    found: list[list[str]] = []
    counter = [0]

    def visit(v: str) -> None:
        index[v] = low[v] = counter[0]
        counter[0] += 1
        stack.append(v)
        on.add(v)
        for w in graph[v]:
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            comp = []
            while True:
                w = stack.pop()
                on.discard(w)
                comp.append(w)
                if w == v:
                    break
            if len(comp) > 1:
                found.append(sorted(comp))

    for v in graph:
        if v not in index:
            visit(v)
    return found


def _layer(module: str) -> int | None:
    parts = module.split(".")
    top = parts[1] if len(parts) > 1 else ""
    for i, layer in enumerate(LAYERS):
        if top in layer:
            return i
    return None


def test_no_import_cycles():
    assert _cycles(_graph()) == []


def test_data_flows_one_way():
    wrong = []
    for mod, deps in _graph().items():
        mine = _layer(mod)
        if mine is None:
            continue
        for d in deps:
            theirs = _layer(d)
            if theirs is not None and theirs > mine:
                wrong.append(f"{mod} imports {d}")
    assert wrong == []


def test_only_the_engine_touches_simpy_internals():
    private = re.compile(r"\._queue\b|\._eid\b|\._now\b|env_queue|env_eid")
    leaks = [str(p.relative_to(PKG.parent)) for p in PKG.rglob("*.py")
             if p.name != "engine.py" and private.search(p.read_text(encoding="utf-8"))]
    assert leaks == []
    users = [str(p.relative_to(PKG.parent)) for p in PKG.rglob("*.py")
             if re.search(r"^\s*(import simpy|from simpy)", p.read_text(encoding="utf-8"), re.M)]
    assert users == ["workbench/model/engine.py"]


def test_analysis_never_reads_a_live_simulation():
    for p in (PKG / "analysis").rglob("*.py"):
        text = p.read_text(encoding="utf-8")
        assert "Simulation" not in text, p
        assert not re.search(r"\bsim\.", text), p
