"""Kansrijke zoekgebieden and the model cards, as the build holds them.

The build's ``secure_zoekgebieden`` table has a row only where the expected and the
observed count of a theme, and those of the area's gemeente, passed disclosure control;
the search score (expected missed cases) and the risk class were derived from those
published figures and the explanation (factor names) was kept only for such rows
(:mod:`buurtzicht.secure.published_models`). ``secure_models`` holds the model
cards and validation tables. Nothing here reads anything else of the secure side.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

import duckdb

from buurtzicht.api.problems import NotFoundError
from buurtzicht.api.schemas.common import RegionRef
from buurtzicht.api.schemas.risk import (
    FactorOut,
    ModelsOut,
    RegionRiskOut,
    ZoekgebiedenOut,
    ZoekgebiedRow,
    ZoekklasseOut,
)
from buurtzicht.api.services.periods import choose_period, parse_period
from buurtzicht.api.warehouse import Snapshot
from buurtzicht.queries import secure_zoekgebieden as zoek_queries
from buurtzicht.queries.regions import region as region_record
from buurtzicht.regions.codes import normalise_code

THEMES = ("hennep", "doorsluiswoningen", "onverklaarbaar_bezit", "witwas")
CLASSES = ("hoog", "gemiddeld", "laag")
#: ColorBrewer OrRd: the darker, the more cases likely missed.
COLOURS = {"hoog": "#d7301f", "gemiddeld": "#fc8d59", "laag": "#fdd49e"}
LABELS = {
    "nl": {"hoog": "hoog", "gemiddeld": "gemiddeld", "laag": "laag"},
    "en": {"hoog": "high", "gemiddeld": "medium", "laag": "low"},
}
#: What a class means; ``{low}`` / ``{high}`` are the class's bounds in expected missed
#: cases among the areas of the level (:func:`class_descriptions`).
DESCRIPTIONS = {
    "nl": {
        "hoog": "de 10% gebieden van dit niveau met de meeste verwacht gemiste gevallen "
        "(vanaf {high})",
        "gemiddeld": "boven de helft van de gebieden, niet in de hoogste 10% ({low} tot {high})",
        "laag": "de onderste helft, of minder dan één verwacht gemist geval (onder {low})",
    },
    "en": {
        "hoog": "the 10% of the areas of this level with the most expected missed cases "
        "(from {high})",
        "gemiddeld": "above half of the areas, not in the top 10% ({low} to {high})",
        "laag": "the lower half, or less than one expected missed case (below {low})",
    },
}
#: The class rule in words, for the model card (no bounds: they differ per level).
RULES = {
    "nl": {
        "hoog": "de 10% gebieden van een niveau met de meeste verwacht gemiste gevallen",
        "gemiddeld": "boven de mediaan van het niveau, niet in de hoogste 10%",
        "laag": "onder de mediaan, of minder dan één verwacht gemist geval",
    },
    "en": {
        "hoog": "the 10% of the areas of a level with the most expected missed cases",
        "gemiddeld": "above the level's median, not in the top 10%",
        "laag": "below the median, or less than one expected missed case",
    },
}


def unit_word(card: dict[str, Any], lang: str, count: float | None = None) -> str:
    """The unit a model card's theme counts in, in ``lang``; singular for a count shown as 1.

    >>> card = {"unit": "woningen", "units": {"nl": ["woning", "woningen"],
    ...                                      "en": ["dwelling", "dwellings"]}}
    >>> unit_word(card, "nl", 1), unit_word(card, "en"), unit_word({"unit": "x"}, "en")
    ('woning', 'dwellings', 'x')
    """
    words = card.get("units", {}).get(lang)
    if not words:  # a card written before the words per language: its Dutch plural
        return str(card["unit"])
    return str(words[0] if count is not None and round(count) == 1 else words[1])


def _fmt(value: float, lang: str, digits: int = 1) -> str:
    text = f"{value:,.{digits}f}"
    return text if lang == "en" else text.replace(",", "_").replace(".", ",").replace("_", ".")


def class_descriptions(lang: str, low: float | None, high: float | None) -> dict[str, str]:
    """The class texts with the level's bounds filled in (the rule alone without them).

    >>> class_descriptions("nl", 1.5, 6.25)["gemiddeld"]
    'boven de helft van de gebieden, niet in de hoogste 10% (1,5 tot 6,2)'
    """
    if low is None or high is None:
        return dict(RULES[lang])
    bounds = {"low": _fmt(low, lang), "high": _fmt(high, lang)}
    return {k: text.format(**bounds) for k, text in DESCRIPTIONS[lang].items()}


def document(snapshot: Snapshot, cursor: duckdb.DuckDBPyConnection) -> dict[str, Any]:
    """The published models document; :class:`NotFoundError` when the build has none."""

    def load() -> dict[str, Any]:
        if not zoek_queries.has_models(cursor):
            return {}
        text = zoek_queries.models_document(cursor)
        return dict(json.loads(text)) if text is not None else {}

    found: dict[str, Any] = snapshot.cached(("models-document",), load)
    if not found:
        raise NotFoundError(
            "this build holds no risk models: run `buurtzicht secure models`, "
            "`secure publish` and `secure load` (make run does)"
        )
    return found


def models(snapshot: Snapshot, cursor: duckdb.DuckDBPyConnection) -> ModelsOut:
    doc = document(snapshot, cursor)
    return ModelsOut(
        synthetic=bool(doc.get("synthetic", True)),
        source=str(doc.get("source", "")),
        thresholds={k: int(v) for k, v in doc.get("thresholds", {}).items()},
        models=doc["models"],
        validation=doc["validation"],
    )


def theme_card(doc: dict[str, Any], theme: str) -> dict[str, Any]:
    """The model card of a theme, with the search order's assumed registration share."""
    model = doc["models"]["zoekgebieden"]
    for card in model["themes"]:
        if card["theme"] == theme:
            return {**card, "registration_share": model["search_order"]["registration_share"]}
    raise NotFoundError(f"no zoekgebieden model for theme {theme!r}", parameter="theme")


def _parent(cursor: duckdb.DuckDBPyConnection, parent: str | None) -> RegionRef | None:
    if not parent:
        return None
    record = region_record(cursor, normalise_code(parent))  # UnknownRegionError -> 404
    return RegionRef(code=record["code"], level=record["level"], name=record["name"])


def zoekgebieden(
    snapshot: Snapshot,
    cursor: duckdb.DuckDBPyConnection,
    *,
    theme: str,
    level: str,
    period: str | None,
    lang: str,
    parent: str | None = None,
) -> ZoekgebiedenOut:
    """Risk class, counts and explanation of every area of ``level`` with a published class."""
    doc = document(snapshot, cursor)
    card = theme_card(doc, theme)
    available = zoek_queries.periods(cursor, theme, level)
    chosen = choose_period(
        parse_period(period) if period else None, available, what=f"zoekgebieden {theme} {level}"
    )
    ref = _parent(cursor, parent)
    names = {c["feature"]: c[lang] for c in card["coefficients"]}
    records = zoek_queries.area_risks(
        cursor, theme=theme, period=chosen, level=level, parent=ref.code if ref else None
    )
    rows = [_row(record, names, card, lang) for record in records]
    counts = {k: sum(r.klasse == k for r in rows) for k in CLASSES}
    low, high = zoek_queries.level_bounds(cursor, theme, chosen, level)
    texts = class_descriptions(lang, low, high)
    lower = {"hoog": high, "gemiddeld": low, "laag": None}
    classes = [
        ZoekklasseOut(klasse=k, label=LABELS[lang][k], colour=COLOURS[k], count=counts[k],
                      description=texts[k], vanaf=lower[k])
        for k in CLASSES
    ]  # fmt: skip
    return ZoekgebiedenOut(
        theme=theme,
        title=str(card[lang]),
        unit=unit_word(card, lang),
        level=level,
        period=chosen,
        periods=available,
        parent=ref,
        classes=classes,
        rows=rows,
        synthetic=bool(doc.get("synthetic", True)),
        period_years=int(card.get("observed_years", 1)),
    )


def _row(
    record: zoek_queries.AreaRisk, names: dict[str, str], card: dict[str, Any], lang: str
) -> ZoekgebiedRow:
    code, name, expected, observed, niveau, gemist, klasse, factoren = record
    features = json.loads(factoren) if factoren else []
    factors = [FactorOut(feature=f, label=names.get(f, f)) for f in features]
    figures = Figures(float(expected), float(observed), float(niveau), float(gemist))
    return ZoekgebiedRow(
        code=str(code),
        name=name,
        expected=figures.expected,
        observed=figures.observed,
        niveau=figures.niveau,
        gemist=figures.gemist,
        klasse=str(klasse),
        label=LABELS[lang][str(klasse)],
        colour=COLOURS[str(klasse)],
        factoren=factors,
        explanation=explanation(figures, factors, card, lang),
    )


@dataclass(frozen=True)
class Figures:
    """An area's published counts and what follows from them."""

    expected: float
    observed: float
    niveau: float  # the gemeente's registered / expected cases
    gemist: float  # expected missed cases: the search score


def explanation(figures: Figures, factors: list[FactorOut], card: dict[str, Any], lang: str) -> str:
    """The area's figures, its search score and its factors in a few sentences.

    >>> card = {"unit": "kwekerijen", "registration_share": 0.5,
    ...         "units": {"nl": ["kwekerij", "kwekerijen"], "en": ["plantation", "plantations"]}}
    >>> explanation(Figures(12, 5, 0.8, 14.4), [FactorOut(feature="x", label="veel x")],
    ...             card, "nl")  # doctest: +NORMALIZE_WHITESPACE
    'Verwacht 12 kwekerijen, geregistreerd 5. Verwacht gemist: 14 (de gemeente registreert
     0,8 × verwacht; aangenomen landelijke registratiegraad 50%). Verwacht hoger door: veel x.'
    >>> explanation(Figures(3, 5, 2.5, 0), [], card, "en")  # doctest: +NORMALIZE_WHITESPACE
    'Expected 3 plantations, registered 5. Expected missed: 0 (the gemeente registers 2.5 ×
     expected; assumed national registration share 50%). No factor raises the expected
     number clearly.'
    """
    unit = unit_word(card, lang, figures.expected)
    share = f"{100 * float(card['registration_share']):.0f}%"
    if lang == "en":
        head = (
            f"Expected {figures.expected:,.0f} {unit}, registered {figures.observed:,.0f}. "
            f"Expected missed: {figures.gemist:,.0f} (the gemeente registers "
            f"{figures.niveau:.1f} × expected; assumed national registration share {share})."
        )
        tail = (
            f" Expected higher because of: {', '.join(f.label for f in factors)}."
            if factors
            else " No factor raises the expected number clearly."
        )
        return head + tail
    e, o, g = (_fmt(v, lang, 0) for v in (figures.expected, figures.observed, figures.gemist))
    head = (
        f"Verwacht {e} {unit}, geregistreerd {o}. Verwacht gemist: {g} (de gemeente "
        f"registreert {_fmt(figures.niveau, lang)} × verwacht; aangenomen landelijke "
        f"registratiegraad {share})."
    )
    tail = (
        f" Verwacht hoger door: {', '.join(f.label for f in factors)}."
        if factors
        else " Geen kenmerk verhoogt het verwachte aantal duidelijk."
    )
    return head + tail


def region_risks(
    snapshot: Snapshot, cursor: duckdb.DuckDBPyConnection, code: str, lang: str
) -> list[RegionRiskOut]:
    """Per theme the latest published risk class of ``code`` with its explanation; empty
    for a build without models or a region without a published class."""
    if not zoek_queries.has_models(cursor):
        return []
    doc = document(snapshot, cursor)
    by_theme = zoek_queries.latest_region_risks(cursor, code)
    out = []
    for theme in THEMES:
        if theme not in by_theme:
            continue
        period, record = by_theme[theme]
        card = theme_card(doc, theme)
        names = {c["feature"]: c[lang] for c in card["coefficients"]}
        out.append(
            RegionRiskOut(
                theme=theme, title=str(card[lang]), period=period,
                row=_row(record, names, card, lang),
                period_years=int(card.get("observed_years", 1)),
            )
        )  # fmt: skip
    return out
