"""The build stores the catalog its figures were computed with; the server shows that one."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import duckdb
from fastapi.testclient import TestClient

from buurtzicht.analysis.connection import figures_catalog
from buurtzicht.analysis.materialise import CATALOG_TABLE
from buurtzicht.config import Settings
from buurtzicht.indicators.loader import default_catalog
from buurtzicht.server import create_app
from buurtzicht.warehouse.layout import BuildLayout


def _database(settings: Settings) -> Path:
    return BuildLayout(settings.warehouse_dir).current_database()


def test_the_build_stores_the_catalog_it_was_computed_with(small_settings: Settings) -> None:
    with duckdb.connect(str(_database(small_settings)), read_only=True) as conn:
        rows = conn.execute(f"SELECT theme FROM {CATALOG_TABLE} ORDER BY position").fetchall()
        themes = [theme for (theme,) in rows]
        stored = figures_catalog(conn)
    packaged = default_catalog()
    assert themes == [t.theme.theme for t in packaged.themes]
    assert stored.from_build and not packaged.from_build
    assert stored.indicators == packaged.indicators
    assert stored.composites == packaged.composites
    # a two-year total per 10,000 dwellings a year: scale 10,000 / 2, over two years
    hennep = stored.get("drugs_hennep_per_10000_woningen")
    assert hennep.formula.scale == 5000 and hennep.period_years == 2


def _copy(small_settings: Settings, tmp_path: Path) -> Settings:
    home = tmp_path / "var"
    shutil.copytree(small_settings.home, home)
    return Settings(home=home, mirror=None)


def test_the_server_reads_the_catalog_of_the_build_not_the_yaml(
    small_settings: Settings, tmp_path: Path
) -> None:
    # A copy of the build whose stored catalog says another title than the YAML files.
    settings = _copy(small_settings, tmp_path)
    with duckdb.connect(str(_database(settings))) as conn:
        (document,) = conn.execute(
            f"SELECT document FROM {CATALOG_TABLE} WHERE theme = 'veiligheid'"
        ).fetchone() or ("",)
        theme = json.loads(document)
        (entry,) = [i for i in theme["indicators"] if i["id"] == "opgehelderd_pct"]
        entry["title"]["nl"] = "Opgehelderd volgens de build"
        theme["description"]["nl"] = "Veiligheid zoals de build haar beschrijft."
        conn.execute(
            f"UPDATE {CATALOG_TABLE} SET document = ? WHERE theme = 'veiligheid'",
            [json.dumps(theme)],
        )
    assert default_catalog().get("opgehelderd_pct").title.nl == "Opgehelderde misdrijven"
    with TestClient(create_app(settings)) as client:
        shown = client.get("/api/indicators/opgehelderd_pct").json()
        assert shown["title"] == "Opgehelderd volgens de build"
        code = client.get("/api/values", params={"indicator": "opgehelderd_pct"}).json()
        gemeente = code["rows"][0]["code"]
        cards = [
            card
            for theme in client.get(f"/api/profile/{gemeente}").json()["themes"]
            for card in theme["cards"]
        ]
        titles = {c["indicator"]["id"]: c["indicator"]["title"] for c in cards}
        assert titles["opgehelderd_pct"] == "Opgehelderd volgens de build"
        # The methodology pages describe the themes as the build's catalog does.
        index = client.get("/methodologie.json").json()
        (described,) = [t for t in index["themes"] if t["id"] == "veiligheid"]
        assert described["description"] == "Veiligheid zoals de build haar beschrijft."
        page = client.get("/methodologie/veiligheid.json").json()
        assert page["theme"]["description"] == "Veiligheid zoals de build haar beschrijft."


#: An indicator that only the build's catalog knows (the YAML files do not).
RENAMED = "opgehelderd_volgens_build"


def test_a_build_with_another_catalog_is_served_with_its_own_indicators(
    small_settings: Settings, tmp_path: Path
) -> None:
    """Profile, ranking and hotspot map of an indicator the packaged catalog lacks: the
    analyses take the build's catalog, never the YAML (issue 16)."""
    settings = _copy(small_settings, tmp_path)
    with duckdb.connect(str(_database(settings))) as conn:
        conn.execute(
            f"UPDATE {CATALOG_TABLE} SET document = replace(document, ?, ?)",
            ['"opgehelderd_pct"', f'"{RENAMED}"'],
        )
        conn.execute(
            "UPDATE indicator_values SET indicator = ? WHERE indicator = 'opgehelderd_pct'",
            [RENAMED],
        )
    assert RENAMED not in {i.id for i in default_catalog().indicators}
    with TestClient(create_app(settings)) as client:
        ranking = client.get("/api/rankings", params={"indicator": RENAMED})
        assert ranking.status_code == 200, ranking.text
        rows = ranking.json()["rows"]
        assert ranking.json()["indicator"]["id"] == RENAMED and rows[0]["rank"] == 1
        # a rate, comparable with NL: every ranked row has an index against NL
        assert ranking.json()["national"]["value"] is not None
        assert all(r["index"] is not None for r in rows if r["figure"]["value"] is not None)
        hotspots = client.get("/api/hotspots", params={"indicator": RENAMED})
        assert hotspots.status_code == 200, hotspots.text
        assert len(hotspots.json()["rows"]) >= 300
        gemeente = rows[0]["region"]["code"]
        ids = {
            card["indicator"]["id"]
            for theme in client.get(f"/api/profile/{gemeente}").json()["themes"]
            for card in theme["cards"]
        }
        assert RENAMED in ids and "opgehelderd_pct" not in ids
        page = client.get(f"/ranglijst.json?indicator={RENAMED}&niveau=gemeente")
        assert page.status_code == 200, page.text
