"""Workspace fixtures: every test that takes ``database_url`` runs twice, on SQLite and
on a real PostgreSQL server started for the session (never skipped: a missing server is
a broken test environment)."""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from buurtzicht.config import Settings
from buurtzicht.server import create_app
from buurtzicht.workspace.db import WorkspaceDB, open_database
from tests.workspace.postgres import fresh_database, running_server

_names = itertools.count()


@pytest.fixture(scope="session")
def postgres_server() -> Iterator[str]:
    try:
        with running_server() as url:
            yield url
    except RuntimeError as exc:
        pytest.fail(str(exc), pytrace=False)


@pytest.fixture(params=["sqlite", "postgresql"])
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'workspace.sqlite'}"
    server: str = request.getfixturevalue("postgres_server")
    return fresh_database(server, f"t{next(_names)}")


@pytest.fixture
def ws_settings(tmp_path: Path, database_url: str) -> Settings:
    return Settings(home=tmp_path / "var", mirror=None, workspace_db=database_url)


@pytest.fixture
def database(ws_settings: Settings) -> Iterator[WorkspaceDB]:
    db = open_database(ws_settings)
    yield db
    db.close()


@pytest.fixture
def ws_client(ws_settings: Settings) -> Iterator[TestClient]:
    """The whole app on an empty home (no build): only the workspace pages matter."""
    with TestClient(create_app(ws_settings)) as client:
        yield client


@pytest.fixture
def own_settings(tmp_path: Path, mirror_build: Settings, database_url: str) -> Settings:
    """The real mirror build (read through a link, never written) with a private home
    for the workspace's staging files and the workspace database of ``database_url``."""
    home = tmp_path / "own-home"
    home.mkdir()
    (home / "warehouse").symlink_to(mirror_build.warehouse_dir.resolve())
    return Settings(home=home, mirror=mirror_build.mirror, workspace_db=database_url)
