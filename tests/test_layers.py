"""Layers stay clean: a package imports only packages below it (docs/architecture.md)."""

from __future__ import annotations

import ast
from pathlib import Path

SRC = Path(__file__).resolve().parents[1] / "src" / "buurtzicht"

BASE = {"errors", "config", "__init__"}
ALLOWED: dict[str, set[str]] = {
    "errors": set(),
    "config": {"errors"},
    "regions": BASE,
    "sources": BASE | {"regions"},
    "disclosure": BASE | {"regions", "sources"},
    "microdata": BASE | {"regions", "sources", "indicators"},
    "warehouse": BASE | {"regions", "sources"},
    "indicators": BASE | {"regions", "sources", "warehouse"},
    "secure": BASE | {"regions", "sources", "microdata", "disclosure", "indicators", "warehouse"},
    "analysis": BASE | {"regions", "sources", "warehouse", "indicators"},
    "workspace": BASE | {"regions", "sources", "warehouse"},
    "api": BASE
    | {"regions", "sources", "warehouse", "indicators", "analysis", "disclosure", "workspace"},
    "web": BASE | {"regions", "sources", "warehouse", "indicators", "analysis", "api", "workspace"},
    "cli": None,  # the command line may use everything
}
#: Deliberate exceptions, each with its reason.
EXCEPTIONS = {
    # The observation shape is the data model every layer shares.
    ("regions/harmonise.py", "sources"),
    # The mirror build assembles the derived indicator values into the build.
    ("warehouse/pipeline.py", "analysis"),
    ("warehouse/pipeline.py", "indicators"),
    ("warehouse/pipeline.py", "microdata"),
    ("warehouse/pipeline.py", "disclosure"),
    # ... and the published secure release (read and verified by `secure.published`).
    ("warehouse/pipeline.py", "secure"),
    # A build that reuses the current open data and loads a new secure release.
    ("warehouse/reuse.py", "analysis"),
    ("warehouse/reuse.py", "secure"),
    # An indicator names a disclosure rule set; the catalog checks that it exists.
    ("indicators/rules.py", "disclosure"),
    # The API mounts the HTML pages and renders HTML error pages for browsers.
    ("api/app.py", "web"),
    ("api/handlers.py", "web"),
}


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
            if (relative.as_posix(), target) not in EXCEPTIONS:
                violations.append(f"{relative} imports buurtzicht.{target}")
    assert not violations, "layer violations:\n" + "\n".join(violations)


def test_the_checker_sees_imports(tmp_path: Path) -> None:
    module = tmp_path / "m.py"
    module.write_text("from buurtzicht.api.app import create_app\nimport buurtzicht.web\n")
    assert imported_packages(module) == {"api", "web"}
