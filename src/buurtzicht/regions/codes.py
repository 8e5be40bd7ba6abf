"""Region codes as CBS writes them.

Codes are strings, always: ``GM0363``, ``WK036300``, ``WK0363AA``, ``BU03630000``,
``BU0363AD03``. OData v3 pads keys with spaces (``"GM0363    "``); we strip them. A code
is never cast to an integer (``WK0363AA`` would break, ``GM0014`` would lose its zeros).
"""

from __future__ import annotations

import re
from enum import StrEnum

from buurtzicht.errors import RegionCodeError


class Level(StrEnum):
    """Region levels, from the whole country down to the buurt."""

    LAND = "land"
    LANDSDEEL = "landsdeel"
    PROVINCIE = "provincie"
    POLITIE_EENHEID = "politie-eenheid"
    VEILIGHEIDSREGIO = "veiligheidsregio"
    COROP = "corop"
    GEMEENTE = "gemeente"
    WIJK = "wijk"
    BUURT = "buurt"


PREFIX_LEVEL: dict[str, Level] = {
    "NL": Level.LAND,
    "LD": Level.LANDSDEEL,
    "PV": Level.PROVINCIE,
    "RE": Level.POLITIE_EENHEID,
    "VR": Level.VEILIGHEIDSREGIO,
    "CR": Level.COROP,
    "GM": Level.GEMEENTE,
    "WK": Level.WIJK,
    "BU": Level.BUURT,
}
LEVEL_PREFIX: dict[Level, str] = {level: prefix for prefix, level in PREFIX_LEVEL.items()}

_PATTERNS: dict[str, re.Pattern[str]] = {
    "NL": re.compile(r"NL\d{2}"),
    "LD": re.compile(r"LD\d{2}"),
    "PV": re.compile(r"PV\d{2}"),
    "RE": re.compile(r"RE\d{2}"),
    "VR": re.compile(r"VR\d{2}"),
    "CR": re.compile(r"CR\d{2}"),
    "GM": re.compile(r"GM\d{4}"),
    "WK": re.compile(r"WK\d{4}[0-9A-Z]{2}"),
    "BU": re.compile(r"BU\d{4}[0-9A-Z]{4}"),
}

#: The Netherlands as a whole. KWB writes ``NL00``, most StatLine tables ``NL01``.
NEDERLAND = "NL01"
_NEDERLAND_ALIASES = {"NL00", "NL01", "NL"}

BUITENLAND = "GM0998"
ONBEKEND = {"GM0000", "WK000000", "BU00000000"}
#: StatLine's "niet in te delen": crimes CBS could not place in a region of that level.
NIET_IN_TE_DELEN = {"LD99", "PV99", "RE99", "GM0999"}


def normalise_code(raw: object, *, where: str = "") -> str:
    """Return the canonical form of a region code, or raise :class:`RegionCodeError`.

    Strips the padding of OData v3 keys and upper-cases; the Netherlands is always
    ``NL01``.

    >>> normalise_code("GM0363    ")
    'GM0363'
    >>> normalise_code("bu0363ad03")
    'BU0363AD03'
    >>> normalise_code("NL00")
    'NL01'
    """
    if not isinstance(raw, str):
        raise RegionCodeError(
            f"region code {raw!r}{_at(where)} is not text; codes like GM0014 must never "
            "be read as numbers"
        )
    code = raw.strip().upper()
    if code in _NEDERLAND_ALIASES:
        return NEDERLAND
    pattern = _PATTERNS.get(code[:2])
    if pattern is None or not pattern.fullmatch(code):
        raise RegionCodeError(
            f"{raw!r}{_at(where)} is not a region code "
            "(expected e.g. GM0363, WK036300, WK0363AA, BU03630000, PV27, RE13, VR13)"
        )
    return code


def is_region_code(raw: object) -> bool:
    """True when ``raw`` normalises to a valid region code."""
    try:
        normalise_code(raw)
    except RegionCodeError:
        return False
    return True


def level_of(code: str) -> Level:
    """The level of a (normalised) region code."""
    return PREFIX_LEVEL[normalise_code(code)[:2]]


def gemeente_of(code: str) -> str:
    """The gemeente code of a gemeente, wijk or buurt code (``BU03630000`` -> ``GM0363``)."""
    code = normalise_code(code)
    if code[:2] not in {"GM", "WK", "BU"}:
        raise RegionCodeError(f"{code} is not a gemeente, wijk or buurt code")
    return "GM" + code[2:6]


def wijk_of(code: str) -> str:
    """The wijk code of a buurt (``BU0363AD03`` -> ``WK0363AD``) or of a wijk itself."""
    code = normalise_code(code)
    if code[:2] not in {"WK", "BU"}:
        raise RegionCodeError(f"{code} is not a wijk or buurt code")
    return "WK" + code[2:8]


def special_kind(code: str, name: str | None = None) -> str | None:
    """Why a region is kept out of totals, or None for an ordinary region.

    ``buitenland`` (GM0998 and everything in it), ``onbekend`` (GM0000, WK000000,
    BU00000000, and StatLine's "niet in te delen" GM0999, PV99, RE99, LD99: crimes that
    could not be placed) and ``water`` (the "Groot water"
    wijken numbered ``WK....99`` and their buurten). The number 99 alone does not make
    a water wijk: ``WK010699`` is "Buitengebied" with 1,220 inhabitants, so water needs
    the name too.

    >>> special_kind("GM0998"), special_kind("WK003499", "Groot water")
    ('buitenland', 'water')
    >>> special_kind("WK010699", "Buitengebied") is None
    True
    """
    code = normalise_code(code)
    if code in ONBEKEND or code in NIET_IN_TE_DELEN:
        return "onbekend"
    if code[:2] in {"GM", "WK", "BU"} and code[2:6] == BUITENLAND[2:]:
        return "buitenland"
    in_wijk_99 = (code[:2] == "WK" and code.endswith("99")) or (
        code[:2] == "BU" and code[6:8] == "99"
    )
    if in_wijk_99 and name is not None and "water" in name.lower():
        return "water"
    return None


def _at(where: str) -> str:
    return f" in {where}" if where else ""
