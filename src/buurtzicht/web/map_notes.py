"""What a map page says about itself: what it changed to show figures, and where its
boundaries come from ("grenzen 2019")."""

from __future__ import annotations

import duckdb

from buurtzicht.api.schemas.card import format_number
from buurtzicht.api.schemas.figures import ValuesOut
from buurtzicht.api.services.catalog import Catalog
from buurtzicht.api.services.map_choice import MapChoice
from buurtzicht.queries import regions as region_queries
from buurtzicht.web.i18n import translator


def _year(period: str | None) -> str:
    if not period:
        return ""
    return period[:4] if period.endswith("JJ00") else period


def _name(cursor: duckdb.DuckDBPyConnection, code: str) -> str:
    return f"{region_queries.region(cursor, code)['name']} ({code})"


def map_notices(
    choice: MapChoice,
    level: str,
    values: ValuesOut | None,
    known: Catalog,
    lang: str,
    cursor: duckdb.DuckDBPyConnection,
) -> list[str]:
    """One sentence per change :func:`~buurtzicht.api.services.map_choice.choose` made."""
    t = translator(lang)
    notices = []
    if choice.parent_changed:
        if choice.parent is None:
            notices.append(t["parent_national"])
        else:
            notices.append(
                t["parent_moved"].format(
                    asked=_name(cursor, choice.parent_changed), shown=_name(cursor, choice.parent)
                )
            )
    within = t["within_region"].format(name=_name(cursor, choice.parent)) if choice.parent else ""
    fields = {"level": t[f"level_{level}"], "within": within}
    asked = known.get(choice.asked_indicator)
    if choice.changed == "period":
        notices.append(
            t["fallback_period"].format(
                asked=asked.title(lang),
                asked_year=_year(choice.asked_period),
                year=_year(values.period if values else choice.period),
                **fields,
            )
        )
    elif choice.changed == "indicator":
        shown = known.get(choice.indicator)
        notices.append(
            t["fallback_indicator"].format(
                asked=asked.title(lang),
                shown=shown.title(lang),
                theme=t["same_theme"] if shown.theme == asked.theme else t["other_theme"],
                year=_year(values.period if values else choice.period),
                **fields,
            )
        )
    elif choice.changed == "nothing":
        notices.append(t["fallback_nothing"].format(**fields))
    if choice.changed in ("indicator", "nothing") and asked.is_composite and level != "gemeente":
        notices.append(t["composite_gemeente_only"])
    return notices


def boundary_notes(values: ValuesOut | None, lang: str) -> list[str]:
    """ "n buurten: grenzen 2019 (CBS) ...", one line per layer and per missing reason,
    for maps whose regions do not all have a boundary of the year itself."""
    if values is None or not values.boundaries:
        return []
    if all(b.boundary == "pdok" for b in values.boundaries):
        return []
    t = translator(lang)
    notes = []
    for count in values.boundaries:
        key = f"boundary_{count.boundary}" if count.boundary else f"no_boundary_{count.no_boundary}"
        notes.append(f"{count.regions:,}".replace(",", ".") + f": {t.get(key, key)}")
    return notes


#: From this share of suppressed regions on, a map says why (rare events).
MOSTLY_SUPPRESSED = 0.5


def suppression_note(values: ValuesOut | None, lang: str) -> list[str]:
    """Why most regions of a map have no figure, when disclosure control suppressed them."""
    if values is None:
        return []
    published = [r for r in values.rows if r.figure.status != "missing"]
    suppressed = sum(r.figure.status == "suppressed" for r in published)
    if not published or suppressed / len(published) < MOSTLY_SUPPRESSED:
        return []
    t = translator(lang)
    pct = format_number(100 * suppressed / len(published), 0, lang)
    plural = t[f"level_plural_{values.level}"]
    notes = [t["rare_note"].format(pct=pct, level_plural=plural)]
    shown = [r.figure.value for r in published if r.figure.value is not None]
    if shown and not any(shown):
        # Exact zeros are published and small counts are not: a map of only zeros shows
        # where nothing happened, and the areas where it does are all among the ".".
        notes.append(
            t["rare_note_zeros"].format(n=format_number(len(shown), 0, lang), level_plural=plural)
        )
    return notes
