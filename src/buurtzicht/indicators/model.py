"""The indicator catalog as typed data: one YAML document per theme.

Every indicator says what it measures (Dutch and English), how it is computed from
measures in the warehouse (:class:`Formula`), which way is worse, where and when it
exists, where its figures come from and which disclosure rule set guards it. The models
forbid unknown keys so that a typo in a YAML file is an error, not a silently ignored
field. The JSON Schema of a theme file is generated from :class:`ThemeFile`
(:mod:`buurtzicht.indicators.schema`).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from enum import StrEnum
from functools import cached_property
from pathlib import Path
from typing import Annotated

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    StringConstraints,
    field_validator,
    model_validator,
)

from buurtzicht.errors import UnknownMeasureError
from buurtzicht.regions.codes import Level

#: ``<family>.<Stem>`` as in docs/data-model.md, e.g. ``kwb.AantalInwoners``,
#: ``politie.misdrijven.1.1.1``, ``secure.vastgoed.doorsluiswoningen``.
MEASURE_ID_PATTERN = r"^[a-z][a-z0-9_]*(\.[A-Za-z0-9_][A-Za-z0-9_.-]*)+$"
INDICATOR_ID_PATTERN = r"^[a-z][a-z0-9_]*$"

MeasureId = Annotated[str, StringConstraints(pattern=MEASURE_ID_PATTERN)]
IndicatorId = Annotated[str, StringConstraints(pattern=INDICATOR_ID_PATTERN, max_length=64)]
Text = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1)]

#: Rule set of the disclosure engine used when an indicator names none.
DEFAULT_DISCLOSURE_RULE = "default"


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Localised(_Strict):
    """A text in Dutch (the dashboard's first language) and English."""

    nl: Text
    en: Text


class Direction(StrEnum):
    """Which way of the indicator is the problem."""

    HIGHER_IS_WORSE = "higher_is_worse"
    HIGHER_IS_BETTER = "higher_is_better"
    NEUTRAL = "neutral"


class PublishedAs(StrEnum):
    """What the numerator measure holds, which decides how it aggregates.

    ``count``: a count (crimes, dwellings); summed over regions.
    ``percentage``: a percentage of the denominator as CBS publishes it (% koopwoningen of
    the woningvoorraad); the count is rebuilt as value / 100 x denominator before summing.
    ``mean``: an average per unit of the denominator (mean WOZ per dwelling); the total
    is rebuilt as value x denominator before summing.
    ``value``: a figure that cannot be aggregated (survey percentages, report marks); it
    exists only where the source publishes it.
    """

    COUNT = "count"
    PERCENTAGE = "percentage"
    MEAN = "mean"
    VALUE = "value"


class Uncertainty(StrEnum):
    """How the reliability of a figure is judged (:mod:`buurtzicht.analysis.stats.reliability`).

    ``poisson``: the numerator is a count of events; exact Poisson intervals and
    Empirical Bayes smoothing apply. ``margins``: the source publishes a confidence
    interval (Veiligheidsmonitor ``.ondergrens`` / ``.bovengrens``). ``register``: a full
    count from a register without sampling error; only a very small base makes it
    indicative.
    """

    POISSON = "poisson"
    MARGINS = "margins"
    REGISTER = "register"


class Formula(_Strict):
    """value = scale x sum(numerator) / sum(denominator), summed over the regions.

    The numerator (and the denominator) may add several measures (geweld = mishandeling +
    bedreiging + straatroof).
    ``denominator_alternatives`` are used, in order, where the denominator has no
    figure for a region and period (``gebieden.Inwonertal`` where ``kwb.AantalInwoners``
    is absent); they must measure the same thing.
    """

    numerator: list[MeasureId] = Field(min_length=1)
    denominator: list[MeasureId] | None = Field(
        default=None, description="One measure, or several that are added up"
    )
    denominator_alternatives: list[MeasureId] = Field(default_factory=list)
    published_as: PublishedAs = PublishedAs.COUNT
    scale: float = Field(default=1.0, gt=0)
    scale_label: Localised | None = Field(
        default=None, description='e.g. {nl: "per 1.000 inwoners", en: "per 1,000 inhabitants"}'
    )

    @field_validator("numerator", "denominator", mode="before")
    @classmethod
    def _one_or_many(cls, value: object) -> object:
        return [value] if isinstance(value, str) else value

    @model_validator(mode="after")
    def _consistent(self) -> Formula:
        if self.published_as in (PublishedAs.PERCENTAGE, PublishedAs.MEAN):
            if self.denominator is None:
                raise ValueError(
                    f"published_as {self.published_as.value} needs a denominator to weight "
                    "the published figure when regions are added up"
                )
            if len(self.numerator) != 1:
                raise ValueError(f"published_as {self.published_as.value} takes one numerator")
        if self.published_as is PublishedAs.VALUE and (
            self.denominator is not None or len(self.numerator) != 1
        ):
            raise ValueError("published_as value takes one numerator and no denominator")
        if self.denominator_alternatives and self.denominator is None:
            raise ValueError("denominator_alternatives without a denominator")
        return self

    @property
    def measures(self) -> list[str]:
        """Every measure the formula reads, numerator first, each once."""
        out = [*self.numerator, *(self.denominator or []), *self.denominator_alternatives]
        return list(dict.fromkeys(out))

    @property
    def aggregates(self) -> bool:
        """True when regions can be added up (not for ``published_as: value``)."""
        return self.published_as is not PublishedAs.VALUE


class SourceCitation(_Strict):
    """Where the input figures come from, as the dashboard cites them."""

    table: Text = Field(description="Table id, e.g. 83648NED, or a file name")
    title: Text
    publisher: Text = "CBS"
    licence: Text = "CC BY 4.0"
    url: str | None = None


class Periods(_Strict):
    """Years with figures (inclusive). ``years`` lists them where there are gaps."""

    first: int = Field(ge=1990, le=2100)
    last: int = Field(ge=1990, le=2100)
    years: list[int] | None = None

    @model_validator(mode="after")
    def _ordered(self) -> Periods:
        if self.last < self.first:
            raise ValueError(f"last ({self.last}) is before first ({self.first})")
        if self.years is not None and any(not self.first <= y <= self.last for y in self.years):
            raise ValueError("years must lie between first and last")
        return self

    def as_list(self) -> list[int]:
        return list(self.years) if self.years else list(range(self.first, self.last + 1))


class Indicator(_Strict):
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


class Component(_Strict):
    """One indicator in a composite index with its weight."""

    indicator: IndicatorId
    weight: float = Field(gt=0)


class Composite(_Strict):
    """A composite index of a theme (e.g. a veiligheidsindex), NL = 100."""

    id: IndicatorId
    title: Localised
    description: Localised
    components: list[Component] = Field(min_length=2)
    methodology: Localised


class MeasureDefinition(_Strict):
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


class ThemeFile(_Strict):
    """One ``catalog/<theme>.yaml`` document."""

    theme: IndicatorId
    title: Localised
    description: Localised
    indicators: list[Indicator] = Field(min_length=1)
    composites: list[Composite] = Field(default_factory=list)
    measures: list[MeasureDefinition] = Field(
        default_factory=list, description="Secure-side measures the indicators of this theme read"
    )

    @model_validator(mode="before")
    @classmethod
    def _theme_into_indicators(cls, data: object) -> object:
        # Indicators inherit the theme of their file; saying it twice invites drift.
        if isinstance(data, dict) and isinstance(data.get("indicators"), list):
            theme = data.get("theme")
            data = dict(data)
            data["indicators"] = [
                {"theme": theme, **item} if isinstance(item, dict) else item
                for item in data["indicators"]
            ]
        return data


@dataclass(frozen=True)
class LoadedTheme:
    """A validated theme, with the file and line of every key when read from YAML."""

    path: Path | None
    theme: ThemeFile
    lines: dict[tuple[str | int, ...], int] = field(default_factory=dict, repr=False)


@dataclass(frozen=True)
class Catalog:
    """All validated themes, with lookups by indicator id."""

    themes: tuple[LoadedTheme, ...]
    warnings: tuple[object, ...] = ()
    #: Read back from a build: the catalog its figures and precomputed tables were made with.
    from_build: bool = False

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
    def measures(self) -> dict[str, MeasureDefinition]:  # secure-side measures, by id
        return {m.id: m for t in self.themes for m in t.theme.measures}

    def __iter__(self) -> Iterator[Indicator]:
        return iter(self.indicators)

    def __len__(self) -> int:
        return len(self.indicators)

    def get(self, indicator_id: str) -> Indicator:
        """The indicator with this id, or :class:`UnknownMeasureError` listing close ids."""
        if found := self._by_id.get(indicator_id):
            return found
        close = [i.id for i in self.indicators if indicator_id.split("_")[0] in i.id][:8]
        hint = f"; similar: {', '.join(close)}" if close else ""
        raise UnknownMeasureError(
            f"indicator {indicator_id!r} is not in the catalog "
            f"(run `buurtzicht indicators list`){hint}"
        )

    def composite(self, composite_id: str) -> Composite:
        if found := next((c for c in self.composites if c.id == composite_id), None):
            return found
        known = ", ".join(c.id for c in self.composites)
        raise UnknownMeasureError(
            f"composite index {composite_id!r} is not in the catalog; known: {known}"
        )

    def theme_of(self, indicator_id: str) -> ThemeFile:
        theme = self.get(indicator_id).theme  # UnknownMeasureError for an unknown id
        return next(t.theme for t in self.themes if t.theme.theme == theme)

    def context_indicators(self) -> list[Indicator]:
        return [i for i in self.indicators if i.context]

    def documents(self) -> list[tuple[str, str]]:
        """(theme id, JSON) per theme in order: how a build stores its catalog."""
        return [(t.theme.theme, t.theme.model_dump_json()) for t in self.themes]

    @classmethod
    def from_documents(cls, documents: Iterable[tuple[str, str]]) -> Catalog:
        """The catalog a build stored (:meth:`documents`), validated as from YAML."""
        themes = tuple(LoadedTheme(None, ThemeFile.model_validate_json(d)) for _, d in documents)
        return cls(themes, from_build=True)


def family_of(measure: str) -> str:
    """The family of a measure id: ``kwb.AantalInwoners`` -> ``kwb``.

    >>> family_of("politie.misdrijven.1.1.1")
    'politie'
    """
    return measure.split(".", 1)[0]


def is_measure_id(text: str) -> bool:
    """True for ``<family>.<Stem>``.

    >>> is_measure_id("kwb.AantalInwoners"), is_measure_id("AantalInwoners_5")
    (True, False)
    """
    return re.fullmatch(MEASURE_ID_PATTERN, text) is not None
