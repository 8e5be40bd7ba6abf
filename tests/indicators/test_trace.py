"""docs/indicators/trace.md: every indicator traced to its entry, case and producing code."""

from __future__ import annotations

from pathlib import Path

from buurtzicht.config import PROJECT_ROOT
from buurtzicht.indicators.formula import family_of
from buurtzicht.indicators.loader import default_catalog
from buurtzicht.indicators.trace import producer, render_trace


def test_every_indicator_has_a_row_with_its_yaml_line_and_test_case() -> None:
    catalog = default_catalog()
    rows = [r for r in render_trace(catalog).splitlines() if r.startswith("| `")]
    assert len(rows) == len(catalog)
    indicators = [i for t in catalog.themes for i in t.theme.indicators]
    for row, indicator in zip(rows, indicators, strict=True):
        assert row.startswith(f"| `{indicator.id}` |")
        assert "tests/indicators/cases.yaml:" in row, f"{indicator.id} has no test case"
        assert f"/kaart?indicator={indicator.id}" in row


def test_the_yaml_line_is_the_indicator_entry() -> None:
    row = next(r for r in render_trace(default_catalog()).splitlines() if "`drugs_" in r[:12])
    target = row.split("[`")[1].split("`]")[0]
    path, line = target.rsplit(":", 1)
    text = (PROJECT_ROOT / path).read_text(encoding="utf-8").splitlines()[int(line) - 1]
    assert text.strip().lstrip("- ") == f"id: {row.split('`')[1]}"


def test_every_secure_measure_is_found_where_it_is_made() -> None:
    measures = {m for i in default_catalog() for m in i.measures if family_of(m) == "secure"}
    assert len(measures) >= 30
    for measure in measures:
        where = producer(measure)
        path, line = where.rsplit(":", 1)
        text = (PROJECT_ROOT / path).read_text(encoding="utf-8").splitlines()[int(line) - 1]
        assert measure in text, (measure, where)


def test_an_unknown_measure_is_reported_not_invented(tmp_path: Path) -> None:
    assert producer("secure.nergens.niet_gemaakt") == "(niet gevonden / not found)"
    assert producer("kwb.AantalInwoners") == "src/buurtzicht/sources/mirror/kwb.py"
