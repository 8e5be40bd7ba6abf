"""What a map shows when the asked indicator, period or parent cannot be shown as asked.

A link from a profile to a map must open a map with figures. So instead of a 404:

* a parent that does not fit the level is made to fit (gemeenten are national; the
  wijken "within" a wijk are those of its gemeente; the buurten within a buurt those of
  its wijk);
* a period without figures (at that level, within that parent) becomes the latest period
  that has them;
* an indicator without figures there becomes the closest catalog indicator that has
  them: one whose figures can be drawn (the build has boundaries of their indeling)
  first; then the same theme, then the theme of the default map, then any; within that
  a rate before a count (for a rate asked), the latest period, then the most regions
  with a figure, then catalog order.

:func:`choose` says what it changed, so that the page can say so.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import duckdb

from buurtzicht.api.problems import InvalidParameterError
from buurtzicht.api.services.catalog import catalog, reading
from buurtzicht.api.services.periods import parse_period
from buurtzicht.api.warehouse import Snapshot
from buurtzicht.queries import figures as value_queries
from buurtzicht.queries import regions as region_queries
from buurtzicht.regions.codes import normalise_code

#: The theme tried after the asked indicator's own (the default map's theme).
DEFAULT_THEME = "veiligheid"


@dataclass(frozen=True)
class MapChoice:
    """The indicator, period and parent a map shows, and what was changed to get there.

    ``changed``: ``None`` (as asked), ``"period"`` (latest period with figures),
    ``"indicator"`` (another indicator) or ``"nothing"`` (no indicator has figures here).
    ``parent_changed`` is the parent asked for when it did not fit the level.
    """

    indicator: str
    period: str | None
    parent: str | None
    changed: str | None
    asked_indicator: str
    asked_period: str | None
    parent_changed: str | None = None


def fitting_parent(cursor: duckdb.DuckDBPyConnection, level: str, parent: str | None) -> str | None:
    """The parent region that limits a map of ``level``: None for gemeenten; a gemeente
    for wijken; a gemeente or wijk for buurten (moving up from a finer region)."""
    if not parent or level == "gemeente":
        return None
    record = region_queries.region(cursor, parent)
    allowed = {"wijk": ("gemeente",), "buurt": ("gemeente", "wijk")}[level]
    if record["level"] in allowed:
        return str(record["code"])
    for column in ("wijk", "gemeente"):
        if record.get(column) and column in allowed and record[column] != record["code"]:
            return str(record[column])
    raise InvalidParameterError(
        f"{record['code']} is a {record['level']}; a {level} map can only be limited to "
        + " or ".join(allowed),
        parameter="binnen",
    )


def choose(
    snapshot: Snapshot,
    cursor: duckdb.DuckDBPyConnection,
    *,
    indicator_id: str,
    level: str,
    period: str | None,
    parent: str | None,
) -> MapChoice:
    """See the module docstring."""
    fitted = fitting_parent(cursor, level, parent)
    moved = parent if parent and fitted != normalise_code(parent) else None
    known = catalog(snapshot, cursor)
    meta = known.get(indicator_id)
    asked = parse_period(period) if period else None
    own = reading(snapshot, cursor, meta)(
        lambda c: value_queries.periods(c, meta.measure, level, parent=fitted, table=meta.table)
    )
    base = MapChoice(indicator_id, asked, fitted, None, indicator_id, asked, moved)
    if own and (asked is None or asked in own):
        return base
    if own:
        return replace(base, period=own[-1], changed="period")
    available = snapshot.cached(
        ("availability", level, fitted),
        lambda: snapshot.analysis(lambda c: value_queries.availability(c, level, fitted)),
    )
    order = {m.id: n for n, m in enumerate(known.indicators)}
    themes = {m.id: m.theme for m in known.indicators}
    candidates = [i for i in available if i in order]
    if not candidates:
        return replace(base, period=None, changed="nothing")

    def latest(candidate: str) -> str:
        """The latest period that can be drawn, else the latest."""
        periods = available[candidate]
        drawn = [p for p, (_, can_draw) in periods.items() if can_draw]
        return max(drawn or periods)

    counts = {m.id for m in known.indicators if m.kind == "count"}

    def rank(candidate: str) -> tuple[bool, int, bool, str, int, int]:
        theme = themes[candidate]
        closeness = 0 if theme == meta.theme else 1 if theme == DEFAULT_THEME else 2
        period = latest(candidate)
        regions, drawn = available[candidate][period]
        # A rate reads as a map in place of a rate; a count (inhabitants) mostly shows size.
        count = candidate in counts and meta.kind != "count"
        return (not drawn, closeness, count, _descending(period), -regions, order[candidate])

    best = min(candidates, key=rank)
    return replace(base, indicator=best, period=latest(best), changed="indicator")


def _descending(period: str) -> str:
    """A sort key that puts later periods first."""
    return "".join(chr(0x10FFFF - ord(c)) for c in period)
