"""Gebieden in Nederland (83859NED .. 85755NED): one row per gemeente with its regions.

Each yearly table lists every gemeente (``Code_1``/``Naam_2``) with the codes and names
of ~24 regional divisions in ``Code_*``/``Naam_*`` pairs, two classifications in
``Code_*``/``Omschrijving_*`` pairs (gemeentegrootte and stedelijkheid 1-5) and
``Inwonertal``/``Omgevingsadressendichtheid``. The column numbers differ per year (2020
has 53 columns, 2024 has 57), so pairs are found by their values: a ``Code_*`` column
whose codes all look like ``PV27`` holds provincies, an ``Omschrijving_*`` column that
says "stedelijk" holds the stedelijkheid class.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from buurtzicht.errors import SourceFormatError
from buurtzicht.regions.codes import Level
from buurtzicht.sources.mirror.readers import numeric_columns, read_table, region_codes

#: Region divisions we keep, by code prefix; the other divisions (GGD, arbeidsmarkt,
#: COROP-sub, NUTS, ...) are not part of the data model.
PARENT_PREFIXES: dict[str, Level] = {
    "LD": Level.LANDSDEEL,
    "PV": Level.PROVINCIE,
    "RE": Level.POLITIE_EENHEID,
    "VR": Level.VEILIGHEIDSREGIO,
    "CR": Level.COROP,
}
PARENT_COLUMNS: dict[str, str] = {
    "LD": "landsdeel",
    "PV": "provincie",
    "RE": "politie_eenheid",
    "VR": "veiligheidsregio",
    "CR": "corop",
}


@dataclass(frozen=True)
class Gebieden:
    """One year of Gebieden in Nederland.

    ``gemeenten``: code, name, the five parent codes (``landsdeel`` .. ``corop``),
    ``stedelijkheid`` (1-5), ``gemeentegrootte`` (class code) and its label,
    ``inwonertal`` and ``omgevingsadressendichtheid``. ``parents``: code, level, name
    of every landsdeel, provincie, politie-eenheid, veiligheidsregio and COROP area.
    """

    year: int
    gemeenten: pd.DataFrame
    parents: pd.DataFrame


def read_gebieden(path: Path, year: int) -> Gebieden:
    """Read one Gebieden in Nederland dump; a missing division or column is an error."""
    table = read_table(path, required=["Code_1", "Naam_2"])
    header = list(table.columns)
    gemeenten = pd.DataFrame({"code": region_codes(table["Code_1"], path=path)})
    gemeenten["name"] = table["Naam_2"].to_numpy()
    parents: list[pd.DataFrame] = []
    for code_col, name_col in _pairs(header, "Naam_"):
        prefix = _division(table[code_col])
        if prefix is None:
            continue
        gemeenten[PARENT_COLUMNS[prefix]] = table[code_col].to_numpy()
        parents.append(
            pd.DataFrame(
                {
                    "code": table[code_col],
                    "level": PARENT_PREFIXES[prefix].value,
                    "name": table[name_col],
                }
            )
        )
    _require_divisions(gemeenten, path)
    _add_classes(table, header, gemeenten, path)
    last_two = [c for c in header if c.startswith(("Inwonertal", "Omgevingsadressendichtheid"))]
    if len(last_two) != 2:
        raise SourceFormatError(
            path, "Inwonertal/Omgevingsadressendichtheid columns missing", expected="both"
        )
    numbers = numeric_columns(table, last_two, path=path)
    gemeenten["inwonertal"] = numbers[last_two[0]].to_numpy()
    gemeenten["omgevingsadressendichtheid"] = numbers[last_two[1]].to_numpy()
    frame = pd.concat(parents, ignore_index=True).drop_duplicates("code")
    return Gebieden(year, gemeenten, frame.reset_index(drop=True))


def _pairs(header: list[str], second: str) -> list[tuple[str, str]]:
    return [
        (col, header[i + 1])
        for i, col in enumerate(header[:-1])
        if col.startswith("Code_") and header[i + 1].startswith(second) and col != "Code_1"
    ]


def _division(codes: pd.Series) -> str | None:
    """The prefix (LD, PV, ...) when every code in the column is such a region code."""
    values = codes.dropna().astype("string")
    prefixes = set(values.str[:2].unique())
    if len(prefixes) != 1 or not len(values):
        return None
    prefix = prefixes.pop()
    if prefix in PARENT_PREFIXES and values.str.fullmatch(r"[A-Z]{2}\d{2}").all():
        return str(prefix)
    return None


def _require_divisions(gemeenten: pd.DataFrame, path: Path) -> None:
    absent = [c for c in PARENT_COLUMNS.values() if c not in gemeenten]
    if absent:
        raise SourceFormatError(
            path, f"no Code_*/Naam_* pair holds {absent}", expected="codes like LD01, PV27, RE13"
        )


def _add_classes(
    table: pd.DataFrame, header: list[str], gemeenten: pd.DataFrame, path: Path
) -> None:
    """Stedelijkheid (1-5) and gemeentegrootte from their Code_*/Omschrijving_* pairs."""
    found: dict[str, tuple[str, str]] = {}
    for code_col, label_col in _pairs(header, "Omschrijving_"):
        labels = table[label_col].astype(str).str.lower()
        if labels.str.contains("stedelijk").all():
            found["stedelijkheid"] = (code_col, label_col)
        elif labels.str.contains("inwoners").all():
            found["gemeentegrootte"] = (code_col, label_col)
    for kind in ("stedelijkheid", "gemeentegrootte"):
        if kind not in found:
            raise SourceFormatError(
                path, f"no Code_*/Omschrijving_* pair holds {kind}", expected="class codes"
            )
        code_col, label_col = found[kind]
        gemeenten[kind] = numeric_columns(table, [code_col], path=path)[code_col].to_numpy()
        gemeenten[f"{kind}_label"] = table[label_col].to_numpy()
    bad = ~gemeenten["stedelijkheid"].isin([1, 2, 3, 4, 5])
    if bad.any():
        row = int(bad.to_numpy().nonzero()[0][0])
        raise SourceFormatError(
            path, "stedelijkheid outside 1-5", line=row + 2, expected="a class 1 .. 5"
        )
