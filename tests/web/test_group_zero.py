"""A group value of 0 (peers, similar areas) says that none of its members with a figure
has a case: on the scale-1.0 buurt build the five similar buurten of Afrikaanderwijk all
had a published 0 ontmantelde hennepkwekerijen, and '0,0' alone read as a firm figure."""

from __future__ import annotations

from buurtzicht.api.schemas.card import Figure
from buurtzicht.web.i18n import translator
from buurtzicht.web.templating import TEMPLATES


def _note(value: float, n: int | None, lang: str = "nl") -> str:
    macro = TEMPLATES.env.get_template("_figure.html").module.group_zero  # type: ignore[attr-defined]
    figure = Figure(value=value, status="ok", display=str(value))
    t = translator(lang)
    html = str(macro(figure, n, t["similar"], t, lang)).strip()
    return html.removeprefix('<p class="group-zero">').removesuffix("</p>")


def test_a_pooled_zero_says_how_many_areas_have_none() -> None:
    assert _note(0.0, 4) == (
        "Vergelijkbare gebieden: 0, want in geen van de 4 gebieden met een cijfer komt het "
        "voor. Een dunne vergelijking."
    )
    assert _note(0.0, 1234, "en") == (
        "Similar areas: 0, as none of the 1,234 areas with a figure has a case. A thin comparison."
    )


def test_no_note_beside_a_group_value_above_zero() -> None:
    assert _note(0.4, 5) == ""
    assert _note(0.0, None) == ""
