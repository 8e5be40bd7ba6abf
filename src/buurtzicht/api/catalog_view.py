"""What the dashboard can show: the indicator catalog, then the raw measures.

The catalog's indicators (:mod:`buurtzicht.indicators`, computed into
``indicator_values`` by the analysis engine) come first, grouped in their themes, with
their definitions, sources and methodology. After them every measure in the build is
offered as a source variable ("Bronvariabelen"), grouped by family, so that a new
measure appears without a code change. Secure-side figures (catalog ``synthetic`` or
measure flag ``synthetic`` / family ``secure``) are flagged so that every view can
label them.
"""

from __future__ import annotations

from dataclasses import dataclass

import duckdb

from buurtzicht.errors import UnknownMeasureError
from buurtzicht.indicators.model import Catalog as ModelCatalog
from buurtzicht.indicators.model import Composite, Indicator, Localised
from buurtzicht.queries import indicators as indicator_queries

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
INDICATOR_TABLE = "indicator_values"
MEASURE_TABLE = "observations"
#: Composite indexes of the catalog (:mod:`buurtzicht.analysis.composite`), registered
#: on the analysis cursor in the long shape of ``indicator_values``.
COMPOSITE_TABLE = "composite_values"
#: The group the composite indexes are offered in, after the catalog themes.
COMPOSITE_THEME = ("samengestelde_indexen", "Samengestelde indexen", "Composite indexes")


@dataclass(frozen=True)
class Citation:
    table: str
    title: str
    publisher: str
    licence: str
    version: str = ""
    url: str | None = None


@dataclass(frozen=True)
class CompositePart:
    """One component of a composite index with its catalog weight."""

    model: Indicator
    weight: float

    @property
    def indicator(self) -> str:
        return self.model.id

    def title(self, lang: str) -> str:
        return self.model.title.en if lang == "en" else self.model.title.nl


@dataclass(frozen=True)
class SourceVariable:
    """A measure of the build offered as it is (no catalog entry): the ``measures`` row."""

    id: str
    title: str
    unit: str
    decimals: int
    description: str
    citation: Citation
    flags: tuple[str, ...]


#: Unit of every composite index.
INDEX_UNIT = Localised(nl="index (Nederland = 100)", en="index (Netherlands = 100)")


@dataclass(frozen=True)
class IndicatorMeta:
    """What a view shows: a catalog indicator or composite index (the build's own
    :mod:`buurtzicht.indicators.model` object, read, not copied) or a source variable."""

    item: Indicator | Composite | SourceVariable
    theme: str
    #: Composite indexes: the components with their weights, in catalog order.
    components: tuple[CompositePart, ...] = ()

    @property
    def id(self) -> str:
        """The id under which the figures are stored (indicator or measure id)."""
        return self.item.id

    measure = id

    @property
    def table(self) -> str:
        if isinstance(self.item, Indicator):
            return INDICATOR_TABLE
        return COMPOSITE_TABLE if isinstance(self.item, Composite) else MEASURE_TABLE

    @property
    def is_catalog(self) -> bool:
        return isinstance(self.item, Indicator)

    @property
    def is_composite(self) -> bool:
        return isinstance(self.item, Composite)

    def _text(self, field: str, lang: str) -> str:
        value = getattr(self.item, field, None)
        if isinstance(value, Localised):
            return value.en if lang == "en" else value.nl
        return "" if value is None else str(value)

    def title(self, lang: str) -> str:
        return self._text("title", lang)

    def unit(self, lang: str) -> str:
        if isinstance(self.item, Composite):
            return INDEX_UNIT.en if lang == "en" else INDEX_UNIT.nl
        return self._text("unit", lang)

    def description(self, lang: str) -> str:
        return self._text("description", lang)

    def methodology(self, lang: str) -> str:
        return self._text("methodology", lang)

    @property
    def decimals(self) -> int:
        return 0 if isinstance(self.item, Composite) else self.item.decimals

    @property
    def direction(self) -> str:
        if isinstance(self.item, Indicator):
            return self.item.direction.value
        return "higher_is_worse" if isinstance(self.item, Composite) else "neutral"

    @property
    def kind(self) -> str:
        """ "count" (an absolute number), "rate" (a rate, share, mean or score), "index" (a
        composite index, NL = 100) or "" (a raw source variable: not known)."""
        if isinstance(self.item, Indicator):
            return "count" if self.item.is_count else "rate"
        return "index" if isinstance(self.item, Composite) else ""

    @property
    def sources(self) -> tuple[Citation, ...]:
        """A composite's are those of its components."""
        if isinstance(self.item, SourceVariable):
            return (self.item.citation,)
        cited = (
            [self.item] if isinstance(self.item, Indicator) else [p.model for p in self.components]
        )
        return tuple(
            dict.fromkeys(
                Citation(s.table, s.title, s.publisher, s.licence, url=s.url)
                for ind in cited
                for s in ind.sources
            )
        )

    @property
    def synthetic(self) -> bool:
        if isinstance(self.item, Indicator):
            return self.item.synthetic
        if isinstance(self.item, Composite):
            return any(p.model.synthetic for p in self.components)
        return "synthetic" in self.item.flags or self.item.id.startswith("secure.")

    @property
    def period_years(self) -> int:
        """Years each figure covers up to its period (2: a two-year total, 2023-2024)."""
        return self.item.period_years if isinstance(self.item, Indicator) else 1

    @property
    def default_below_gemeente(self) -> bool:
        """The catalog's default of wijk and buurt maps, rankings and summary maps."""
        return isinstance(self.item, Indicator) and self.item.default_below_gemeente

    @property
    def flags(self) -> tuple[str, ...]:
        return self.item.flags if isinstance(self.item, SourceVariable) else ()


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
