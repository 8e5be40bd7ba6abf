"""One indicator of the catalog as typed data, and how the dashboard shows it.

Every indicator says what it measures (Dutch and English), how it is computed from
measures in the warehouse (:class:`~buurtzicht.indicators.formula.Formula`), which way
is worse, where and when it exists, where its figures come from and which disclosure
rule set guards it. The models forbid unknown keys so that a typo in a YAML file is an
error, not a silently ignored field. The catalog of all themes is
:class:`buurtzicht.indicators.themes.Catalog`.

:class:`IndicatorMeta` is the one projection every view (API, pages, exports) reads an
indicator through: it holds the model object (:class:`Indicator` or
:class:`Composite`, or a raw measure of the build, :class:`SourceVariable`) and reads
from it; nothing is copied.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import Annotated

from pydantic import Field, StringConstraints, model_validator

from buurtzicht.indicators.formula import (
    DEFAULT_DISCLOSURE_RULE,
    Formula,
    IndicatorId,
    Localised,
    MeasureId,
    Periods,
    PublishedAs,
    Strict,
    Text,
    Uncertainty,
)
from buurtzicht.regions.codes import Level


class Direction(StrEnum):
    """Which way of the indicator is the problem."""

    HIGHER_IS_WORSE = "higher_is_worse"
    HIGHER_IS_BETTER = "higher_is_better"
    NEUTRAL = "neutral"


class SourceCitation(Strict):
    """Where the input figures come from, as the dashboard cites them."""

    table: Text = Field(description="Table id, e.g. 83648NED, or a file name")
    title: Text
    publisher: Text = "CBS"
    licence: Text = "CC BY 4.0"
    url: str | None = None


class Indicator(Strict):
    """One indicator of the catalog."""

    id: IndicatorId
    title: Localised
    description: Localised
    theme: Annotated[str, StringConstraints(pattern=r"^([a-z][a-z0-9_]*)?$")] = Field(
        default="", description="Taken from the theme file; leave it out"
    )
    unit: Localised
    formula: Formula
    alternative_formulas: list[Formula] = Field(
        default_factory=list,
        description="Used in order where `formula` gives no figure (e.g. a published "
        "percentage where the count is absent); must compute the same quantity.",
    )
    direction: Direction
    levels: list[Level] = Field(min_length=1)
    periods: Periods
    sources: list[SourceCitation] = Field(min_length=1)
    methodology: Localised
    uncertainty: Uncertainty = Uncertainty.REGISTER
    disclosure_rule: Text = DEFAULT_DISCLOSURE_RULE
    context: bool = Field(default=False, description="Used as context variable for similar regions")
    synthetic: bool = Field(
        default=False, description="Figures come from the synthetic population (secure side)"
    )
    decimals: int = Field(default=1, ge=0, le=4)
    default_below_gemeente: bool = Field(
        default=False, description="Shown on wijk and buurt maps when none is asked (one only)"
    )
    period_years: int = Field(
        default=1,
        ge=1,
        le=10,
        description="Years each figure covers, up to and including its period: 2 for a "
        "two-year total of a rare event (period 2024 shown as '2023-2024, twee jaar samen')",
    )

    @model_validator(mode="after")
    def _poisson_needs_counts(self) -> Indicator:
        if (
            self.uncertainty is Uncertainty.POISSON
            and self.formula.published_as is not PublishedAs.COUNT
        ):
            raise ValueError("uncertainty poisson needs a numerator published_as count")
        return self

    @property
    def formulas(self) -> list[Formula]:
        return [self.formula, *self.alternative_formulas]

    @property
    def is_count(self) -> bool:
        """An absolute number (inhabitants, euros), not a rate, share, mean or score: it
        is not compared with NL as an index, since a region's total is no fraction of
        the country's in any useful sense."""
        return self.formula.denominator is None and self.formula.published_as is PublishedAs.COUNT

    @property
    def measures(self) -> list[str]:
        seen: dict[str, None] = {}
        for formula in self.formulas:
            seen.update(dict.fromkeys(formula.measures))
        return list(seen)


class Component(Strict):
    """One indicator in a composite index with its weight."""

    indicator: IndicatorId
    weight: float = Field(gt=0)


class Composite(Strict):
    """A composite index of a theme (e.g. a veiligheidsindex), NL = 100."""

    id: IndicatorId
    title: Localised
    description: Localised
    components: list[Component] = Field(min_length=2)
    methodology: Localised


class MeasureDefinition(Strict):
    """A measure the catalog defines itself: an aggregate of the secure side.

    Open measures take title and unit from their source (CBS DataProperties); the
    secure side has no such metadata, so the theme file that uses a ``secure.*`` measure
    says what it counts and which disclosure rule set protects its cells. The warehouse
    shows these titles, and the publication step protects each measure by its rule set.
    """

    id: MeasureId
    title: Localised
    unit: Localised
    description: Localised
    disclosure_rule: Text = Field(
        default=DEFAULT_DISCLOSURE_RULE,
        description="Rule set of the disclosure engine: `default` for counts, `amounts` "
        "for sums of money, `public` / `public_rounded` for non-confidential margins "
        "(inhabitants, dwellings, establishments: never suppressed, known to the attacker)",
    )
    period_years: int = Field(
        default=1,
        ge=1,
        le=10,
        description="Years each cell covers, up to and including its period (2: a "
        "two-year total); such a measure has cells only in periods whose earlier years "
        "are in the world too, and no empty cell is made up for the others",
    )
    released_levels: list[Level] | None = Field(
        default=None,
        description="Region levels whose cells leave the secure side (default: every "
        "released level). `[land]` for the yearly count of a rare event whose two-year "
        "total is released below it: no yearly cell below the Netherlands, so no yearly "
        "figure can be recomputed as the two-year total minus the other year",
    )


#: Where the figures of each kind are read: the catalog's indicators, raw measures.
INDICATOR_TABLE = "indicator_values"
MEASURE_TABLE = "observations"
#: Composite indexes of the catalog (:mod:`buurtzicht.analysis.composite`), registered
#: on the analysis cursor in the long shape of ``indicator_values``.
COMPOSITE_TABLE = "composite_values"


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
