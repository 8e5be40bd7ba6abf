"""Typed page contexts: the HTML page and its ``.json`` twin render the same model."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field, computed_field

from buurtzicht.api.schemas.card import IndicatorOut as ThemeIndicator
from buurtzicht.api.schemas.figures import BuildOut, RankingOut, ThemeOut, TrendsOut, ValuesOut
from buurtzicht.api.schemas.region_page import CompareOut, ProfileOut
from buurtzicht.api.schemas.risk import RegionRiskOut
from buurtzicht.warehouse.audit_note import AuditFigures


class Context(BaseModel):
    model_config = ConfigDict(frozen=True)


class PageMeta(Context):
    title: str
    lang: str
    path: str
    json_url: str
    other_lang_url: str
    build_id: str | None = None


class HomePage(Context):
    page: PageMeta
    build: BuildOut
    themes: list[ThemeOut]


class TilesRef(Context):
    """Vector tiles a map draws instead of one GeoJSON (the national buurt map)."""

    url: str  # template with {z}/{x}/{y}
    minzoom: int
    maxzoom: int
    bounds: tuple[float, float, float, float]


class MapPage(Context):
    page: PageMeta
    themes: list[ThemeOut]
    indicator: str
    level: str
    levels: list[str]
    period: str | None
    scheme: str
    k: int
    values: ValuesOut | None
    geometry_url: str | None
    csv_url: str
    xlsx_url: str
    hotspots_url: str | None = None
    tiles: TilesRef | None = None
    #: What the page changed to show figures (another period, indicator or parent).
    notices: list[str] = []
    #: Where the boundaries come from, one line per layer (and without one, per reason).
    boundary_notes: list[str] = []
    rankings_url: str | None = None


class MapLink(Context):
    label: str
    url: str


class RankingsPage(Context):
    page: PageMeta
    themes: list[ThemeOut]
    indicator: str
    level: str
    ranking: RankingOut | None
    notices: list[str] = []
    csv_url: str
    xlsx_url: str
    map_url: str


class RegionPage(Context):
    page: PageMeta
    profile: ProfileOut
    #: Maps one level down (wijken, buurten) from this profile.
    map_links: list[MapLink] = []
    #: Published risk classes with their explanation (Zoekgebieden), latest year per theme.
    risks: list[RegionRiskOut] = []


class SummaryPage(Context):
    """The printable summary of a profile (``/gemeente/GM0599/samenvatting``)."""

    page: PageMeta
    profile: ProfileOut
    #: A small map of the children as inline SVG (None without boundaries or figures).
    map_svg: str | None = None
    #: What that map shows: indicator, period, legend (rows left out).
    map_values: ValuesOut | None = None


class ChartRow(Context):
    """One region's figure in one year of a line chart; ``value`` None breaks the line."""

    region: str
    year: int
    value: float | None
    display: str


class YearSpan(Context):
    """Successive years (``first`` to ``last``, inclusive) for which no region has a figure."""

    first: int
    last: int

    @computed_field  # type: ignore[prop-decorator]
    @property
    def label(self) -> str:
        return str(self.first) if self.first == self.last else f"{self.first}–{self.last}"


class TrendChart(Context):
    """The rows of a line chart over the years (:func:`buurtzicht.web.yearly.trend_chart`)."""

    step: int = Field(description="Years between successive figures (2: every other year)")
    rows: list[ChartRow]
    missing: list[YearSpan]


class ComparePage(Context):
    page: PageMeta
    compare: CompareOut
    indicator: str | None
    trends: TrendsOut | None
    chart: TrendChart | None = None


class MethodTheme(Context):
    """A catalog theme on the methodology index: where its own page is."""

    id: str
    title: str
    description: str
    indicators: int
    url: str


class SourceName(Context):
    """A source of the build by its user-facing name."""

    name: str
    publisher: str
    version: str
    licence: str


class DisclosureAudit(Context):
    """The disclosure audit the build's secure release passed before it was loaded."""

    figures: AuditFigures
    #: The audit's date in the page's language ("6 december 2026").
    date_text: str | None = None


class MethodologyPage(Context):
    page: PageMeta
    themes: list[MethodTheme]
    #: Raw source variables, grouped per family (mappable too).
    source_themes: list[ThemeOut]
    sources: list[SourceName]
    build: BuildOut
    #: Whether the build holds a secure release, and its audit (None: not audited).
    secure_release: bool = False
    audit: DisclosureAudit | None = None


class MethodIndicator(Context):
    indicator: ThemeIndicator
    #: The indicator's own method: the theme's shared text and internal ids left out.
    method: str


class MethodComposite(Context):
    """A composite index of the theme: weights, normalisation and sensitivity."""

    indicator: ThemeIndicator
    #: How the components are normalised and weighed (the catalog's methodology).
    normalisation: str
    #: How the weight-sensitivity report is made (draws, spread, seed).
    sensitivity: str


class MethodologyThemePage(Context):
    page: PageMeta
    theme: MethodTheme
    #: What every (or most) indicators of the theme share, said once.
    shared: list[str]
    indicators: list[MethodIndicator]
    composites: list[MethodComposite] = []


class ErrorPage(Context):
    page: PageMeta
    status: int
    title: str
    detail: str
