"""Measure ids and metadata from CBS DataProperties (OData v3), for the mirror loaders.

A measure id is ``<family>.<Stem>``: the CBS key without its position suffix, which
shifts between table revisions (``MateVanStedelijkheid_122`` vs ``_127``). Where a stem
repeats in one table, the naming is the online client's
(:func:`buurtzicht.sources.cbs_odata_v3_frame.qualified_stems`), so that an offline and
an online build give the same ids: the first occurrence keeps the plain stem, a later
one gets ``.<Group>``, its nearest TopicGroup title that the first one's groups do not
share (``Nederland_17`` -> ``kwb.Nederland``, ``Nederland_20`` ->
``kwb.Nederland.GeborenInNederland``).

Without TopicGroups (a CSV dump with no DataProperties) a repeated stem can only be
told apart by its order (``vm.Slachtoffers``, ``vm.Slachtoffers.2``, ...); every
occurrence of such a stem is marked ``positional`` so that its measure carries a flag.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from buurtzicht.errors import SourceFormatError
from buurtzicht.sources.cbs_odata_v3_frame import camel, qualified_stems
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


def topics_from_columns(columns: Iterable[str]) -> list[dict[str, Any]]:
    """Pseudo DataProperties for a dump that has only its column names."""
    # IDs matter: qualified_stems walks ParentID -> ID, and a missing ID would make
    # every property the parent of every other.
    return [
        {"ID": i, "ParentID": None, "Type": "Topic", "Key": c, "Title": c}
        for i, c in enumerate(columns)
    ]


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
    {'Nederland_17': 'kwb.Nederland', 'Nederland_20': 'kwb.Nederland.GeborenInNederland',
     'AantalInwoners_5': 'kwb.AantalInwoners'}
    """
    topics = [dict(p) for p in properties if p.get("Type") == "Topic" and p.get("Key")]
    for topic in topics:
        topic["Key"] = str(topic["Key"]).strip()
    groups = [dict(p) for p in properties if p.get("Type") == "TopicGroup"]
    stems = qualified_stems([*groups, *topics])
    repeated = Counter(measure_stem(k) for k in stems)
    by_order = {measure_stem(k) for k, stem in stems.items() if stem.rsplit(".", 1)[-1].isdigit()}
    result: dict[str, MeasureKey] = {}
    for key, stem in stems.items():
        base = measure_stem(key)
        qualifier = stem[len(base) + 1 :] or None
        positional = repeated[base] > 1 and base in by_order
        result[key] = MeasureKey(key, base, f"{family}.{stem}", qualifier, positional)
    return result


def _group_title(topic: Mapping[str, Any], properties: Properties, qualifier: str) -> str:
    """The TopicGroup title behind a qualifier (``GeborenInNederland``), for titles."""
    by_id = {p.get("ID"): p for p in properties if p.get("Type") == "TopicGroup"}
    parent = by_id.get(topic.get("ParentID"))
    while parent is not None:
        if camel(str(parent.get("Title") or "")) == qualifier:
            return str(parent.get("Title")).strip()
        parent = by_id.get(parent.get("ParentID"))
    return qualifier


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
        if mk.qualifier and not mk.positional:
            title = f"{title} ({_group_title(prop, properties, mk.qualifier)})"
        measures[key] = Measure(
            id=mk.id,
            title=title,
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
