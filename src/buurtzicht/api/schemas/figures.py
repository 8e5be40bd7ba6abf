"""The figures of one indicator across regions and periods: map values, rankings,
trends, hot spots; the catalog and the build.
"""

from __future__ import annotations

from pydantic import Field

from buurtzicht.api.schemas.card import Figure, IndicatorOut, LegendClassOut, SourceOut, TrendPoint
from buurtzicht.api.schemas.common import GeometryInfo, Public, RegionRef


class ThemeOut(Public):
    id: str
    title: str
    indicators: list[IndicatorOut]


class CatalogOut(Public):
    themes: list[ThemeOut]


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


class TrendSeries(Public):
    region: RegionRef
    points: list[TrendPoint]


class TrendsOut(Public):
    indicator: IndicatorOut
    series: list[TrendSeries]


class BuildOut(Public):
    build_id: str
    description: str
    buurtzicht_version: str
    observations: int
    measures: int
    sources: list[SourceOut]
    geometry: list[GeometryInfo]


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
