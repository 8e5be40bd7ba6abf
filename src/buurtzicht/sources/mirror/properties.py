"""Measure ids and metadata from CBS DataProperties (OData v3), shared with the online client.

A measure id is ``<family>.<Stem>``: the CBS key without its position suffix, which
shifts between table revisions (``MateVanStedelijkheid_122`` vs ``_127``). Some tables
repeat a stem (KWB 2024 has ``Nederland_17`` under *Herkomstland* and ``Nederland_20``
under *Geboren in Nederland*; ``Appartement_54`` (kWh) and ``Appartement_62`` (m³)).
Every occurrence of a repeated stem is qualified by the title of its nearest parent
TopicGroup that tells the occurrences apart: ``kwb.Herkomstland.Nederland``,
``kwb.GemiddeldAardgasverbruik.Appartement``. Qualifying all occurrences (not only the
later one) keeps an id stable when a revision drops one of them.

Without TopicGroups (a CSV dump with no DataProperties) a repeated stem cannot be
qualified honestly; it keeps its full key (``vm.Slachtoffers_68``) and is marked
``positional`` so that the measure can carry a flag saying so.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from buurtzicht.errors import SourceFormatError
from buurtzicht.sources.observations import Measure, measure_stem

Properties = Sequence[Mapping[str, Any]]


@dataclass(frozen=True)
class MeasureKey:
    """How one CBS key becomes a measure id."""

    key: str
    stem: str
    id: str
    qualifier: str | None = None
    positional: bool = False


def camel_case(title: str) -> str:
    """A TopicGroup title as a CBS-style identifier.

    >>> camel_case("Geboren buiten Nederland")
    'GeborenBuitenNederland'
    >>> camel_case("Gemiddeld aardgasverbruik"), camel_case("Personenauto's; brandstoftype")
    ('GemiddeldAardgasverbruik', 'PersonenautoSBrandstoftype')
    """
    text = unicodedata.normalize("NFKD", title)
    text = "".join(c for c in text if not unicodedata.combining(c))
    words = re.findall(r"[A-Za-z0-9]+", text)
    return "".join(w[:1].upper() + w[1:] for w in words)


def topics_from_columns(columns: Iterable[str]) -> list[dict[str, Any]]:
    """Pseudo DataProperties for a dump that has only its column names."""
    return [{"Type": "Topic", "Key": c, "Title": c} for c in columns]


def measure_keys(properties: Properties, family: str) -> dict[str, MeasureKey]:
    """Map every Topic key of a DataProperties list to its measure id.

    >>> props = [
    ...     {"ID": 1, "Type": "TopicGroup", "Title": "Herkomstland", "ParentID": None},
    ...     {"ID": 2, "Type": "Topic", "Key": "Nederland_17", "ParentID": 1},
    ...     {"ID": 3, "Type": "TopicGroup", "Title": "Geboren in Nederland", "ParentID": None},
    ...     {"ID": 4, "Type": "Topic", "Key": "Nederland_20", "ParentID": 3},
    ...     {"ID": 5, "Type": "Topic", "Key": "AantalInwoners_5", "ParentID": None},
    ... ]
    >>> {k: v.id for k, v in measure_keys(props, "kwb").items()}  # doctest: +NORMALIZE_WHITESPACE
    {'Nederland_17': 'kwb.Herkomstland.Nederland',
     'Nederland_20': 'kwb.GeborenInNederland.Nederland', 'AantalInwoners_5': 'kwb.AantalInwoners'}
    """
    topics = [p for p in properties if p.get("Type") == "Topic" and p.get("Key")]
    stems = Counter(measure_stem(str(t["Key"])) for t in topics)
    groups = {p.get("ID"): p for p in properties if p.get("Type") == "TopicGroup"}
    result: dict[str, MeasureKey] = {}
    for stem, count in stems.items():
        same = [t for t in topics if measure_stem(str(t["Key"])) == stem]
        if count == 1:
            key = str(same[0]["Key"]).strip()
            result[key] = MeasureKey(key, stem, f"{family}.{stem}")
            continue
        result.update(_qualified(same, stem, groups, family))
    return {str(t["Key"]).strip(): result[str(t["Key"]).strip()] for t in topics}


def _ancestors(topic: Mapping[str, Any], groups: Mapping[Any, Mapping[str, Any]]) -> list[str]:
    titles: list[str] = []
    parent = topic.get("ParentID")
    while parent is not None and parent in groups:
        titles.append(str(groups[parent].get("Title", "")).strip())
        parent = groups[parent].get("ParentID")
    return titles


def _qualified(
    same: list[Mapping[str, Any]], stem: str, groups: Mapping[Any, Mapping[str, Any]], family: str
) -> dict[str, MeasureKey]:
    chains = [_ancestors(t, groups) for t in same]
    depth = max((len(c) for c in chains), default=0)
    for level in range(depth):
        titles = [camel_case(c[level]) if len(c) > level else "" for c in chains]
        if all(titles) and len(set(titles)) == len(titles):
            return {
                str(t["Key"]).strip(): MeasureKey(
                    str(t["Key"]).strip(), stem, f"{family}.{q}.{stem}", qualifier=c[level]
                )
                for t, q, c in zip(same, titles, chains, strict=True)
            }
    return {
        str(t["Key"]).strip(): MeasureKey(
            str(t["Key"]).strip(), stem, f"{family}.{str(t['Key']).strip()}", positional=True
        )
        for t in same
    }


def measures_from_properties(
    properties: Properties,
    family: str,
    *,
    source_table: str,
    source_version: str,
    publisher: str = "CBS",
    keys: Iterable[str] | None = None,
) -> dict[str, Measure]:
    """``Measure`` metadata (title, unit, decimals, description) per CBS key.

    Only Topics with a numeric datatype are measures; text topics (names, codes) are
    left out. ``keys`` limits the result to the columns a file actually has.
    """
    ids = measure_keys(properties, family)
    wanted = set(keys) if keys is not None else None
    measures: dict[str, Measure] = {}
    for prop in properties:
        key = str(prop.get("Key") or "").strip()
        if prop.get("Type") != "Topic" or key not in ids or prop.get("Datatype") == "String":
            continue
        if wanted is not None and key not in wanted:
            continue
        mk = ids[key]
        title = str(prop.get("Title") or mk.stem).strip()
        measures[key] = Measure(
            id=mk.id,
            title=f"{title} ({mk.qualifier})" if mk.qualifier else title,
            unit=str(prop.get("Unit") or "").strip(),
            decimals=int(prop.get("Decimals") or 0),
            description=str(prop.get("Description") or "").strip(),
            source_table=source_table,
            source_version=source_version,
            publisher=publisher,
            datatype=str(prop.get("Datatype") or "Double"),
            flags=("positional-id",) if mk.positional else (),
        )
    return measures


def match_columns(columns: Sequence[str], properties: Properties, *, where: str) -> dict[str, str]:
    """Map a file's column names to DataProperties keys by stem, never by suffix.

    A file fetched from another table revision numbers its columns differently
    (``MateVanStedelijkheid_122`` here, ``_127`` in the current DataProperties). A
    repeated stem is matched by its order of occurrence, which revisions keep. Columns
    that are no Topic (``ID``, dimension columns) are left out; a Topic-like column
    whose stem DataProperties lacks raises :class:`SourceFormatError`.

    >>> props = [{"Type": "Topic", "Key": "MateVanStedelijkheid_127"}]
    >>> match_columns(["ID", "MateVanStedelijkheid_122"], props, where="f.csv")
    {'MateVanStedelijkheid_122': 'MateVanStedelijkheid_127'}
    """
    by_stem: dict[str, list[str]] = {}
    for prop in properties:
        if prop.get("Type") == "Topic" and prop.get("Key"):
            key = str(prop["Key"]).strip()
            by_stem.setdefault(measure_stem(key), []).append(key)
    seen: Counter[str] = Counter()
    result: dict[str, str] = {}
    for column in columns:
        if not re.search(r"_\d+$", column):
            continue
        stem = measure_stem(column)
        keys = by_stem.get(stem, [])
        if seen[stem] >= len(keys):
            raise SourceFormatError(
                where,
                f"column {column} has no entry in the table's DataProperties",
                expected=f"one of the stems {sorted(by_stem)[:5]}...",
            )
        result[column] = keys[seen[stem]]
        seen[stem] += 1
    return result


def title_from_stem(stem: str) -> str:
    """A readable title for a key without DataProperties.

    >>> title_from_stem("VoeltZichWeleensOnveilig")
    'Voelt zich weleens onveilig'
    >>> title_from_stem("k_0Tot15Jaar")
    '0 tot 15 jaar'
    """
    text = re.sub(r"^k_", "", stem)
    text = re.sub(
        r"(?<=[a-z0-9])(?=[A-Z])|(?<=[A-Za-z])(?=[0-9])|(?<=[0-9])(?=[A-Za-z])", " ", text
    )
    words = text.replace("_", " ").split()
    if not words:
        return stem
    return " ".join([words[0]] + [w.lower() if not w.isupper() else w for w in words[1:]])
