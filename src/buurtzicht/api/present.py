"""Turn warehouse records into public schemas: formatted figures, citations, labels.

A missing or suppressed figure is shown as "." with the reason, never as 0; a rounded
one is marked; secure-side figures carry the synthetic label.
"""

from __future__ import annotations

import math

from buurtzicht.api.queries.catalog import IndicatorMeta
from buurtzicht.api.queries.classify import LegendClass
from buurtzicht.api.schemas import (
    SYNTHETIC_LABEL,
    Figure,
    IndicatorOut,
    LegendClassOut,
    SourceOut,
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
}


def format_number(value: float, decimals: int, lang: str) -> str:
    """``1234.5`` -> ``1.234,5`` (nl) or ``1,234.5`` (en)."""
    text = f"{value:,.{max(0, decimals)}f}"
    if lang == "nl":
        text = text.replace(",", "\0").replace(".", ",").replace("\0", ".")
    return text


def figure(value: float | None, status: str | None, decimals: int, lang: str) -> Figure:
    status = status or ("missing" if value is None else "ok")
    note_pair = STATUS_NOTES.get(status)
    note = (note_pair[1] if lang == "en" else note_pair[0]) if note_pair else None
    if value is None or not math.isfinite(value):
        return Figure(value=None, status=status, display=".", note=note)
    display = format_number(value, decimals, lang)
    if status == "rounded":
        display = "≈ " + display
    return Figure(value=value, status=status, display=display, note=note)


def source(indicator: IndicatorMeta, lang: str) -> SourceOut:
    word = "Source" if lang == "en" else "Bron"
    publisher = indicator.publisher or "CBS"
    table = indicator.source_table
    citation = f"{word}: {publisher}" + (f" ({table})" if table else "")
    if indicator.licence:
        citation += f", {indicator.licence}"
    if indicator.synthetic:
        citation += f" — {SYNTHETIC_LABEL}"
    return SourceOut(
        table=table,
        version=indicator.source_version,
        publisher=publisher,
        licence=indicator.licence,
        citation=citation,
    )


def indicator_out(indicator: IndicatorMeta, lang: str) -> IndicatorOut:
    return IndicatorOut(
        id=indicator.id,
        theme=indicator.theme,
        title=indicator.title(lang),
        unit=indicator.unit,
        decimals=indicator.decimals,
        description=indicator.description_en if lang == "en" else indicator.description_nl,
        synthetic=indicator.synthetic,
        label=SYNTHETIC_LABEL if indicator.synthetic else None,
        source=source(indicator, lang),
        methodology_url=f"/methodologie#{indicator.id}",
    )


def legend_class(item: LegendClass, decimals: int, lang: str) -> LegendClassOut:
    lower = format_number(item.lower, decimals, lang)
    upper = format_number(item.upper, decimals, lang)
    return LegendClassOut(
        lower=item.lower,
        upper=item.upper,
        colour=item.colour,
        count=item.count,
        relation=item.relation,
        label=f"{lower} – {upper}",
    )
