"""Test helpers for the workspace: organisations, users and logged-in clients."""

from __future__ import annotations

import re

from fastapi.testclient import TestClient

from buurtzicht.workspace import accounts
from buurtzicht.workspace.db import WorkspaceDB

PASSWORD = "correct horse battery"


def seed(database: WorkspaceDB) -> None:
    """Amsterdam and Rotterdam with one analist each, a RIEC and a beheerder."""
    with database.session() as session:
        accounts.add_organisation(session, "GM0363", "Amsterdam", "gemeente", [])
        accounts.add_organisation(session, "GM0599", "Rotterdam", "gemeente", [])
        accounts.add_organisation(
            session, "riec-nh", "RIEC Noord-Holland", "riec", ["GM0363", "GM0437"]
        )
        accounts.add_user(session, "ana", PASSWORD, "analist", "GM0363")
        accounts.add_user(session, "rob", PASSWORD, "analist", "GM0599")
        accounts.add_user(session, "ria", PASSWORD, "analist", "riec-nh")
        accounts.add_user(session, "bea", PASSWORD, "beheerder", None)


def csrf_of(html: str) -> str:
    found = re.search(r'name="csrf" value="([^"]+)"', html)
    assert found, "no CSRF field in the form"
    return found.group(1)


def log_in(client: TestClient, username: str, password: str = PASSWORD) -> str:
    """Log ``client`` in through the login form; the session's CSRF token."""
    form = client.get("/inloggen")
    answer = client.post(
        "/inloggen",
        data={"username": username, "password": password, "csrf": csrf_of(form.text)},
        follow_redirects=False,
    )
    assert answer.status_code == 303, answer.text
    return csrf_of(client.get("/account").text)


def upload(client: TestClient, csrf: str, filename: str, data: bytes, name: str) -> int | None:
    """Upload and store a file through the pages; the new data set's id (None when the
    preview refused it)."""
    preview = client.post(
        "/werkruimte/voorbeeld", data={"csrf": csrf}, files={"bestand": (filename, data)}
    )
    found = re.search(r'name="token" value="([^"]+)"', preview.text)
    if preview.status_code != 200 or not found:
        return None
    stored = client.post(
        "/werkruimte/opslaan",
        data={"csrf": csrf, "token": found.group(1), "naam": name},
        follow_redirects=False,
    )
    assert stored.status_code == 303, stored.text
    return int(stored.headers["location"].rsplit("/", 1)[1])
