"""Login through an organisation's identity provider in a real browser (Chromium).

buurtzicht runs on ``127.0.0.1`` and the local OpenID provider
(tests/workspace/oidc_provider.py) on ``localhost``: two different sites, as a
gemeente's ADFS and buurtzicht are. So the provider's redirect back to buurtzicht is a
cross-site navigation, on which the browser withholds ``SameSite=Strict`` cookies and
sends ``Lax`` ones (top-level GET) -- what a test client without a browser does not show.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page
from playwright.sync_api import TimeoutError as PlaywrightTimeoutError

from buurtzicht.config import OidcProvider, Settings
from buurtzicht.server import create_app
from buurtzicht.workspace import accounts, audit
from buurtzicht.workspace.db import WorkspaceDB, open_database
from tests.e2e.conftest import screenshot
from tests.workspace.oidc_provider import (
    CLIENT_ID,
    CLIENT_SECRET,
    Provider,
    running_provider,
    serving,
)

pytestmark = pytest.mark.browser


@pytest.fixture
def site(tmp_path: Path) -> Iterator[tuple[str, Provider, WorkspaceDB]]:
    """(buurtzicht's base URL, the provider, the workspace database)."""
    with running_provider("localhost") as provider:
        provider.login_form = True
        provider.claims = {"sub": "adfs-18", "email_verified": True}
        config = OidcProvider(
            issuer=provider.issuer,
            client_id=CLIENT_ID,
            client_secret=CLIENT_SECRET,
            name="Amsterdam ADFS",
        )
        settings = Settings(
            home=tmp_path / "var",
            mirror=None,
            workspace_db=f"sqlite:///{tmp_path / 'workspace.sqlite'}",
            oidc={"GM0363": config},
        )
        database = open_database(settings)
        with database.session() as session:
            accounts.add_organisation(session, "GM0363", "Amsterdam", "gemeente", [])
            accounts.add_user(session, "ana@amsterdam.nl", None, "analist", "GM0363")
        with serving(create_app(settings)) as port:
            base = f"http://127.0.0.1:{port}"
            provider.redirect_uris.add(f"{base}/inloggen/oidc/GM0363/terug")
            yield base, provider, database
        database.close()


@pytest.fixture
def browser_page(browser: Browser) -> Iterator[Page]:
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    yield page
    context.close()
    assert errors == [], f"JavaScript errors: {errors}"


def _at_the_provider(page: Page, base: str, provider: Provider, email: str) -> None:
    """From buurtzicht's login page to the provider's (another site), log in there as
    ``email``."""
    page.goto(f"{base}/inloggen?volgende=/account")
    page.click("text=Amsterdam ADFS")
    page.wait_for_url(f"{provider.issuer}/authorize?*")
    page.fill("#email", email)
    page.click("button[type=submit]")


def test_login_through_the_provider_lands_logged_in(
    site: tuple[str, Provider, WorkspaceDB], browser_page: Page
) -> None:
    base, provider, database = site
    page = browser_page
    _at_the_provider(page, base, provider, "ana@amsterdam.nl")
    # Back at buurtzicht, on the page asked for, logged in.
    try:
        page.wait_for_url(f"{base}/account", timeout=20_000)
    except PlaywrightTimeoutError:
        pytest.fail(f"back from the provider the browser is at {page.url}, not on /account")
    screenshot(page, "oidc-logged-in")
    facts = page.locator("dl.facts").inner_text()
    assert "ana@amsterdam.nl" in facts and "GM0363" in facts
    cookies = {c["name"]: c for c in page.context.cookies(base)}
    session = cookies["bz_sessie"]
    assert (session["sameSite"], session["httpOnly"]) == ("Strict", True)
    assert "bz_oidc" not in cookies, "the login's state cookie outlived the login"
    # Still logged in on the next page, and the login is in the audit log.
    page.goto(f"{base}/werkruimte")
    assert page.url == f"{base}/werkruimte"
    assert "Amsterdam (GM0363)" in page.locator("h1").inner_text()
    logged = audit.entries(database, audit.AuditFilter(action="login.geslaagd"), limit=1)[0]
    assert logged.actor == "ana@amsterdam.nl" and '"sub": "adfs-18"' in logged.detail
    assert provider.token_requests == 1


def test_a_refused_identity_stays_logged_out(
    site: tuple[str, Provider, WorkspaceDB], browser_page: Page
) -> None:
    base, provider, _ = site
    page = browser_page
    _at_the_provider(page, base, provider, "onbekend@amsterdam.nl")
    page.wait_for_url(f"{base}/inloggen/oidc/GM0363/terug?*")
    assert "login failed" in page.content()
    assert "bz_sessie" not in {c["name"] for c in page.context.cookies(base)}
    page.goto(f"{base}/account")
    assert page.url.startswith(f"{base}/inloggen")
