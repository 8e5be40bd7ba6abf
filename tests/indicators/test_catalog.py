"""The catalog: >= 40 documented indicators in >= 5 themes, file:line errors, schema."""

from __future__ import annotations

import json
import os
import re
from pathlib import Path

import duckdb
import pytest
import yaml

from buurtzicht.config import Settings
from buurtzicht.indicators.formula import Uncertainty
from buurtzicht.indicators.loader import CATALOG_DIR, default_catalog, load_catalog
from buurtzicht.indicators.rules import MIN_METHODOLOGY_CHARS
from buurtzicht.indicators.schema import SCHEMA_PATH, schema_text, write_schema
from buurtzicht.indicators.theme_file import CatalogError
from buurtzicht.warehouse.current import current_path


def test_catalog_size_and_themes() -> None:
    catalog = default_catalog()
    themes = {t.theme.theme for t in catalog.themes}
    assert len(catalog) >= 40
    assert len(themes) >= 5
    assert {
        "veiligheid",
        "wonen",
        "sociaal_economisch",
        "bevolking",
        "bedrijvigheid",
        "leefbaarheid",
    } <= themes


def test_every_indicator_is_documented() -> None:
    catalog = default_catalog()
    for ind in catalog:
        for text in (ind.methodology.nl, ind.methodology.en):
            assert len(text) >= MIN_METHODOLOGY_CHARS, ind.id
        assert ind.title.nl and ind.title.en and ind.description.nl and ind.description.en
        assert ind.sources and all(s.table and s.licence for s in ind.sources), ind.id
        # Open figures are CBS's own; secure ones name the rule set of their numerator.
        rules = {
            catalog.measures[m].disclosure_rule
            for m in ind.formula.numerator
            if m in catalog.measures
        }
        expected = rules.pop() if len(rules) == 1 else None
        assert ind.disclosure_rule == (
            expected or ("amounts" if ind.unit.en == "euro" else "default")
        ), ind.id


def test_composites_refer_to_their_theme() -> None:
    catalog = default_catalog()
    for comp in catalog.composites:
        themes = {catalog.theme_of(c.indicator).theme for c in comp.components}
        assert len(themes) == 1, comp.id


def _copy_catalog(tmp_path: Path) -> Path:
    for f in CATALOG_DIR.glob("*.yaml"):
        (tmp_path / f.name).write_text(f.read_text(encoding="utf-8"), encoding="utf-8")
    return tmp_path


def _line_of(path: Path, needle: str) -> int:
    return next(n for n, line in enumerate(path.read_text().splitlines(), 1) if needle in line)


def test_unknown_key_names_file_and_line(tmp_path: Path) -> None:
    folder = _copy_catalog(tmp_path)
    path = folder / "wonen.yaml"
    old = "  direction: neutral\n"
    path.write_text(path.read_text().replace(old, old + "  richting: x\n", 1))
    pattern = r"wonen\.yaml, line (\d+): .*richting.*Extra inputs"
    with pytest.raises(CatalogError, match=pattern) as exc:
        load_catalog(folder.glob("*.yaml"))
    assert exc.value.line == _line_of(path, "richting: x")


def test_bad_enum_value_names_the_line(tmp_path: Path) -> None:
    folder = _copy_catalog(tmp_path)
    path = folder / "bevolking.yaml"
    path.write_text(path.read_text().replace("direction: neutral", "direction: sideways", 1))
    with pytest.raises(CatalogError, match=r"bevolking\.yaml, line \d+: indicators\.0\.direction"):
        load_catalog(folder.glob("*.yaml"))


def test_duplicate_id_is_an_error(tmp_path: Path) -> None:
    folder = _copy_catalog(tmp_path)
    path = folder / "wonen.yaml"
    path.write_text(path.read_text().replace("id: koopwoningen_pct", "id: woz_gemiddeld", 1))
    with pytest.raises(CatalogError, match="'woz_gemiddeld' is used twice"):
        load_catalog(folder.glob("*.yaml"))


def test_one_default_below_the_gemeente(tmp_path: Path) -> None:
    defaults = [i.id for i in default_catalog() if i.default_below_gemeente]
    assert defaults == ["bedrijven_witwasgevoelig_pct"]
    folder = _copy_catalog(tmp_path)
    path = folder / "bedrijven.yaml"
    text = path.read_text()
    second = "  decimals: 1\n- id: bedrijven_adressen_verloop"
    assert second in text
    path.write_text(
        text.replace(second, "  decimals: 1\n  default_below_gemeente: true\n" + second[14:])
    )
    line = _line_of(path, "- id: bedrijven_adressen_verloop") - 1
    with pytest.raises(CatalogError, match=rf"bedrijven\.yaml, line {line}: .*already said by"):
        load_catalog(folder.glob("*.yaml"))


def test_short_methodology_is_an_error(tmp_path: Path) -> None:
    path = tmp_path / "wonen.yaml"
    data = yaml.safe_load((CATALOG_DIR / "wonen.yaml").read_text())
    data["indicators"][0]["methodology"]["en"] = "Mean WOZ."
    path.write_text(yaml.safe_dump(data, sort_keys=False))
    with pytest.raises(CatalogError, match=r"line \d+: methodology\.en has 9 characters"):
        load_catalog([path])


def test_invalid_yaml_names_the_line(tmp_path: Path) -> None:
    path = tmp_path / "wonen.yaml"
    path.write_text("theme: wonen\ntitle: {nl: a\n")
    with pytest.raises(CatalogError, match=r"wonen\.yaml, line \d+: not valid YAML"):
        load_catalog([path])


def test_poisson_requires_counts(tmp_path: Path) -> None:
    path = tmp_path / "wonen.yaml"
    data = yaml.safe_load((CATALOG_DIR / "wonen.yaml").read_text())
    data["indicators"][1]["uncertainty"] = "poisson"  # koopwoningen_pct is a percentage
    path.write_text(yaml.safe_dump(data, sort_keys=False))
    with pytest.raises(CatalogError, match="uncertainty poisson needs a numerator"):
        load_catalog([path])


def test_schema_snapshot_is_current() -> None:
    if os.environ.get("BUURTZICHT_REGENERATE"):
        write_schema()
    assert SCHEMA_PATH.read_text(encoding="utf-8") == schema_text(), (
        "catalog.schema.json is stale: run `buurtzicht indicators schema --write`"
    )
    schema = json.loads(SCHEMA_PATH.read_text())
    assert schema["$defs"]["Indicator"]["additionalProperties"] is False


#: Indicators whose inputs the offline mirror does not carry (fetched online). Drug and
#: arms trafficking are there, but as a national series only.
ONLINE_ONLY = {
    "inkomen_per_ontvanger": "KWB 2024 has no incomes yet; the PDOK attributes lack the count",
}


def test_every_indicator_reads_measures_the_build_has(mirror_build: Settings) -> None:
    """Each open indicator has a formula whose measures all exist in the real build.

    Secure (synthetic) indicators read the published release, which a mirror build
    only holds after `buurtzicht secure publish`; tests/secure checks them end to end.
    """
    with duckdb.connect(str(current_path(mirror_build)), read_only=True) as conn:
        known = {r[0] for r in conn.execute("SELECT measure FROM measures").fetchall()}
    missing = {
        ind.id
        for ind in default_catalog()
        if not ind.synthetic and not any(set(f.measures) <= known for f in ind.formulas)
    }
    assert missing == set(ONLINE_ONLY)


def test_margins_only_on_survey_indicators() -> None:
    for ind in default_catalog():
        if ind.uncertainty is Uncertainty.MARGINS:
            assert ind.formula.numerator[0].startswith("vm.")


def test_generated_indicator_docs_are_current() -> None:
    from buurtzicht.indicators.docs import DOCS_DIR, render, write_docs

    if os.environ.get("BUURTZICHT_REGENERATE"):
        write_docs(default_catalog())
    for name, text in render(default_catalog()).items():
        path = DOCS_DIR / name
        assert path.is_file() and path.read_text(encoding="utf-8") == text, (
            f"docs/indicators/{name} is stale: run `buurtzicht indicators docs --write`"
        )


def test_every_indicator_has_a_methods_section_in_the_docs() -> None:
    from buurtzicht.indicators.docs import DOCS_DIR

    text = "".join(p.read_text(encoding="utf-8") for p in DOCS_DIR.glob("*.md"))
    for ind in default_catalog():
        assert f"(`{ind.id}`)" in text, ind.id


def _bilingual_texts(node: object, where: str) -> list[tuple[str, str, str]]:
    """Every ``{nl: ..., en: ...}`` pair of a parsed catalog file, with where it sits."""
    found: list[tuple[str, str, str]] = []
    if isinstance(node, dict):
        if isinstance(node.get("nl"), str) and isinstance(node.get("en"), str):
            found.append((where, node["nl"], node["en"]))
        for key, value in node.items():
            found += _bilingual_texts(value, f"{where}.{key}")
    elif isinstance(node, list):
        for n, value in enumerate(node):
            label = value.get("id", n) if isinstance(value, dict) else n
            found += _bilingual_texts(value, f"{where}[{label}]")
    return found


def _numbers(text: str, thousands: str) -> list[str]:
    """The numbers a text states, thousands separators taken out (codes like 1.4.4 kept).

    >>> _numbers("per 1.000 (politiecode 1.4.4), CBS: 'per 1 000'", ". ")
    ['1000', '1.4.4', '1000']
    """
    plain = re.sub(rf"(?<=\d)[{re.escape(thousands)}](?=\d{{3}}\b)", "", text)
    return re.findall(r"\d+(?:[.,]\d+)*", plain)


def test_dutch_and_english_texts_state_the_same_numbers() -> None:
    """Four English descriptions were cut off at the thousands comma ('Dismantled cannabis
    plantations per 10', 'FIU reports per 1'): every text pair of the catalog states the
    same numbers in both languages."""
    pairs = [
        pair
        for path in sorted(CATALOG_DIR.glob("*.yaml"))
        for pair in _bilingual_texts(yaml.safe_load(path.read_text("utf-8")), path.stem)
    ]
    assert len(pairs) > 500
    differ = [
        (where, nl, en) for where, nl, en in pairs if _numbers(nl, ". ") != _numbers(en, ", ")
    ]
    assert not differ, differ
