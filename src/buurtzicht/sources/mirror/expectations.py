"""What every file of the offline mirror must hold, and the gate every read goes through.

The files the mirror loaders read state it in their spec
(:data:`~buurtzicht.sources.mirror.files.FILES`, ``MirrorFile.expect``); the other
mirror files read by the build (boundary layers, their second copies, the boundary-change
matrices) have it here, by path. Each is checked by
:func:`buurtzicht.sources.expect.check_file`. :func:`verified` is the only way the
build's readers get a mirror path (:class:`~buurtzicht.sources.mirror.context.MirrorContext`,
the boundary readers, the boundary-change matrices, the calibration of the synthetic
world): a file without an expectation is a programming error, a file that lost rows,
regions or periods fails the build with its name and what it lacks, and the current
build stays current.
"""

from __future__ import annotations

from pathlib import Path

from buurtzicht.errors import ConfigurationError, SourceFormatError
from buurtzicht.sources.expect import Expectation, Periods, check_file
from buurtzicht.sources.mirror.files import FILES, GEMEENTE_PROPERTIES, regions, years

#: Mirror files outside :data:`FILES` (boundary layers, their second copies, matrices).
BY_PATH: dict[str, Expectation] = {
    "raw/geo_gemeenten_2023_pdok_stdekker/gemeenten_2023_simplified_with_kwb2023.geojson": (
        Expectation(rows=343, columns=GEMEENTE_PROPERTIES, coverage=regions("gemeentecode", GM=343))
    ),
    "raw/geo_gemeenten_2022_crime_matthijsvz88/gemeenten_2022_with_83648NED_crime.geojson": (
        Expectation(
            rows=345, columns=("statcode", "statnaam"), coverage=regions("statcode", GM=345)
        )
    ),
    "raw/geo_buurten_2019_cbs_emielsanders/buurten_2019_gegeneraliseerd.topojson": Expectation(
        rows=13_594,
        columns=("statcode",),
        coverage=regions("statcode", BU=13_594),
        sha256="bf73df2b…d8b9ed88",
    ),
    "raw/geo_buurten_amsterdam_mindtheheat/amsterdam_buurten.geojson.gz": Expectation(
        rows=518,
        columns=("CBS_Buurtcode", "Buurt", "Wijkcode"),
        coverage=regions("CBS_Buurtcode", BU=518),
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
            coverage=regions("code_source_jaar_van", GM=111, WK=1620),
            periods=Periods("jaar_van", years(2016, 2023)),
        )
    ),
}

EXPECTATIONS: dict[str, Expectation] = {
    **{spec.path: spec.expect for spec in FILES.values()},
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
