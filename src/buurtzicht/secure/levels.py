"""Which region levels a release holds (``BUURTZICHT_SECURE_LEVELS``, ``--levels``).

Disclosure control of every buurt of the country is the slow part of a release (tens
of thousands of small cells, each with its linear programs); publishing gemeenten and
wijken only is much faster and still protects every published cell. A finer level
always comes with the coarser ones, so that each published cell has its totals above
it; the Netherlands total is always published.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence

import pandas as pd

from buurtzicht.disclosure import RegionHierarchy
from buurtzicht.errors import ConfigurationError

#: Coarse to fine; a release holds a prefix of this order.
ORDER = ("gemeente", "wijk", "buurt")
PREFIX = {"gemeente": "GM", "wijk": "WK", "buurt": "BU"}
NATIONAL = "NL"


def parse_levels(text: str | Iterable[str]) -> tuple[str, ...]:
    """``"gemeente,wijk"`` -> ``("gemeente", "wijk")``, checked.

    >>> parse_levels("wijk, gemeente")
    ('gemeente', 'wijk')
    >>> parse_levels("buurt")
    Traceback (most recent call last):
    ...
    buurtzicht.errors.ConfigurationError: levels ['buurt'] need the coarser levels too: ...
    """
    names = text.split(",") if isinstance(text, str) else list(text)
    chosen = {n.strip().lower() for n in names if n.strip()}
    unknown = sorted(chosen - set(ORDER))
    if unknown or not chosen:
        raise ConfigurationError(
            f"unknown region level(s) {unknown or '(none)'}; choose from {', '.join(ORDER)}"
        )
    wanted = ORDER[: max(ORDER.index(n) for n in chosen) + 1]
    if set(wanted) != chosen:
        raise ConfigurationError(
            f"levels {sorted(chosen)} need the coarser levels too: use {','.join(wanted)}"
        )
    return wanted


def keep_levels(aggregates: pd.DataFrame, levels: tuple[str, ...]) -> pd.DataFrame:
    """The cells of ``aggregates`` in the chosen levels and the national total."""
    prefixes = [NATIONAL, *(PREFIX[n] for n in levels)]
    keep = aggregates["region"].astype(str).str[:2].isin(prefixes)
    return aggregates[keep.to_numpy()].reset_index(drop=True)


def restrict(hierarchy: RegionHierarchy, levels: tuple[str, ...]) -> RegionHierarchy:
    """Only the relations whose children are of a published level."""
    prefixes = {NATIONAL, *(PREFIX[n] for n in levels)}
    relations = tuple(
        (parent, children)
        for parent, children in hierarchy.relations
        if children and children[0][:2] in prefixes
    )
    return RegionHierarchy(relations)


#: Region code prefix -> catalog level name (``released_levels:`` of a measure).
LEVEL_OF_PREFIX = {NATIONAL: "land", **{p: n for n, p in PREFIX.items()}}


def keep_released_levels(
    cells: pd.DataFrame, released: Mapping[str, Sequence[str]]
) -> pd.DataFrame:
    """``cells`` without the rows of a restricted measure outside its released levels.

    >>> cells = pd.DataFrame({"measure": ["a", "a", "b"], "region": ["NL01", "GM0001", "GM0001"]})
    >>> keep_released_levels(cells, {"a": ["land"]}).values.tolist()
    [['a', 'NL01'], ['b', 'GM0001']]
    """
    if not released or cells.empty:
        return cells
    level = cells["region"].astype(str).str[:2].map(LEVEL_OF_PREFIX)
    measure = cells["measure"].astype(str).to_numpy()
    keep = pd.Series(True, index=cells.index)
    for name, ok in released.items():
        keep &= ~((measure == name) & ~level.isin(list(ok)))
    return cells[keep.to_numpy()].reset_index(drop=True)
