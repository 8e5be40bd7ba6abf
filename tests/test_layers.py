"""Layers stay clean: a package imports only packages below it (docs/architecture.md).

Three checks over the import graph of ``src/buurtzicht`` (read with :mod:`ast`, so that
imports inside functions and under ``TYPE_CHECKING`` count too):

* a package imports only the packages :data:`ALLOWED` lists for it (no exceptions);
* :data:`ALLOWED` itself is a strict stack (no cycle), and docs/architecture.md states
  the same table;
* no two modules import each other, directly or round a circle, apart from the
  :data:`KNOWN_CYCLES`, and every known cycle still exists (remove it when it is gone).
"""

from __future__ import annotations

import ast
import re
from graphlib import CycleError, TopologicalSorter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SRC = ROOT / "src" / "buurtzicht"

BASE = {"errors", "config", "__init__"}
ALLOWED: dict[str, set[str]] = {
    "errors": set(),
    "config": {"errors"},
    "regions": BASE,
    "sources": BASE | {"regions"},
    "disclosure": BASE | {"regions", "sources"},
    "microdata": BASE | {"regions", "sources", "indicators"},
    "warehouse": BASE | {"regions", "sources"},
    "queries": BASE | {"regions", "sources", "warehouse", "indicators"},
    "indicators": BASE | {"regions", "sources", "disclosure", "warehouse"},
    "secure": BASE
    | {"regions", "sources", "microdata", "disclosure", "indicators", "warehouse", "queries"},
    "analysis": BASE | {"regions", "sources", "warehouse", "queries", "indicators"},
    "workspace": BASE | {"regions", "sources", "warehouse", "queries"},
    "assembly": BASE | {"regions", "sources", "warehouse", "indicators", "analysis", "secure"},
    "api": BASE
    | {
        "regions",
        "sources",
        "warehouse",
        "queries",
        "indicators",
        "analysis",
        "disclosure",
        "workspace",
    },
    "web": BASE
    | {"regions", "sources", "warehouse", "queries", "indicators", "analysis", "api", "workspace"},
    "server": BASE | {"queries", "api", "web"},
    "cli": None,  # the command line may use everything
}

#: Circles of module imports still to be taken apart (issue 16), each as its sorted
#: module names. The test fails on any other circle and on a listed one that is gone.
KNOWN_CYCLES: dict[frozenset[str], str] = {}


def module_name(path: Path) -> str:
    parts = list(path.relative_to(SRC).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def import_graph() -> dict[str, set[str]]:
    """Module -> the modules of ours it imports (names relative to ``buurtzicht``)."""
    paths = {module_name(p): p for p in SRC.rglob("*.py") if p.parent.name != "__pycache__"}
    graph: dict[str, set[str]] = {}
    for name, path in paths.items():
        package = name if path.name == "__init__.py" else name.rpartition(".")[0]
        found: set[str] = set()
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            targets: list[str] = []
            if isinstance(node, ast.ImportFrom):
                base = node.module or ""
                if node.level:
                    up = package.split(".") if package else []
                    up = up[: len(up) - (node.level - 1)]
                    base = ".".join([*up, base] if base else up)
                else:
                    base = base.removeprefix("buurtzicht").lstrip(".")
                    if not (node.module or "").startswith("buurtzicht"):
                        continue
                targets = [base] + [f"{base}.{a.name}" if base else a.name for a in node.names]
            elif isinstance(node, ast.Import):
                targets = [
                    a.name.removeprefix("buurtzicht.")
                    for a in node.names
                    if a.name.startswith("buurtzicht.")
                ]
            found |= {t for t in targets if t in paths and t != name}
        graph[name] = found
    return graph


def cycles(graph: dict[str, set[str]]) -> list[frozenset[str]]:
    """The strongly connected components with more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[frozenset[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for nxt in sorted(graph.get(node, ())):
            if nxt not in index:
                visit(nxt)
                low[node] = min(low[node], low[nxt])
            elif nxt in on_stack:
                low[node] = min(low[node], index[nxt])
        if low[node] == index[node]:
            component = set()
            while True:
                member = stack.pop()
                on_stack.discard(member)
                component.add(member)
                if member == node:
                    break
            if len(component) > 1:
                found.append(frozenset(component))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return found


def imported_packages(path: Path) -> set[str]:
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        names: list[str] = []
        if isinstance(node, ast.ImportFrom) and node.module:
            names = [node.module]
        elif isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        found |= {n.split(".")[1] for n in names if n.startswith("buurtzicht.")}
    return {name.removesuffix(".py") for name in found}


def test_packages_import_only_lower_layers() -> None:
    violations = []
    for path in sorted(SRC.rglob("*.py")):
        relative = path.relative_to(SRC)
        package = relative.parts[0].removesuffix(".py")
        allowed = ALLOWED.get(package)
        if allowed is None:
            continue
        for target in imported_packages(path) - allowed - {package}:
            violations.append(f"{relative} imports buurtzicht.{target}")
    assert not violations, "layer violations:\n" + "\n".join(violations)


def test_the_layer_table_is_a_stack() -> None:
    table = {package: set(allowed) - {package} for package, allowed in ALLOWED.items() if allowed}
    try:
        order = list(TopologicalSorter(table).static_order())
    except CycleError as exc:  # pragma: no cover - the assertion message is the point
        raise AssertionError(f"the layer table has a cycle: {exc.args[1]}") from exc
    assert order.index("errors") < order.index("regions") < order.index("web")
    assert order.index("api") < order.index("web") < order.index("server")


def test_architecture_doc_states_the_same_table() -> None:
    """docs/architecture.md lists, per package, exactly what ALLOWED lets it import."""
    text = (ROOT / "docs" / "architecture.md").read_text(encoding="utf-8")
    documented: dict[str, set[str]] = {}
    for package, imports in re.findall(r"^\| `(\w+)/` \|[^|]*\| ([^|]*) \|$", text, flags=re.M):
        documented[package] = set(re.findall(r"`(\w+)`", imports))
    expected = {
        package: set(allowed) - BASE
        for package, allowed in ALLOWED.items()
        if allowed is not None and package not in BASE
    }
    assert set(documented) == set(ALLOWED) - BASE
    assert {package: documented[package] for package in expected} == expected


def test_no_import_cycles() -> None:
    found = cycles(import_graph())
    unexpected = [sorted(c) for c in found if c not in KNOWN_CYCLES]
    assert not unexpected, f"import cycles: {unexpected}"
    gone = [sorted(c) for c in KNOWN_CYCLES if c not in found]
    assert not gone, f"known cycles that no longer exist (remove them from the list): {gone}"


def test_the_cycle_finder_finds_a_circle() -> None:
    graph = {"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}, "e": set()}
    assert cycles(graph) == [frozenset({"a", "b", "c"})]


def test_the_checker_sees_imports(tmp_path: Path) -> None:
    module = tmp_path / "m.py"
    module.write_text("from buurtzicht.api.app import create_app\nimport buurtzicht.web\n")
    assert imported_packages(module) == {"api", "web"}
