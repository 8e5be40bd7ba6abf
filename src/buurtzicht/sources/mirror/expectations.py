"""What every file of the offline mirror must hold, and the gate every read goes through.

One entry per file, from the counts the folder's SOURCE.md states (rows, gemeenten,
wijken, buurten, periods; sha256 where it gives one), checked by
:func:`buurtzicht.sources.expect.check_file`. :func:`verified` is the only way the
build's readers get a mirror path (:class:`~buurtzicht.sources.mirror.context.MirrorContext`,
the boundary readers, the boundary-change matrices, the calibration of the synthetic
world): a file without an entry here is a programming error, a file that lost rows,
regions or periods fails the build with its name and what it lacks, and the current
build stays current.
"""

from __future__ import annotations

from pathlib import Path

from buurtzicht.errors import ConfigurationError, SourceFormatError
from buurtzicht.sources.expect import Coverage, Expectation, Periods, check_file
from buurtzicht.sources.mirror.files import FILES, GEBIEDEN_TABLES, GEOMETRY_YEARS


def _years(first: int, last: int, suffix: str = "") -> tuple[str, ...]:
    return tuple(f"{year}{suffix}" for year in range(first, last + 1))


def _regions(column: str, **counts: int) -> tuple[Coverage, ...]:
    return tuple(Coverage(column, prefix, count) for prefix, count in counts.items())


#: Gemeenten per year of Gebieden in Nederland (SOURCE.md: 380 / 355 / ... / 342).
GEBIEDEN_GEMEENTEN = {2018: 380, 2019: 355, 2020: 355, 2021: 352, 2022: 345, 2023: 342, 2024: 342}
#: Features (gemeenten, GM0998 Buitenland included from 2023) per gemeente map year.
GEOMETRY_GEMEENTEN = {2012: 416, 2017: 389, 2018: 381, 2019: 356, 2022: 346, 2023: 343, 2024: 343}
_GEMEENTE_PROPERTIES = ("gemeentecode", "gemeentenaam")
_DIMENSION = ("Key", "Title", "Description", "Municipality", "DetailRegionCode")

BY_KEY: dict[str, Expectation] = {
    **{
        f"gebieden_{year}": Expectation(
            rows=GEBIEDEN_GEMEENTEN[year],
            columns=("Code_1", "Naam_2"),
            coverage=_regions("Code_1", GM=GEBIEDEN_GEMEENTEN[year]),
        )
        for year in GEBIEDEN_TABLES
    },
    **{
        f"gemeenten_geo_{year}": Expectation(
            rows=GEOMETRY_GEMEENTEN[year],
            columns=_GEMEENTE_PROPERTIES,
            coverage=_regions("gemeentecode", GM=GEOMETRY_GEMEENTEN[year]),
        )
        for year in GEOMETRY_YEARS
    },
    "wijken_geo_2024": Expectation(
        rows=3475,
        columns=("wijkcode", "wijknaam", *_GEMEENTE_PROPERTIES),
        coverage=(Coverage("wijkcode", "WK", 3475), Coverage("gemeentecode", "GM", 343)),
    ),
    # 494 regions in each of the 15 years, 394 of them with a gemeente code.
    "misdrijven_slice": Expectation(
        rows=7410,
        columns=(
            "region_label",
            "region_level",
            "gm_code",
            "Perioden",
            "TotaalGeregistreerdeMisdrijven_1",
            "RegistratiesVanVerdachten_6",
        ),
        coverage=(
            Coverage("gm_code", "GM", 394, per="Perioden"),
            Coverage("region_label", "", 494, per="Perioden", label="regions"),
        ),
        periods=Periods("Perioden", _years(2010, 2024)),
    ),
    "misdrijven_regios": Expectation(
        rows=475, columns=("Key", "Regio"), coverage=_regions("Key", GM=462)
    ),
    "regios_83648_dimension": Expectation(
        rows=375, columns=("Key", "Title"), coverage=_regions("Key", GM=344)
    ),
    # Truncated by the scraper at 10,000 rows: NL + "Aa en Hunze" .. "Maasdriel".
    "kwb_dump": Expectation(
        rows=10_000,
        columns=("WijkenEnBuurten", "SoortRegio_2", "Codering_3", "AantalInwoners_5"),
        coverage=_regions("Codering_3", GM=172, WK=1806, BU=8021),
    ),
    "kwb_properties": Expectation(rows=172, columns=("Key", "Type", "Title", "Description")),
    "kwb_tableinfos": Expectation(rows=1, columns=("Identifier", "Modified")),
    "kwb_stripped": Expectation(rows=3735, coverage=_regions("key", GM=342, WK=3393)),
    "kwb_buurt_subset": Expectation(
        rows=13_817,
        columns=("WijkenEnBuurten", "Codering_3", "AantalInwoners_5"),
        coverage=_regions("Codering_3", BU=13_817),
    ),
    "buurt_names": Expectation(
        rows=14_574, columns=("Identifier", "Title"), coverage=_regions("Identifier", BU=14_574)
    ),
    "buurt_crime_2024": Expectation(
        rows=14_730,
        columns=("WijkenEnBuurten", "GeregistreerdeMisdrijven_1"),
        coverage=_regions("WijkenEnBuurten", BU=14_730),
    ),
    "politie_first_rows": Expectation(
        rows=1000,
        columns=("SoortMisdrijf", "WijkenEnBuurten", "Perioden", "GeregistreerdeMisdrijven_1"),
        periods=Periods("Perioden", _years(2012, 2024, "JJ00")),
    ),
    "buurt_population": Expectation(
        rows=14_574, columns=("nhood_id", "population"), coverage=_regions("nhood_id", BU=14_574)
    ),
    "kwb_dimension": Expectation(
        rows=18_310, columns=_DIMENSION, coverage=_regions("Key", GM=342, WK=3393, BU=14_574)
    ),
    "politie_dimension": Expectation(
        rows=18_313, columns=_DIMENSION, coverage=_regions("Key", GM=343, WK=3394, BU=14_575)
    ),
    "politie_soorten": Expectation(rows=59, columns=("Key", "Title", "Description")),
    "politie_brengdelicten": Expectation(rows=58, columns=("Key", "Title", "Brengdelict")),
    "politie_nl_crime": Expectation(
        rows=708,
        columns=("incident_type_code", "year", "incident_count"),
        coverage=(Coverage("incident_type_code", "", 59, per="year", label="crime types"),),
        periods=Periods("year", _years(2012, 2023)),
    ),
    "politie_nl_disorder": Expectation(
        rows=108,
        columns=("incident_type_code", "year", "incident_count"),
        coverage=(Coverage("incident_type_code", "", 9, per="year", label="nuisance types"),),
        periods=Periods("year", _years(2012, 2023)),
    ),
    "politie_overlast_codes": Expectation(rows=9, columns=("Key", "Title")),
    # Truncated at 10,000 rows: up to "Midden-Groningen".
    "misdrijven_wb_2018": Expectation(
        rows=10_000,
        columns=("WijkenEnBuurten", "SoortRegio_2", "Codering_3"),
        coverage=_regions("Codering_3", GM=209, WK=1811, BU=7980),
    ),
    # NL, landsdelen, provincies, politie-eenheden and ~280 gemeenten, in both years.
    "veiligheidsmonitor": Expectation(
        rows=1782,
        columns=("Marges", "RegioS", "Perioden"),
        coverage=(Coverage("RegioS", "", 297, per="Perioden", label="regions"),),
        periods=Periods("Perioden", ("2021", "2023")),
    ),
    "verdachten": Expectation(
        rows=7392,
        columns=("Geslacht", "Leeftijd", "Migratieachtergrond", "Perioden"),
        periods=Periods("Perioden", _years(1999, 2022)),
    ),
}

#: Mirror files outside :data:`FILES` (boundary layers, their second copies, matrices).
BY_PATH: dict[str, Expectation] = {
    "raw/geo_gemeenten_2023_pdok_stdekker/gemeenten_2023_simplified_with_kwb2023.geojson": (
        Expectation(
            rows=343, columns=_GEMEENTE_PROPERTIES, coverage=_regions("gemeentecode", GM=343)
        )
    ),
    "raw/geo_gemeenten_2022_crime_matthijsvz88/gemeenten_2022_with_83648NED_crime.geojson": (
        Expectation(
            rows=345, columns=("statcode", "statnaam"), coverage=_regions("statcode", GM=345)
        )
    ),
    "raw/geo_buurten_2019_cbs_emielsanders/buurten_2019_gegeneraliseerd.topojson": Expectation(
        rows=13_594,
        columns=("statcode",),
        coverage=_regions("statcode", BU=13_594),
        sha256="bf73df2b…d8b9ed88",
    ),
    "raw/geo_buurten_amsterdam_mindtheheat/amsterdam_buurten.geojson.gz": Expectation(
        rows=518,
        columns=("CBS_Buurtcode", "Buurt", "Wijkcode"),
        coverage=_regions("CBS_Buurtcode", BU=518),
        sha256="965a2f05…a64d",
        sha256_of="content",
    ),
    "raw/vng_grenswijzigen_matrices/grenswijzigingen_gemeente_wijk_naar_2024_long.csv": (
        Expectation(
            rows=21_712,
            columns=(
                "telling",
                "niveau",
                "jaar_van",
                "jaar_naar",
                "code_source_jaar_van",
                "code_target_peiljaar",
                "n_adressen",
            ),
            coverage=_regions("code_source_jaar_van", GM=111, WK=1620),
            periods=Periods("jaar_van", _years(2016, 2023)),
        )
    ),
}

EXPECTATIONS: dict[str, Expectation] = {
    **{FILES[key].path: expectation for key, expectation in BY_KEY.items()},
    **BY_PATH,
}


def verified(mirror: Path, relative: str) -> Path:
    """The path of a mirror file, after checking it against its expectation.

    Raises :class:`SourceFormatError` when the file is absent and
    :class:`~buurtzicht.sources.expect.SourceCoverageError` when it holds less than its
    expectation; a file without an expectation is a :class:`ConfigurationError`.
    """
    expectation = EXPECTATIONS.get(relative)
    if expectation is None:
        raise ConfigurationError(
            f"{relative}: no expectation for this mirror file; add one to "
            "buurtzicht.sources.mirror.expectations before reading it"
        )
    path = Path(mirror) / relative
    if not path.is_file():
        raise SourceFormatError(
            path, "file not found in the offline mirror", expected=f"<mirror>/{relative}"
        )
    check_file(path, expectation)
    return path
