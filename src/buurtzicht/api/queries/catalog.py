"""What the dashboard can show: indicators with their metadata, grouped in themes.

Every measure in the build is offered, grouped by its family (``kwb``, ``misdrijven``,
``secure`` ...); the title, unit, source and licence come from the ``measures`` table,
so a new measure (a secure-side theme, say) appears without a code change. Measures
from the synthetic secure side are flagged so that every view can label them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import duckdb

from buurtzicht.errors import UnknownMeasureError

#: Family -> (Dutch, English) theme title; unknown families show their id.
FAMILY_TITLES: dict[str, tuple[str, str]] = {
    "ind": ("Indicatoren", "Indicators"),
    "misdrijven": ("Geregistreerde criminaliteit", "Registered crime"),
    "misdrijven_wb": ("Misdrijven per wijk en buurt", "Crime per wijk and buurt"),
    "politie": ("Politie: misdrijven per soort", "Police: crime by type"),
    "verdachten": ("Verdachten", "Suspects"),
    "vm": ("Veiligheidsmonitor", "Safety monitor"),
    "kwb": ("Kerncijfers wijken en buurten", "Key figures of wijken and buurten"),
    "gebieden": ("Gebieden in Nederland", "Regions of the Netherlands"),
    "secure": ("Beveiligde omgeving (synthetisch)", "Secure side (synthetic)"),
}


@dataclass(frozen=True)
class IndicatorMeta:
    id: str
    measure: str
    theme: str
    title_nl: str
    title_en: str
    unit: str
    decimals: int
    description_nl: str
    description_en: str
    source_table: str
    source_version: str
    publisher: str
    licence: str
    synthetic: bool
    flags: tuple[str, ...] = field(default_factory=tuple)

    def title(self, lang: str) -> str:
        return self.title_en if lang == "en" else self.title_nl


@dataclass(frozen=True)
class Theme:
    id: str
    title_nl: str
    title_en: str
    indicators: tuple[IndicatorMeta, ...]

    def title(self, lang: str) -> str:
        return self.title_en if lang == "en" else self.title_nl


@dataclass(frozen=True)
class Catalog:
    themes: tuple[Theme, ...]

    @property
    def indicators(self) -> list[IndicatorMeta]:
        return [i for t in self.themes for i in t.indicators]

    def get(self, indicator_id: str) -> IndicatorMeta:
        for indicator in self.indicators:
            if indicator.id == indicator_id:
                return indicator
        raise UnknownMeasureError(
            f"indicator {indicator_id!r} does not exist; the list is at /api/indicators"
        )


def _family(measure: str) -> str:
    return measure.split(".", 1)[0]


def _is_synthetic(measure: str, flags: tuple[str, ...]) -> bool:
    return "synthetic" in flags or _family(measure) == "secure"


def load(conn: duckdb.DuckDBPyConnection) -> Catalog:
    """The catalog of the build behind ``conn``."""
    cursor = conn.execute(
        """
        SELECT measure, title, coalesce(unit, '') AS unit, coalesce(decimals, 0) AS decimals,
               coalesce(description, '') AS description, coalesce(source_table, '') AS st,
               coalesce(source_version, '') AS sv, coalesce(publisher, '') AS publisher,
               coalesce(licence, '') AS licence, coalesce(flags, '') AS flags
        FROM measures
        WHERE measure IN (SELECT DISTINCT measure FROM observations)
        ORDER BY measure
        """
    )
    grouped: dict[str, list[IndicatorMeta]] = {}
    for row in cursor.fetchall():
        measure, title, unit, decimals, description, table, version, pub, lic, raw = row
        flags = tuple(f for f in str(raw).split(",") if f)
        family = _family(measure)
        grouped.setdefault(family, []).append(
            IndicatorMeta(
                id=measure,
                measure=measure,
                theme=family,
                title_nl=title,
                title_en=title,
                unit=unit,
                decimals=int(decimals),
                description_nl=description,
                description_en=description,
                source_table=table,
                source_version=version,
                publisher=pub,
                licence=lic,
                synthetic=_is_synthetic(measure, flags),
                flags=flags,
            )
        )
    order = list(FAMILY_TITLES)
    themes = [
        Theme(fam, *FAMILY_TITLES.get(fam, (fam, fam)), tuple(items))
        for fam, items in sorted(
            grouped.items(), key=lambda kv: (order.index(kv[0]) if kv[0] in order else 99, kv[0])
        )
    ]
    return Catalog(tuple(themes))


def as_dict(indicator: IndicatorMeta) -> dict[str, Any]:
    return dict(vars(indicator))
