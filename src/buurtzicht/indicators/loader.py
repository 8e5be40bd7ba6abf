"""Load and validate the catalog: every theme file (:mod:`.theme_file`), then the rules.

Validation rules (:mod:`buurtzicht.indicators.rules`) return issues; only errors
block loading.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from functools import cached_property, lru_cache
from pathlib import Path

from buurtzicht.errors import UnknownMeasureError
from buurtzicht.indicators.model import Composite, Indicator, MeasureDefinition, ThemeFile
from buurtzicht.indicators.rules import run_rules
from buurtzicht.indicators.theme_file import CatalogError, Issue, LoadedTheme, load_theme_file

CATALOG_DIR = Path(__file__).with_name("catalog")


@dataclass(frozen=True)
class Catalog:
    """All validated themes, with lookups by indicator id."""

    themes: tuple[LoadedTheme, ...]
    warnings: tuple[Issue, ...] = ()

    @cached_property
    def indicators(self) -> list[Indicator]:
        return [ind for t in self.themes for ind in t.theme.indicators]

    @cached_property
    def _by_id(self) -> dict[str, Indicator]:
        return {ind.id: ind for ind in self.indicators}

    @property
    def composites(self) -> list[Composite]:
        return [c for t in self.themes for c in t.theme.composites]

    @cached_property
    def measures(self) -> dict[str, MeasureDefinition]:
        """The measures the catalog defines itself (secure side), by id."""
        return {m.id: m for t in self.themes for m in t.theme.measures}

    def __iter__(self) -> Iterator[Indicator]:
        return iter(self.indicators)

    def __len__(self) -> int:
        return len(self.indicators)

    def get(self, indicator_id: str) -> Indicator:
        """The indicator with this id, or :class:`UnknownMeasureError` listing close ids."""
        if indicator_id in self._by_id:
            return self._by_id[indicator_id]
        close = [i.id for i in self.indicators if indicator_id.split("_")[0] in i.id][:8]
        hint = f"; similar: {', '.join(close)}" if close else ""
        raise UnknownMeasureError(
            f"indicator {indicator_id!r} is not in the catalog "
            f"(run `buurtzicht indicators list`){hint}"
        )

    def composite(self, composite_id: str) -> Composite:
        for comp in self.composites:
            if comp.id == composite_id:
                return comp
        raise UnknownMeasureError(
            f"composite index {composite_id!r} is not in the catalog; known: "
            + ", ".join(c.id for c in self.composites)
        )

    def theme_of(self, indicator_id: str) -> ThemeFile:
        for t in self.themes:
            if any(i.id == indicator_id for i in t.theme.indicators):
                return t.theme
        raise UnknownMeasureError(f"indicator {indicator_id!r} is not in the catalog")

    def context_indicators(self) -> list[Indicator]:
        return [i for i in self.indicators if i.context]


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
