"""An indicator as a card shows it, and how its figures are formatted.

The catalog's indicator (``IndicatorMeta``) becomes ``IndicatorOut``; a figure of the
warehouse becomes a ``Figure`` formatted for the language. A missing or suppressed figure is
shown as "." with the reason, never as 0; a rounded one is marked; secure-side figures carry
the synthetic label. ``ProfileCard`` is one indicator on a region's profile.
"""

from __future__ import annotations

import math

from pydantic import Field

from buurtzicht.analysis.stats.legend_classes import LegendClass
from buurtzicht.api.schemas.common import SYNTHETIC_LABEL, Public
from buurtzicht.indicators.model import Citation, IndicatorMeta


class SourceOut(Public):
    table: str
    version: str = ""
    publisher: str
    licence: str
    citation: str = Field(
        description="How to cite the figures, e.g. 'Bron: CBS (83648NED), CC BY 4.0'"
    )


class WeightOut(Public):
    """A component of a composite index and its weight."""

    indicator: str
    title: str
    weight: float = Field(description="Catalog weight")
    share: float = Field(description="Weight as a share of all weights (0-1)")


class IndicatorOut(Public):
    id: str
    theme: str
    catalog: bool = Field(description="A catalog indicator (False: a raw source variable)")
    title: str
    unit: str
    decimals: int
    direction: str = Field(description="higher_is_worse, higher_is_better or neutral")
    kind: str = Field(
        default="",
        description="count (an absolute number: no index against NL), rate (a rate, share, "
        "mean or score), index (a composite index, NL = 100) or empty for a raw source "
        "variable",
    )
    description: str
    methodology: str
    synthetic: bool
    label: str | None = Field(
        default=None, description=f"'{SYNTHETIC_LABEL}' for secure-side figures"
    )
    source: SourceOut = Field(description="All sources as one citation")
    sources: list[SourceOut]
    methodology_url: str
    weights: list[WeightOut] = Field(
        default_factory=list,
        description="Composite indexes: the components and their weights (empty otherwise)",
    )
    period_years: int = Field(
        default=1,
        description="Years each figure covers, up to and including its period: 2 for a "
        "two-year total of a rare event (period 2024JJ00 is 2023-2024)",
    )


class Figure(Public):
    value: float | None
    status: str
    display: str = Field(description="Formatted for the requested language; '.' when suppressed")
    note: str | None = Field(
        default=None, description="Why a figure is missing, suppressed or rounded"
    )
    reason: str | None = Field(
        default=None,
        description="Why disclosure control suppressed it, as the release says: min_units, "
        "population, dominance, p_percent or secondary (complementary suppression)",
    )


class TrendPoint(Public):
    period: str
    year: int
    figure: Figure


class LegendClassOut(Public):
    lower: float
    upper: float
    colour: str
    count: int
    relation: str = Field(description="below or above the national figure (empty without one)")
    label: str


class ProfileCard(Public):
    indicator: IndicatorOut
    period: str
    figure: Figure
    national: Figure
    index: float | None = Field(default=None, description="Value relative to NL (NL = 100)")
    rank: int | None = Field(
        default=None, description="Rank among regions of the same level (1 = highest)"
    )
    rank_of: int | None = None
    rank_ties: int | None = Field(
        default=None,
        description="How many regions of the level share this rank (same figure); absent "
        "when the region has it alone",
    )
    reliability: str | None = Field(
        default=None, description="Reliability flag of the analysis engine (e.g. betrouwbaar)"
    )
    peers: Figure | None = Field(default=None, description="Pooled figure of the peer group")
    peers_n: int | None = Field(
        default=None, description="Members of the peer group with a published figure"
    )
    similar: Figure | None = Field(default=None, description="Pooled figure of similar regions")
    similar_n: int | None = Field(
        default=None, description="Similar regions with a published figure"
    )
    trend_change_pct: float | None = None
    trend_significant: bool | None = None
    trend: list[TrendPoint]
    suppressed_share: float | None = Field(
        default=None,
        description="Set when disclosure control suppressed most cells of this indicator "
        "at the region's level (rare events): the share of the level's cells suppressed",
    )


#: Status -> (Dutch, English) note shown beside the figure.
STATUS_NOTES: dict[str, tuple[str, str]] = {
    "missing": ("geen cijfer beschikbaar", "no figure available"),
    "secret": ("geheim (CBS)", "confidential (CBS)"),
    "suppressed": (
        "onderdrukt: te weinig waarnemingen om te publiceren zonder herleidbaarheid",
        "suppressed: too few observations to publish without disclosure risk",
    ),
    "provisional": ("voorlopig cijfer", "provisional figure"),
    "estimated": (
        "geschat (herverdeeld naar de huidige indeling)",
        "estimated (redistributed to the current boundaries)",
    ),
    "rounded": ("afgerond ter bescherming van de privacy", "rounded to protect privacy"),
    "incomplete": (
        "geen index: niet alle onderdelen hebben een cijfer",
        "no index: not every component has a figure",
    ),
}


def format_number(value: float, decimals: int, lang: str) -> str:
    """``1234.5`` -> ``1.234,5`` (nl) or ``1,234.5`` (en)."""
    text = f"{value:,.{max(0, decimals)}f}"
    if lang == "nl":
        text = text.replace(",", "\0").replace(".", ",").replace("\0", ".")
    return text


#: Why disclosure control suppressed a cell, per reason of the published release
#: (docs/disclosure.md, "Published output"). A complementary suppression is not small.
REASON_NOTES: dict[str, tuple[str, str]] = {
    "min_units": (
        "onderdrukt: te weinig personen, adressen of bedrijven om te publiceren zonder "
        "dat iemand herleidbaar wordt",
        "suppressed: too few persons, addresses or businesses to publish without someone "
        "becoming identifiable",
    ),
    "population": (
        "onderdrukt: te weinig inwoners in dit gebied om cijfers over personen te publiceren",
        "suppressed: too few inhabitants in this area to publish figures about persons",
    ),
    "dominance": (
        "onderdrukt: één of twee bedrijven of personen bepalen het grootste deel van dit cijfer",
        "suppressed: one or two businesses or persons make up most of this figure",
    ),
    "p_percent": (
        "onderdrukt: de grootste bijdrage zou uit dit cijfer te nauwkeurig te schatten zijn",
        "suppressed: the largest contribution could be estimated too closely from this figure",
    ),
    "secondary": (
        "aanvullend onderdrukt: dit cijfer is niet klein, maar zou samen met de gepubliceerde "
        "cijfers (zoals het totaal) een ander, onderdrukt cijfer verraden",
        "complementary suppression: this figure is not small, but together with the published "
        "figures (such as the total) it would give away another, suppressed figure",
    ),
}


def figure(
    value: float | None, status: str | None, decimals: int, lang: str, reason: str | None = None
) -> Figure:
    """A formatted figure; a suppressed one with the release's ``reason`` when known."""
    status = status or ("missing" if value is None else "ok")
    note_pair = STATUS_NOTES.get(status)
    if status == "suppressed" and reason in REASON_NOTES:
        note_pair = REASON_NOTES[str(reason)]
    else:
        reason = None
    note = (note_pair[1] if lang == "en" else note_pair[0]) if note_pair else None
    if value is None or not math.isfinite(value):
        return Figure(value=None, status=status, display=".", note=note, reason=reason)
    display = format_number(value, decimals, lang)
    if status == "rounded":
        display = "≈ " + display
    return Figure(value=value, status=status, display=display, note=note)


def _citation(publisher: str, table: str, licence: str, lang: str) -> str:
    word = "Source" if lang == "en" else "Bron"
    return (
        f"{word}: {publisher or 'CBS'}"
        + (f" ({table})" if table else "")
        + (f", {licence}" if licence else "")
    )


def source(indicator: IndicatorMeta, lang: str) -> SourceOut:
    """All sources of an indicator as one citation: ``Bron: CBS (83648NED, 85984NED), CC BY 4.0``."""
    cited = indicator.sources or (Citation("", "", "CBS", ""),)
    # A source published by "CBS / Kadaster (PDOK)" beside one by "CBS" reads "CBS /
    # Kadaster (PDOK)", not "CBS / CBS / Kadaster (PDOK)".
    parts = (part.strip() for c in cited for part in (c.publisher or "CBS").split(" / "))
    publishers = list(dict.fromkeys(parts))
    tables = list(dict.fromkeys(c.table for c in cited if c.table))
    licences = list(dict.fromkeys(c.licence for c in cited if c.licence))
    citation = _citation(" / ".join(publishers), ", ".join(tables), ", ".join(licences), lang)
    if indicator.synthetic:
        citation += f" — {SYNTHETIC_LABEL}"
    return SourceOut(
        table=", ".join(tables),
        version=", ".join(c.version for c in cited if c.version),
        publisher=" / ".join(publishers),
        licence=", ".join(licences),
        citation=citation,
    )


def indicator_out(indicator: IndicatorMeta, lang: str) -> IndicatorOut:
    return IndicatorOut(
        id=indicator.id,
        theme=indicator.theme,
        catalog=indicator.is_catalog,
        title=indicator.title(lang),
        unit=indicator.unit(lang),
        decimals=indicator.decimals,
        direction=indicator.direction,
        kind=indicator.kind,
        description=indicator.description(lang),
        methodology=indicator.methodology(lang),
        synthetic=indicator.synthetic,
        label=SYNTHETIC_LABEL if indicator.synthetic else None,
        source=source(indicator, lang),
        sources=[
            SourceOut(
                table=c.table,
                version=c.version,
                publisher=c.publisher or "CBS",
                licence=c.licence,
                citation=_citation(c.publisher, c.table, c.licence, lang),
            )
            for c in indicator.sources
        ],
        methodology_url=(
            f"/methodologie/{indicator.theme}#{indicator.id}"
            if indicator.is_catalog or indicator.is_composite
            else f"/methodologie#{indicator.id}"
        ),
        weights=weights_out(indicator, lang),
        period_years=indicator.period_years,
    )


#: How a figure over several years says so beside its years (Dutch, English).
SPAN_NOTES: dict[int, tuple[str, str]] = {2: ("twee jaar samen", "two years combined")}


def period_label(period: str, years: int, lang: str) -> str:
    """The period as the dashboard shows it: ``2024``, or for a figure over several
    years the years it covers and that it adds them up.

    >>> period_label("2024JJ00", 1, "nl"), period_label("2024JJ00", 2, "nl")
    ('2024', '2023-2024, twee jaar samen')
    >>> period_label("2024JJ00", 2, "en")
    '2023-2024, two years combined'
    """
    if not period or not period[:4].isdigit():
        return period or ""
    last = int(period[:4])
    if years <= 1:
        return period[:4] if period.endswith("JJ00") else period
    nl, en = SPAN_NOTES.get(years, (f"{years} jaar samen", f"{years} years combined"))
    return f"{last - years + 1}-{last}, {en if lang == 'en' else nl}"


def weights_out(indicator: IndicatorMeta, lang: str) -> list[WeightOut]:
    """A composite's components with their weights and share of the total."""
    total = sum(c.weight for c in indicator.components)
    return [
        WeightOut(
            indicator=c.indicator, title=c.title(lang), weight=c.weight, share=c.weight / total
        )
        for c in indicator.components
    ]


def legend_class(item: LegendClass, decimals: int, lang: str) -> LegendClassOut:
    """A map class; one that holds a single figure (28 gemeenten with 0 hennep sites) is
    labelled with that figure, not as the range "0,0 – 0,0".

    >>> legend_class(LegendClass(0.0, 0.0, "#fff", 28, "below"), 1, "nl").label
    '0,0'
    >>> legend_class(LegendClass(0.0, 3.0, "#fff", 4, "below"), 1, "nl").label
    '0,0 – 3,0'
    """
    lower = format_number(item.lower, decimals, lang)
    upper = format_number(item.upper, decimals, lang)
    return LegendClassOut(
        lower=item.lower,
        upper=item.upper,
        colour=item.colour,
        count=item.count,
        relation=item.relation,
        label=lower if item.lower == item.upper else f"{lower} – {upper}",
    )
