"""How an indicator of the catalog is computed: the formula over measures of the
warehouse, the years it exists, how the reliability of its figures is judged; and the
building blocks of every catalog model (strict and frozen, texts in Dutch and English,
measure and indicator ids).
"""

from __future__ import annotations

import re
from enum import StrEnum
from typing import Annotated

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    StringConstraints,
    field_validator,
    model_validator,
)

#: ``<family>.<Stem>`` as in docs/data-model.md, e.g. ``kwb.AantalInwoners``,
#: ``politie.misdrijven.1.1.1``, ``secure.vastgoed.doorsluiswoningen``.
MEASURE_ID_PATTERN = r"^[a-z][a-z0-9_]*(\.[A-Za-z0-9_][A-Za-z0-9_.-]*)+$"
INDICATOR_ID_PATTERN = r"^[a-z][a-z0-9_]*$"

MeasureId = Annotated[str, StringConstraints(pattern=MEASURE_ID_PATTERN)]
IndicatorId = Annotated[str, StringConstraints(pattern=INDICATOR_ID_PATTERN, max_length=64)]
Text = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1)]

#: Rule set of the disclosure engine used when an indicator names none.
DEFAULT_DISCLOSURE_RULE = "default"


class Strict(BaseModel):
    """A catalog model: unknown keys are an error (a typo in a YAML file), fields frozen."""

    model_config = ConfigDict(extra="forbid", frozen=True)


class Localised(Strict):
    """A text in Dutch (the dashboard's first language) and English."""

    nl: Text
    en: Text


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


class Formula(Strict):
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


class Periods(Strict):
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
