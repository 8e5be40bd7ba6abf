"""A real ``buurtzicht serve`` with two worker processes: members log in, upload, see
their own figures and log out over fresh connections spread over both workers, with
both writing the one audit chain; after a normal shutdown every view is in the log and
the chain verifies."""

from __future__ import annotations

import os
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from pathlib import Path

import httpx

from buurtzicht.config import Settings
from buurtzicht.workspace import audit
from tests.serve import serve_process
from tests.workspace.files import csv_bytes
from tests.workspace.helpers import PASSWORD, csrf_of, seed

MARKER = "GEHEIM-AMSTERDAM-W2"
VIEWS = 120


@contextmanager
def fresh_connections(url: str, cookies: dict[str, str] | None = None) -> Iterator[httpx.Client]:
    """A client that opens a new connection for every request (each may reach either
    worker)."""
    limits = httpx.Limits(max_keepalive_connections=0)
    with httpx.Client(base_url=url, timeout=60, limits=limits, cookies=cookies) as client:
        yield client


def _log_in_and_upload(url: str) -> dict[str, str]:
    """Login (double-submit CSRF), preview and store (session CSRF, staging file) over
    fresh connections: the session's cookies."""
    with fresh_connections(url) as client:
        form = client.get("/inloggen")
        answer = client.post(
            "/inloggen", data={"username": "ana", "password": PASSWORD, "csrf": csrf_of(form.text)}
        )
        assert answer.status_code == 303, answer.text
        csrf = csrf_of(client.get("/account").text)
        data = csv_bytes(["regiocode;jaar;waarde", "GM0363;2023;4242,5"])
        preview = client.post(
            "/werkruimte/voorbeeld", data={"csrf": csrf}, files={"bestand": ("a.csv", data)}
        )
        token = preview.text.split('name="token" value="', 1)[1].split('"', 1)[0]
        stored = client.post(
            "/werkruimte/opslaan", data={"csrf": csrf, "token": token, "naam": MARKER}
        )
        assert stored.status_code == 303, stored.text
        return dict(client.cookies)


def _workers_with_the_database_open(pid: int, database: Path) -> int:
    """Worker processes of the server (its children) holding the SQLite file open."""
    count = 0
    for child in Path(f"/proc/{pid}/task/{pid}/children").read_text().split():
        fds = Path(f"/proc/{child}/fd")
        if any(os.path.realpath(fd) == str(database) for fd in fds.iterdir()):
            count += 1
    return count


def test_members_on_two_workers(own_settings: Settings, database) -> None:
    seed(database)
    before = audit.verify(database).entries
    env = {"BUURTZICHT_WORKSPACE_DB": database.url}
    options = ("--workers", "2", "--no-warm-up")
    with serve_process(own_settings.home, *options, env=env) as (url, pid):
        cookies = _log_in_and_upload(url)

        def view(_n: int) -> bool:
            with fresh_connections(url, cookies) as client:
                answer = client.get("/gemeente/GM0363")
                return answer.status_code == 200 and MARKER in answer.text

        with ThreadPoolExecutor(8) as pool:
            assert all(pool.map(view, range(VIEWS)))
        if database.dialect == "sqlite":  # both processes served members and wrote
            path = Path(database.engine.url.database or "").resolve()
            assert _workers_with_the_database_open(pid, path) == 2
        with fresh_connections(url, cookies) as client:
            csrf = csrf_of(client.get("/account").text)
            assert client.post("/uitloggen/overal", data={"csrf": csrf}).status_code == 303
        # No worker still knows the session, whichever answers.
        with fresh_connections(url, cookies) as client:
            for _ in range(10):
                answer = client.get("/account", follow_redirects=False)
                assert answer.status_code == 303
                assert MARKER not in client.get("/gemeente/GM0363").text
    # The server stopped normally: its workers wrote what they had queued.
    entries = audit.entries(database, audit.AuditFilter(), limit=0)
    views = [e for e in entries if e.action == "dataset.bekeken"]
    assert len(views) == VIEWS and {e.actor for e in views} == {"ana"}
    assert audit.verify(database).entries == len(entries) > before + VIEWS
