"""Sentences of a profile that say who a region is compared with: its peer group and
how its similar regions were chosen, in the page's language."""

from __future__ import annotations

from buurtzicht.analysis.region_profile import PeerGroupOut, SimilarBasis
from buurtzicht.api.schemas.card import format_number
from buurtzicht.api.services.catalog import Catalog

PLURAL = {
    "nl": {"gemeente": "gemeenten", "wijk": "wijken", "buurt": "buurten"},
    "en": {"gemeente": "gemeenten", "wijk": "wijken", "buurt": "buurten"},
}


def _people(low: float, high: float | None, lang: str) -> str:
    word = "inhabitants" if lang == "en" else "inwoners"
    if high is None:
        return f"{format_number(low, 0, lang)} {word} {'or more' if lang == 'en' else 'of meer'}"
    return f"{format_number(low, 0, lang)}–{format_number(high, 0, lang)} {word}"


def peer_text(group: PeerGroupOut, level: str, lang: str) -> str:
    """``gemeenten met 250.000 inwoners of meer en stedelijkheid 1 (n = 3)``."""
    en = lang == "en"
    label = group.size_label.replace(">= ", "").replace("< ", "")
    if group.size_label.startswith(">="):
        size = f"{label} {'inhabitants or more' if en else 'inwoners of meer'}"
    elif group.size_label.startswith("<"):
        size = (
            f"{'fewer than' if en else 'minder dan'} {label} {'inhabitants' if en else 'inwoners'}"
        )
    else:
        size = f"{label} {'inhabitants' if en else 'inwoners'}"
    if en:
        size = size.replace(".", ",")
    parts = [f"{PLURAL['en' if en else 'nl'].get(level, level)} {'with' if en else 'met'} {size}"]
    if group.stedelijkheid:
        parts.append(f"stedelijkheid {group.stedelijkheid}")
    return f"{(' and ' if en else ' en ').join(parts)} (n = {group.n})"


def similar_text(basis: SimilarBasis | None, level: str, known: Catalog, lang: str) -> str | None:
    """How the similar regions were chosen, with the bounds and the features used."""
    if basis is None or not basis.features:
        return None
    en = lang == "en"
    titles = []
    for feature in basis.features:
        try:
            titles.append(known.get(feature).title(lang).lower())
        except LookupError:
            titles.append(feature)
    bounds = []
    if basis.stedelijkheid:
        low, high = basis.stedelijkheid
        bounds.append(f"stedelijkheid {low}–{high}" if low != high else f"stedelijkheid {low}")
    if basis.population:
        bounds.append(_people(basis.population[0], basis.population[1], lang))
    plural = PLURAL["en" if en else "nl"].get(level, level)
    among = (
        (
            f"Chosen among {plural} with {' and '.join(bounds)}"
            if en
            else f"Gekozen uit {plural} met {' en '.join(bounds)}"
        )
        if bounds
        else (f"Chosen among all {plural}" if en else f"Gekozen uit alle {plural}")
    )
    how = (
        "as the closest on average over the standardised (z-score) context figures: "
        if en
        else "als de dichtstbijzijnde, gemiddeld over de gestandaardiseerde (z-score) contextcijfers: "
    )
    distance = (
        "Distance 0 is identical; 1 is one standard deviation apart on average."
        if en
        else "Afstand 0 is gelijk; 1 is gemiddeld één standaardafwijking verschil."
    )
    return f"{among}, {how}{', '.join(titles)}. {distance}"


def _compared(ratio: float, lang: str) -> str:
    en = lang == "en"
    if ratio >= 1.5:
        times = format_number(ratio, 1, lang)
        return f"{times} times as high as" if en else f"{times} keer zo hoog als in"
    pct = format_number(abs(ratio - 1) * 100, 0, lang)
    if ratio >= 1:
        return f"{pct}% higher than" if en else f"{pct}% hoger dan in"
    return f"{pct}% lower than" if en else f"{pct}% lager dan in"


def highlight_sentence(
    *,
    title: str,
    value: str,
    unit: str,
    year: str,
    ratio: float,
    nl: str,
    peers: str | None,
    direction: str,
    peers_direction: str | None,
    lang: str,
) -> str:
    """``Straatroof per 1.000 inwoners: 0,56 in 2024, 3,7 keer zo hoog als in Nederland
    (0,15), en ook hoger dan in de vergelijkingsgroep (0,41).``"""
    en = lang == "en"
    figure = f"{value} {unit}".strip()
    text = f"{title}: {figure} in {year}, {_compared(ratio, lang)} "
    text += f"{'the Netherlands' if en else 'Nederland'} ({nl})"
    if peers is not None:
        group = "the peer group" if en else "de vergelijkingsgroep"
        if peers_direction is None:
            text += f"; {'close to' if en else 'dicht bij'} {group} ({peers})"
        elif peers_direction == direction:
            word = (
                ("higher" if en else "hoger")
                if direction == "above"
                else ("lower" if en else "lager")
            )
            text += f", {'and also' if en else 'en ook'} {word} {'than' if en else 'dan in'} {group} ({peers})"
        else:
            word = (
                ("higher" if en else "hoger")
                if peers_direction == "above"
                else ("lower" if en else "lager")
            )
            text += (
                f", {'but' if en else 'maar'} {word} {'than' if en else 'dan in'} {group} ({peers})"
            )
    return text + "."
