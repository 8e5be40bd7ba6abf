"""Registry of the remote CBS tables buurtzicht knows how to read.

A :class:`TableSpec` says where a table lives (``opendata.cbs.nl`` or, for the
police tables, ``dataderden.cbs.nl``; OData v3 or v4), which measure family its
measures belong to (see ``docs/data-model.md``) and how the dimensions other than
region and period fold into the measure id:

* ``measure_template`` names the measure from its stem and dimension keys, e.g.
  47018NED's ``politie.misdrijven.{SoortMisdrijf}`` gives ``politie.misdrijven.1.1.1``;
* ``suffixes`` append a qualifier per dimension key, e.g. 85146NED's ``Marges``:
  ``vm.<Stem>`` for the value and ``vm.<Stem>.ondergrens`` / ``.bovengrens``;
* ``filters`` keep only the listed keys of a dimension (sent as OData ``$filter``),
  ``totals`` keep only the total member of a dimension (found in its code list), and
  ``recent_periods`` keeps the last *n* periods of the time dimension.

A dimension left with more than one key that none of these folds is an error at
conversion time, never a silent mix of figures.
"""

from __future__ import annotations

import string
from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from types import MappingProxyType
from typing import Any, TypeVar

from buurtzicht.config import Settings
from buurtzicht.errors import ConfigurationError


class Api(StrEnum):
    V3 = "v3"
    V4 = "v4"


class Host(StrEnum):
    OPENDATA = "opendata"  # opendata.cbs.nl: CBS's own tables
    DATADERDEN = "dataderden"  # dataderden.cbs.nl: third parties, e.g. Politie


#: 85146NED and other survey tables: the estimate and its 95% interval.
MARGES: Mapping[str, str] = MappingProxyType(
    {"MW00000": "", "MOG0095": ".ondergrens", "MBG0095": ".bovengrens"}
)


K = TypeVar("K")
V = TypeVar("V")


def _frozen(mapping: Mapping[K, V]) -> Mapping[K, V]:
    return MappingProxyType(dict(mapping))


def _empty() -> Mapping[Any, Any]:
    return MappingProxyType({})


@dataclass(frozen=True)
class TableSpec:
    """How to fetch one table and name its measures."""

    id: str
    title: str
    family: str
    api: Api = Api.V3
    host: Host = Host.OPENDATA
    publisher: str = "CBS"
    licence: str = "CC BY 4.0"
    measure_template: str = "{family}.{stem}"
    suffixes: Mapping[str, Mapping[str, str]] = field(default_factory=_empty)
    filters: Mapping[str, tuple[str, ...]] = field(default_factory=_empty)
    totals: tuple[str, ...] = ()
    recent_periods: int | None = None
    #: OData v4 measure codes (``M000352``) carry no name: map the ones we know.
    measure_names: Mapping[str, str] = field(default_factory=_empty)
    #: Tables without a region dimension describe the Netherlands as a whole.
    national: bool = False
    #: Period of a table without a time dimension (default: TableInfos ``Period``).
    period: str | None = None
    description: str = ""

    def base_url(self, settings: Settings) -> str:
        """The table's root URL, from the settings (so tests can point elsewhere)."""
        if self.api is Api.V4:
            root = settings.cbs_odata_v4_url
        elif self.host is Host.DATADERDEN:
            root = settings.cbs_odata_v3_police_url
        else:
            root = settings.cbs_odata_v3_url
        return f"{root.rstrip('/')}/{self.id}"

    def template_fields(self) -> set[str]:
        """Dimension names used in ``measure_template`` (besides family and stem)."""
        names = {name for _, name, _, _ in string.Formatter().parse(self.measure_template) if name}
        return names - {"family", "stem"}

    def folded_dimensions(self) -> set[str]:
        """Dimensions that go into the measure id or are reduced to one key."""
        return self.template_fields() | set(self.suffixes) | set(self.filters) | set(self.totals)

    def measure_id(
        self,
        stem: str,
        keys: Mapping[str, str],
        titles: Mapping[str, Mapping[str, str]] | None = None,
    ) -> str:
        """The measure id of one topic (by stem) and the row's dimension keys.

        A suffix dimension key the registry does not list is recognised by its
        code-list title (``titles[dimension][key]``), e.g. "Betrouwbaarheidsmarge
        ondergrens"; otherwise ``KeyError``.

        >>> TABLES["47018NED"].measure_id("GeregistreerdeMisdrijven", {"SoortMisdrijf": "1.1.1"})
        'politie.misdrijven.1.1.1'
        >>> TABLES["85146NED"].measure_id("VoeltZichWeleensOnveilig", {"Marges": "MOG0095"})
        'vm.VoeltZichWeleensOnveilig.ondergrens'
        """
        values = {name: keys[name] for name in self.template_fields()}
        measure = self.measure_template.format(family=self.family, stem=stem, **values)
        for dimension, mapping in self.suffixes.items():
            key = keys[dimension]
            suffix = mapping.get(key)
            if suffix is None and titles is not None:
                suffix = suffix_from_title(titles.get(dimension, {}).get(key, ""))
            if suffix is None:
                raise KeyError(key)
            measure += suffix
        return measure


def suffix_from_title(title: str) -> str | None:
    """The margin suffix a code-list title stands for, if it is one.

    >>> suffix_from_title("Betrouwbaarheidsmarge ondergrens"), suffix_from_title("Waarde")
    ('.ondergrens', '')
    >>> suffix_from_title("Mannen") is None
    True
    """
    text = title.strip().lower()
    if "ondergrens" in text:
        return ".ondergrens"
    if "bovengrens" in text:
        return ".bovengrens"
    return "" if text == "waarde" else None


_SPECS = (
    TableSpec(
        "85984NED",
        "Kerncijfers wijken en buurten 2024",
        "kwb",
        description="KWB 2024: every measure for NL, gemeenten, wijken and buurten.",
    ),
    TableSpec(
        "47018NED",
        "Geregistreerde misdrijven; soort misdrijf, wijk, buurt, jaarcijfers",
        "politie",
        host=Host.DATADERDEN,
        publisher="Politie",
        measure_template="politie.misdrijven.{SoortMisdrijf}",
        # ~1.1 million rows per year (59 crime types x 18,313 regions): the last
        # five years are what the dashboard's trends need; override per fetch.
        recent_periods=5,
        description="Police-registered crime per crime type per gemeente, wijk and buurt.",
    ),
    TableSpec(
        "83648NED",
        "Geregistreerde criminaliteit; soort misdrijf, regio",
        "misdrijven",
        filters=_frozen({"SoortMisdrijf": ("T001161",)}),  # Misdrijven, totaal
        description="Registered crime totals per gemeente, politie-eenheid, provincie.",
    ),
    TableSpec(
        "84468NED",
        "Geregistreerde misdrijven per wijk en buurt 2018",
        "misdrijven_wb",
        description="Crime per wijk and buurt, 2018 (indeling 2018).",
    ),
    TableSpec(
        "85146NED",
        "Veiligheidsmonitor; leefbaarheid, overlast, onveiligheid, slachtofferschap, regio",
        "vm",
        suffixes=_frozen({"Marges": MARGES}),
        description="Survey indicators per region with their 95% margins.",
    ),
    TableSpec(
        "81947NED",
        "Verdachten van misdrijven; geslacht, leeftijd, migratieachtergrond",
        "verdachten",
        totals=("Geslacht", "Leeftijd", "Migratieachtergrond"),
        national=True,
        description="Suspects of crimes, national totals.",
    ),
    *(
        TableSpec(
            table,
            f"Gebieden in Nederland {year}",
            "gebieden",
            description=f"Gemeenten {year} with their regional divisions and inhabitants.",
        )
        for table, year in (
            ("83859NED", 2018),
            ("84378NED", 2019),
            ("84721NED", 2020),
            ("84929NED", 2021),
            ("85067NED", 2022),
            ("85385NED", 2023),
            ("85755NED", 2024),
        )
    ),
)

#: Every known table, by id.
TABLES: Mapping[str, TableSpec] = MappingProxyType({spec.id: spec for spec in _SPECS})


def get_spec(table_id: str) -> TableSpec:
    """The registry entry of a table, or a clear error listing the known ones."""
    key = table_id.strip().upper()
    try:
        return TABLES[key]
    except KeyError:
        known = ", ".join(sorted(TABLES))
        raise ConfigurationError(
            f"table {table_id!r} is not in the registry (buurtzicht.sources.tables); "
            f"known tables: {known}"
        ) from None
