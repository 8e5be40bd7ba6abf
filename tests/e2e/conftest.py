"""Browser tests: a real uvicorn process on a real build, driven by Debian's Chromium.

The server runs in its own process on a free port against a build made once per session
in a private ``BUURTZICHT_HOME``. Screenshots of every page land in
``build/screenshots/``. axe-core comes from npm (``node_modules``), injected per page.
"""

from __future__ import annotations

import dataclasses
import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pandas as pd
import pytest
from playwright.sync_api import Browser, Page, sync_playwright
from playwright.sync_api import Error as PlaywrightError

from buurtzicht.assembly.from_current import collect_from_build
from buurtzicht.assembly.from_mirror import MIRROR_EXPECTATIONS, published_batches
from buurtzicht.config import Settings
from buurtzicht.warehouse.build import BuildInputs, Step, run_build
from tests.api.smallbuild import secure_batch, secure_buurt_batch
from tests.shared_builds import shared_folder

ROOT = Path(__file__).resolve().parents[2]
SCREENSHOTS = ROOT / "build" / "screenshots"
AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--use-angle=swiftshader",
    "--enable-unsafe-swiftshader",
    "--no-sandbox",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
]


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _mirror_with_secure_side(
    base: Settings, models: dict[str, pd.DataFrame], say: Step
) -> BuildInputs:
    """The real build of the offline mirror (``base``, its open data copied as
    ``buurtzicht secure load`` does), plus small secure-side batches flagged synthetic
    (with suppressed and rounded cells) as the disclosure control delivers them: a raw
    measure for the wijken of Amsterdam and Rotterdam, and the catalog indicator
    ``drugs_verdachten_per_10000`` down to the buurten of Amsterdam; and the risk models'
    tables (``models``) of a small world published through the command line."""
    inputs = collect_from_build(base, say)
    secure = [secure_batch(inputs.regions), secure_buurt_batch(inputs.regions)]
    # The suppression reasons of the small world's release and of the buurt batch: one table.
    reasons = [t[REASONS] for t in (models, *(b.tables for b in secure)) if REASONS in t]
    tables = {**models, REASONS: pd.concat(reasons, ignore_index=True)}
    return dataclasses.replace(
        inputs, batches=secure, tables=tables, expectations=MIRROR_EXPECTATIONS
    )


REASONS = "secure_suppressions"


@pytest.fixture(scope="session")
def e2e_home(
    tmp_path_factory: pytest.TempPathFactory, mirror_build: Settings, built: Settings
) -> Path:
    """The real warehouse build of the whole mirror (``mirror_build``) with its indicator
    values computed again, with the model tables of the small synthetic world ``built``
    (two real gemeenten: synth, link, models, publish --audit).

    The build is made once per run and shared by the xdist workers; each worker's home
    (its server's workspace database and log) links to it.
    """
    (release,) = published_batches(built, lambda _msg: None)

    def make(folder: Path) -> None:
        settings = Settings(home=folder / "var", mirror=mirror_build.mirror)
        run_build(settings, lambda say: _mirror_with_secure_side(mirror_build, release.tables, say))

    shared = shared_folder(tmp_path_factory, "e2e-build", make) / "var"
    home = tmp_path_factory.mktemp("e2e") / "var"
    home.mkdir()
    (home / "warehouse").symlink_to((shared / "warehouse").resolve())
    return home


@pytest.fixture(scope="session")
def base_url(e2e_home: Path) -> Iterator[str]:
    port = _free_port()
    env = {**os.environ, "BUURTZICHT_HOME": str(e2e_home)}
    log = (e2e_home.parent / "server.log").open("w")
    process = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "from buurtzicht.cli import main; main()",
            "serve",
            "--port",
            str(port),
            "--log-level",
            "warning",
            # The browser asks for pages itself; rendering every stored answer first took
            # over the 120 s below on a loaded machine (tests/api/test_prerender.py checks
            # that stored answers are the computed ones).
            "--no-prerender",
        ],
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    url = f"http://127.0.0.1:{port}"
    # Generous: on a loaded 2-core machine importing the app alone takes 15 s.
    deadline = time.monotonic() + 120
    while True:
        try:
            if httpx.get(url + "/api/build", timeout=1).status_code == 200:
                break
        except httpx.HTTPError:
            pass
        if process.poll() is not None or time.monotonic() > deadline:
            process.kill()
            pytest.fail(f"server did not start: {(e2e_home.parent / 'server.log').read_text()}")
        time.sleep(0.2)
    yield url
    process.terminate()
    process.wait(timeout=10)
    log.close()


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    if not Path(CHROMIUM).exists():
        pytest.fail("Chromium is missing: run 'make chromium' (make test does it)", pytrace=False)
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(
            executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True
        )
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser: Browser, base_url: str) -> Iterator[Page]:
    context = browser.new_context(
        base_url=base_url, viewport={"width": 1280, "height": 900}, accept_downloads=True
    )
    # Everything the Content-Security-Policy blocks is recorded (the init script runs
    # outside the page's CSP) and fails the test, like a JavaScript error does.
    context.add_init_script(CSP_LISTENER)
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    yield page
    violations = _csp_violations(page)
    context.close()
    assert errors == [], f"JavaScript errors: {errors}"
    assert violations == [], f"Content-Security-Policy violations: {violations}"


CSP_LISTENER = """
window.__cspViolations = [];
document.addEventListener("securitypolicyviolation", (e) => {
  window.__cspViolations.push(`${e.violatedDirective} ${e.blockedURI} ${e.sourceFile}:${e.lineNumber}`);
});
"""


def _csp_violations(page: Page) -> list[str]:
    if page.is_closed():
        return []
    try:
        found = page.evaluate("window.__cspViolations || []")
    except PlaywrightError:  # the page navigated away mid-evaluation
        return []
    return [str(v) for v in found]


def screenshot(page: Page, name: str) -> Path:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path


def wait_for_map(page: Page) -> None:
    page.wait_for_selector("#map[data-ready='true']", timeout=30_000)
