"""Methodology pages generated from the catalog (``docs/indicators/*.md``).

The catalog is the single source: these pages are regenerated with
``buurtzicht indicators docs --write`` (or the test run with ``BUURTZICHT_REGENERATE=1``)
and a test fails when the committed pages are stale.
"""

from __future__ import annotations

from pathlib import Path

from buurtzicht.config import PROJECT_ROOT
from buurtzicht.indicators.formula import PublishedAs
from buurtzicht.indicators.model import Composite, Indicator
from buurtzicht.indicators.themes import Catalog, MeasureDefinition
from buurtzicht.indicators.trace import render_trace

DOCS_DIR = PROJECT_ROOT / "docs" / "indicators"

_KIND = {
    PublishedAs.COUNT: "aantal",
    PublishedAs.PERCENTAGE: "gepubliceerd percentage (gewogen met de noemer)",
    PublishedAs.MEAN: "gepubliceerd gemiddelde (gewogen met de noemer)",
    PublishedAs.VALUE: "gepubliceerd cijfer (niet op te tellen)",
}


def _formula(ind: Indicator) -> str:
    lines = []
    for n, f in enumerate(ind.formulas):
        text = f"{f.scale:g} x som({' + '.join(f'`{m}`' for m in f.numerator)})"
        if f.denominator:
            text += f" / som({' + '.join(f'`{m}`' for m in f.denominator)})"
        if f.denominator_alternatives:
            text += " (noemer anders: " + ", ".join(f"`{m}`" for m in f.denominator_alternatives)
            text += ")"
        label = "Formule" if n == 0 else f"Alternatief {n}"
        lines.append(f"- {label}: {text}; teller is {_KIND[f.published_as]}")
    return "\n".join(lines)


def indicator_section(ind: Indicator) -> str:
    """Markdown section of one indicator."""
    sources = "; ".join(f"{s.publisher}, {s.table} *{s.title}* ({s.licence})" for s in ind.sources)
    periods = ", ".join(str(y) for y in ind.periods.as_list())
    flags = " **Synthetisch** (cijfers uit de synthetische populatie)." if ind.synthetic else ""
    return f"""## {ind.title.nl} (`{ind.id}`)

*{ind.title.en}.* {ind.description.nl}{flags}

- Eenheid: {ind.unit.nl}; richting: `{ind.direction.value}`; betrouwbaarheid: \
`{ind.uncertainty.value}`; onthullingsregel: `{ind.disclosure_rule}`
- Niveaus: {", ".join(lv.value for lv in ind.levels)}; jaren: {periods}
{_formula(ind)}
- Bronnen: {sources}

{ind.methodology.nl}

*English.* {ind.methodology.en}
"""


def composite_section(comp: Composite) -> str:
    parts = ", ".join(f"`{c.indicator}` ({c.weight:g})" for c in comp.components)
    return f"""## {comp.title.nl} (`{comp.id}`)

{comp.description.nl}

- Onderdelen (gewicht): {parts}

{comp.methodology.nl}

*English.* {comp.methodology.en}
"""


def measures_section(measures: list[MeasureDefinition]) -> str:
    """The secure measures a theme publishes, with their disclosure rule sets."""
    rows = [
        f"| `{m.id}` | {m.title.nl} / {m.title.en} | {m.unit.nl} | `{m.disclosure_rule}` |"
        for m in measures
    ]
    return "\n".join(
        [
            "## Maten / Measures\n",
            "Beveiligde aggregaten die dit thema leest; ze worden alleen gepubliceerd na "
            "onthullingscontrole met hun regelset (zie [../disclosure.md](../disclosure.md)).\n",
            "| maat | titel | eenheid | onthullingsregel |",
            "|---|---|---|---|",
            *rows,
            "",
        ]
    )


def render(catalog: Catalog) -> dict[str, str]:
    """File name -> Markdown for every theme plus an index page."""
    pages: dict[str, str] = {}
    index = [
        "# Indicatoren / Indicators\n",
        "Generated from `src/buurtzicht/indicators/catalog/*.yaml` by "
        "`buurtzicht indicators docs --write`; do not edit by hand. Methods: "
        "[../methods.md](../methods.md). Where each indicator's entry, test case, producing "
        "code and map are: [trace.md](trace.md).\n",
        "| thema | indicatoren | samengestelde indexen |",
        "|---|---|---|",
    ]
    for loaded in catalog.themes:
        theme = loaded.theme
        body = [f"# {theme.title.nl} / {theme.title.en}\n", f"{theme.description.nl}\n"]
        body += [indicator_section(i) for i in theme.indicators]
        body += [composite_section(c) for c in theme.composites]
        if theme.measures:
            body.append(measures_section(theme.measures))
        pages[f"{theme.theme}.md"] = "\n".join(body)
        index.append(
            f"| [{theme.title.nl}]({theme.theme}.md) | {len(theme.indicators)} | "
            f"{len(theme.composites)} |"
        )
    pages["index.md"] = "\n".join(index) + "\n"
    pages["trace.md"] = render_trace(catalog)
    return pages


def write_docs(catalog: Catalog, folder: Path = DOCS_DIR) -> list[Path]:
    """Regenerate the pages; returns the files written."""
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for name, text in render(catalog).items():
        path = folder / name
        path.write_text(text, encoding="utf-8")
        written.append(path)
    return written
