"""Region profile and comparison: per theme, the latest figure of every indicator,
beside the Netherlands, with its trend."""

from __future__ import annotations

import math
from collections import defaultdict
from typing import Any

import duckdb

from buurtzicht.analysis.compare import compare as analysis_compare
from buurtzicht.analysis.deviations import DeviatingChild
from buurtzicht.analysis.highlights import Highlight, highlights
from buurtzicht.analysis.region_profile import profile as analysis_profile
from buurtzicht.api.problems import InvalidParameterError
from buurtzicht.api.schemas import card as present
from buurtzicht.api.schemas.card import Figure, ProfileCard, TrendPoint
from buurtzicht.api.schemas.common import RegionDetail, RegionRef
from buurtzicht.api.schemas.region_page import (
    CompareOut,
    CompareRow,
    DeviatingChildOut,
    HighlightOut,
    ProfileOut,
    ProfileTheme,
    SimilarRegionOut,
)
from buurtzicht.api.services import regions as region_service
from buurtzicht.api.services.catalog import catalog
from buurtzicht.api.services.composites import composite_cards, gemeente_of_composites
from buurtzicht.api.services.profile_text import highlight_sentence, peer_text, similar_text
from buurtzicht.api.services.suppressions import region_reason
from buurtzicht.api.warehouse import Snapshot
from buurtzicht.indicators.model import IndicatorMeta
from buurtzicht.queries import figures as value_queries
from buurtzicht.queries import regions as region_queries
from buurtzicht.queries import suppressions as suppression_queries
from buurtzicht.regions.codes import NEDERLAND, normalise_code

MAX_COMPARE = 8


def profile(
    snapshot: Snapshot, cursor: duckdb.DuckDBPyConnection, code: str, lang: str
) -> ProfileOut:
    """The profile of ``code``, once per build and language (the region's details are
    read only on a miss: a page that shows a cached profile does not look them up)."""

    def compute() -> ProfileOut:
        return _profile(snapshot, cursor, region_service.detail(cursor, code), lang)

    result: ProfileOut = snapshot.cached(("profile", normalise_code(code), lang), compute)
    return result


def compare(
    snapshot: Snapshot, cursor: duckdb.DuckDBPyConnection, codes: list[str], lang: str
) -> CompareOut:
    if len(codes) > MAX_COMPARE:
        raise InvalidParameterError(f"compare at most {MAX_COMPARE} regions", parameter="regions")
    records = [region_queries.region(cursor, c) for c in codes]
    refs = [RegionRef(code=r["code"], level=r["level"], name=r["name"]) for r in records]
    wanted = [r.code for r in refs]
    catalog_rows = _catalog_compare(snapshot, cursor, wanted, lang)
    if catalog_rows:
        return CompareOut(regions=refs, rows=catalog_rows)
    rows = value_queries.yearly_observations(cursor, [*wanted, NEDERLAND])
    values: dict[tuple[str, str, str], dict[str, Any]] = {
        (row["region"], row["measure"], row["period"]): row for row in rows
    }
    latest: dict[str, str] = {}
    for row in rows:
        if row["region"] in wanted:
            latest[row["measure"]] = max(latest.get(row["measure"], ""), row["period"])
    out = []
    for indicator in catalog(snapshot, cursor).indicators:
        period = latest.get(indicator.measure)
        if period is None:
            continue

        def fig(
            code: str,
            period: str = period,
            measure: str = indicator.measure,
            d: int = indicator.decimals,
        ) -> Any:
            row = values.get((code, measure, period))
            return present.figure(
                row["value"] if row else None, row["status"] if row else None, d, lang
            )

        out.append(
            CompareRow(
                indicator=present.indicator_out(indicator, lang),
                period=period,
                figures=[fig(code) for code in wanted],
                national=fig(NEDERLAND),
            )
        )
    return CompareOut(regions=refs, rows=out)


def _catalog_compare(
    snapshot: Snapshot, cursor: duckdb.DuckDBPyConnection, wanted: list[str], lang: str
) -> list[CompareRow]:
    """Catalog indicators side by side (``buurtzicht.analysis.compare``), with the index
    of every region against NL; only indicators with a figure for one of the regions."""
    known = catalog(snapshot, cursor)
    frame = snapshot.analysis(lambda conn: analysis_compare(conn, wanted, catalog=known.model))
    out = []
    for row in frame.to_dict("records"):
        values = [_number(row.get(code)) for code in wanted]
        if row.get("period") is None or all(v is None for v in values):
            continue
        indicator = known.get(str(row["indicator"]))
        d = indicator.decimals
        out.append(
            CompareRow(
                indicator=present.indicator_out(indicator, lang),
                period=str(row["period"]),
                figures=[present.figure(v, None, d, lang) for v in values],
                indexes=[_number(row.get(f"{code} index")) for code in wanted],
                periods=[_text(row.get(f"{code} period")) for code in wanted],
                national=present.figure(_number(row.get(NEDERLAND)), None, d, lang),
            )
        )
    return out


def _text(value: object) -> str | None:
    return None if value is None or value != value else str(value)  # None or NaN


def _number(value: object) -> float | None:
    if value is None:
        return None
    number = float(value)  # type: ignore[arg-type]
    return None if math.isnan(number) else number


def _profile(
    snapshot: Snapshot, cursor: duckdb.DuckDBPyConnection, region: RegionDetail, lang: str
) -> ProfileOut:
    """The analysis engine's profile (index, rank, peers, similar regions, trend,
    reliability) of the build's catalog indicators, in public form."""
    known = catalog(snapshot, cursor)
    # The same for both languages: computed once per build and region, not per language.
    result = snapshot.cached(
        ("analysis-profile", region.code),
        lambda: snapshot.analysis(
            lambda conn: analysis_profile(conn, region.code, catalog=known.model)
        ),
    )
    shown = [p for p in result.indicators if p.period is not None]
    if not shown:  # no figures: no period, peer group or similar regions to speak of
        return ProfileOut(region=region, themes=[], synthetic=False)
    ids = [p.id for p in shown]
    series = snapshot.cached(
        ("indicator-series", region.code),
        lambda: snapshot.analysis(
            lambda conn: value_queries.series_of_indicators(conn, ids, region.code)
        ),
    )
    shares = suppression_shares(snapshot)
    ties = tied_ranks(snapshot)
    reasons = suppression_queries.region_reasons(cursor, [region.code, NEDERLAND])
    by_theme: dict[str, list[ProfileCard]] = defaultdict(list)
    for item in shown:
        indicator = known.get(item.id)
        decimals = indicator.decimals
        period = str(item.period)

        def fig(value: float | None, status: str | None = None, d: int = decimals) -> Figure:
            return present.figure(value, status or ("missing" if value is None else "ok"), d, lang)

        by_theme[item.theme].append(
            ProfileCard(
                indicator=present.indicator_out(indicator, lang),
                period=period,
                figure=_reasoned(
                    reasons, region.code, indicator, period, item.value, item.status, lang
                ),
                national=_reasoned(
                    reasons, NEDERLAND, indicator, period, item.nl_value, None, lang
                ),
                index=item.index,
                rank=item.rank,
                rank_of=item.n_ranked,
                rank_ties=_ties(ties, item, region.level),
                reliability=item.reliability.flag,
                peers=fig(item.peers.value) if item.peers else None,
                peers_n=item.peers.n if item.peers else None,
                similar=fig(item.similar.value) if item.similar else None,
                similar_n=item.similar.n if item.similar else None,
                trend_change_pct=item.trend.change_pct if item.trend else None,
                trend_significant=item.trend.significant if item.trend else None,
                trend=[
                    TrendPoint(period=p, year=int(p[:4]), figure=fig(v, st))
                    for p, v, st in series.get(item.id, [])
                ],
                suppressed_share=_mostly_suppressed(
                    shares.get((item.id, region.level, str(item.period)))
                ),
            )
        )
    cards = composite_cards(snapshot, cursor, region, lang)
    deviating = {d.theme: d.children for d in result.deviating_children}
    found = highlights(result)
    themes = [
        ProfileTheme(
            id=t.id,
            title=t.title(lang),
            cards=by_theme[t.id],
            highlights=[_highlight(h, known, lang) for h in found.get(t.id, [])],
            deviating=[_deviating(c, known, lang) for c in deviating.get(t.id, [])],
        )
        for t in known.catalog_themes
        if by_theme.get(t.id) or deviating.get(t.id)
    ]
    return ProfileOut(
        region=region,
        period=result.period,
        peer_group=peer_text(result.peer_group, region.level, lang),
        similar_regions=[
            SimilarRegionOut(
                code=s.code,
                level=region.level,
                name=s.name,
                distance=s.distance,
                closest_on=[_title(known, f, lang) for f in s.closest_on],
            )
            for s in result.similar_regions
        ],
        similar_basis=similar_text(result.similar_basis, region.level, known, lang),
        themes=themes,
        synthetic=any(c.indicator.synthetic for t in themes for c in t.cards),
        composites=cards,
        composites_gemeente=gemeente_of_composites(snapshot, cursor, region, cards),
    )


#: From this share of suppressed cells at a level on, a profile card says why.
MOSTLY_SUPPRESSED = 0.5


def suppression_shares(snapshot: Snapshot) -> dict[tuple[str, str, str], float]:
    """:func:`~buurtzicht.queries.figures.suppressed_shares`, once per build."""
    found: dict[tuple[str, str, str], float] = snapshot.cached(
        ("suppressed-shares",), lambda: snapshot.analysis(value_queries.suppressed_shares)
    )
    return found


def _reasoned(
    reasons: dict[tuple[str, str, str], str],
    code: str,
    indicator: IndicatorMeta,
    period: str,
    value: float | None,
    status: str | None,
    lang: str,
) -> Figure:
    """A figure with the release's reason when disclosure control suppressed the cell."""
    decimals = indicator.decimals
    reason = region_reason(reasons, code, indicator, period) if value is None else None
    if reason:
        return present.figure(None, "suppressed", decimals, lang, reason)
    return present.figure(value, status or ("missing" if value is None else "ok"), decimals, lang)


def tied_ranks(snapshot: Snapshot) -> dict[tuple[str, str, str, int, int], int]:
    """:func:`~buurtzicht.queries.figures.tied_ranks`, once per build."""
    found: dict[tuple[str, str, str, int, int], int] = snapshot.cached(
        ("tied-ranks",), lambda: snapshot.analysis(value_queries.tied_ranks)
    )
    return found


def _ties(ties: dict[tuple[str, str, str, int, int], int], item: Any, level: str) -> int | None:
    """How many regions share the item's rank (None when it is its own)."""
    if item.rank is None or item.n_ranked is None:
        return None
    return ties.get((item.id, level, str(item.period), int(item.n_ranked), int(item.rank)))


def _mostly_suppressed(share: float | None) -> float | None:
    return share if share is not None and share >= MOSTLY_SUPPRESSED else None


def _highlight(item: Highlight, known: Any, lang: str) -> HighlightOut:
    indicator = known.get(item.indicator)
    # A sentence that says "higher than the peer group" must not print two equal figures
    # ("1,6 ... hoger dan in de vergelijkingsgroep (1,6)"): one or two decimals more.
    compared = [v for v in (item.nl_value, item.peers_value) if v is not None]
    d = _decimals_that_differ(item.value, compared, indicator.decimals, lang)

    def num(value: float) -> str:
        return present.format_number(value, d, lang)

    return HighlightOut(
        indicator=present.indicator_out(indicator, lang),
        period=item.period,
        direction=item.direction,
        peers_direction=item.peers_direction,
        ratio=item.ratio,
        sentence=highlight_sentence(
            title=indicator.title(lang),
            value=num(item.value),
            unit=indicator.unit(lang),
            year=item.period[:4],
            ratio=item.ratio,
            nl=num(item.nl_value),
            peers=None if item.peers_value is None else num(item.peers_value),
            direction=item.direction,
            peers_direction=item.peers_direction,
            lang=lang,
        ),
    )


def _decimals_that_differ(value: float, others: list[float], decimals: int, lang: str) -> int:
    """The fewest decimals (from ``decimals``, at most two more) at which ``value`` prints
    differently from each of ``others`` that it differs from.

    >>> _decimals_that_differ(1.62, [1.31, 1.58], 1, "nl"), _decimals_that_differ(2.0, [2.0], 1, "nl")
    (2, 1)
    """
    for d in range(decimals, decimals + 3):
        shown = present.format_number(value, d, lang)
        if all(present.format_number(o, d, lang) != shown for o in others if o != value):
            return d
    return decimals + 2


def _title(known: Any, indicator_id: str, lang: str) -> str:
    try:
        return str(known.get(indicator_id).title(lang))
    except LookupError:
        return indicator_id


def _deviating(child: DeviatingChild, known: Any, lang: str) -> DeviatingChildOut:
    indicator = known.get(child.indicator)
    d = indicator.decimals
    return DeviatingChildOut(
        region=RegionRef(code=child.code, level=child.level, name=child.name),
        indicator=present.indicator_out(indicator, lang),
        period=child.period,
        figure=present.figure(child.value, "ok", d, lang),
        national=present.figure(child.nl_value, "ok", d, lang),
        index=child.index,
        direction=child.direction,
        reliability=child.reliability,
        deviation=child.deviation,
    )
