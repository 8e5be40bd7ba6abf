"""The catalog as a whole: one :class:`ThemeFile` per theme (its indicators, composite
indexes and the secure-side measures it defines) and :class:`Catalog`, every theme with
lookups by id; how a build stores it (:meth:`Catalog.documents`) and reads it back
(:meth:`Catalog.from_documents`). The JSON Schema of a theme file is generated from
:class:`ThemeFile` (:mod:`buurtzicht.indicators.schema`).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

from pydantic import Field, model_validator

from buurtzicht.errors import UnknownMeasureError
from buurtzicht.indicators.formula import IndicatorId, Localised, Strict
from buurtzicht.indicators.model import Composite, Indicator, MeasureDefinition


class ThemeFile(Strict):
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
