"""The published risk models: search areas (zoekgebieden), their classes and model cards."""

from __future__ import annotations

from typing import Any

from pydantic import Field

from buurtzicht.api.schemas.common import Public, RegionRef


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
    period_years: int = Field(
        default=1,
        description="Years the counts cover up to the period (hennep: 2, the published "
        "two-year total against the expected counts of the same two years)",
    )


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
    period_years: int = Field(default=1, description="Years the counts cover up to the period")
