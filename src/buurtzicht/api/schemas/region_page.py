"""A region's profile (themes, what stands out, similar regions, composite indexes)
and the comparison of regions.
"""

from __future__ import annotations

from pydantic import Field

from buurtzicht.api.schemas.card import Figure, IndicatorOut, ProfileCard
from buurtzicht.api.schemas.common import Public, RegionDetail, RegionRef


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
