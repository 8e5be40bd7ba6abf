"""The structure of secure tables: which cells add up to which.

Two kinds of additivity tie cells together, and an attacker can use both:

* the region hierarchy (:class:`RegionHierarchy`): buurten add up to their wijk, wijken
  to their gemeente, gemeenten to the Netherlands, plus any other published grouping
  of regions (overlapping areas are allowed);
* the category structure (:class:`TableSpec`): a total measure is the sum of its
  component measures in every region. Tables that share a measure are *linked* and are
  always protected together.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

import pandas as pd
from pydantic import BaseModel, ConfigDict, Field, model_validator

from buurtzicht.errors import ConfigurationError
from buurtzicht.regions.codes import NEDERLAND, gemeente_of, normalise_code, wijk_of


class TableSpec(BaseModel):
    """One published table: a total measure and the measures that add up to it.

    ``rules`` names the rule set (``rulesets.yaml``) for every measure of the table, so
    that an indicator in the catalog can carry ``disclosure: amounts``.

    Examples
    --------
    >>> spec = TableSpec(name="vastgoed", total="secure.vastgoed.totaal",
    ...                  components=["secure.vastgoed.a", "secure.vastgoed.b"])
    >>> spec.measures
    ('secure.vastgoed.totaal', 'secure.vastgoed.a', 'secure.vastgoed.b')
    """

    model_config = ConfigDict(extra="forbid", frozen=True)

    name: str
    total: str | None = None
    components: tuple[str, ...] = ()
    extra_measures: tuple[str, ...] = Field(
        default=(), description="Measures published in the table that add up to nothing."
    )
    rules: str = "default"

    @model_validator(mode="after")
    def _check_structure(self) -> TableSpec:
        if self.total is not None and not self.components:
            raise ValueError(f"table {self.name!r}: a total needs at least one component")
        if self.total is not None and self.total in self.components:
            raise ValueError(f"table {self.name!r}: {self.total} is both total and component")
        if len(set(self.measures)) != len(self.measures):
            raise ValueError(f"table {self.name!r}: a measure is listed twice")
        return self

    @property
    def measures(self) -> tuple[str, ...]:
        head = (self.total,) if self.total is not None else ()
        return head + self.components + self.extra_measures


class DisclosureSpec(BaseModel):
    """Every table of one release, with the rule set of measures not in any table."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    tables: tuple[TableSpec, ...] = ()
    default_rules: str = "default"

    def table_of(self, measure: str) -> str:
        """The name of the (first) table that holds ``measure``, else the measure itself."""
        for table in self.tables:
            if measure in table.measures:
                return table.name
        return measure

    def rules_of(self, measure: str) -> str:
        """The rule-set name for ``measure``; tables that share it must agree."""
        names = {t.rules for t in self.tables if measure in t.measures}
        if len(names) > 1:
            raise ConfigurationError(
                f"measure {measure} is in tables with different rule sets {sorted(names)}; "
                "linked tables must use one rule set for a shared measure"
            )
        return names.pop() if names else self.default_rules


@dataclass(frozen=True)
class RegionHierarchy:
    """Additive region relations: each ``(parent, children)`` pair says parent = sum.

    A child may belong to several parents (overlapping groupings, such as a wijk and
    a custom area), and a parent may have several alternative breakdowns.
    """

    relations: tuple[tuple[str, tuple[str, ...]], ...]

    @classmethod
    def from_codes(cls, codes: Iterable[str]) -> RegionHierarchy:
        """Buurt -> wijk -> gemeente -> NL01, derived from the codes themselves.

        >>> h = RegionHierarchy.from_codes(["BU03630001", "BU03630002", "WK036300",
        ...                                 "GM0363", "NL01"])
        >>> dict(h.relations)["WK036300"]
        ('BU03630001', 'BU03630002')
        """
        parents: dict[str, str] = {}
        for code in {normalise_code(c) for c in codes}:
            parent = _parent_from_code(code)
            if parent is not None:
                parents[code] = parent
        return cls.from_parents(parents)

    @classmethod
    def from_parents(cls, parents: Mapping[str, str]) -> RegionHierarchy:
        """From a child -> parent mapping (such as the warehouse ``regions`` table)."""
        children: dict[str, list[str]] = {}
        for child, parent in parents.items():
            children.setdefault(normalise_code(parent), []).append(normalise_code(child))
        return cls(tuple((p, tuple(sorted(c))) for p, c in sorted(children.items())))

    @classmethod
    def from_regions_table(cls, regions: pd.DataFrame) -> RegionHierarchy:
        """From the warehouse ``regions`` table: buurt -> wijk -> gemeente -> NL01.

        Regions with ``special`` set (buitenland, onbekend, water) are kept out of
        totals, as the data model prescribes; wijken without buurten are simply leaves.
        """
        ordinary = regions[regions["special"].isna()] if "special" in regions else regions
        parents: dict[str, str] = {}
        for code, level, wijk, gemeente in zip(
            ordinary["code"].astype(str),
            ordinary["level"].astype(str),
            ordinary["wijk"],
            ordinary["gemeente"],
            strict=True,
        ):
            if level == "buurt" and isinstance(wijk, str):
                parents[code] = wijk
            elif level == "wijk" and isinstance(gemeente, str):
                parents[code] = gemeente
            elif level == "gemeente":
                parents[code] = NEDERLAND
        return cls.from_parents(parents)

    def with_groups(self, groups: Mapping[str, Sequence[str]]) -> RegionHierarchy:
        """Add published groupings of regions that may overlap the hierarchy."""
        extra = tuple(
            (normalise_code(p), tuple(sorted(normalise_code(c) for c in kids)))
            for p, kids in groups.items()
        )
        return RegionHierarchy(self.relations + extra)


def _parent_from_code(code: str) -> str | None:
    prefix = code[:2]
    if prefix == "BU":
        return wijk_of(code)
    if prefix == "WK":
        return gemeente_of(code)
    if prefix == "GM":
        return NEDERLAND
    return None
