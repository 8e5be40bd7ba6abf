"""VNG boundary-change matrices (grenswijzigingen) to the 2024 indeling.

Long CSV: telling, niveau, jaar_van, jaar_naar, code_source_jaar_van,
code_target_peiljaar, n_adressen. A cell counts the addresses of the source region that
lie in the target region; only regions that changed are listed. Licence CC BY-NC-SA 4.0
(VNG): used for harmonisation weights, not republished.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from buurtzicht.errors import SourceFormatError
from buurtzicht.regions.codes import normalise_code
from buurtzicht.sources.base import SourceFile
from buurtzicht.sources.mirror.expectations import verified
from buurtzicht.sources.statline_csv import numeric_column, read_table

MATRIX_FILE = "raw/vng_grenswijzigen_matrices/grenswijzigingen_gemeente_wijk_naar_2024_long.csv"
_REQUIRED = [
    "telling",
    "niveau",
    "jaar_van",
    "jaar_naar",
    "code_source_jaar_van",
    "code_target_peiljaar",
    "n_adressen",
]
#: All addresses (not only dwellings): crime happens at shops and offices too.
DEFAULT_TELLING = "adressen_pc6_huisnummer"


def read_boundary_changes(
    path: Path, *, niveau: str = "gemeente", telling: str = DEFAULT_TELLING
) -> pd.DataFrame:
    """Columns: year (source year), target_year, source_code, target_code, n."""
    table = read_table(path, required=_REQUIRED)
    table = table[(table["niveau"] == niveau) & (table["telling"] == telling)]
    if table.empty:
        raise SourceFormatError(path, f"no rows for niveau={niveau!r}, telling={telling!r}")
    where = str(path)
    return pd.DataFrame(
        {
            "year": numeric_column(table, "jaar_van", path=path).astype(int).to_numpy(),
            "target_year": numeric_column(table, "jaar_naar", path=path).astype(int).to_numpy(),
            "source_code": [normalise_code(c, where=where) for c in table["code_source_jaar_van"]],
            "target_code": [normalise_code(c, where=where) for c in table["code_target_peiljaar"]],
            "n": numeric_column(table, "n_adressen", path=path).to_numpy(),
        }
    )


def boundary_changes_source(mirror: Path) -> tuple[pd.DataFrame, SourceFile]:
    path = verified(mirror, MATRIX_FILE)
    record = SourceFile.of(
        path,
        "VNG grenswijzigingen",
        "reidhin/grenswijzigen@62ddad8",
        publisher="VNG",
        licence="CC BY-NC-SA 4.0",
    )
    return read_boundary_changes(path), record
