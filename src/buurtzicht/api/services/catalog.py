"""What the current build can show, read once per build: the indicator catalog, then
the raw measures.

The catalog's indicators (:mod:`buurtzicht.indicators`, computed into
``indicator_values`` by the analysis engine) come first, grouped in their themes, with
their definitions, sources and methodology. After them every measure in the build is
offered as a source variable ("Bronvariabelen"), grouped by family, so that a new
measure appears without a code change. Secure-side figures (catalog ``synthetic`` or
measure flag ``synthetic`` / family ``secure``) are flagged so that every view can
label them. Every item is shown through the one projection of the model objects,
:class:`buurtzicht.indicators.model.IndicatorMeta`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TypeVar

import duckdb

from buurtzicht.analysis.composite import ensure_composite_values
from buurtzicht.analysis.connection import figures_catalog
from buurtzicht.api.warehouse import Snapshot
from buurtzicht.errors import UnknownMeasureError
from buurtzicht.indicators.model import (
    Citation,
    CompositePart,
    Indicator,
    IndicatorMeta,
    SourceVariable,
)
from buurtzicht.indicators.themes import Catalog as ModelCatalog
from buurtzicht.queries import indicators as indicator_queries

T = TypeVar("T")

#: Family -> (Dutch, English) title of the source-variable groups.
FAMILY_TITLES: dict[str, tuple[str, str]] = {
    "misdrijven": (
        "Bronvariabelen: geregistreerde criminaliteit",
        "Source variables: registered crime",
    ),
    "misdrijven_wb": (
        "Bronvariabelen: misdrijven per wijk en buurt",
        "Source variables: crime per wijk and buurt",
    ),
    "politie": (
        "Bronvariabelen: politie, misdrijven per soort",
        "Source variables: police, crime by type",
    ),
    "verdachten": ("Bronvariabelen: verdachten", "Source variables: suspects"),
    "vm": ("Bronvariabelen: Veiligheidsmonitor", "Source variables: safety monitor"),
    "kwb": ("Bronvariabelen: kerncijfers wijken en buurten", "Source variables: key figures"),
    "gebieden": ("Bronvariabelen: gebieden in Nederland", "Source variables: regions"),
    "secure": (
        "Bronvariabelen: beveiligde omgeving (synthetisch)",
        "Source variables: secure side (synthetic)",
    ),
}
#: The group the composite indexes are offered in, after the catalog themes.
COMPOSITE_THEME = ("samengestelde_indexen", "Samengestelde indexen", "Composite indexes")


@dataclass(frozen=True)
class Theme:
    id: str
    title_nl: str
    title_en: str
    indicators: tuple[IndicatorMeta, ...]

    def title(self, lang: str) -> str:
        return self.title_en if lang == "en" else self.title_nl


@dataclass(frozen=True)
class Catalog:
    """What the build can show, grouped; ``model``: the build's own indicator catalog."""

    themes: tuple[Theme, ...]
    model: ModelCatalog

    @property
    def indicators(self) -> list[IndicatorMeta]:
        return [i for t in self.themes for i in t.indicators]

    @property
    def catalog_themes(self) -> list[Theme]:
        return [t for t in self.themes if t.indicators and t.indicators[0].is_catalog]

    def get(self, indicator_id: str) -> IndicatorMeta:
        for indicator in self.indicators:
            if indicator.id == indicator_id:
                return indicator
        raise UnknownMeasureError(
            f"indicator {indicator_id!r} does not exist; the list is at /api/indicators"
        )


def _catalog_themes(catalog: ModelCatalog, with_figures: set[str]) -> list[Theme]:
    themes = []
    for loaded in catalog.themes:
        theme = loaded.theme
        items = tuple(
            IndicatorMeta(ind, theme.theme) for ind in theme.indicators if ind.id in with_figures
        )
        if items:
            themes.append(Theme(theme.theme, theme.title.nl, theme.title.en, items))
    return themes


def _composite_theme(catalog: ModelCatalog, themes: list[Theme]) -> list[Theme]:
    """The catalog's composite indexes whose components all have figures, as one group.

    A composite belongs to the theme of its components (its methodology lives there);
    its sources and synthetic flag are those of its components.
    """
    shown = {i.id: i.item for t in themes for i in t.indicators}
    items = []
    for loaded in catalog.themes:
        for comp in loaded.theme.composites:
            parts = [shown.get(c.indicator) for c in comp.components]
            if not all(isinstance(p, Indicator) for p in parts):
                continue
            components = tuple(
                CompositePart(p, c.weight)
                for p, c in zip(parts, comp.components, strict=True)
                if isinstance(p, Indicator)
            )
            items.append(IndicatorMeta(comp, loaded.theme.theme, components))
    if not items:
        return []
    theme_id, title_nl, title_en = COMPOSITE_THEME
    return [Theme(theme_id, title_nl, title_en, tuple(items))]


def _measure_themes(conn: duckdb.DuckDBPyConnection) -> list[Theme]:
    grouped: dict[str, list[IndicatorMeta]] = {}
    for row in indicator_queries.observed_measures(conn):
        family = row.measure.split(".", 1)[0]
        grouped.setdefault(family, []).append(
            IndicatorMeta(
                SourceVariable(
                    row.measure,
                    row.title,
                    row.unit,
                    row.decimals,
                    row.description,
                    Citation(
                        row.source_table,
                        row.title,
                        row.publisher or "CBS",
                        row.licence,
                        row.source_version,
                    ),
                    row.flags,
                ),
                f"bron_{family}",
            )
        )
    order = list(FAMILY_TITLES)
    return [
        Theme(f"bron_{fam}", *FAMILY_TITLES.get(fam, (fam, fam)), tuple(items))
        for fam, items in sorted(
            grouped.items(), key=lambda kv: (order.index(kv[0]) if kv[0] in order else 99, kv[0])
        )
    ]


def load(
    conn: duckdb.DuckDBPyConnection, analysis: duckdb.DuckDBPyConnection, model: ModelCatalog
) -> Catalog:
    """The catalog of the build: catalog indicators with figures, then raw measures.

    ``analysis`` is the cursor on which ``indicator_values`` is queryable, ``model`` the
    build's own catalog (:func:`buurtzicht.analysis.connection.figures_catalog`).
    """
    with_figures = indicator_queries.indicators_with_figures(analysis)
    themes = _catalog_themes(model, with_figures)
    return Catalog(tuple(themes + _composite_theme(model, themes) + _measure_themes(conn)), model)


def model_catalog(snapshot: Snapshot) -> ModelCatalog:
    """The indicator catalog the build stored with its figures (the one the analysis
    engine reads them with), read once per build."""
    found: ModelCatalog = snapshot.cached(
        ("build-catalog",), lambda: snapshot.analysis(figures_catalog)
    )
    return found


def catalog(snapshot: Snapshot, cursor: duckdb.DuckDBPyConnection) -> Catalog:
    model = model_catalog(snapshot)
    result: Catalog = snapshot.cached(
        ("catalog",), lambda: snapshot.analysis(lambda a: load(cursor, a, model))
    )
    return result


def reading(
    snapshot: Snapshot, cursor: duckdb.DuckDBPyConnection, indicator: IndicatorMeta
) -> Callable[[Callable[[duckdb.DuckDBPyConnection], T]], T]:
    """How to read an indicator's figures: catalog indicators through the analysis
    cursor (where ``indicator_values`` is queryable), composite indexes there too (with
    ``composite_values`` registered), raw measures on ``cursor``."""
    if indicator.is_catalog:
        return snapshot.analysis
    if indicator.is_composite:

        def on_analysis(work: Callable[[duckdb.DuckDBPyConnection], T]) -> T:
            def with_composites(conn: duckdb.DuckDBPyConnection) -> T:
                ensure_composite_values(conn)
                return work(conn)

            return snapshot.analysis(with_composites)

        return on_analysis

    def on_cursor(work: Callable[[duckdb.DuckDBPyConnection], T]) -> T:
        return work(cursor)

    return on_cursor
