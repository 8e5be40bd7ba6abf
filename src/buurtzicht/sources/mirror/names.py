"""Region names to codes: StatLine labels such as ``Amsterdam (GM)``, ``Noord-Holland (PV)``.

Some CBS dumps name regions only by label (83648NED's former gemeenten, the
Veiligheidsmonitor). Names differ between sources in small ways: case, diacritics
(``Súdwest-Fryslân``), ``'s-Gravenhage`` vs ``'s Gravenhage``, province qualifiers
(``Bergen (L.)``, ``Bergen (NH.)``), CBS's ``(gemeente)`` disambiguation and a few
Frisian renamings. :func:`normalise_name` removes those differences;
:class:`NameResolver` then looks the name up per level and indeling year. A name that
does not resolve is an error, never a silent drop.
"""

from __future__ import annotations

import re
import unicodedata
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

import pandas as pd

from buurtzicht.errors import UnknownRegionError
from buurtzicht.regions.codes import LEVEL_PREFIX, NEDERLAND, Level

#: Label suffixes StatLine writes after a region name, and the level they mean.
SUFFIX_LEVEL: dict[str, Level] = {
    "GM": Level.GEMEENTE,
    "PV": Level.PROVINCIE,
    "RE": Level.POLITIE_EENHEID,
    "LD": Level.LANDSDEEL,
    "VR": Level.VEILIGHEIDSREGIO,
    "CR": Level.COROP,
}
#: Police basisteams and districts have no CBS region code; loaders skip them.
SKIPPED_SUFFIXES: dict[str, str] = {"BT": "politie-basisteam", "PD": "politiedistrict"}

_QUALIFIERS = {"limburg": "l", "noordholland": "nh", "overijssel": "o", "gelderland": "gld"}
#: Former Dutch spellings of Frisian gemeente names that kept their code, and common
#: short names (both sides normalised). A name is looked up as written first; aliases
#: only if that fails. Renamings that came with a new code do not belong here: "De
#: Friese Meren" (GM1921, 2014) is not "De Fryske Marren" (GM1940, 2015-).
ALIASES: dict[str, str] = {
    "tietjerksteradeel": "tytsjerksteradiel",
    "dantumadeel": "dantumadiel",
    "ferwerderadeel": "ferwerderadiel",
    "littenseradeel": "littenseradiel",
    "wonseradeel": "wunseradiel",
    "gaasterland sloten": "gaasterlan sleat",
    "den haag": "s gravenhage",
    "den bosch": "s hertogenbosch",
}
_LABEL = re.compile(r"^(?P<name>.*?)\s*\((?P<suffix>[A-Z]{2})\)$")


@dataclass(frozen=True)
class Label:
    """A StatLine region label split into its name and its level suffix (if any)."""

    name: str
    suffix: str | None

    @property
    def level(self) -> Level | None:
        return SUFFIX_LEVEL.get(self.suffix) if self.suffix else None

    @property
    def skipped(self) -> bool:
        """True for police basisteams/districts, which have no CBS code."""
        return self.suffix in SKIPPED_SUFFIXES


def parse_label(label: str) -> Label:
    """Split ``"Hengelo (O.) (GM)"`` into name and suffix; drop ``(gemeente)``.

    >>> parse_label("Hengelo (O.) (GM)")
    Label(name='Hengelo (O.)', suffix='GM')
    >>> parse_label("Groningen (gemeente)")
    Label(name='Groningen', suffix='GM')
    >>> parse_label("Nederland")
    Label(name='Nederland', suffix=None)
    """
    text = " ".join(str(label).split())
    if text.lower().endswith("(gemeente)"):
        return Label(text[: -len("(gemeente)")].strip(), "GM")
    match = _LABEL.match(text)
    if match:
        return Label(match["name"], match["suffix"])
    return Label(text, None)


def normalise_name(name: str) -> str:
    """A comparison key for a region name.

    >>> normalise_name("Súdwest-Fryslân") == normalise_name("sudwest fryslan")
    True
    >>> normalise_name("'s-Gravenhage"), normalise_name("s Gravenhage")
    ('s gravenhage', 's gravenhage')
    >>> normalise_name("Bergen (NH.)"), normalise_name("Bergen (Noord-Holland)")
    ('bergen (nh)', 'bergen (nh)')
    """
    text = unicodedata.normalize("NFKD", str(name))
    text = "".join(c for c in text if not unicodedata.combining(c)).lower()
    text = text.replace("’", "'").replace("`", "'")
    text = re.sub(r"\s*\(gemeente\)\s*$", "", text)
    text = re.sub(r"\(([^)]*)\)", _qualifier, text)
    text = re.sub(r"^'?s[-\s]+", "s ", text)
    text = re.sub(r"[.,']", "", text)
    return re.sub(r"[-\s]+", " ", text).strip()


def _qualifier(match: re.Match[str]) -> str:
    inner = re.sub(r"[.\s-]", "", match.group(1))
    return f"({_QUALIFIERS.get(inner, inner)})"


Candidates = dict[str, set[int]]


class NameResolver:
    """Find region codes by name, per level and indeling year.

    Built from ``(code, name, indeling)`` triples (e.g. the regions frame, geometry
    attribute tables, a StatLine dimension). The level comes from the code prefix.
    A name is matched in two tiers: first as written (and through
    :data:`ALIASES`), then without its province qualifier on either side (one source
    writes "Hengelo (O.)", another "Hengelo" for GM0164). The first tier that knows
    the name in the requested year decides; "Bergen" without a qualifier stays
    ambiguous between Bergen (L.) and Bergen (NH.).
    """

    def __init__(self, entries: Iterable[tuple[str, str, int]] = ()) -> None:
        self._index: dict[tuple[str, str], Candidates] = defaultdict(lambda: defaultdict(set))
        self._bare: dict[tuple[str, str], Candidates] = defaultdict(lambda: defaultdict(set))
        for code, name, indeling in entries:
            self.add(code, name, indeling)

    @classmethod
    def from_regions(cls, frame: pd.DataFrame) -> NameResolver:
        """A resolver over a regions frame (columns ``code``, ``name``, ``indeling``)."""
        return cls(zip(frame["code"], frame["name"], frame["indeling"], strict=True))

    def add(self, code: str, name: str, indeling: int) -> None:
        if not isinstance(name, str) or not name.strip():
            return
        key = normalise_name(name)
        self._index[(code[:2], key)][code].add(int(indeling))
        self._bare[(code[:2], _bare(key))][code].add(int(indeling))

    def candidates(self, name: str, level: Level) -> list[Candidates]:
        """Codes (with the years they were seen in) carrying this name, per tier."""
        prefix = LEVEL_PREFIX[level]
        key = normalise_name(name)
        exact = [key, *([ALIASES[key]] if key in ALIASES else [])]
        exact += [alias for alias, target in ALIASES.items() if target == key]
        tiers = [
            _union(self._index.get((prefix, k), {}) for k in exact),
            _union(
                [
                    self._index.get((prefix, _bare(key)), {}),
                    self._bare.get((prefix, _bare(key)), {}),
                ]
            ),
        ]
        return [t for t in tiers if t]

    def resolve(
        self,
        name: str,
        *,
        level: Level,
        indeling: int | None = None,
        strict: bool = True,
        where: str,
    ) -> str:
        """The code of the region called ``name`` at ``level``.

        With ``strict`` the region must exist in the ``indeling`` year; otherwise a
        name seen only in other years resolves to the code seen nearest that year.
        Raises :class:`UnknownRegionError` naming ``where`` and the label.
        """
        if level is Level.LAND:
            return NEDERLAND
        tiers = self.candidates(name, level)
        for found in tiers:
            codes = [c for c, years in found.items() if indeling is None or indeling in years]
            if len(codes) == 1:
                return codes[0]
            if len(codes) > 1:
                raise UnknownRegionError(
                    f"{where}: {level.value} {name!r} is ambiguous (candidates: {sorted(codes)})"
                )
        if tiers and indeling is not None and not strict:
            return _nearest(tiers[0], indeling, name=name, where=where)
        year = f" in indeling {indeling}" if indeling is not None else ""
        seen = sorted(_union(tiers))
        raise UnknownRegionError(
            f"{where}: {level.value} {name!r} is unknown{year} (known in other years: {seen}); "
            "add the name to the region sources or to names.ALIASES"
        )


def _bare(key: str) -> str:
    return re.sub(r"\s*\([^)]*\)$", "", key)


def _union(parts: Iterable[Mapping[str, set[int]]]) -> Candidates:
    result: Candidates = defaultdict(set)
    for part in parts:
        for code, years in part.items():
            result[code] |= years
    return dict(result)


def _nearest(found: dict[str, set[int]], indeling: int, *, name: str, where: str) -> str:
    distance = {code: min(abs(y - indeling) for y in years) for code, years in found.items()}
    best = min(distance.values())
    closest = [code for code, d in distance.items() if d == best]
    if len(closest) != 1:
        raise UnknownRegionError(
            f"{where}: gemeente {name!r} is ambiguous around {indeling}: {sorted(closest)}"
        )
    return closest[0]
