"""synth -> secure link -> secure publish -> build -> disclosure audit --warehouse.

A small world (two gemeenten, see smallworld.py) goes the whole way through the
command line; the audit of the build finds no unprotected cell, and finds one as soon
as a suppressed cell's true value is put back into the served observations.
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import duckdb
import numpy as np
import pandas as pd
import pytest
from typer.testing import CliRunner

import buurtzicht.cli.disclosure
import buurtzicht.cli.models
import buurtzicht.cli.secure  # noqa: F401
from buurtzicht.cli import app
from buurtzicht.config import Settings
from buurtzicht.disclosure.knowledge import round_half_up
from buurtzicht.microdata.store import aggregates_path
from buurtzicht.warehouse.layout import BuildLayout

PRIMARY = ("population", "min_units", "dominance", "p_percent")


def _audit(settings: Settings, *args: str) -> tuple[int, str]:
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("BUURTZICHT_HOME", str(settings.home))
        patch.setenv("COLUMNS", "200")  # the per-table report in full
        result = CliRunner().invoke(app, ["disclosure", "audit", "--warehouse", *args])
    return result.exit_code, result.output + repr(result.exception)


def test_the_build_serves_protected_synthetic_cells(built: Settings) -> None:
    path = BuildLayout(built.warehouse_dir).current_database()
    with duckdb.connect(str(path), read_only=True) as conn:
        statuses = dict(
            conn.execute(
                "SELECT status, count(*) FROM observations WHERE measure LIKE 'secure.%' "
                "GROUP BY status"
            ).fetchall()
        )
        leaked = conn.execute(
            "SELECT count(*) FROM observations WHERE status = 'suppressed' AND value IS NOT NULL"
        ).fetchone()
        flags = conn.execute(
            "SELECT DISTINCT flags FROM measures WHERE measure LIKE 'secure.%'"
        ).fetchall()
        manifest = conn.execute(
            "SELECT table_id, sha256 FROM manifest WHERE table_id LIKE 'secure.%'"
        ).fetchall()
    assert statuses.get("suppressed", 0) > 0 and statuses.get("rounded", 0) > 0
    assert leaked == (0,)
    assert all("synthetic" in str(f) for (f,) in flags)
    assert {t for t, _ in manifest} == {"secure.published", "secure.published.report"}
    assert all(len(sha) == 64 for _, sha in manifest)


def test_the_audit_of_the_build_finds_no_unprotected_cell(built: Settings) -> None:
    code, output = _audit(built)
    assert code == 0, output
    assert "0 unprotected cells" in output and "secondary" in output
    # It says how much it checked and how long that took: cells, programs, seconds.
    stated = re.search(
        r"([\d,]+) secure observations .*?([\d,]+) linear programs, ([\d.]+) s", output
    )
    assert stated, output
    # (With certificates the a-priori caps settle what they leave short: on this small
    # world no program may be needed at all; the independent check below needs some.)
    assert int(stated[1].replace(",", "")) > 0 and int(stated[2].replace(",", "")) >= 0
    proofs = re.search(r"([\d,]+) certificates checked \(0 rejected", " ".join(output.split()))
    assert proofs and int(proofs[1].replace(",", "")) > 0, output
    # The fully independent check comes to the same verdict with more programs.
    code, alone = _audit(built, "--no-certificates")
    assert code == 0 and "no certificates used" in alone, alone
    programs = re.search(r"([\d,]+) linear programs", alone)
    assert programs and int(programs[1].replace(",", "")) > int(stated[2].replace(",", ""))


def test_model_expectations_are_published_only_as_protected_aggregates(built: Settings) -> None:
    """No person's score and no single address: every released model cell that is not
    suppressed has at least 10 units (persons 8-23, dwellings, vestigingen) and was
    rounded; the audit above covers the model measures with the rest."""
    published = pd.read_parquet(built.home / "secure" / "published.parquet")
    truth = pd.read_parquet(aggregates_path(built))
    models = published[
        published["measure"].str.startswith(("secure.zoekgebieden.", "secure.jonge_aanwas."))
    ]
    assert {"secure.jonge_aanwas.verwacht", "secure.zoekgebieden.hennep_verwacht"} <= set(
        models["measure"]
    )
    joined = truth.merge(models, on=["measure", "region", "period"], suffixes=("_true", ""))
    assert len(joined) > 0
    small = joined[joined["n_units"] < 10]
    assert len(small) > 0 and (small["status"] == "suppressed").all()
    shown = joined[joined["status"] != "suppressed"]
    assert (shown["n_units"] >= 10).all()
    assert np.allclose(shown["value"], np.round(shown["value"]))


def test_a_suppressed_value_put_back_fails_the_audit(built: Settings, tmp_path: Path) -> None:
    tampered = tmp_path / "tampered.duckdb"
    shutil.copy(BuildLayout(built.warehouse_dir).current_database(), tampered)
    published = pd.read_parquet(built.home / "secure" / "published.parquet")
    truth = pd.read_parquet(aggregates_path(built))
    hidden = published[published["reason"].isin(PRIMARY)].merge(
        truth[["measure", "region", "period", "value"]], on=["measure", "region", "period"]
    )
    # The largest primary-suppressed count, put back as protection would have rounded it.
    cell = hidden[hidden["measure"] != "secure.fiu.verdacht_bedrag"].nlargest(1, "value_y")
    measure, region, period, true = cell[["measure", "region", "period", "value_y"]].iloc[0]
    with duckdb.connect(str(tampered)) as conn:
        conn.execute(
            "UPDATE observations SET value = ?, status = 'rounded' "
            "WHERE measure = ? AND region = ? AND period = ?",
            [float(round_half_up(np.array([true]), 5)[0]), measure, region, period],
        )
    code, output = _audit(built, str(tampered))
    assert code == 1, output
    assert "unprotected cell" in output and region in output


def test_the_api_serves_profiles_with_the_synthetic_indicators(built: Settings) -> None:
    """Every gemeente's profile works, also with indicators suppressed everywhere."""
    from fastapi.testclient import TestClient

    from buurtzicht.server import create_app

    path = BuildLayout(built.warehouse_dir).current_database()
    with duckdb.connect(str(path), read_only=True) as conn:
        gemeenten = [
            c
            for (c,) in conn.execute(
                "SELECT DISTINCT region FROM observations "
                "WHERE measure LIKE 'secure.%' AND region LIKE 'GM%'"
            ).fetchall()
        ]
        only_suppressed = conn.execute(
            "SELECT indicator FROM indicator_values GROUP BY indicator "
            "HAVING count(value) = 0 AND bool_or(status = 'suppressed')"
        ).fetchall()
    assert only_suppressed, "the small world should hold an indicator suppressed everywhere"
    with TestClient(create_app(built)) as client:
        for code in gemeenten:
            response = client.get(f"/api/profile/{code}")
            assert response.status_code == 200, response.text
            body = response.json()
            cards = [c for theme in body["themes"] for c in theme["cards"]]
            synthetic = [c for c in cards if c["indicator"]["synthetic"]]
            assert synthetic and body["synthetic"] is True
            page = client.get(f"/gemeente/{code}")
            assert page.status_code == 200 and "Synthetische gegevens" in page.text
        listed = {i["id"] for i in client.get("/api/indicators").json()}
        assert {i for (i,) in only_suppressed} <= listed


def test_the_methodology_page_shows_the_audit_of_the_release(built: Settings) -> None:
    """Issue 12: the audit's figures of published.json reach the methodology page."""
    import json

    from fastapi.testclient import TestClient

    from buurtzicht.secure.published import published_path, report_path
    from buurtzicht.server import create_app

    report = json.loads(report_path(published_path(built).parent).read_text())
    audit = report["audit"]
    assert report["audited"] is True
    with TestClient(create_app(built)) as client:
        page = client.get("/methodologie.json").json()
        html = client.get("/methodologie").text
        english = client.get("/methodologie?lang=en").text
    shown = page["audit"]["figures"]
    assert shown["cells"] == audit["cells"]
    assert shown["intervals"] == audit["checked_intervals"]
    assert shown["linear_programs"] == audit["linear_programs"]
    assert shown["unprotected"] == 0
    assert shown["seconds"] == audit["seconds"]
    assert shown["date"] == report["generated_at"][:10]
    cells = f"{audit['cells']:,}".replace(",", ".")
    assert f"{cells} cellen gecontroleerd" in html and "0 onvoldoende beschermd" in html
    assert f"{audit['cells']:,} cells checked" in english
