"""Kansrijke zoekgebieden and the model cards, as the build holds them.

The build's ``secure_zoekgebieden`` table has a row only where the expected and the
observed count of a theme both passed disclosure control; the risk class was derived
from those published figures and the explanation (factor names) was kept only for such
rows (:mod:`buurtzicht.secure.published_models`). ``secure_models`` holds the model
cards and validation tables. Nothing here reads anything else of the secure side.
"""

from __future__ import annotations

import json
from typing import Any

import duckdb

from buurtzicht.api.problems import NotFoundError
from buurtzicht.api.queries.regions import region as region_record
from buurtzicht.api.schemas import (
    FactorOut,
    ModelsOut,
    RegionRef,
    RegionRiskOut,
    ZoekgebiedenOut,
    ZoekgebiedRow,
    ZoekklasseOut,
)
from buurtzicht.api.services.periods import choose_period, parse_period
from buurtzicht.api.warehouse import Snapshot
from buurtzicht.regions.codes import normalise_code
from buurtzicht.warehouse.store import CURRENT_INDELING, has_table

THEMES = ("hennep", "doorsluiswoningen", "onverklaarbaar_bezit", "witwas")
CLASSES = ("hoog", "gemiddeld", "laag")
#: ColorBrewer OrRd: the darker, the more cases likely missed.
COLOURS = {"hoog": "#d7301f", "gemiddeld": "#fc8d59", "laag": "#fdd49e"}
LABELS = {
    "nl": {"hoog": "hoog", "gemiddeld": "gemiddeld", "laag": "laag"},
    "en": {"hoog": "high", "gemiddeld": "medium", "laag": "low"},
}
DESCRIPTIONS = {
    "nl": {
        "hoog": "geregistreerd onwaarschijnlijk laag voor het verwachte aantal (Poisson, "
        "p < 0,10) en minstens één geval verschil",
        "gemiddeld": "geregistreerd onder verwacht, maar niet duidelijk",
        "laag": "geregistreerd minstens zo hoog als verwacht",
    },
    "en": {
        "hoog": "registered improbably low for the expected number (Poisson, p < 0.10) and "
        "at least one case apart",
        "gemiddeld": "registered below expected, but not clearly",
        "laag": "registered at least as high as expected",
    },
}


def has_models(cursor: duckdb.DuckDBPyConnection) -> bool:
    return has_table(cursor, "secure_models", "secure_zoekgebieden")


def document(snapshot: Snapshot, cursor: duckdb.DuckDBPyConnection) -> dict[str, Any]:
    """The published models document; :class:`NotFoundError` when the build has none."""

    def load() -> dict[str, Any]:
        if not has_models(cursor):
            return {}
        row = cursor.execute("SELECT document FROM secure_models LIMIT 1").fetchone()
        return dict(json.loads(row[0])) if row else {}

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
    for card in doc["models"]["zoekgebieden"]["themes"]:
        if card["theme"] == theme:
            return dict(card)
    raise NotFoundError(f"no zoekgebieden model for theme {theme!r}", parameter="theme")


def periods(cursor: duckdb.DuckDBPyConnection, theme: str, level: str) -> list[str]:
    rows = cursor.execute(
        "SELECT DISTINCT z.period FROM secure_zoekgebieden z "
        "JOIN regions r ON r.code = z.region AND r.indeling = $indeling "
        "WHERE z.theme = $theme AND r.level = $level ORDER BY 1",
        {"theme": theme, "level": level, "indeling": CURRENT_INDELING},
    ).fetchall()
    return [str(p) for (p,) in rows]


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
    available = periods(cursor, theme, level)
    chosen = choose_period(
        parse_period(period) if period else None, available, what=f"zoekgebieden {theme} {level}"
    )
    ref = _parent(cursor, parent)
    names = {c["feature"]: c[lang] for c in card["coefficients"]}
    records = cursor.execute(
        """
        SELECT z.region, r.name, z.expected, z.observed, z.klasse, z.factoren
        FROM secure_zoekgebieden z
        JOIN regions r ON r.code = z.region AND r.indeling = $indeling
        WHERE z.theme = $theme AND z.period = $period AND r.level = $level
          AND r.special IS NULL
          AND ($parent IS NULL OR r.gemeente = $parent OR r.wijk = $parent)
        ORDER BY z.region
        """,
        {"theme": theme, "period": chosen, "level": level, "indeling": CURRENT_INDELING,
         "parent": ref.code if ref else None},
    ).fetchall()  # fmt: skip
    rows = [_row(record, names, card, lang) for record in records]
    counts = {k: sum(r.klasse == k for r in rows) for k in CLASSES}
    classes = [
        ZoekklasseOut(klasse=k, label=LABELS[lang][k], colour=COLOURS[k], count=counts[k],
                      description=DESCRIPTIONS[lang][k])
        for k in CLASSES
    ]  # fmt: skip
    return ZoekgebiedenOut(
        theme=theme,
        title=str(card[lang]),
        unit=str(card["unit"]),
        level=level,
        period=chosen,
        periods=available,
        parent=ref,
        classes=classes,
        rows=rows,
        synthetic=bool(doc.get("synthetic", True)),
    )


def _row(
    record: tuple[Any, ...], names: dict[str, str], card: dict[str, Any], lang: str
) -> ZoekgebiedRow:
    code, name, expected, observed, klasse, factoren = record
    features = json.loads(factoren) if factoren else []
    factors = [FactorOut(feature=f, label=names.get(f, f)) for f in features]
    return ZoekgebiedRow(
        code=str(code),
        name=name,
        expected=float(expected),
        observed=float(observed),
        klasse=str(klasse),
        label=LABELS[lang][str(klasse)],
        colour=COLOURS[str(klasse)],
        factoren=factors,
        explanation=explanation(float(expected), float(observed), factors, card, lang),
    )


def explanation(
    expected: float, observed: float, factors: list[FactorOut], card: dict[str, Any], lang: str
) -> str:
    """The area's figures and its factors in one sentence.

    >>> card = {"unit": "kwekerijen"}
    >>> explanation(12, 5, [FactorOut(feature="x", label="veel x")], card, "nl")
    'Verwacht 12 kwekerijen, geregistreerd 5. Verwacht hoger door: veel x.'
    >>> explanation(3, 5, [], card, "en")
    'Expected 3 kwekerijen, registered 5. No factor raises the expected number clearly.'
    """
    unit = card["unit"]
    if lang == "en":
        head = f"Expected {expected:,.0f} {unit}, registered {observed:,.0f}."
        tail = (
            f" Expected higher because of: {', '.join(f.label for f in factors)}."
            if factors
            else " No factor raises the expected number clearly."
        )
        return head + tail
    e, o = (f"{v:,.0f}".replace(",", ".") for v in (expected, observed))
    head = f"Verwacht {e} {unit}, geregistreerd {o}."
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
    if not has_models(cursor):
        return []
    doc = document(snapshot, cursor)
    records = cursor.execute(
        """
        SELECT z.theme, z.period, z.region, r.name, z.expected, z.observed, z.klasse, z.factoren
        FROM secure_zoekgebieden z
        JOIN regions r ON r.code = z.region AND r.indeling = $indeling
        WHERE z.region = $code
        QUALIFY row_number() OVER (PARTITION BY z.theme ORDER BY z.period DESC) = 1
        """,
        {"code": code, "indeling": CURRENT_INDELING},
    ).fetchall()
    by_theme = {str(r[0]): r for r in records}
    out = []
    for theme in THEMES:
        if theme not in by_theme:
            continue
        record = by_theme[theme]
        card = theme_card(doc, theme)
        names = {c["feature"]: c[lang] for c in card["coefficients"]}
        out.append(
            RegionRiskOut(
                theme=theme, title=str(card[lang]), period=str(record[1]),
                row=_row(record[2:], names, card, lang),
            )
        )  # fmt: skip
    return out
