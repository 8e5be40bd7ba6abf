"""The build stores the catalog its figures were computed with; the server shows that one."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import duckdb
from fastapi.testclient import TestClient

from buurtzicht.analysis.materialise import CATALOG_TABLE
from buurtzicht.api.catalog_view import build_catalog
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
        stored = build_catalog(conn)
    packaged = default_catalog()
    assert themes == [t.theme.theme for t in packaged.themes]
    assert stored.from_build and not packaged.from_build
    assert stored.indicators == packaged.indicators
    assert stored.composites == packaged.composites
    # a two-year total per 10,000 dwellings a year: scale 10,000 / 2, over two years
    hennep = stored.get("drugs_hennep_per_10000_woningen")
    assert hennep.formula.scale == 5000 and hennep.period_years == 2


def test_the_server_reads_the_catalog_of_the_build_not_the_yaml(
    small_settings: Settings, tmp_path: Path
) -> None:
    # A copy of the build whose stored catalog says another title than the YAML files.
    home = tmp_path / "var"
    shutil.copytree(small_settings.home, home)
    settings = Settings(home=home, mirror=None)
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
