"""One small real build per session and a TestClient on it."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from buurtzicht.api.app import create_app
from buurtzicht.config import Settings
from buurtzicht.warehouse.build import run_build

from .smallbuild import small_inputs


@pytest.fixture(scope="session")
def small_settings(tmp_path_factory: pytest.TempPathFactory, mirror: Path) -> Settings:
    settings = Settings(home=tmp_path_factory.mktemp("small") / "var", mirror=mirror)
    run_build(settings, lambda _say: small_inputs(mirror))
    return settings


@pytest.fixture(scope="session")
def client(small_settings: Settings) -> Iterator[TestClient]:
    with TestClient(create_app(small_settings)) as test_client:
        yield test_client
