"""Shared fixtures. Tests that need the real open-data mirror fail loudly without it."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from buurtzicht.config import Settings
from buurtzicht.server import create_app
from buurtzicht.warehouse.build import BuildInputs, run_build
from tests.api.smallbuild import small_inputs
from tests.shared_builds import shared_folder
from tests.tiny import tiny_inputs


@pytest.hookimpl(optionalhook=True)  # a hook of pytest-xdist (make test: -n 2)
def pytest_xdist_make_scheduler(config: pytest.Config, log: object) -> object | None:
    """``--dist loadscope``: whole modules per worker, the browser tests all on one."""
    if config.getoption("dist") != "loadscope":
        return None
    from tests.xdist_scopes import ModulesAndBrowser

    return ModulesAndBrowser(config, log)


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """On an xdist worker: the browser tests first (the longest scope; it makes the real
    mirror build), then the modules that do not wait for that build, then those that do."""
    if not os.environ.get("PYTEST_XDIST_WORKER"):
        return
    waiting = {i.path for i in items if "mirror_build" in getattr(i, "fixturenames", ())}

    def handed_out(item: pytest.Item) -> int:
        if Path(str(item.path)).parent.name == "e2e":
            return 0
        return 2 if item.path in waiting else 1

    items.sort(key=handed_out)


@pytest.fixture(scope="session")
def mirror() -> Path:
    """The offline mirror of real open data (``BUURTZICHT_MIRROR`` or ../shared/data).

    Never skips: a missing mirror is a broken test environment, not an optional extra.
    """
    path = Settings().mirror
    if path is None or not (Path(path) / "raw" / "INDEX.md").is_file():
        pytest.fail(
            "offline data mirror not found: set BUURTZICHT_MIRROR or put ../shared/data "
            "beside the checkout",
            pytrace=False,
        )
    return Path(path)


@pytest.fixture(scope="session")
def raw(mirror: Path) -> Path:
    return mirror / "raw"


@pytest.fixture
def settings(tmp_path: Path, mirror: Path) -> Settings:
    """Settings with a private working folder, reading the real mirror."""
    return Settings(mirror=mirror, home=tmp_path / "var")


@pytest.fixture
def home(tmp_path: Path) -> Settings:
    """Settings with an empty private working folder and no mirror."""
    return Settings(home=tmp_path / "var", mirror=None)


@pytest.fixture
def inputs(tmp_path: Path) -> BuildInputs:
    """A tiny hand-made build: two gemeenten, a wijk, a buurt, one measure."""
    return tiny_inputs(tmp_path)


@pytest.fixture(scope="session")
def mirror_build(tmp_path_factory: pytest.TempPathFactory, mirror: Path) -> Settings:
    """Settings whose home holds one real warehouse build from the whole mirror.

    Built once per test run (about a minute), shared by the xdist workers; tests must
    treat it as read-only.
    """
    from buurtzicht.assembly.from_mirror import collect_from_mirror

    def make(folder: Path) -> None:
        settings = Settings(mirror=mirror, home=folder / "var")
        run_build(settings, lambda say: collect_from_mirror(settings, say))

    folder = shared_folder(tmp_path_factory, "mirror-build", make)
    return Settings(mirror=mirror, home=folder / "var")


@pytest.fixture(scope="session")
def small_settings(tmp_path_factory: pytest.TempPathFactory, mirror: Path) -> Settings:
    """One small real build of mirror data per session (API and page tests)."""
    settings = Settings(home=tmp_path_factory.mktemp("small") / "var", mirror=mirror)
    run_build(settings, lambda _say: small_inputs(mirror))
    return settings


@pytest.fixture(scope="session")
def small_app_client(small_settings: Settings) -> Iterator[TestClient]:
    with TestClient(create_app(small_settings)) as test_client:
        yield test_client


@pytest.fixture
def client(small_app_client: TestClient) -> TestClient:
    """The app on the small build (started once per session), without the cookies an
    earlier test left (``?lang=en`` sets one): each test starts from the default language
    whichever tests ran before it on its worker."""
    small_app_client.cookies.clear()
    return small_app_client


@pytest.fixture(scope="session")
def built(tmp_path_factory: pytest.TempPathFactory, mirror: Path) -> Settings:
    """A small synthetic world through the command line (synth at scale 0.01, link,
    models, publish --audit at gemeente and wijk level; cut to two gemeenten, see
    tests/secure/smallworld.py) and a build with its release. Read-only; shared by the
    secure tests and the browser tests (the risk models' tables), and by the xdist
    workers."""
    from buurtzicht.assembly.from_mirror import published_batches
    from tests.secure.smallworld import published_small_world, small_build_inputs, world_codes

    def make(root: Path) -> None:
        settings = published_small_world(root, mirror, scale=0.01, levels="gemeente,wijk")
        codes = world_codes(settings)
        run_build(
            settings,
            lambda say: small_build_inputs(root, codes, published_batches(settings, say)),
        )

    return Settings(mirror=mirror, home=shared_folder(tmp_path_factory, "world", make) / "var")
