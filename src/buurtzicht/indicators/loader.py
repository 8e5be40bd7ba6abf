"""Load and validate the catalog: every theme file (:mod:`.theme_file`), then the rules.

Validation rules (:mod:`buurtzicht.indicators.rules`) return issues; only errors
block loading. This is the build's (and the command line's) way in; the server reads
the catalog a build stored (:meth:`buurtzicht.indicators.themes.Catalog.from_documents`).
"""

from __future__ import annotations

from collections.abc import Iterable
from functools import lru_cache
from pathlib import Path

from buurtzicht.indicators.rules import run_rules
from buurtzicht.indicators.theme_file import CatalogError, load_theme_file
from buurtzicht.indicators.themes import Catalog

__all__ = ["CATALOG_DIR", "Catalog", "default_catalog", "load_catalog"]

CATALOG_DIR = Path(__file__).with_name("catalog")


def load_catalog(paths: Iterable[Path] | None = None) -> Catalog:
    """Load every theme file (default: the packaged ``catalog/*.yaml``) and run the rules.

    Raises :class:`CatalogError` for the first rule error; warnings are kept on the
    returned catalog.
    """
    files = sorted(paths) if paths is not None else sorted(CATALOG_DIR.glob("*.yaml"))
    if not files:
        raise CatalogError(CATALOG_DIR, "no catalog files found", expected="<theme>.yaml files")
    themes = tuple(load_theme_file(Path(f)) for f in files)
    issues = run_rules(themes)
    errors = [i for i in issues if i.severity == "error"]
    if errors:
        first = errors[0]
        more = f" (and {len(errors) - 1} more)" if len(errors) > 1 else ""
        raise CatalogError(first.file, f"{first.message}{more}", line=first.line)
    return Catalog(themes, tuple(i for i in issues if i.severity != "error"))


@lru_cache(maxsize=1)
def default_catalog() -> Catalog:
    """The packaged catalog, loaded once per process."""
    return load_catalog()
