"""The import graph keeps the intended direction: domains → core, never back; a domain imports another domain only
when its descriptor ``requires`` it, and never another's views or the web app; no module imports itself round."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

import loa
from loa import modules

SRC = Path(loa.__file__).parent


def module_name(path: Path) -> str:
    parts = path.relative_to(SRC.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def imports(path: Path) -> list[tuple[str, int, bool]]:
    """(imported loa module, line, inside a function) for every import of ``loa`` in the file."""
    tree = ast.parse(path.read_text(), str(path))
    nested = {
        id(n) for f in ast.walk(tree) if isinstance(f, (ast.FunctionDef, ast.AsyncFunctionDef)) for n in ast.walk(f)
    }
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names = [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom):
            assert not node.level, f"{path}:{node.lineno}: relative import"
            base = node.module or ""
            names = [f"{base}.{a.name}" if f"{base}.{a.name}" in ALL else base for a in node.names]
        else:
            continue
        found += [(n, node.lineno, id(node) in nested) for n in names if n == "loa" or n.startswith("loa.")]
    return found


FILES = sorted(SRC.rglob("*.py"))
ALL = {module_name(p) for p in FILES}
DOMAINS = {m.name: m for m in modules.descriptors()}


def domain_of(name: str) -> str | None:
    parts = name.split(".")
    return parts[1] if len(parts) > 1 and parts[1] in DOMAINS else None


def edges() -> list[tuple[str, str, int, bool]]:
    return [(module_name(p), target, line, nested) for p in FILES for target, line, nested in imports(p)]


def wrong(source: str, target: str, nested: bool) -> str | None:
    """Why the edge source → target breaks the direction, or None."""
    mine, theirs = domain_of(source), domain_of(target)
    if theirs and not mine:
        return "core imports a domain"
    if mine and target.startswith("loa.web.app"):
        return "a domain imports the web app"
    if mine and theirs and theirs != mine:
        if target.startswith(f"loa.{theirs}.views"):
            return "a domain imports another domain's views"
        if theirs not in DOMAINS[mine].requires:
            return f"{mine} imports {theirs} without requiring it (use a hook)"
        if nested:
            return "an import of another module hidden inside a function"
    return None


def test_every_edge_follows_the_direction():
    bad = [f"{s}:{line} → {t}: {why}" for s, t, line, nested in edges() if (why := wrong(s, t, nested))]
    assert bad == []


def test_no_import_cycles():
    graph: dict[str, set[str]] = {}
    for source, target, _line, nested in edges():
        if not nested and target in ALL and target != source:
            graph.setdefault(source, set()).add(target)
    seen, stack, cycles = set(), [], []

    def visit(node: str) -> None:
        if node in stack:
            cycles.append(stack[stack.index(node) :] + [node])
            return
        if node in seen:
            return
        seen.add(node)
        stack.append(node)
        for nxt in sorted(graph.get(node, ())):
            visit(nxt)
        stack.pop()

    for node in sorted(graph):
        visit(node)
    assert cycles == []


@pytest.mark.parametrize(
    ("source", "target", "nested"),
    [
        ("loa.jobs.service", "loa.claims.service", False),
        ("loa.listening.service", "loa.claims.service", False),
        ("loa.claims.service", "loa.content.views", False),
        ("loa.plans.views", "loa.web.app", False),
        ("loa.plans.service", "loa.content.service", True),
    ],
)
def test_the_check_refuses_wrong_edges(source, target, nested):
    assert wrong(source, target, nested) is not None


def test_the_check_allows_the_intended_edges():
    assert wrong("loa.plans.service", "loa.content.service", False) is None
    assert wrong("loa.claims.hooks", "loa.hooks", False) is None
    assert wrong("loa.listening.service", "loa.listening.feeds", True) is None
