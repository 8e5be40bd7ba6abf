"""Interface texts of the profile, compare and summary pages (Dutch and English).

Merged into :data:`buurtzicht.web.i18n.TEXTS` (kept apart so that changes elsewhere
merge). Texts with ``{placeholders}`` are filled with ``str.format``.
"""

from __future__ import annotations

DASHBOARD_TEXTS: dict[str, dict[str, str]] = {
    "nl": {
        "rank_of": "{rank} van {n}",
        "rank_highest": "1 = hoogste",
        "reliability_betrouwbaar": "betrouwbaar",
        "reliability_indicatief": "indicatief",
        "reliability_onbetrouwbaar": "onbetrouwbaar",
        "marks_title": "Tekens",
        "mark_dot": "geen cijfer: niet beschikbaar, geheim of onderdrukt",
        "mark_o": "onderdrukt: te weinig waarnemingen om te publiceren zonder herleidbaarheid",
        "mark_a": "afgerond ter bescherming van de privacy (≈)",
        "mark_v": "voorlopig cijfer",
        "mark_h": "geschat: herverdeeld naar de huidige gemeentelijke indeling",
        "mark_g": "geheim (CBS)",
        "mark_zero": "Een 0 is een gemeten nul; een punt is nooit een nul.",
        "value_index": "waarde (index)",
        "index_note": "Tussen haakjes: de index tegenover Nederland (NL = 100), alleen bij verhoudingen en percentages, niet bij aantallen.",
        "other_period": "cijfer van {year}",
        "similar_why": "Waarom vergelijkbaar?",
        "closest_on": "het dichtst bij op",
        "distance": "afstand",
        "search_nothing": "Geen gemeente, wijk of buurt gevonden voor “{q}”. Probeer een deel van de naam, een andere spelling of een code zoals GM0363.",
        "search_postcode": "Zoeken op postcode (“{q}”) kan niet: buurtzicht kent gemeenten, wijken en buurten. Zoek op de naam van de gemeente of buurt, of op een code zoals GM0599.",
    },
    "en": {
        "rank_of": "{rank} of {n}",
        "rank_highest": "1 = highest",
        "reliability_betrouwbaar": "reliable",
        "reliability_indicatief": "indicative",
        "reliability_onbetrouwbaar": "unreliable",
        "marks_title": "Symbols",
        "mark_dot": "no figure: not available, confidential or suppressed",
        "mark_o": "suppressed: too few observations to publish without disclosure risk",
        "mark_a": "rounded to protect privacy (≈)",
        "mark_v": "provisional figure",
        "mark_h": "estimated: redistributed to the current municipal boundaries",
        "mark_g": "confidential (CBS)",
        "mark_zero": "A 0 is a measured zero; a dot is never a zero.",
        "value_index": "value (index)",
        "index_note": "In brackets: the index against the Netherlands (NL = 100), for rates and shares only, not for counts.",
        "other_period": "figure of {year}",
        "similar_why": "Why similar?",
        "closest_on": "closest on",
        "distance": "distance",
        "search_nothing": "No gemeente, wijk or buurt found for “{q}”. Try part of the name, another spelling or a code such as GM0363.",
        "search_postcode": "Searching by postcode (“{q}”) is not possible: buurtzicht knows gemeenten, wijken and buurten. Search for the name of the gemeente or buurt, or a code such as GM0599.",
    },
}
