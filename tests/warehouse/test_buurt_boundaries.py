"""Buurt boundaries in the mirror build: matching counts checked against counts computed
independently from the raw mirror files (plain json/csv/shapely, not the project's readers)."""

from __future__ import annotations

import csv
import gzip
import io
import json
import re
from pathlib import Path

import duckdb
import mapbox_vector_tile
import pytest
import shapely
from shapely.geometry import shape

from buurtzicht.config import Settings
from buurtzicht.regions.boundary_match import MIN_WIJK_SHARE
from buurtzicht.warehouse.current import current_path

TOPOJSON = "geo_buurten_2019_cbs_emielsanders/buurten_2019_gegeneraliseerd.topojson"
AMSTERDAM = "geo_buurten_amsterdam_mindtheheat/amsterdam_buurten.geojson.gz"
CODES_2024 = "politie_47018NED_bernasco/population_WijkenEnBuurten.csv.gz"
WIJKEN = "geo_pdok_wijken_gemeenten_2024_anneversion/wijken_2024_simplified_t0.0005.geojson.gz"


@pytest.fixture(scope="module")
def conn(mirror_build: Settings) -> duckdb.DuckDBPyConnection:
    connection = duckdb.connect(str(current_path(mirror_build)), read_only=True)
    yield connection
    connection.close()


@pytest.fixture(scope="module")
def independent(raw: Path) -> dict[str, object]:
    """Codes and wijk of every 2024 buurt, the codes of both layers, from the raw files."""
    text = gzip.decompress((raw / CODES_2024).read_bytes()).decode("utf-8-sig")
    wijk_of: dict[str, str] = {}
    wijk = ""
    for row in csv.DictReader(io.StringIO(text)):
        key = row["Key"].strip()
        if key.startswith("WK"):
            wijk = key
        elif key.startswith("BU") and key != "BU00000000":
            wijk_of[key] = wijk  # the code list lists each wijk's buurten after it
    topo = (raw / TOPOJSON).read_text(encoding="utf-8")
    codes_2019 = set(re.findall(r'"statcode":\s*"(BU\d{8})"', topo))
    amsterdam = json.loads(gzip.decompress((raw / AMSTERDAM).read_bytes()))["features"]
    return {
        "wijk_of": wijk_of,
        "codes_2019": codes_2019,
        "amsterdam": {f["properties"]["CBS_Buurtcode"]: f["geometry"] for f in amsterdam},
    }


def coverage(conn: duckdb.DuckDBPyConnection, year: int) -> dict[str, tuple]:
    rows = conn.execute(
        "SELECT code, source, reason, wijk_share FROM boundary_coverage "
        "WHERE level = 'buurt' AND year = ?",
        [year],
    ).fetchall()
    return {code: (source, reason, share) for code, source, reason, share in rows}


def test_layer_counts_match_the_raw_files(
    conn: duckdb.DuckDBPyConnection, independent: dict
) -> None:
    wijk_of, codes_2019, amsterdam = (
        independent["wijk_of"], independent["codes_2019"], independent["amsterdam"]
    )  # fmt: skip
    buurten = set(wijk_of)
    assert len(buurten) == 14574 and len(codes_2019) == 13594
    in_2019, in_amsterdam = codes_2019 & buurten, set(amsterdam) & buurten
    assert (len(in_2019), len(in_amsterdam), len(in_2019 | in_amsterdam)) == (11851, 517, 12368)

    seen = coverage(conn, 2024)
    assert set(seen) == buurten  # every buurt of 2024 accounted for, none invented
    layered = {c for c, (source, reason, _) in seen.items() if source or reason == "moved"}
    assert layered == in_2019 | in_amsterdam
    without = {c for c, (source, reason, _) in seen.items() if reason == "no_boundary"}
    assert without == buurten - in_2019 - in_amsterdam and len(without) == 14574 - 12368
    by_source = {
        s: {c for c, (source, _, _) in seen.items() if source == s}
        for s in ("cbs-2019", "amsterdam")
    }
    moved = {c for c, (_, reason, _) in seen.items() if reason == "moved"}
    assert by_source["amsterdam"] == in_amsterdam - moved
    assert by_source["cbs-2019"] == in_2019 - moved
    boundaries = conn.execute(
        "SELECT count(*), count(DISTINCT code) FROM boundaries WHERE level = 'buurt' AND year = 2024"
    ).fetchone()
    assert boundaries == (12368 - len(moved),) * 2


def test_moved_boundaries_lie_outside_their_2024_wijk(
    conn: duckdb.DuckDBPyConnection, independent: dict, raw: Path
) -> None:
    """Recompute the share inside the wijk for every matched buurt straight from the raw
    layers; the build rejects exactly those below the threshold."""
    wijken = json.loads(gzip.decompress((raw / WIJKEN).read_bytes()))["features"]
    wijk_shape = {f["properties"]["wijkcode"]: shape(f["geometry"]) for f in wijken}
    from buurtzicht.sources.topojson import read_topojson  # decoder tested on its own

    layer = {
        f["properties"]["statcode"]: f["geometry"] for f in read_topojson(raw / TOPOJSON, "buurten")
    }
    layer.update(independent["amsterdam"])
    expected_moved = set()
    for code, wijk in independent["wijk_of"].items():
        if code in layer and wijk in wijk_shape:
            own = shapely.make_valid(shape(layer[code]))
            share = shapely.intersection(own, shapely.make_valid(wijk_shape[wijk])).area / own.area
            if share < MIN_WIJK_SHARE:
                expected_moved.add(code)
    seen = coverage(conn, 2024)
    assert {c for c, (_, reason, _) in seen.items() if reason == "moved"} == expected_moved
    assert 150 < len(expected_moved) < 400  # ~2% of the persisted codes: "usually kept"


def test_2018_buurten_get_the_2019_layer(conn: duckdb.DuckDBPyConnection, independent) -> None:
    regions = {
        code
        for (code,) in conn.execute(
            "SELECT code FROM regions WHERE level = 'buurt' AND indeling = 2018"
        ).fetchall()
    }
    seen = coverage(conn, 2018)
    assert set(seen) == regions
    with_boundary = {c for c, (source, _, _) in seen.items() if source == "cbs-2019"}
    assert with_boundary == regions & independent["codes_2019"]


def test_parts_and_tiles(conn: duckdb.DuckDBPyConnection) -> None:
    parts = dict(
        conn.execute(
            "SELECT parent, features FROM boundary_parts WHERE level = 'buurt' AND year = 2024"
        ).fetchall()
    )
    in_amsterdam = conn.execute(
        "SELECT count(*) FROM boundaries WHERE level = 'buurt' AND year = 2024 "
        "AND code LIKE 'BU0363%'"
    ).fetchone()[0]
    assert parts["GM0363"] == in_amsterdam and 480 < in_amsterdam <= 517
    assert parts["WK0363AD"] == sum(1 for p in parts if p.startswith("BU")) + len(
        [
            c
            for (c,) in conn.execute(
                "SELECT code FROM boundaries WHERE level = 'buurt' AND year = 2024 "
                "AND code LIKE 'BU0363AD%'"
            ).fetchall()
        ]
    )
    (blob,) = conn.execute(
        "SELECT geojson_gz FROM boundary_parts WHERE level = 'buurt' AND year = 2024 "
        "AND parent = 'WK0363AD'"
    ).fetchone()
    document = json.loads(gzip.decompress(blob))
    assert {f["properties"]["code"][:8] for f in document["features"]} == {"BU0363AD"}
    # The tile at zoom 10 over the Dam holds the buurten of the centre.
    (tile,) = conn.execute(
        "SELECT tile FROM vector_tiles WHERE level = 'buurt' AND year = 2024 "
        "AND z = 10 AND x = 525 AND y = 336"
    ).fetchone()
    decoded = mapbox_vector_tile.decode(gzip.decompress(tile))
    codes = {f["properties"]["code"] for f in decoded["areas"]["features"]}
    assert "BU0363AD03" in codes and all(c.startswith("BU") for c in codes)


def test_info_reports_buurt_coverage(mirror_build: Settings) -> None:
    from tests.warehouse.test_mirror_build import cli

    result = cli(mirror_build, "info", "--json")
    assert result.returncode == 0, result.stderr
    rows = {(r["level"], r["year"]): r for r in json.loads(result.stdout)["boundary_coverage"]}
    buurten = rows[("buurt", 2024)]
    assert buurten["regions"] == 14574
    assert buurten["with_boundary"] + buurten["without_boundary"] == 14574
    assert buurten["reasons"]["no_boundary"] == 14574 - 12368
    assert sum(buurten["sources"].values()) == buurten["with_boundary"]
    assert set(buurten["sources"]) == {"cbs-2019 (2019)", "amsterdam (2022)"}
    assert rows[("wijk", 2024)]["without_boundary"] == 0
    text = cli(mirror_build, "info")
    assert "Boundary coverage" in text.stdout and "cbs-2019" in text.stdout
    manifest = json.loads(
        next((mirror_build.warehouse_dir / "builds").glob("*.manifest.json")).read_text()
    )
    provenance = {(b["level"], b["year"]): b for b in manifest["boundaries"]}
    assert provenance[("buurt", 2024)]["sources"] == buurten["sources"]
    assert provenance[("buurt", 2024)]["without_boundary"] == buurten["reasons"]
