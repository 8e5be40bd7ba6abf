"""Every file of the offline mirror that the loaders read, with its table and version.

One place says where a file lives (relative to the mirror root), which table it comes
from and which version it is: the table's ``Modified`` date where the mirror keeps the
TableInfos, otherwise the snapshot (repository and commit) named in the folder's
SOURCE.md. The build's manifest records these with a sha256 of the bytes read.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from buurtzicht.errors import SourceFormatError
from buurtzicht.sources.base import SourceFile


@dataclass(frozen=True)
class MirrorFile:
    """Where one mirror file lives and what it is."""

    path: str
    table: str
    version: str
    publisher: str = "CBS"
    licence: str = "CC BY 4.0"

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


def _gebieden_files() -> dict[str, MirrorFile]:
    return {
        f"gebieden_{year}": MirrorFile(
            f"{_DERTJE}{table}_gebieden_in_nederland_{year}.csv", table, _DERTJE_SNAPSHOT
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
    ),
    "misdrijven_slice": MirrorFile(
        f"{_DERTJE}83648NED_misdrijven_totaal_per_regio_2010_2024_COMPLETE_SLICE.csv",
        "83648NED",
        _DERTJE_SNAPSHOT + " (Misdrijven, totaal slice)",
    ),
    "misdrijven_regios": MirrorFile(
        "raw/geo_gemeenten_2022_crime_matthijsvz88/pop_regio.csv",
        "83648NED",
        "snapshot Matthijsvz88/Dashboard-crime-NL@02afa19 (RegioS keys)",
    ),
    "regios_83648_dimension": MirrorFile(
        f"{_STAAT}RegioS.csv", "83648NED", _STAAT_SNAPSHOT + " (RegioS dimension)"
    ),
    "kwb_dump": MirrorFile(
        f"{_DERTJE}85984NED_kwb2024_TRUNCATED_first10000rows.csv.gz",
        "85984NED",
        _DERTJE_SNAPSHOT + f" (columns of revision {KWB_2024_MODIFIED})",
    ),
    "kwb_properties": MirrorFile(f"{_META}DataProperties.json", "85984NED", KWB_2024_MODIFIED),
    "kwb_tableinfos": MirrorFile(f"{_META}TableInfos.json", "85984NED", KWB_2024_MODIFIED),
    "kwb_stripped": MirrorFile(
        f"{_META}stripped_filtered_data_2024.json",
        "85984NED",
        "snapshot niquedegraaff/Wikipedia-Generator-CBS-Kerncijfers-Wijken-en-Buurten@db6d0b9",
    ),
    "kwb_buurt_subset": MirrorFile(
        f"{_MICRO}buurten_features_clusters_with_crime_2024.csv",
        "85984NED",
        _MICRO_SNAPSHOT + " (earlier 85984NED revision)",
    ),
    "buurt_names": MirrorFile(f"{_MICRO}cbs_buurt_namen_85984.csv", "85984NED", _MICRO_SNAPSHOT),
    "buurt_crime_2024": MirrorFile(
        f"{_MICRO}cbs_crime_2024JJ00_buurten_SUM_OVER_ALL_SOORTMISDRIJF.csv",
        "47018NED",
        _MICRO_SNAPSHOT + " (summed over every SoortMisdrijf: double counted)",
        publisher="Politie",
    ),
    "politie_first_rows": MirrorFile(
        f"{_MICRO}47018NED_TypedDataSet_first1000rows_raw.csv",
        "47018NED",
        "snapshot dat-nguyen96/Micro-Neighbourhood@888781b (first 1,000 rows)",
        publisher="Politie",
    ),
    "buurt_population": MirrorFile(
        f"{_BERNASCO}population_Population85984_2024.csv", "85984NED", KWB_2024_EARLIER_MODIFIED
    ),
    "kwb_dimension": MirrorFile(
        f"{_BERNASCO}population_WijkenEnBuurten.csv.gz", "85984NED", KWB_2024_EARLIER_MODIFIED
    ),
    "politie_dimension": MirrorFile(
        f"{_BERNASCO}crime_WijkenEnBuurten.csv.gz",
        "47018NED",
        POLITIE_47018_MODIFIED,
        publisher="Politie",
    ),
    "politie_soorten": MirrorFile(
        f"{_BERNASCO}crime_SoortMisdrijf.csv", "47018NED", POLITIE_47018_MODIFIED, "Politie"
    ),
    "politie_brengdelicten": MirrorFile(
        f"{_BERNASCO}crime_BrengDelicten.csv",
        "file:crime_BrengDelicten (bernasco's classification of 47018NED types)",
        "snapshot bernasco/misdaad_concentratie@74d42eb",
        publisher="W. Bernasco (classification of Politie 47018NED crime types)",
    ),
    "politie_nl_crime": MirrorFile(f"{_STAAT}NL_Crime.csv", "47018NED", _STAAT_SNAPSHOT, "Politie"),
    "politie_nl_disorder": MirrorFile(
        f"{_STAAT}NL_Disorder.csv", "Politie overlast", _STAAT_SNAPSHOT, "Politie"
    ),
    "politie_overlast_codes": MirrorFile(
        f"{_STAAT}Overlast.csv", "Politie overlast", _STAAT_SNAPSHOT, "Politie"
    ),
    "misdrijven_wb_2018": MirrorFile(
        f"{_DERTJE}84468NED_misdrijven_wijkbuurt_TRUNCATED_first10000rows.csv.gz",
        "84468NED",
        _DERTJE_SNAPSHOT + " (first 10,000 rows)",
    ),
    "veiligheidsmonitor": MirrorFile(
        f"{_DERTJE}85146NED_veiligheidsmonitor_leefbaarheid_regio_2021_2023.csv",
        "85146NED",
        _DERTJE_SNAPSHOT,
    ),
    "verdachten": MirrorFile(
        f"{_DERTJE}81947NED_verdachten_nationaal.csv", "81947NED", _DERTJE_SNAPSHOT
    ),
}
