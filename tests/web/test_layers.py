"""The web framework stays inside api/, web/ and server/ (the data layer imports no web code)."""

from __future__ import annotations

import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[2] / "src" / "buurtzicht"
WEB_ONLY = ("fastapi", "starlette", "jinja2", "uvicorn")
ALLOWED = ("api", "web", "server")


def _imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module.split(".")[0])
    return names


def test_no_web_framework_outside_api_web_and_server() -> None:
    offenders = []
    for path in PACKAGE.rglob("*.py"):
        part = path.relative_to(PACKAGE).parts[0]
        if part in ALLOWED or path.name == "serve.py":
            continue
        bad = _imports(path) & set(WEB_ONLY)
        if bad:
            offenders.append(f"{path.relative_to(PACKAGE)} imports {sorted(bad)}")
    assert offenders == []


def test_queries_and_services_do_not_import_the_framework() -> None:
    for folder in ("queries", "api/services"):
        for path in (PACKAGE / folder).rglob("*.py"):
            assert not _imports(path) & set(WEB_ONLY), path


def test_the_scan_sees_a_web_import() -> None:
    assert "fastapi" in _imports(PACKAGE / "api" / "app.py")
