"""All SQL over a built warehouse sits in one package, :mod:`buurtzicht.queries`.

A module "runs SQL" when it calls ``.execute``, ``.executemany`` or ``.sql`` on
something, or holds a string (docstrings aside) with SQL in capitals (``SELECT ... FROM``,
``INSERT INTO``, ``CREATE TABLE``, ...), which also catches SQL handed to a helper.
Outside ``queries/`` only the modules of :data:`ELSEWHERE` may: build-time writers and
databases that are not a build. A listed module that no longer runs SQL fails too: take
it off the list. The pure statistics of ``analysis/stats`` neither run SQL nor import
what reads a build.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

SRC = Path(__file__).resolve().parents[1] / "src" / "buurtzicht"
READ_LAYER = "queries"
SQL_CALLS = frozenset({"execute", "executemany", "sql"})
SQL_TEXT = re.compile(
    r"\b(SELECT\b[\s\S]*\bFROM|INSERT\s+INTO|CREATE\s+(OR\s+REPLACE\s+)?(TEMP\s+)?(TABLE|VIEW)"
    r"|UPDATE\s+\w+\s+SET|DELETE\s+FROM)\b"
)

NOT_A_BUILD = "a database that is not a build"
WRITER = "build-time writer: makes or checks a build before it is current"

#: Module path (relative to ``src/buurtzicht``; a folder ends in "/") -> why it may.
ELSEWHERE: dict[str, str] = {
    "workspace/": f"{NOT_A_BUILD}: the workspace's own SQLAlchemy database",
    "microdata/": f"{NOT_A_BUILD}: the secure side's linked microdata (DuckDB or Spark)",
    "api/answer_store.py": f"{NOT_A_BUILD}: the SQLite store of pre-rendered answers",
    "warehouse/build.py": WRITER,
    "warehouse/schema.py": WRITER,
    "warehouse/validate.py": WRITER,
    "indicators/compute.py": WRITER,
    "analysis/materialise.py": WRITER,
    "assembly/from_current.py": WRITER,
    "analysis/deviations_table.py": WRITER,
    "analysis/profile_comparisons_table.py": WRITER,
    "secure/models/": f"{NOT_A_BUILD}: the secure side's microdata files (Parquet)",
}


def runs_sql(source: str) -> bool:
    """Whether a module calls ``execute``/``sql`` or holds SQL text (docstrings aside)."""
    tree = ast.parse(source)
    docstrings = {
        id(node.body[0].value)
        for node in ast.walk(tree)
        if isinstance(node, ast.Module | ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef)
        and node.body
        and isinstance(node.body[0], ast.Expr)
        and isinstance(node.body[0].value, ast.Constant)
    }
    for node in ast.walk(tree):
        if (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Attribute)
            and node.func.attr in SQL_CALLS
        ):
            return True
        if (
            isinstance(node, ast.Constant)
            and isinstance(node.value, str)
            and id(node) not in docstrings
            and SQL_TEXT.search(node.value)
        ):
            return True
    return False


def _listed(relative: str) -> str | None:
    for entry in ELSEWHERE:
        if relative == entry or (entry.endswith("/") and relative.startswith(entry)):
            return entry
    return None


def _modules_running_sql() -> list[str]:
    return [
        path.relative_to(SRC).as_posix()
        for path in sorted(SRC.rglob("*.py"))
        if runs_sql(path.read_text(encoding="utf-8"))
    ]


def test_sql_over_a_build_only_in_the_read_layer() -> None:
    outside = [
        m for m in _modules_running_sql() if not m.startswith(f"{READ_LAYER}/") and not _listed(m)
    ]
    assert not outside, (
        f"SQL outside {READ_LAYER}/ (add a named query there and call it): {outside}"
    )


def test_every_listed_module_still_runs_sql() -> None:
    used = {_listed(m) for m in _modules_running_sql()}
    stale = sorted(set(ELSEWHERE) - used)
    assert not stale, f"no SQL any more (take them off ELSEWHERE): {stale}"


def test_the_read_layer_runs_sql() -> None:
    assert any(m.startswith(f"{READ_LAYER}/") for m in _modules_running_sql())


#: What a module of ``analysis/stats`` may not import: it gets arrays and frames, not a
#: connection (the warehouse-bound engine in ``analysis/`` reads and hands them over).
NOT_IN_STATS = ("duckdb", "buurtzicht.queries", "buurtzicht.warehouse", "buurtzicht.analysis.")


def _imports(path: Path) -> set[str]:
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
    return names


def test_statistics_are_pure() -> None:
    stats = SRC / "analysis" / "stats"
    found = {
        f"{path.name} imports {name}"
        for path in stats.glob("*.py")
        for name in _imports(path)
        if name.startswith(NOT_IN_STATS) and not name.startswith("buurtzicht.analysis.stats")
    }
    assert not found, f"analysis/stats must not read a build: {sorted(found)}"
    assert not [p.name for p in stats.glob("*.py") if runs_sql(p.read_text(encoding="utf-8"))]


def test_the_scan_sees_sql() -> None:
    assert runs_sql("rows = conn.execute(text).fetchall()\n")
    assert runs_sql("SQL = 'SELECT region FROM indicator_values'\n")
    assert runs_sql("frame = query(conn, f'SELECT * FROM {table} WHERE x = ?', [1])\n")
    assert not runs_sql('"""Select the regions from the build: SELECT x FROM t."""\nx = 1\n')
    assert not runs_sql("words = 'select a region from the list'.split()\n")
