"""The risk models' outputs in the build and on the API and pages (issue 17, item 5).

On the small world published through the command line (conftest ``built``): the API's
expected and observed counts are the published cells, the search score and the class
follow from them and the gemeente's published cells by the rule of docs/models.md
(computed here by hand), a region whose class cannot be published (a suppressed cell) has no row
and no explanation, although the secure side explained it, and the model cards are
those of the secure run. (That published hoog areas hold more planted hidden cases than
laag ones is tested on the whole scale-0.01 world, tests/microdata/test_models.py: the
two gemeenten here publish too few areas.)
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator

import duckdb
import numpy as np
import pandas as pd
import pytest
from fastapi.testclient import TestClient

from buurtzicht.config import Settings
from buurtzicht.regions.codes import gemeente_of
from buurtzicht.secure.models.areas import THEMES, Theme
from buurtzicht.secure.published_models import model_tables, published_models_path
from buurtzicht.server import create_app
from buurtzicht.warehouse.layout import BuildLayout

LEVELS = ("gemeente", "wijk", "buurt")


@pytest.fixture(scope="module")
def api(built: Settings) -> Iterator[TestClient]:
    with TestClient(create_app(built)) as client:
        yield client


def _published(built: Settings) -> pd.DataFrame:
    frame = pd.read_parquet(built.home / "secure" / "published.parquet")
    return frame.assign(region=frame["region"].astype(str), period=frame["period"].astype(str))


def _cell(published: pd.DataFrame, measure: str) -> pd.DataFrame:
    part = published[published["measure"] == measure]
    return part.set_index(["region", "period"])[["value", "status"]]


def _expected(published: pd.DataFrame, theme: Theme, period: str) -> pd.DataFrame:
    """The expected count of the years the observed count covers (hennep: two years, the
    published two-year total against the sum of the two published yearly expectations)."""
    last = int(period[:4])
    years = [f"{y}JJ00" for y in range(last - theme.observed_years + 1, last + 1)]
    parts = [_cell(published, theme.expected_measure).xs(y, level="period") for y in years]
    value = pd.concat([p["value"] for p in parts], axis=1, join="inner").sum(axis=1)
    hidden = pd.concat([p["status"] == "suppressed" for p in parts], axis=1, join="inner")
    return pd.DataFrame(
        {"value": value, "status": hidden.any(axis=1).map({True: "suppressed", False: "ok"})}
    )


def _shown(published: pd.DataFrame, theme: Theme, period: str) -> pd.DataFrame:
    """Expected and observed of every area whose two cells, and its gemeente's, passed."""
    expected = _expected(published, theme, period)
    observed = _cell(published, theme.observed_measure).xs(period, level="period")
    both = expected.merge(observed, left_index=True, right_index=True, suffixes=("_e", "_o"))
    both = both[(both["status_e"] != "suppressed") & (both["status_o"] != "suppressed")]
    both = both[both.index.str[:2].isin(["GM", "WK", "BU"])]
    gemeente = both.reindex(both.index.map(gemeente_of))
    both = both.assign(e_g=gemeente["value_e"].to_numpy(), o_g=gemeente["value_o"].to_numpy())
    return both[both["e_g"].notna() & both["o_g"].notna()]


def _by_hand(areas: pd.DataFrame) -> pd.DataFrame:
    """The search score and the class of the areas of one level, by the documented rule:
    u = (O_g + 5) / (E_g + 5), missed = max(E (1 / 0.5 - u), 0), hoog from the 90th
    percentile, gemiddeld from the median (each at least 1 missed case)."""
    u = (areas["o_g"] + 5) / (areas["e_g"] + 5)
    missed = np.maximum(areas["value_e"] * (2.0 - u), 0.0)
    middle, high = (max(q, 1.0) for q in np.percentile(missed, [50, 90]))
    klasse = np.where(missed >= high, "hoog", np.where(missed >= middle, "gemiddeld", "laag"))
    return areas.assign(niveau=u, gemist=missed, klasse=klasse)


def test_api_values_are_the_published_cells(built: Settings, api: TestClient) -> None:
    published = _published(built)
    seen = 0
    for theme in THEMES:
        for level in LEVELS:
            response = api.get(f"/api/zoekgebieden/{theme.name}/{level}")
            if response.status_code == 404:
                continue
            assert response.status_code == 200, response.text
            body = response.json()
            shown = _shown(published, theme, body["period"])
            prefix = {"gemeente": "GM", "wijk": "WK", "buurt": "BU"}[level]
            hand = _by_hand(shown[shown.index.str.startswith(prefix)])
            # Every area of the level with its cells and its gemeente's published has a row.
            assert {r["code"] for r in body["rows"]} == set(hand.index)
            for row in body["rows"]:
                area = hand.loc[row["code"]]
                assert row["expected"] == area["value_e"]
                assert row["observed"] == area["value_o"]
                assert row["niveau"] == pytest.approx(area["niveau"], abs=1e-6)
                assert row["gemist"] == pytest.approx(area["gemist"], abs=1e-5)
                assert row["klasse"] == area["klasse"], row["code"]
                seen += 1
            hoog = next(c for c in body["classes"] if c["klasse"] == "hoog")
            assert hoog["count"] == (hand["klasse"] == "hoog").sum()
    assert seen > 0


def test_a_suppressed_risk_class_has_no_explanation(built: Settings, api: TestClient) -> None:
    """Where the secure side explained a region whose expected or observed cell disclosure
    control then suppressed, the explanation is not published, not loaded, not shown."""
    secure = json.loads((built.home / "secure" / "models" / "release.json").read_text())
    published = _published(built)
    hidden_rows = published[published["status"] == "suppressed"]
    hidden = set(
        zip(hidden_rows["measure"], hidden_rows["region"], hidden_rows["period"], strict=True)
    )
    by_name = {t.name: t for t in THEMES}
    suppressed = [
        e
        for e in secure["explanations"]
        if (by_name[e["theme"]].observed_measure, e["region"], e["period"]) in hidden
        or (by_name[e["theme"]].expected_measure, e["region"], e["period"]) in hidden
    ]
    copy = json.loads(published_models_path(built).read_text())
    copied = {(e["theme"], e["region"], e["period"]) for e in copy["explanations"]}
    with duckdb.connect(
        str(BuildLayout(built.warehouse_dir).current_database()), read_only=True
    ) as conn:
        loaded = set(
            conn.execute("SELECT theme, region, period FROM secure_zoekgebieden").fetchall()
        )
    for e in suppressed:
        key = (e["theme"], e["region"], e["period"])
        assert key not in copied and key not in loaded
        level = {"GM": "gemeente", "WK": "wijk", "BU": "buurt"}[e["region"][:2]]
        response = api.get(f"/api/zoekgebieden/{e['theme']}/{level}?period={e['period']}")
        if response.status_code == 200:
            assert e["region"] not in {r["code"] for r in response.json()["rows"]}
        page = api.get(f"/{level}/{e['region']}.json")
        if page.status_code == 200:
            assert e["theme"] not in {r["theme"] for r in page.json()["risks"]}
    # Every explanation that was copied belongs to a class that was published.
    assert copied <= loaded


def _suppress(published: pd.DataFrame, measure: str, region: str, period: str) -> pd.DataFrame:
    cell = (
        (published["measure"] == measure)
        & (published["region"] == region)
        & (published["period"] == period)
    )
    assert cell.sum() == 1
    return published.assign(
        value=published["value"].mask(cell), status=published["status"].mask(cell, "suppressed")
    )


def test_suppressing_a_cell_takes_the_explanation_away(built: Settings) -> None:
    """The release as disclosure control would have written it had it suppressed the
    observed cell of an explained area: that area has no class and no explanation; had
    it suppressed a gemeente's, none of the gemeente's areas has (their search score
    needs the gemeente's registration level)."""
    published = _published(built)
    path = published_models_path(built)
    sha = json.loads(path.read_text())["published_sha256"]
    tables = model_tables(published, sha, path)
    areas = tables["secure_zoekgebieden"]
    key = ["theme", "region", "period"]
    observed = {t.name: t.observed_measure for t in THEMES}
    explained = areas[areas["factoren"].notna() & areas["region"].str.startswith("WK")].iloc[0]
    hidden = _suppress(published, observed[explained["theme"]], *explained[key[1:]])
    after = model_tables(hidden, sha, path)["secure_zoekgebieden"]
    assert len(after) == len(areas) - 1
    assert not (after[key] == explained[key]).all(axis=1).any()

    gemeente = gemeente_of(explained["region"])
    hidden = _suppress(published, observed[explained["theme"]], gemeente, explained["period"])
    after = model_tables(hidden, sha, path)["secure_zoekgebieden"]
    same = (after["theme"] == explained["theme"]) & (after["period"] == explained["period"])
    assert not after[same]["region"].map(gemeente_of).eq(gemeente).any()
    assert model_tables(published, "0" * 64, path) == {}  # another release: nothing loaded


def test_explanations_name_the_secure_factors(built: Settings, api: TestClient) -> None:
    secure = json.loads((built.home / "secure" / "models" / "release.json").read_text())
    factors = {
        (e["theme"], e["region"], e["period"]): e["factoren"] for e in secure["explanations"]
    }
    explained = 0
    for theme in THEMES:
        body = api.get(f"/api/zoekgebieden/{theme.name}/gemeente").json()
        for row in body.get("rows", []):
            key = (theme.name, row["code"], body["period"])
            assert [f["feature"] for f in row["factoren"]] == factors.get(key, [])
            explained += bool(row["factoren"])
            for f in row["factoren"]:
                assert f["label"] in row["explanation"]
    assert explained > 0


def test_models_endpoint_serves_the_model_cards(built: Settings, api: TestClient) -> None:
    secure = json.loads((built.home / "secure" / "models" / "release.json").read_text())
    body = api.get("/api/models").json()
    assert body["models"] == secure["models"]
    assert body["validation"] == secure["validation"]
    assert body["synthetic"] is True and body["thresholds"] == secure["thresholds"]
    assert "explanations" not in body


def test_the_page_and_the_profile_show_classes_and_explanations(
    built: Settings, api: TestClient
) -> None:
    body = api.get("/api/zoekgebieden/hennep/gemeente").json()
    row = next(r for r in body["rows"])
    page = api.get("/zoekgebieden?thema=hennep&niveau=gemeente")
    assert page.status_code == 200
    assert f'data-code="{row["code"]}"' in page.text and row["colour"] in page.text
    assert "Modelkaart" in page.text and "willekeurig" in page.text
    profile = api.get(f"/gemeente/{row['code']}.json").json()
    risk = next(r for r in profile["risks"] if r["theme"] == "hennep")
    assert risk["row"] == row
    html = api.get(f"/gemeente/{row['code']}").text
    assert row["explanation"].split(".")[0] in html


def test_the_page_writes_numbers_as_its_language_does(api: TestClient) -> None:
    """Coefficients, AUC and found cases with a decimal comma in Dutch (the page showed
    '0.655' and '891.0' on a Dutch page), with a point in English."""
    cell = re.compile(r'<td class="num">(-?[0-9]+[.,][0-9]+)%?</td>')
    nl = cell.findall(api.get("/zoekgebieden?thema=hennep&niveau=gemeente&lang=nl").text)
    en = cell.findall(api.get("/zoekgebieden?thema=hennep&niveau=gemeente&lang=en").text)
    # Short decimals only: '1.234' could be a Dutch thousand.
    assert nl and all("," in c for c in nl if len(c.lstrip("-")) <= 5), nl
    assert en and all("." in c for c in en if len(c.lstrip("-")) <= 5), en


@pytest.mark.parametrize(
    ("lang", "words"),
    [("nl", ["kwekerijen", "woningen", "woningen"]),
     ("en", ["plantations", "dwellings", "dwellings"])],
)  # fmt: skip
def test_the_unit_is_the_model_cards_word_in_the_readers_language(
    api: TestClient, lang: str, words: list[str]
) -> None:
    """The model card carries each theme's unit per language (the API had a table keyed by
    the Dutch word); every explanation counts in the reader's words, singular for one.
    (The small world publishes no witwas figures per gemeente.)"""
    themes = ["hennep", "doorsluiswoningen", "onverklaarbaar_bezit"]
    answers = [api.get(f"/api/zoekgebieden/{t}/gemeente?lang={lang}").json() for t in themes]
    assert [a["unit"] for a in answers] == words
    body = api.get(f"/api/zoekgebieden/hennep/gemeente?lang={lang}").json()
    singular = "kwekerij," if lang == "nl" else "plantation,"
    for row in body["rows"]:
        one = round(row["expected"]) == 1
        assert (singular in row["explanation"]) == one, row["explanation"]
