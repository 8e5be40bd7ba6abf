"""Methodology texts as a reader should get them: what all indicators of a theme share
said once, each indicator's own part under it, and user-facing names instead of the
ids of measures, modules and files."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Mapping, Sequence

#: A sentence ends at ". ", ": " or "; " before a capital, a quote or a bracket.
_SENTENCE_END = re.compile(r"(?<=[.])\s+(?=[A-Z'(“‘\"])")
_MEASURE_ID = re.compile(
    r"\b(?:secure|kwb|politie|misdrijven|gebieden|vm|verdachten)(?:\.[\w-]+)+\b"
)
_CODE_PATH = re.compile(r"\bbuurtzicht(?:\.\w+)+:?\s*")
_FILE_NOTE = re.compile(
    r"\s*\((?:gerapporteerd in |reported in )?[\w-]+\.(?:parquet|json|csv)\)", re.IGNORECASE
)


def sentences(text: str) -> list[str]:
    """The sentences of ``text`` (a full stop before a digit does not end one).

    >>> sentences("Eén zin. Twee (a.b) zinnen. 3 x meer.")
    ['Eén zin.', 'Twee (a.b) zinnen. 3 x meer.']
    """
    return [s.strip() for s in _SENTENCE_END.split(text.strip()) if s.strip()]


def shared_sentences(texts: Sequence[str], *, min_share: float = 0.5) -> list[str]:
    """Sentences that at least ``min_share`` of the texts (and two or more) contain, in
    the order of their first appearance.

    >>> shared_sentences(["A eigen. Gedeeld.", "B eigen. Gedeeld.", "C eigen."])
    ['Gedeeld.']
    """
    counts = Counter(s for text in texts for s in dict.fromkeys(sentences(text)))
    needed = max(2, min_share * len(texts))
    seen = dict.fromkeys(s for text in texts for s in sentences(text))
    return [s for s in seen if counts[s] >= needed]


def own_text(text: str, shared: Sequence[str]) -> str:
    """The sentences of ``text`` that are not in ``shared``."""
    common = set(shared)
    return " ".join(s for s in sentences(text) if s not in common)


def humanise(text: str, names: Mapping[str, str]) -> str:
    """Measure ids become their titles; module paths and file names are left out.

    >>> humanise("Noemer: woningen (secure.basis.woningen), zie flows (flows.parquet).",
    ...          {"secure.basis.woningen": "Woningen"})
    'Noemer: woningen (Woningen), zie flows.'
    """
    text = _CODE_PATH.sub("", text)
    text = _FILE_NOTE.sub("", text)
    return _MEASURE_ID.sub(lambda m: names.get(m.group(0), m.group(0)), text)
