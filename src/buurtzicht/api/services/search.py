"""Region search as people type: names as people use them, typos, former gemeenten.

The index holds every gemeente, wijk and buurt of the current indeling, the common
names of gemeenten whose official name few people type (Den Haag for 's-Gravenhage),
and the former gemeenten of earlier indelingen with the gemeente they went into (from
the build's own regions and harmonisation weights). Matching ignores case, accents and
punctuation ("sudwest fryslan" finds Súdwest-Fryslân). Exact names come first, then names
that start with the query, names with a word that starts with it, names that contain
it, and last, for queries of four characters or more, close spellings scored by
rapidfuzz (``WRatio`` >= :data:`FUZZY_CUTOFF`): "Amsterdm" finds Amsterdam.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from typing import Any

import duckdb
from rapidfuzz import fuzz, process

from buurtzicht.api.schemas.common import RegionHit
from buurtzicht.api.warehouse import Snapshot
from buurtzicht.queries import regions as region_queries
from buurtzicht.regions.codes import is_region_code, normalise_code

#: Names people use for gemeenten whose official (CBS) name they rarely type.
COMMON_NAMES: dict[str, tuple[str, ...]] = {
    "GM0518": ("Den Haag", "The Hague"),
    "GM0796": ("Den Bosch",),
}
FUZZY_CUTOFF = 80.0
FUZZY_MIN_LENGTH = 4
LEVEL_ORDER = {"gemeente": 0, "wijk": 1, "buurt": 2}


def fold(text: str) -> str:
    """Lower case without accents and punctuation: ``'s-Gravenhage`` -> ``s gravenhage``.

    >>> fold("Súdwest-Fryslân"), fold("  Den   Haag ")
    ('sudwest fryslan', 'den haag')
    """
    decomposed = unicodedata.normalize("NFKD", text.lower())
    plain = "".join(c for c in decomposed if not unicodedata.combining(c))
    return " ".join(re.sub(r"[^0-9a-z]+", " ", plain).split())


@dataclass(frozen=True)
class Entry:
    code: str
    level: str
    name: str
    key: str
    gemeente: str | None
    gemeente_name: str | None
    alias: str | None = None  # the common name this entry stands for
    last_indeling: int | None = None  # a former gemeente: its last indeling
    share: float | None = None  # ... and the share that went into ``gemeente``


def build_index(records: list[dict[str, Any]]) -> tuple[Entry, ...]:
    entries = []
    for r in records:
        base = Entry(
            code=r["code"],
            level=r["level"],
            name=r["name"] or r["code"],
            key=fold(r["name"] or r["code"]),
            gemeente=r["gemeente"],
            gemeente_name=r["gemeente_name"],
            last_indeling=r["last_indeling"],
            share=r["share"],
        )
        entries.append(base)
        for alias in COMMON_NAMES.get(r["code"], ()) if r["last_indeling"] is None else ():
            entries.append(Entry(**{**base.__dict__, "key": fold(alias), "alias": alias}))
    return tuple(entries)


def _tier(key: str, q: str) -> int | None:
    if key == q:
        return 0
    if key.startswith(q):
        return 1
    if f" {q}" in f" {key}":
        return 2
    if q in key:
        return 3
    return None


def find(
    entries: tuple[Entry, ...], query: str, *, levels: tuple[str, ...], limit: int
) -> list[Entry]:
    """The best ``limit`` entries for ``query`` (one per region), best first."""
    q = fold(query)
    if not q:
        return []
    code = normalise_code(query.strip()) if is_region_code(query.strip()) else None
    wanted = [e for e in entries if e.level in levels]
    ranked: dict[str, tuple[tuple[Any, ...], Entry]] = {}

    def offer(entry: Entry, key: tuple[Any, ...]) -> None:
        if entry.code not in ranked or key < ranked[entry.code][0]:
            ranked[entry.code] = (key, entry)

    for e in wanted:
        tier = 0 if e.code == code else _tier(e.key, q)
        if tier is not None:
            offer(e, (tier, e.last_indeling is not None, LEVEL_ORDER[e.level], e.name, 0.0))
    if len(ranked) < limit and len(q) >= FUZZY_MIN_LENGTH:
        for _key, score, i in process.extract(
            q,
            [e.key for e in wanted],
            scorer=fuzz.WRatio,
            limit=limit * 3,
            score_cutoff=FUZZY_CUTOFF,
        ):
            e = wanted[i]
            offer(e, (4, -score, e.last_indeling is not None, LEVEL_ORDER[e.level], e.name))
    ordered = sorted(ranked.values(), key=lambda item: item[0])
    return [entry for _key, entry in ordered[:limit]]


def _note(entry: Entry, lang: str) -> str | None:
    en = lang == "en"
    if entry.last_indeling is not None:
        into = entry.gemeente_name or entry.gemeente or "?"
        mostly = entry.share is not None and entry.share < 0.9
        if en:
            verb = "mostly merged into" if mostly else "merged into"
            return f"former gemeente (until the {entry.last_indeling} indeling), {verb} {into}"
        verb = "grotendeels opgegaan in" if mostly else "opgegaan in"
        return f"voormalige gemeente (t/m de indeling van {entry.last_indeling}), {verb} {into}"
    if entry.alias is not None:
        return f"{'officially' if en else 'officieel'}: {entry.name}"
    return None


def _hit(entry: Entry, lang: str) -> RegionHit:
    from buurtzicht.api.services.regions import region_url

    note = _note(entry, lang)
    if entry.last_indeling is not None:
        target = entry.gemeente or entry.code
        return RegionHit(
            code=target,
            level="gemeente",
            name=entry.gemeente_name,
            gemeente=target,
            gemeente_name=entry.gemeente_name,
            label=f"{entry.name} → {entry.gemeente_name or target}",
            url=region_url(target, "gemeente"),
            note=note,
            former=entry.code,
        )
    label = entry.alias or entry.name
    if entry.level != "gemeente" and entry.gemeente_name:
        label = f"{label} ({entry.gemeente_name})"
    elif entry.alias:
        label = f"{entry.alias} ({entry.name})"
    return RegionHit(
        code=entry.code,
        level=entry.level,
        name=entry.name,
        gemeente=entry.gemeente,
        gemeente_name=entry.gemeente_name,
        label=label,
        url=region_url(entry.code, entry.level),
        note=note,
    )


def search(
    snapshot: Snapshot,
    cursor: duckdb.DuckDBPyConnection,
    query: str,
    *,
    levels: tuple[str, ...],
    limit: int,
    lang: str = "nl",
) -> list[RegionHit]:
    """Regions for a search box, in the page's language (notes on former gemeenten)."""
    entries: tuple[Entry, ...] = snapshot.cached(
        ("search-index",), lambda: build_index(region_queries.search_names(cursor))
    )
    return [_hit(e, lang) for e in find(entries, query, levels=levels, limit=limit)]
