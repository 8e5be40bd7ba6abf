"""Rankings: the gemeenten of the country, or the wijken or buurten of a gemeente (or
wijk), on one indicator, with the index against NL, the change since the previous
period with figures and the reliability of each figure.

Rank 1 is the highest value ("1 = hoogste"), whatever the indicator's direction: the
page says whether high is bad. Regions without a figure (suppressed, secret, missing)
are listed last with their status and get no rank. Ties share the best rank. Counts
(inhabitants) get no index against NL.
"""

from __future__ import annotations

import math

import duckdb
import pandas as pd
from pydantic import BaseModel, ConfigDict

from buurtzicht.analysis.connection import ensure_indicator_values, figures_catalog
from buurtzicht.analysis.deviations import comparable
from buurtzicht.analysis.stats.ranks import settled
from buurtzicht.queries import ranking_figures

LEVELS = ("gemeente", "wijk", "buurt")


class RankingRow(BaseModel):
    model_config = ConfigDict(frozen=True)

    code: str
    name: str
    rank: int | None  # 1 = highest value; None without a figure
    value: float | None
    status: str
    index: float | None  # 100 * value / NL
    previous: float | None  # the region's figure in ``Ranking.previous_period``
    change: float | None  # value - previous
    change_pct: float | None
    reliability: str | None
    ci_low: float | None
    ci_high: float | None


class Ranking(BaseModel):
    """One indicator for every region of a level (within a parent), best rank first."""

    model_config = ConfigDict(frozen=True)

    indicator: str
    level: str
    parent: str | None
    period: str
    previous_period: str | None
    indeling: int
    nl_value: float | None
    rows: list[RankingRow]


def ranking(
    conn: duckdb.DuckDBPyConnection,
    indicator: str,
    level: str,
    *,
    parent: str | None = None,
    period: str | None = None,
) -> Ranking | None:
    """The ranking of ``indicator`` at ``level`` (within gemeente or wijk ``parent``) in
    ``period`` (default: the latest with figures); None when there are no figures."""
    if level not in LEVELS:
        raise ValueError(f"level must be one of {', '.join(LEVELS)}")
    ensure_indicator_values(conn)
    available = ranking_figures.periods(conn, indicator, level, parent)
    if period is not None:
        available = available[available["period"] <= period]
    if available.empty:
        return None
    latest = available.iloc[-1]
    chosen, indeling = str(latest["period"]), int(latest["indeling"])
    earlier = available[(available["indeling"] == indeling) & (available["period"] < chosen)]
    previous = None if earlier.empty else str(earlier.iloc[-1]["period"])
    frame = ranking_figures.figures(
        conn, indicator, level, parent, indeling, [p for p in (chosen, previous) if p]
    )
    now = frame[frame["period"] == chosen].set_index("code")
    before = frame[frame["period"] == previous].set_index("code")["value"]
    now = now.assign(previous=before.reindex(now.index))
    nl = (
        ranking_figures.national(conn, indicator, chosen)
        if comparable(figures_catalog(conn).get(indicator))
        else None
    )
    return Ranking(
        indicator=indicator,
        level=level,
        parent=parent,
        period=chosen,
        previous_period=previous,
        indeling=indeling,
        nl_value=nl,
        rows=_rows(now, nl),
    )


def _number(value: object) -> float | None:
    if value is None:
        return None
    number = float(value)  # type: ignore[arg-type]
    return None if math.isnan(number) else number


def _rows(frame: pd.DataFrame, nl: float | None) -> list[RankingRow]:
    ranks = settled(frame["value"]).rank(ascending=False, method="min")
    frame = frame.assign(rank=ranks).reset_index()
    frame = frame.sort_values(["rank", "code"], na_position="last", kind="stable")
    rows = []
    for r in frame.to_dict("records"):
        value, before = _number(r["value"]), _number(r["previous"])
        change = None if value is None or before is None else value - before
        rows.append(
            RankingRow(
                code=str(r["code"]),
                name=str(r["name"]),
                rank=None if pd.isna(r["rank"]) else int(r["rank"]),
                value=value,
                status=str(r["status"]),
                index=None if value is None or not nl else 100.0 * value / nl,
                previous=before,
                change=change,
                change_pct=None if change is None or not before else 100.0 * change / before,
                reliability=None if pd.isna(r["reliability"]) else str(r["reliability"]),
                ci_low=_number(r["ci_low"]),
                ci_high=_number(r["ci_high"]),
            )
        )
    return rows
