"""Public response schemas of the JSON API (separate from the warehouse records)."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, Field

SYNTHETIC_LABEL = "synthetisch / synthetic"


class Public(BaseModel):
    model_config = ConfigDict(frozen=True)


class ErrorDetail(Public):
    status: int
    title: str = Field(description="Short title in the requested language")
    detail: str = Field(description="What went wrong and how to fix it")
    parameter: str | None = None
    path: str


class ErrorOut(Public):
    error: ErrorDetail


class RegionRef(Public):
    code: str
    level: str
    name: str | None


class RegionHit(RegionRef):
    gemeente: str | None = None
    gemeente_name: str | None = None
    label: str = Field(description="Name with its gemeente, for an autocomplete list")
    url: str = Field(description="The region's profile page")
    note: str | None = Field(
        default=None,
        description="Why this region answers the query: the official name behind a common "
        "one, or the gemeente a former gemeente went into",
    )
    former: str | None = Field(
        default=None, description="Code of the former gemeente the query named"
    )


class RegionDetail(RegionRef):
    indeling: int
    stedelijkheid: int | None = None
    parents: list[RegionRef]
    children: list[RegionRef]
    children_level: str | None = None
    url: str


class SourceOut(Public):
    table: str
    version: str = ""
    publisher: str
    licence: str
    citation: str = Field(
        description="How to cite the figures, e.g. 'Bron: CBS (83648NED), CC BY 4.0'"
    )


class WeightOut(Public):
    """A component of a composite index and its weight."""

    indicator: str
    title: str
    weight: float = Field(description="Catalog weight")
    share: float = Field(description="Weight as a share of all weights (0-1)")


class IndicatorOut(Public):
    id: str
    theme: str
    catalog: bool = Field(description="A catalog indicator (False: a raw source variable)")
    title: str
    unit: str
    decimals: int
    direction: str = Field(description="higher_is_worse, higher_is_better or neutral")
    kind: str = Field(
        default="",
        description="count (an absolute number: no index against NL), rate (a rate, share, "
        "mean or score), index (a composite index, NL = 100) or empty for a raw source "
        "variable",
    )
    description: str
    methodology: str
    synthetic: bool
    label: str | None = Field(
        default=None, description=f"'{SYNTHETIC_LABEL}' for secure-side figures"
    )
    source: SourceOut = Field(description="All sources as one citation")
    sources: list[SourceOut]
    methodology_url: str
    weights: list[WeightOut] = Field(
        default_factory=list,
        description="Composite indexes: the components and their weights (empty otherwise)",
    )


class ThemeOut(Public):
    id: str
    title: str
    indicators: list[IndicatorOut]


class CatalogOut(Public):
    themes: list[ThemeOut]


class Figure(Public):
    value: float | None
    status: str
    display: str = Field(description="Formatted for the requested language; '.' when suppressed")
    note: str | None = Field(
        default=None, description="Why a figure is missing, suppressed or rounded"
    )
    reason: str | None = Field(
        default=None,
        description="Why disclosure control suppressed it, as the release says: min_units, "
        "population, dominance, p_percent or secondary (complementary suppression)",
    )


class LegendClassOut(Public):
    lower: float
    upper: float
    colour: str
    count: int
    relation: str = Field(description="below or above the national figure (empty without one)")
    label: str


class ValueRow(Public):
    code: str
    name: str | None
    figure: Figure
    class_index: int | None
    colour: str
    boundary: str | None = Field(
        default=None,
        description="Layer the region's map boundary comes from: pdok (PDOK of the year), "
        "cbs-2019 (CBS 2019 layer: 'grenzen 2019'), amsterdam (Gemeente Amsterdam), "
        "pdok-2024 (fetched); None without a boundary",
    )
    boundary_year: int | None = Field(default=None, description="Year the boundary was drawn for")
    no_boundary: str | None = Field(
        default=None,
        description="Why there is no boundary: no_boundary (the code is in no layer, new "
        "since the layer's year) or moved (an older boundary lies outside the region's wijk)",
    )


class BoundaryCount(Public):
    """How many regions of a map have a boundary from a layer, or none for a reason."""

    boundary: str | None
    boundary_year: int | None
    no_boundary: str | None
    regions: int


class ValuesOut(Public):
    indicator: IndicatorOut
    level: str
    period: str
    periods: list[str]
    indeling: int
    geometry_year: int | None
    parent: RegionRef | None
    national: Figure
    scheme: str
    legend: list[LegendClassOut]
    no_data_colour: str
    rows: list[ValueRow]
    boundaries: list[BoundaryCount] = Field(
        default_factory=list, description="Regions per boundary layer, and without one per reason"
    )


class RankingRowOut(Public):
    rank: int | None = Field(description="1 = highest value; None without a figure (listed last)")
    region: RegionRef
    figure: Figure
    index: float | None = Field(default=None, description="Value relative to NL (NL = 100)")
    previous: Figure | None = Field(default=None, description="Figure in the previous period")
    change: Figure | None = Field(default=None, description="Change since the previous period")
    change_pct: float | None = None
    reliability: str | None = None
    ci_low: float | None = None
    ci_high: float | None = None


class RankingOut(Public):
    indicator: IndicatorOut
    level: str
    parent: RegionRef | None
    period: str
    previous_period: str | None
    national: Figure
    rank_order: str = Field(description="How ranks count: '1 = hoogste' (highest value first)")
    rows: list[RankingRowOut]


class TrendPoint(Public):
    period: str
    year: int
    figure: Figure


class TrendSeries(Public):
    region: RegionRef
    points: list[TrendPoint]


class TrendsOut(Public):
    indicator: IndicatorOut
    series: list[TrendSeries]


class GeometryInfo(Public):
    level: str
    year: int
    features: int
    url: str


class BuildOut(Public):
    build_id: str
    description: str
    buurtzicht_version: str
    observations: int
    measures: int
    sources: list[SourceOut]
    geometry: list[GeometryInfo]


class ProfileCard(Public):
    indicator: IndicatorOut
    period: str
    figure: Figure
    national: Figure
    index: float | None = Field(default=None, description="Value relative to NL (NL = 100)")
    rank: int | None = Field(
        default=None, description="Rank among regions of the same level (1 = highest)"
    )
    rank_of: int | None = None
    rank_ties: int | None = Field(
        default=None,
        description="How many regions of the level share this rank (same figure); absent "
        "when the region has it alone",
    )
    reliability: str | None = Field(
        default=None, description="Reliability flag of the analysis engine (e.g. betrouwbaar)"
    )
    peers: Figure | None = Field(default=None, description="Pooled figure of the peer group")
    peers_n: int | None = Field(
        default=None, description="Members of the peer group with a published figure"
    )
    similar: Figure | None = Field(default=None, description="Pooled figure of similar regions")
    similar_n: int | None = Field(
        default=None, description="Similar regions with a published figure"
    )
    trend_change_pct: float | None = None
    trend_significant: bool | None = None
    trend: list[TrendPoint]
    suppressed_share: float | None = Field(
        default=None,
        description="Set when disclosure control suppressed most cells of this indicator "
        "at the region's level (rare events): the share of the level's cells suppressed",
    )


class DeviatingChildOut(Public):
    """A child region that deviates much from NL on an indicator of the theme."""

    region: RegionRef
    indicator: IndicatorOut
    period: str
    figure: Figure
    national: Figure
    index: float = Field(description="Value relative to NL (NL = 100)")
    direction: str = Field(description="above or below NL")
    reliability: str | None = None
    deviation: float = Field(
        description="|ln(x / NL)| with x the end of the 95% interval nearest NL (or the "
        "Empirical Bayes rate): how far the child lies from NL at the least"
    )


class HighlightOut(Public):
    """An indicator on which the region stands out ("Wat valt op")."""

    indicator: IndicatorOut
    period: str
    direction: str = Field(description="above or below NL, beyond the 95% interval")
    peers_direction: str | None = Field(
        default=None, description="above or below the peer group beyond chance; None: not"
    )
    ratio: float = Field(description="value / NL")
    sentence: str = Field(description="The finding in a plain sentence with its figures")


class ProfileTheme(Public):
    id: str
    title: str
    cards: list[ProfileCard]
    highlights: list[HighlightOut] = Field(
        default_factory=list,
        description="What stands out: significant differences with NL, largest first "
        "(buurtzicht.analysis.highlights)",
    )
    deviating: list[DeviatingChildOut] = Field(
        default_factory=list,
        description="Children that deviate most from NL in this theme (reliability taken "
        "into account), largest deviation first",
    )


class SimilarRegionOut(RegionRef):
    """A region similar in context, with why."""

    distance: float = Field(
        description="Root mean squared difference of the standardised context indicators"
    )
    closest_on: list[str] = Field(description="Context indicators on which it is closest")


class CompositeComponentOut(Public):
    """A component of a composite index as it counts for one region."""

    indicator: str
    title: str
    unit: str
    weight: float
    share: float = Field(description="Weight as a share of all weights (0-1)")
    figure: Figure = Field(description="The region's figure of the component")
    national: Figure
    index: float | None = Field(
        default=None,
        description="Component index (NL = 100), mirrored where higher is better: > 100 "
        "is worse than NL",
    )
    drop_one_spearman: float | None = Field(
        default=None,
        description="Rank correlation of the level's ranking without this component with "
        "the ranking with all of them",
    )


class CompositeCardOut(Public):
    """A composite index of a region with its components and weight sensitivity."""

    indicator: IndicatorOut
    level: str
    period: str
    figure: Figure = Field(description="The region's composite index (NL = 100)")
    rank: int | None = Field(default=None, description="1 = highest index (least favourable)")
    rank_of: int | None = None
    rank_p05: float | None = Field(
        default=None, description="5th percentile of the rank over the random weight draws"
    )
    rank_p95: float | None = Field(
        default=None, description="95th percentile of the rank over the random weight draws"
    )
    max_shift: float | None = Field(
        default=None, description="Largest rank change over the random weight draws"
    )
    mean_spearman: float | None = Field(
        default=None, description="Mean rank correlation of a draw with the catalog ranking"
    )
    draws: int
    spread: float = Field(description="Each weight is multiplied by U(1 - spread, 1 + spread)")
    seed: int
    components: list[CompositeComponentOut]
    map_url: str


class CompositeRegionOut(Public):
    region: RegionRef
    index: float
    rank: int
    rank_p05: float
    rank_p95: float
    max_shift: float


class CompositeReportOut(Public):
    """A composite index at one level with its weight-sensitivity report (as the CLI's
    ``buurtzicht composite``)."""

    indicator: IndicatorOut
    level: str
    period: str
    mean_spearman: float
    drop_one_spearman: dict[str, float]
    draws: int
    spread: float
    seed: int
    rows: list[CompositeRegionOut] = Field(description="Highest (least favourable) first")


class ProfileOut(Public):
    region: RegionDetail
    period: str | None = None
    peer_group: str | None = Field(default=None, description="Who the peers are")
    similar_regions: list[SimilarRegionOut] = Field(default_factory=list)
    similar_basis: str | None = Field(
        default=None,
        description="How the similar regions were chosen: the size and urbanity bounds and "
        "the context indicators compared",
    )
    themes: list[ProfileTheme]
    synthetic: bool = Field(description="True when any figure comes from the synthetic secure side")
    composites: list[CompositeCardOut] = Field(
        default_factory=list,
        description="The catalog's composite indexes for this region, with their components, "
        "weights and weight-sensitivity report",
    )
    composites_gemeente: RegionRef | None = Field(
        default=None,
        description="Set on a wijk or buurt when the build's composite indexes have no "
        "figures at its level (their components are published per gemeente only): the "
        "gemeente whose composite indexes the page links to instead",
    )


class CompareRow(Public):
    indicator: IndicatorOut
    period: str
    figures: list[Figure]
    indexes: list[float | None] = Field(
        default_factory=list,
        description="Per region: value relative to NL (NL = 100); none for counts",
    )
    periods: list[str | None] = Field(
        default_factory=list,
        description="Per region: the period of its figure (the row's period unless the "
        "regions have no period in common)",
    )
    national: Figure


class CompareOut(Public):
    regions: list[RegionRef]
    rows: list[CompareRow]


class HotspotRow(Public):
    code: str
    hotspot_class: str = Field(description="hot, cold, high-low, low-high or not significant")
    z: float | None
    p_sim: float | None
    significant: bool


class HotspotsOut(Public):
    indicator: IndicatorOut
    level: str
    period: str
    geometry_year: int
    method: str
    smoothed: bool = Field(description="Empirical-Bayes smoothed rates were analysed")
    permutations: int
    inference: str = Field(
        default="permutation",
        description="permutation (pseudo p-values) or analytical (normal z; Gi* for buurten)",
    )
    parent: str | None = Field(default=None, description="Only the regions within this region")
    alpha: float
    rows: list[HotspotRow]


class FactorOut(Public):
    feature: str = Field(description="Model feature id (see /api/models)")
    label: str = Field(description="The feature in plain words, in the requested language")


class ZoekgebiedRow(Public):
    """One area: published expected and observed counts, the search score and the class
    derived from them."""

    code: str
    name: str | None
    expected: float = Field(description="Expected count (published, rounded)")
    observed: float = Field(description="Registered count (published, rounded)")
    niveau: float = Field(
        description="The gemeente's registration level: (registered + 5) / (expected + 5), "
        "from its published counts"
    )
    gemist: float = Field(
        description="Expected missed cases, the search score: expected x (1 / r - niveau), "
        "r the assumed national registration share, at least 0"
    )
    klasse: str = Field(
        description="Risk class of the search score among the level's published areas: "
        "hoog (top 10%), gemiddeld (above the median), laag"
    )
    label: str = Field(description="The class in the requested language")
    colour: str
    factoren: list[FactorOut] = Field(
        description="Features that raise the expected count most (largest first); empty "
        "when the area's explanation did not pass the thresholds"
    )
    explanation: str = Field(description="The area's figures and factors in a sentence")


class ZoekklasseOut(Public):
    klasse: str
    label: str
    colour: str
    count: int
    description: str
    vanaf: float | None = Field(
        default=None,
        description="The lowest search score (expected missed cases) of the class among "
        "the level's areas; none for laag",
    )


class ZoekgebiedenOut(Public):
    theme: str
    title: str
    unit: str
    level: str
    period: str
    periods: list[str]
    parent: RegionRef | None = None
    classes: list[ZoekklasseOut]
    rows: list[ZoekgebiedRow] = Field(
        description="Only areas whose expected and observed counts, and their gemeente's, "
        "were published; a suppressed risk class has no row and no explanation"
    )
    synthetic: bool


class ModelsOut(Public):
    """The model cards and validation tables of the published release (release.json)."""

    synthetic: bool
    source: str
    thresholds: dict[str, int] = Field(
        description="Minimum population and units of an area with a published explanation"
    )
    models: dict[str, dict[str, Any]] = Field(
        description="Model cards: purpose, method, features with coefficients, classes, "
        "intended use, limits"
    )
    validation: dict[str, list[dict[str, Any]]] = Field(
        description="Temporal and spatial validation against the baselines, calibration, "
        "results per gemeente size and urbanity"
    )


class RegionRiskOut(Public):
    """The latest published risk class of one theme for a region (profile card)."""

    theme: str
    title: str
    period: str
    row: ZoekgebiedRow
