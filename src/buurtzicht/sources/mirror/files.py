"""Every file of the offline mirror that the loaders read: one spec per file.

A :class:`MirrorFile` says where a file lives (relative to the mirror root), which table
it comes from, which version it is (the table's ``Modified`` date where the mirror keeps
the TableInfos, otherwise the snapshot, repository and commit, named in the folder's
SOURCE.md) and what it must hold (:class:`~buurtzicht.sources.expect.Expectation`: at
least so many rows, the columns the loaders use, the regions and periods it covers, from
the counts SOURCE.md states). :class:`~buurtzicht.sources.mirror.context.MirrorContext`
reads every file through its spec; the build's manifest records the table and version
with a sha256 of the bytes read.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from buurtzicht.errors import SourceFormatError
from buurtzicht.sources.base import SourceFile
from buurtzicht.sources.expect import Coverage, Expectation, Periods


@dataclass(frozen=True)
class MirrorFile:
    """Where one mirror file lives, what it is and what it must hold."""

    path: str
    table: str
    version: str
    publisher: str = "CBS"
    licence: str = "CC BY 4.0"
    #: Rows, columns (every column a loader reads), regions and periods it must hold.
    expect: Expectation = field(kw_only=True)

    @property
    def columns(self) -> tuple[str, ...]:
        """The columns (or feature properties) the loaders read."""
        return self.expect.columns

    def locate(self, mirror: Path) -> Path:
        """The file's absolute path, or a :class:`SourceFormatError` saying it is absent."""
        path = Path(mirror) / self.path
        if not path.is_file():
            raise SourceFormatError(
                path,
                "file not found in the offline mirror",
                expected=f"{self.table} at <mirror>/{self.path} (see raw/INDEX.md)",
            )
        return path

    def source_file(self, mirror: Path) -> SourceFile:
        return SourceFile.of(
            self.locate(mirror),
            self.table,
            self.version,
            publisher=self.publisher,
            licence=self.licence,
        )


def years(first: int, last: int, suffix: str = "") -> tuple[str, ...]:
    return tuple(f"{year}{suffix}" for year in range(first, last + 1))


def regions(column: str, **counts: int) -> tuple[Coverage, ...]:
    """At least ``counts[prefix]`` distinct codes of each level prefix in ``column``."""
    return tuple(Coverage(column, prefix, count) for prefix, count in counts.items())


_DERTJE = "raw/cbs_statline_dumps_dertje/"
_DERTJE_SNAPSHOT = "snapshot dertje/cbs_datasets@2dc24f5"
_META = "raw/cbs_kwb2024_85984NED_odata_meta/"
_MICRO = "raw/kwb2024_buurt_subset_crime2024_microneighbourhood/"
_MICRO_SNAPSHOT = "snapshot dat-nguyen96/Micro-Neighbourhood@be989eb"
_BERNASCO = "raw/politie_47018NED_bernasco/"
_STAAT = "raw/politie_47018NED_nationaal_bernasco_staat/"
_STAAT_SNAPSHOT = "snapshot bernasco/staat_van_de_misdaad@5f16319"
_GEO = "raw/geo_pdok_wijken_gemeenten_2024_anneversion/"
_GEO_SNAPSHOT = "snapshot AnneVersion/geoinzicht-app@167d292"

#: Modified dates from the TableInfos kept in the mirror.
KWB_2024_MODIFIED = "2025-03-27T02:00:00"
KWB_2024_EARLIER_MODIFIED = "2024-08-16T02:00:00"
POLITIE_47018_MODIFIED = "2024-08-15T02:00:00"

GEBIEDEN_TABLES: dict[int, str] = {
    2018: "83859NED",
    2019: "84378NED",
    2020: "84721NED",
    2021: "84929NED",
    2022: "85067NED",
    2023: "85385NED",
    2024: "85755NED",
}
GEOMETRY_YEARS: tuple[int, ...] = (2012, 2017, 2018, 2019, 2022, 2023, 2024)
#: Gemeenten per year of Gebieden in Nederland (SOURCE.md: 380 / 355 / ... / 342).
GEBIEDEN_GEMEENTEN = {2018: 380, 2019: 355, 2020: 355, 2021: 352, 2022: 345, 2023: 342, 2024: 342}
#: Features (gemeenten, GM0998 Buitenland included from 2023) per gemeente map year.
GEOMETRY_GEMEENTEN = {2012: 416, 2017: 389, 2018: 381, 2019: 356, 2022: 346, 2023: 343, 2024: 343}
GEMEENTE_PROPERTIES = ("gemeentecode", "gemeentenaam")
_DIMENSION = ("Key", "Title", "Description", "Municipality", "DetailRegionCode")
_COUNTS = ("incident_type_code", "year", "incident_count")
#: The six measures of "Misdrijven, totaal" in the 83648NED slice.
MISDRIJVEN_MEASURES = (
    "TotaalGeregistreerdeMisdrijven_1",
    "GeregistreerdeMisdrijvenRelatief_2",
    "GeregistreerdeMisdrijvenPer1000Inw_3",
    "TotaalOpgehelderdeMisdrijven_4",
    "OpgehelderdeMisdrijvenRelatief_5",
    "RegistratiesVanVerdachten_6",
)
#: The KWB variables of the buurt subset (an earlier 85984NED revision).
KWB_SUBSET_MEASURES = (
    "AantalInwoners_5",
    "Bevolkingsdichtheid_34",
    "GemiddeldeHuishoudensgrootte_33",
    "HuishoudensMetKinderen_32",
    "HuishoudensTotaal_29",
    "MateVanStedelijkheid_122",
    "k_0Tot15Jaar_8",
    "k_15Tot25Jaar_9",
    "k_25Tot45Jaar_10",
    "k_45Tot65Jaar_11",
    "k_65JaarOfOuder_12",
)


def _gebieden_files() -> dict[str, MirrorFile]:
    return {
        f"gebieden_{year}": MirrorFile(
            f"{_DERTJE}{table}_gebieden_in_nederland_{year}.csv",
            table,
            _DERTJE_SNAPSHOT,
            expect=Expectation(
                rows=GEBIEDEN_GEMEENTEN[year],
                columns=("Code_1", "Naam_2"),
                coverage=regions("Code_1", GM=GEBIEDEN_GEMEENTEN[year]),
            ),
        )
        for year, table in GEBIEDEN_TABLES.items()
    }


def _geometry_files() -> dict[str, MirrorFile]:
    return {
        f"gemeenten_geo_{year}": MirrorFile(
            f"{_GEO}gemeenten_{year}_simplified_with_kwb_crime_bag.geojson",
            f"file:gemeenten_{year} (PDOK wijk- en buurtkaart {year} + KWB + cr_*)",
            _GEO_SNAPSHOT,
            publisher="CBS/Kadaster (PDOK); cr_* Politie 47018NED via a third party",
            expect=Expectation(
                rows=GEOMETRY_GEMEENTEN[year],
                columns=GEMEENTE_PROPERTIES,
                coverage=regions("gemeentecode", GM=GEOMETRY_GEMEENTEN[year]),
            ),
        )
        for year in GEOMETRY_YEARS
    }


FILES: dict[str, MirrorFile] = {
    **_gebieden_files(),
    **_geometry_files(),
    "wijken_geo_2024": MirrorFile(
        f"{_GEO}wijken_2024_simplified_t0.0005.geojson.gz",
        "file:wijken_2024 (PDOK wijk- en buurtkaart 2024)",
        "snapshot AnneVersion/geoinzicht-app@756fee1",
        publisher="CBS/Kadaster (PDOK)",
        expect=Expectation(
            rows=3475,
            columns=("wijkcode", "wijknaam", *GEMEENTE_PROPERTIES),
            coverage=(Coverage("wijkcode", "WK", 3475), Coverage("gemeentecode", "GM", 343)),
        ),
    ),
    # 494 regions in each of the 15 years, 394 of them with a gemeente code.
    "misdrijven_slice": MirrorFile(
        f"{_DERTJE}83648NED_misdrijven_totaal_per_regio_2010_2024_COMPLETE_SLICE.csv",
        "83648NED",
        _DERTJE_SNAPSHOT + " (Misdrijven, totaal slice)",
        expect=Expectation(
            rows=7410,
            columns=(
                "SoortMisdrijf",
                "region_label",
                "region_level",
                "gm_code",
                "Perioden",
                *MISDRIJVEN_MEASURES,
            ),
            coverage=(
                Coverage("gm_code", "GM", 394, per="Perioden"),
                Coverage("region_label", "", 494, per="Perioden", label="regions"),
            ),
            periods=Periods("Perioden", years(2010, 2024)),
        ),
    ),
    "misdrijven_regios": MirrorFile(
        "raw/geo_gemeenten_2022_crime_matthijsvz88/pop_regio.csv",
        "83648NED",
        "snapshot Matthijsvz88/Dashboard-crime-NL@02afa19 (RegioS keys)",
        expect=Expectation(rows=475, columns=("Key", "Regio"), coverage=regions("Key", GM=462)),
    ),
    "regios_83648_dimension": MirrorFile(
        f"{_STAAT}RegioS.csv",
        "83648NED",
        _STAAT_SNAPSHOT + " (RegioS dimension)",
        expect=Expectation(rows=375, columns=("Key", "Title"), coverage=regions("Key", GM=344)),
    ),
    # Truncated by the scraper at 10,000 rows: NL + "Aa en Hunze" .. "Maasdriel".
    "kwb_dump": MirrorFile(
        f"{_DERTJE}85984NED_kwb2024_TRUNCATED_first10000rows.csv.gz",
        "85984NED",
        _DERTJE_SNAPSHOT + f" (columns of revision {KWB_2024_MODIFIED})",
        expect=Expectation(
            rows=10_000,
            columns=("WijkenEnBuurten", "SoortRegio_2", "Codering_3", "AantalInwoners_5"),
            coverage=regions("Codering_3", GM=172, WK=1806, BU=8021),
        ),
    ),
    "kwb_properties": MirrorFile(
        f"{_META}DataProperties.json",
        "85984NED",
        KWB_2024_MODIFIED,
        expect=Expectation(rows=172, columns=("Key", "Type", "Title", "Description")),
    ),
    "kwb_tableinfos": MirrorFile(
        f"{_META}TableInfos.json",
        "85984NED",
        KWB_2024_MODIFIED,
        expect=Expectation(rows=1, columns=("Identifier", "Modified")),
    ),
    "kwb_stripped": MirrorFile(
        f"{_META}stripped_filtered_data_2024.json",
        "85984NED",
        "snapshot niquedegraaff/Wikipedia-Generator-CBS-Kerncijfers-Wijken-en-Buurten@db6d0b9",
        expect=Expectation(rows=3735, coverage=regions("key", GM=342, WK=3393)),
    ),
    "kwb_buurt_subset": MirrorFile(
        f"{_MICRO}buurten_features_clusters_with_crime_2024.csv",
        "85984NED",
        _MICRO_SNAPSHOT + " (earlier 85984NED revision)",
        expect=Expectation(
            rows=13_817,
            columns=("WijkenEnBuurten", "Codering_3", *KWB_SUBSET_MEASURES),
            coverage=regions("Codering_3", BU=13_817),
        ),
    ),
    "buurt_names": MirrorFile(
        f"{_MICRO}cbs_buurt_namen_85984.csv",
        "85984NED",
        _MICRO_SNAPSHOT,
        expect=Expectation(
            rows=14_574, columns=("Identifier", "Title"), coverage=regions("Identifier", BU=14_574)
        ),
    ),
    "buurt_crime_2024": MirrorFile(
        f"{_MICRO}cbs_crime_2024JJ00_buurten_SUM_OVER_ALL_SOORTMISDRIJF.csv",
        "47018NED",
        _MICRO_SNAPSHOT + " (summed over every SoortMisdrijf: double counted)",
        publisher="Politie",
        expect=Expectation(
            rows=14_730,
            columns=("WijkenEnBuurten", "GeregistreerdeMisdrijven_1"),
            coverage=regions("WijkenEnBuurten", BU=14_730),
        ),
    ),
    "politie_first_rows": MirrorFile(
        f"{_MICRO}47018NED_TypedDataSet_first1000rows_raw.csv",
        "47018NED",
        "snapshot dat-nguyen96/Micro-Neighbourhood@888781b (first 1,000 rows)",
        publisher="Politie",
        expect=Expectation(
            rows=1000,
            columns=("SoortMisdrijf", "WijkenEnBuurten", "Perioden", "GeregistreerdeMisdrijven_1"),
            periods=Periods("Perioden", years(2012, 2024, "JJ00")),
        ),
    ),
    "buurt_population": MirrorFile(
        f"{_BERNASCO}population_Population85984_2024.csv",
        "85984NED",
        KWB_2024_EARLIER_MODIFIED,
        expect=Expectation(
            rows=14_574, columns=("nhood_id", "population"), coverage=regions("nhood_id", BU=14_574)
        ),
    ),
    "kwb_dimension": MirrorFile(
        f"{_BERNASCO}population_WijkenEnBuurten.csv.gz",
        "85984NED",
        KWB_2024_EARLIER_MODIFIED,
        expect=Expectation(
            rows=18_310, columns=_DIMENSION, coverage=regions("Key", GM=342, WK=3393, BU=14_574)
        ),
    ),
    "politie_dimension": MirrorFile(
        f"{_BERNASCO}crime_WijkenEnBuurten.csv.gz",
        "47018NED",
        POLITIE_47018_MODIFIED,
        publisher="Politie",
        expect=Expectation(
            rows=18_313, columns=_DIMENSION, coverage=regions("Key", GM=343, WK=3394, BU=14_575)
        ),
    ),
    "politie_soorten": MirrorFile(
        f"{_BERNASCO}crime_SoortMisdrijf.csv",
        "47018NED",
        POLITIE_47018_MODIFIED,
        "Politie",
        expect=Expectation(rows=59, columns=("Key", "Title", "Description")),
    ),
    "politie_brengdelicten": MirrorFile(
        f"{_BERNASCO}crime_BrengDelicten.csv",
        "file:crime_BrengDelicten (bernasco's classification of 47018NED types)",
        "snapshot bernasco/misdaad_concentratie@74d42eb",
        publisher="W. Bernasco (classification of Politie 47018NED crime types)",
        expect=Expectation(rows=58, columns=("Key", "Title", "Brengdelict")),
    ),
    "politie_nl_crime": MirrorFile(
        f"{_STAAT}NL_Crime.csv",
        "47018NED",
        _STAAT_SNAPSHOT,
        "Politie",
        expect=Expectation(
            rows=708,
            columns=_COUNTS,
            coverage=(Coverage("incident_type_code", "", 59, per="year", label="crime types"),),
            periods=Periods("year", years(2012, 2023)),
        ),
    ),
    "politie_nl_disorder": MirrorFile(
        f"{_STAAT}NL_Disorder.csv",
        "Politie overlast",
        _STAAT_SNAPSHOT,
        "Politie",
        expect=Expectation(
            rows=108,
            columns=_COUNTS,
            coverage=(Coverage("incident_type_code", "", 9, per="year", label="nuisance types"),),
            periods=Periods("year", years(2012, 2023)),
        ),
    ),
    "politie_overlast_codes": MirrorFile(
        f"{_STAAT}Overlast.csv",
        "Politie overlast",
        _STAAT_SNAPSHOT,
        "Politie",
        expect=Expectation(rows=9, columns=("Key", "Title", "Description")),
    ),
    # Truncated at 10,000 rows: up to "Midden-Groningen".
    "misdrijven_wb_2018": MirrorFile(
        f"{_DERTJE}84468NED_misdrijven_wijkbuurt_TRUNCATED_first10000rows.csv.gz",
        "84468NED",
        _DERTJE_SNAPSHOT + " (first 10,000 rows)",
        expect=Expectation(
            rows=10_000,
            columns=("WijkenEnBuurten", "SoortRegio_2", "Codering_3", "AantalInwoners_5"),
            coverage=regions("Codering_3", GM=209, WK=1811, BU=7980),
        ),
    ),
    # NL, landsdelen, provincies, politie-eenheden and ~280 gemeenten, in both years.
    "veiligheidsmonitor": MirrorFile(
        f"{_DERTJE}85146NED_veiligheidsmonitor_leefbaarheid_regio_2021_2023.csv",
        "85146NED",
        _DERTJE_SNAPSHOT,
        expect=Expectation(
            rows=1782,
            columns=("Marges", "RegioS", "Perioden"),
            coverage=(Coverage("RegioS", "", 297, per="Perioden", label="regions"),),
            periods=Periods("Perioden", ("2021", "2023")),
        ),
    ),
    "verdachten": MirrorFile(
        f"{_DERTJE}81947NED_verdachten_nationaal.csv",
        "81947NED",
        _DERTJE_SNAPSHOT,
        expect=Expectation(
            rows=7392,
            columns=(
                "Geslacht",
                "Leeftijd",
                "Migratieachtergrond",
                "Perioden",
                "TotaalVerdachtenVanMisdrijven_1",
            ),
            periods=Periods("Perioden", years(1999, 2022)),
        ),
    ),
}
