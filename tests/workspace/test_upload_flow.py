"""Uploads through the pages: hostile files store nothing, a good file is stored all at
once, versions replace and delete, exports are neutralised, and everything is audited."""

from __future__ import annotations

import csv
import io

import openpyxl
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from buurtzicht.config import Settings
from buurtzicht.server import create_app
from buurtzicht.workspace import audit
from buurtzicht.workspace.models import Dataset, DatasetValue
from tests.workspace.files import csv_bytes, hostile_files
from tests.workspace.helpers import log_in, seed, upload


def _stored(database) -> tuple[int, int]:
    with database.session() as session:
        return (
            session.execute(select(func.count()).select_from(Dataset)).scalar_one(),
            session.execute(select(func.count()).select_from(DatasetValue)).scalar_one(),
        )


def test_hostile_uploads_store_nothing_and_are_reported(own_settings: Settings, database) -> None:
    seed(database)
    with TestClient(create_app(own_settings)) as client:
        csrf = log_in(client, "ana")
        for case, filename, data, expected in hostile_files():
            answer = client.post(
                "/werkruimte/voorbeeld", data={"csrf": csrf}, files={"bestand": (filename, data)}
            )
            assert answer.status_code == 422, case
            assert 'name="token"' not in answer.text, case
            assert expected.split("'")[0] in answer.text.replace("&#39;", "'"), case
    assert _stored(database) == (0, 0)
    staging = own_settings.home / "workspace" / "staging"
    assert not staging.exists() or not list(staging.iterdir())
    checked = audit.entries(database, audit.AuditFilter(action="upload."), limit=0)
    assert len(checked) == len(hostile_files())


def test_versions_replace_and_delete(own_settings: Settings, database) -> None:
    seed(database)
    with TestClient(create_app(own_settings)) as client:
        csrf = log_in(client, "ana")
        first = upload(
            client, csrf, "m.csv", csv_bytes(["regiocode;jaar", "GM0363;2023"]), "meldingen"
        )
        second = upload(
            client,
            csrf,
            "m.csv",
            csv_bytes(["regiocode;jaar", "GM0363;2023", "GM0363;2024"]),
            "meldingen",
        )
        listed = {d["id"]: d for d in client.get("/werkruimte.json").json()["datasets"]}
        assert listed[first]["current"] is False and listed[second]["current"] is True
        assert listed[second]["version"] == 2 and listed[second]["periods"] == ["2023", "2024"]
        own = client.get("/api/werkruimte/regio/GM0363").json()["datasets"]
        assert [(d["id"], len(d["values"])) for d in own] == [(second, 2)]
        client.post(f"/werkruimte/gegevens/{second}/verwijderen", data={"csrf": csrf})
        listed = client.get("/werkruimte.json").json()["datasets"]
        assert [(d["id"], d["current"]) for d in listed] == [(first, True)]
    actions = [e.action for e in audit.entries(database, audit.AuditFilter(actor="ana"), limit=0)]
    assert actions.count("dataset.opgeslagen") == 2 and "dataset.verwijderd" in actions
    assert audit.verify(database).entries == len(
        audit.entries(database, audit.AuditFilter(), limit=0)
    )


def test_exports_neutralise_formulas(own_settings: Settings, database) -> None:
    seed(database)
    name = "=cmd|' /C calc'!A0"
    with TestClient(create_app(own_settings)) as client:
        csrf = log_in(client, "ana")
        dataset = upload(
            client, csrf, "m.csv", csv_bytes(["regiocode;jaar;waarde", "GM0363;2023;-5"]), name
        )
        text = client.get(f"/werkruimte/gegevens/{dataset}/export.csv").text.lstrip("\ufeff")
        rows = list(csv.reader(io.StringIO(text), delimiter=";"))
        assert rows[1][0] == "'" + name and rows[1][7] == "-5,0"  # numbers stay numbers
        book = openpyxl.load_workbook(
            io.BytesIO(client.get(f"/werkruimte/gegevens/{dataset}/export.xlsx").content)
        )
        sheet = book.active
        assert sheet is not None
        assert sheet["A2"].value == "'" + name and sheet["A2"].data_type == "s"
        assert sheet["H2"].value == -5
    exported = audit.entries(database, audit.AuditFilter(action="dataset.geexporteerd"), limit=0)
    assert len(exported) == 2
