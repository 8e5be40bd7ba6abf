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

from dataclasses import dataclass, field

import duckdb

from buurtzicht.errors import UnknownMeasureError
from buurtzicht.indicators.loader import default_catalog

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

    indicator: str
    title_nl: str
    title_en: str
    weight: float

    def title(self, lang: str) -> str:
        return self.title_en if lang == "en" else self.title_nl


@dataclass(frozen=True)
class IndicatorMeta:
    id: str
    table: str  # "indicator_values" (catalog) or "observations" (raw measure)
    theme: str
    title_nl: str
    title_en: str
    unit_nl: str
    unit_en: str
    decimals: int
    description_nl: str
    description_en: str
    methodology_nl: str
    methodology_en: str
    sources: tuple[Citation, ...]
    synthetic: bool
    direction: str = "neutral"
    flags: tuple[str, ...] = field(default_factory=tuple)
    #: "count" (an absolute number), "rate" (a rate, share, mean or score), "index" (a
    #: composite index, NL = 100) or "" (a raw source variable: not known)
    kind: str = ""
    #: Composite indexes: the components with their weights, in catalog order.
    components: tuple[CompositePart, ...] = ()

    @property
    def measure(self) -> str:
        """The id under which the figures are stored (indicator or measure id)."""
        return self.id

    @property
    def is_catalog(self) -> bool:
        return self.table == INDICATOR_TABLE

    @property
    def is_composite(self) -> bool:
        return self.table == COMPOSITE_TABLE

    def title(self, lang: str) -> str:
        return self.title_en if lang == "en" else self.title_nl

    def unit(self, lang: str) -> str:
        return self.unit_en if lang == "en" else self.unit_nl


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
    themes: tuple[Theme, ...]

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


def _catalog_themes(with_figures: set[str]) -> list[Theme]:
    themes = []
    for loaded in default_catalog().themes:
        theme = loaded.theme
        items = tuple(
            IndicatorMeta(
                id=ind.id,
                table=INDICATOR_TABLE,
                theme=theme.theme,
                title_nl=ind.title.nl,
                title_en=ind.title.en,
                unit_nl=ind.unit.nl,
                unit_en=ind.unit.en,
                decimals=ind.decimals,
                description_nl=ind.description.nl,
                description_en=ind.description.en,
                methodology_nl=ind.methodology.nl,
                methodology_en=ind.methodology.en,
                sources=tuple(
                    Citation(s.table, s.title, s.publisher, s.licence, url=s.url)
                    for s in ind.sources
                ),
                synthetic=ind.synthetic,
                direction=ind.direction.value,
                kind="count" if ind.is_count else "rate",
            )
            for ind in theme.indicators
            if ind.id in with_figures
        )
        if items:
            themes.append(Theme(theme.theme, theme.title.nl, theme.title.en, items))
    return themes


def _composite_theme(themes: list[Theme]) -> list[Theme]:
    """The catalog's composite indexes whose components all have figures, as one group.

    A composite belongs to the theme of its components (its methodology lives there);
    its sources and synthetic flag are those of its components.
    """
    shown = {i.id: i for t in themes for i in t.indicators}
    items = []
    for loaded in default_catalog().themes:
        for comp in loaded.theme.composites:
            parts = [shown.get(c.indicator) for c in comp.components]
            if not all(parts):
                continue
            known = [p for p in parts if p is not None]
            sources = tuple(dict.fromkeys(s for p in known for s in p.sources))
            items.append(
                IndicatorMeta(
                    id=comp.id,
                    table=COMPOSITE_TABLE,
                    theme=loaded.theme.theme,
                    title_nl=comp.title.nl,
                    title_en=comp.title.en,
                    unit_nl="index (Nederland = 100)",
                    unit_en="index (Netherlands = 100)",
                    decimals=0,
                    description_nl=comp.description.nl,
                    description_en=comp.description.en,
                    methodology_nl=comp.methodology.nl,
                    methodology_en=comp.methodology.en,
                    sources=sources,
                    synthetic=any(p.synthetic for p in known),
                    direction="higher_is_worse",
                    kind="index",
                    components=tuple(
                        CompositePart(p.id, p.title_nl, p.title_en, c.weight)
                        for p, c in zip(known, comp.components, strict=True)
                    ),
                )
            )
    if not items:
        return []
    theme_id, title_nl, title_en = COMPOSITE_THEME
    return [Theme(theme_id, title_nl, title_en, tuple(items))]


def _measure_themes(conn: duckdb.DuckDBPyConnection) -> list[Theme]:
    cursor = conn.execute(
        """
        SELECT measure, title, coalesce(unit, ''), coalesce(decimals, 0),
               coalesce(description, ''), coalesce(source_table, ''),
               coalesce(source_version, ''), coalesce(publisher, ''), coalesce(licence, ''),
               coalesce(flags, '')
        FROM measures
        WHERE measure IN (SELECT DISTINCT measure FROM observations)
        ORDER BY measure
        """
    )
    grouped: dict[str, list[IndicatorMeta]] = {}
    for row in cursor.fetchall():
        measure, title, unit, decimals, description, table, version, pub, lic, raw = row
        flags = tuple(f for f in str(raw).split(",") if f)
        family = measure.split(".", 1)[0]
        grouped.setdefault(family, []).append(
            IndicatorMeta(
                id=measure,
                table=MEASURE_TABLE,
                theme=f"bron_{family}",
                title_nl=title,
                title_en=title,
                unit_nl=unit,
                unit_en=unit,
                decimals=int(decimals),
                description_nl=description,
                description_en=description,
                methodology_nl="",
                methodology_en="",
                sources=(Citation(table, title, pub or "CBS", lic, version),),
                synthetic="synthetic" in flags or family == "secure",
                flags=flags,
            )
        )
    order = list(FAMILY_TITLES)
    return [
        Theme(f"bron_{fam}", *FAMILY_TITLES.get(fam, (fam, fam)), tuple(items))
        for fam, items in sorted(
            grouped.items(), key=lambda kv: (order.index(kv[0]) if kv[0] in order else 99, kv[0])
        )
    ]


def load(conn: duckdb.DuckDBPyConnection, analysis: duckdb.DuckDBPyConnection) -> Catalog:
    """The catalog of the build: catalog indicators with figures, then raw measures.

    ``analysis`` is the cursor on which ``indicator_values`` is queryable.
    """
    # A suppressed figure is a figure too: it is shown as "." with its reason.
    rows = analysis.execute(
        "SELECT DISTINCT indicator FROM indicator_values "
        "WHERE value IS NOT NULL OR status = 'suppressed'"
    ).fetchall()
    with_figures = {indicator for (indicator,) in rows}
    themes = _catalog_themes(with_figures)
    return Catalog(tuple(themes + _composite_theme(themes) + _measure_themes(conn)))
