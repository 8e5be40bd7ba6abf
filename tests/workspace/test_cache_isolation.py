"""The shared answer cache never hands an answer built for one session to anybody else.

The route under test answers with the signed-in user's name and (deliberately) without
``Cache-Control: private``: only the cache's own rule, that requests carrying a session
cookie are neither answered from nor stored in the shared cache, keeps it apart.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from buurtzicht.api.auth import PrincipalDep
from buurtzicht.config import Settings
from buurtzicht.server import create_app
from tests.workspace.helpers import log_in, seed


@pytest.fixture
def app(tmp_path: Path, small_settings: Settings, database_url: str, database) -> FastAPI:
    seed(database)
    home = tmp_path / "cache-home"
    home.mkdir()
    (home / "warehouse").symlink_to(small_settings.warehouse_dir.resolve())
    app = create_app(Settings(home=home, mirror=small_settings.mirror, workspace_db=database_url))

    @app.get("/api/wie")
    def who(principal: PrincipalDep) -> dict[str, str]:
        return {"user": principal.username if principal else "anoniem"}

    return app


@pytest.fixture
def clients(app: FastAPI) -> Iterator[dict[str, TestClient]]:
    with TestClient(app) as ana, TestClient(app) as rob, TestClient(app) as anon:
        log_in(ana, "ana")
        log_in(rob, "rob")
        yield {"ana": ana, "rob": rob, "anon": anon}


def _stored_paths(app: FastAPI) -> set[str]:
    cache = app.state.warehouse.snapshot().cache
    return {k[1] for k in list(cache._items) if isinstance(k, tuple) and k[0] == "answer"}


@pytest.mark.parametrize("first", ["ana", "anon"])
def test_no_session_gets_another_sessions_answer(
    app: FastAPI, clients: dict[str, TestClient], first: str
) -> None:
    order = [first, *(who for who in ("ana", "rob", "anon") if who != first)]
    for _ in range(2):
        for who in order:
            answer = clients[who].get("/api/wie")
            assert answer.status_code == 200
            assert answer.json()["user"] == ("anoniem" if who == "anon" else who), who
    # Only the anonymous answer was stored; signed-in requests bypassed the cache.
    assert "/api/wie" in _stored_paths(app)


def test_public_pages_are_shared_only_among_anonymous_visitors(
    app: FastAPI, clients: dict[str, TestClient]
) -> None:
    ana = clients["ana"].get("/gemeente/GM0363")
    assert ana.status_code == 200
    # The route of a member's page keeps the public page (a member's answer is that page
    # plus the organisation's block, never kept), and the anonymous visitor gets it.
    cache = app.state.warehouse.snapshot().cache
    kept = cache.peek(("answer", "/gemeente/GM0363", (), "nl"))
    assert kept is not None and b"set-cookie" not in dict(kept.headers)
    anon = clients["anon"].get("/gemeente/GM0363")
    assert anon.status_code == 200 and anon.content == kept.raw
    assert "/gemeente/GM0363" in _stored_paths(app)
    for private in ("/werkruimte", "/account", "/api/werkruimte/regio/GM0363"):
        assert clients["ana"].get(private, follow_redirects=False).status_code == 200
        assert clients["anon"].get(private, follow_redirects=False).status_code in (303, 401)
    assert not {
        p
        for p in _stored_paths(app)
        if p.startswith(("/werkruimte", "/account", "/api/werkruimte"))
    }
