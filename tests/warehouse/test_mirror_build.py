"""The real build from the whole offline mirror (issue: foundation, 'Done when')."""

from __future__ import annotations

import csv
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest

from buurtzicht.assembly.from_mirror import collect_from_mirror
from buurtzicht.config import Settings
from buurtzicht.errors import BuildError, SourceFormatError
from buurtzicht.sources.mirror import DATASETS
from buurtzicht.warehouse.build import run_build
from buurtzicht.warehouse.current import current_path
from buurtzicht.warehouse.layout import BuildLayout

SLICE = "raw/cbs_statline_dumps_dertje/83648NED_misdrijven_totaal_per_regio_2010_2024_COMPLETE_SLICE.csv"
TOTAL = "misdrijven.TotaalGeregistreerdeMisdrijven"


def cli(settings: Settings, *args: str) -> subprocess.CompletedProcess[str]:
    env = {
        **os.environ,
        "BUURTZICHT_HOME": str(settings.home),
        "BUURTZICHT_MIRROR": str(settings.mirror),
    }
    return subprocess.run(
        [sys.executable, "-c", "from buurtzicht.cli import main; main()", *args],
        capture_output=True,
        text=True,
        env=env,
        timeout=300,
    )


@pytest.fixture(scope="module")
def conn(mirror_build: Settings) -> duckdb.DuckDBPyConnection:
    connection = duckdb.connect(str(current_path(mirror_build)), read_only=True)
    yield connection
    connection.close()


def test_info_reports_the_region_counts_and_every_dataset(mirror_build: Settings) -> None:
    result = cli(mirror_build, "info", "--json")
    assert result.returncode == 0, result.stderr
    info = json.loads(result.stdout)
    counts = {(r["level"], r["indeling"]): r["regions"] for r in info["regions"]}
    assert counts[("gemeente", 2024)] == 342
    assert counts[("wijk", 2024)] >= 3393
    assert counts[("buurt", 2024)] >= 14574
    loaded = {d["name"]: d["observations"] for d in info["datasets"]}
    for dataset in DATASETS:
        assert loaded.get(dataset.name, 0) > 0, f"dataset {dataset.name} not loaded"
    assert all(len(s["sha256"]) == 64 for s in info["sources"])


def test_region_amsterdam_2024(mirror_build: Settings, raw: Path) -> None:
    result = cli(mirror_build, "region", "GM0363", "--period", "2024", "--json")
    assert result.returncode == 0, result.stderr
    document = json.loads(result.stdout)
    region = document["region"]
    assert region["name"] == "Amsterdam"
    parents = {p["level"]: p["name"] for p in region["parents"]}
    assert parents["provincie"] == "Noord-Holland"
    assert parents["politie-eenheid"] == "Amsterdam"
    assert parents["veiligheidsregio"] == "Amsterdam-Amstelland"
    values = {(o["measure"], o["indeling"]): o["value"] for o in document["observations"]}
    # KWB 2024 (85984NED) as in the gemeente map attributes of the mirror.
    geo = json.loads(
        (
            raw
            / "geo_pdok_wijken_gemeenten_2024_anneversion"
            / "gemeenten_2024_simplified_with_kwb_crime_bag.geojson"
        ).read_text()
    )
    props = next(
        f["properties"] for f in geo["features"] if f["properties"]["gemeentecode"] == "GM0363"
    )
    assert values[("kwb.AantalInwoners", 2024)] == props["aantal_inwoners"] == 931298
    assert values[("kwb.HuishoudensTotaal", 2024)] == props["huishoudens"]


def published_totals(raw: Path) -> dict[tuple[str, int], float]:
    totals: dict[tuple[str, int], float] = {}
    with (raw.parent / SLICE).open(encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            if row["TotaalGeregistreerdeMisdrijven_1"]:
                key = (row["region_level"], int(row["Perioden"]))
                if row["region_level"] == "NL":
                    totals[key] = float(row["TotaalGeregistreerdeMisdrijven_1"])
    return totals


def test_harmonised_crime_trend_covers_2012_2024(
    conn: duckdb.DuckDBPyConnection, raw: Path
) -> None:
    rows = conn.execute(
        """
        SELECT o.period, count(*), sum(o.value) FROM observations o
        JOIN regions r ON r.code = o.region AND r.indeling = 2024
        WHERE o.measure = ? AND o.indeling = 2024 AND r.level = 'gemeente' AND r.special IS NULL
        GROUP BY o.period ORDER BY o.period
        """,
        [TOTAL],
    ).fetchall()
    national = published_totals(raw)
    years = [int(p[:4]) for p, _, _ in rows]
    assert years == list(range(2012, 2025))
    for period, gemeenten, total in rows:
        assert gemeenten == 342, f"{period}: {gemeenten} gemeenten have a value"
        nl = national[("NL", int(period[:4]))]
        assert abs(total - nl) <= 0.01 * nl, f"{period}: {total} vs NL {nl}"


def test_harmonised_groningen_2018(conn: duckdb.DuckDBPyConnection) -> None:
    as_published = dict(
        conn.execute(
            "SELECT region, value FROM observations WHERE measure = ? AND period = '2018JJ00' "
            "AND indeling = 2018 AND region IN ('GM0014', 'GM0017', 'GM0009')",
            [TOTAL],
        ).fetchall()
    )
    (harmonised,) = conn.execute(
        "SELECT value FROM observations WHERE measure = ? AND period = '2018JJ00' "
        "AND indeling = 2024 AND region = 'GM0014'",
        [TOTAL],
    ).fetchone()
    assert harmonised == pytest.approx(sum(as_published.values()))
    assert len(as_published) == 3


def test_boundaries_and_web_geojson(conn: duckdb.DuckDBPyConnection) -> None:
    layers = dict(conn.execute("SELECT level || year, features FROM boundary_geojson").fetchall())
    assert layers["wijk2024"] == 3475
    assert layers["gemeente2024"] == 343
    assert layers["gemeente2012"] == 416


def broken_mirror(mirror: Path, tmp_path: Path, relative: str, damage: bytes) -> Path:
    copy = tmp_path / "mirror"
    shutil.copytree(mirror, copy, symlinks=True, copy_function=os.symlink)
    target = copy / relative
    target.unlink()
    target.write_bytes(damage)
    return copy


def test_broken_source_keeps_the_current_build(
    mirror: Path, tmp_path: Path, home: Settings
) -> None:
    # A first good build is simulated by a tiny one; then a build from a mirror with a
    # truncated Gebieden 2024 file must fail and leave it current.
    from tests.tiny import tiny_inputs

    first = run_build(home, lambda _say: tiny_inputs(tmp_path))
    relative = "raw/cbs_statline_dumps_dertje/85755NED_gebieden_in_nederland_2024.csv"
    original = (mirror / relative).read_bytes()
    damaged = broken_mirror(mirror, tmp_path, relative, original[: len(original) // 3])
    settings = home.model_copy(update={"mirror": damaged})
    with pytest.raises((SourceFormatError, BuildError), match="85755NED"):
        run_build(settings, lambda say: collect_from_mirror(settings, say))
    layout = BuildLayout(home.warehouse_dir)
    assert layout.current_id() == first.build_id
    assert layout.builds_on_disk() == [first.build_id]
