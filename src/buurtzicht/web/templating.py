"""The Jinja2 environment: templates, filters and the texts of the page's language."""

from __future__ import annotations

import json
from pathlib import Path

from fastapi.templating import Jinja2Templates
from markupsafe import Markup
from pydantic_core import to_jsonable_python

from buurtzicht.api.schemas.card import format_number, period_label
from buurtzicht.web import vendor
from buurtzicht.web.source_names import source_name
from buurtzicht.web.sparkline import sparkline

TEMPLATES = Jinja2Templates(directory=str(Path(__file__).with_name("templates")))
TEMPLATES.env.filters["number"] = lambda value, decimals=0, lang="nl": (
    "." if value is None else format_number(float(value), int(decimals), lang)
)
TEMPLATES.env.globals["vendor"] = vendor.assets
#: ``{{ v.period|period_label(v.indicator, lang) }}``: "2024", or "2023-2024, twee jaar
#: samen" for an indicator whose figures cover two years.
TEMPLATES.env.filters["period_label"] = lambda period, indicator, lang="nl": period_label(
    str(period or ""), int(getattr(indicator, "period_years", 1) or 1), lang
)
#: Where a member's *eigen gegevens* block goes in a page that is rendered once for every
#: visitor (:mod:`buurtzicht.web.own_figures` puts the block in per request); in the page
#: as sent to anyone else it is an empty HTML comment.
OWN_FIGURES_SLOT = "<!--own-figures-->"
TEMPLATES.env.globals["own_figures_slot"] = Markup(OWN_FIGURES_SLOT)
TEMPLATES.env.trim_blocks = True
TEMPLATES.env.lstrip_blocks = True


def _tojson_model(value: object) -> Markup:
    """Like Jinja's ``tojson``, for pydantic models too (safe inside <script>)."""
    text = json.dumps(to_jsonable_python(value), ensure_ascii=False)
    for char, escaped in (("<", "\\u003c"), (">", "\\u003e"), ("&", "\\u0026"), ("'", "\\u0027")):
        text = text.replace(char, escaped)
    return Markup(text)


TEMPLATES.env.filters["tojson_model"] = _tojson_model
TEMPLATES.env.filters["sparkline"] = sparkline
TEMPLATES.env.filters["source_name"] = source_name
