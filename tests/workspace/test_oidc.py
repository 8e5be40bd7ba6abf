"""Login through an organisation's identity provider (OpenID Connect), against a real
local provider (tests/workspace/oidc_provider.py): discovery, PKCE, the token request
and the signed ID token all go over HTTP; nothing of the client is replaced."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from fastapi.testclient import TestClient

from buurtzicht.config import OidcProvider, Settings
from buurtzicht.server import create_app
from buurtzicht.workspace import audit
from buurtzicht.workspace.db import WorkspaceDB
from tests.workspace.helpers import seed
from tests.workspace.oidc_provider import CLIENT_ID, CLIENT_SECRET, Provider, running_provider

CALLBACK = "http://testserver/inloggen/oidc/GM0363/terug"


@pytest.fixture(scope="module")
def provider() -> Iterator[Provider]:
    with running_provider() as running:
        running.redirect_uris.add(CALLBACK)
        yield running


@pytest.fixture
def oidc_client(
    provider: Provider, tmp_path: Path, database_url: str, database: WorkspaceDB
) -> Iterator[TestClient]:
    seed(database)
    provider.fault = ""
    provider.claims = {}
    config = OidcProvider(
        issuer=provider.issuer,
        client_id=CLIENT_ID,
        client_secret=CLIENT_SECRET,
        name="Amsterdam ADFS",
        organisation_claim="gemeente",
    )
    settings = Settings(
        home=tmp_path / "var", mirror=None, workspace_db=database_url, oidc={"GM0363": config}
    )
    with TestClient(create_app(settings)) as client:
        yield client


def _through_provider(client: TestClient, start: str = "/inloggen/oidc/GM0363") -> httpx.Response:
    """Start at buurtzicht, follow the browser's way through the provider, and answer
    what buurtzicht says when it comes back."""
    to_provider = client.get(start, follow_redirects=False)
    assert to_provider.status_code == 303, to_provider.text
    location = to_provider.headers["location"]
    assert "code_challenge_method=S256" in location and "nonce=" in location
    back = httpx.get(location, follow_redirects=False)
    assert back.status_code == 302, back.text
    assert back.headers["location"].startswith(CALLBACK + "?code=")
    return client.get(back.headers["location"], follow_redirects=False)


def test_an_existing_analist_logs_in_through_the_provider(
    oidc_client: TestClient, provider: Provider, database: WorkspaceDB
) -> None:
    with database.session() as session:
        from buurtzicht.workspace.accounts import add_user

        add_user(session, "ana@amsterdam.nl", None, "analist", "GM0363")
    provider.claims = {"sub": "adfs-77", "email": "ana@amsterdam.nl", "email_verified": True}
    answer = _through_provider(oidc_client, "/inloggen/oidc/GM0363?volgende=/werkruimte")
    # Not a redirect: the browser arrived from the provider's site, and the Strict
    # session cookie is sent only on a navigation that starts here (test_oidc_browser).
    assert answer.status_code == 200 and answer.headers["cache-control"] == "no-store, private"
    assert '<meta http-equiv="refresh" content="0; url=/werkruimte">' in answer.text
    assert "bz_sessie=" in answer.headers["set-cookie"]
    assert "samesite=strict" in answer.headers["set-cookie"].lower()
    account = oidc_client.get("/account.json").json()
    assert account["user"]["username"] == "ana@amsterdam.nl"
    assert account["user"]["organisation"]["code"] == "GM0363"
    logged = audit.entries(database, audit.AuditFilter(action="login.geslaagd"), limit=1)[0]
    assert logged.actor == "ana@amsterdam.nl" and '"via": "oidc"' in logged.detail
    assert '"sub": "adfs-77"' in logged.detail
    audit.verify(database)


def test_the_organisation_claim_creates_a_missing_analist(
    oidc_client: TestClient, provider: Provider, database: WorkspaceDB
) -> None:
    provider.claims = {"email": "nieuw@amsterdam.nl", "gemeente": ["GM0363"], "name": "Nieuw"}
    assert _through_provider(oidc_client).status_code == 200
    user = oidc_client.get("/account.json").json()["user"]
    assert (user["username"], user["role"], user["organisation"]["code"]) == (
        "nieuw@amsterdam.nl",
        "analist",
        "GM0363",
    )
    made = audit.entries(database, audit.AuditFilter(action="beheer.gebruiker"), limit=1)[0]
    assert made.target == "nieuw@amsterdam.nl" and '"via": "oidc"' in made.detail
    # Without a password the account cannot log in on the form.
    form = oidc_client.get("/inloggen")
    assert form.status_code in (200, 303)


@pytest.mark.parametrize(
    ("claims", "why"),
    [
        ({"email": "onbekend@amsterdam.nl"}, "no account and no organisation claim"),
        ({"email": "onbekend@amsterdam.nl", "gemeente": "GM0599"}, "claim of another gemeente"),
        ({"email": "rob"}, "an analist of Rotterdam"),
        ({"email": "ria"}, "an analist of the RIEC, not of GM0363"),
        ({"email": "bea"}, "a beheerder"),
        ({"email": "ana", "email_verified": False}, "an unverified e-mail address"),
        ({"sub": "x"}, "no e-mail claim at all"),
    ],
)
def test_identities_that_map_to_no_analist_of_the_organisation_are_refused(
    oidc_client: TestClient, provider: Provider, database: WorkspaceDB, claims, why: str
) -> None:
    provider.claims = claims
    answer = _through_provider(oidc_client)
    assert answer.status_code == 401, why
    assert "bz_sessie" not in answer.headers.get("set-cookie", ""), why
    assert oidc_client.get("/account.json").status_code == 401, why
    failed = audit.entries(database, audit.AuditFilter(action="login.mislukt"), limit=1)[0]
    assert failed.organisation == "GM0363" and '"via": "oidc"' in failed.detail


@pytest.mark.parametrize("fault", ["nonce", "audience", "issuer", "expired", "foreign-key"])
def test_a_bad_id_token_is_refused(
    oidc_client: TestClient, provider: Provider, database: WorkspaceDB, fault: str
) -> None:
    """Each check of the ID token is real: a token for another client, from another
    issuer, expired, with another nonce or signed by another key logs nobody in, even
    for an existing analist."""
    provider.claims = {"email": "ana"}
    provider.fault = fault
    answer = _through_provider(oidc_client)
    assert answer.status_code == 401, fault
    assert oidc_client.get("/account.json").status_code == 401
    failed = audit.entries(database, audit.AuditFilter(action="login.mislukt"), limit=1)[0]
    assert "refused" in failed.detail


def test_the_state_must_match_and_a_code_works_once(
    oidc_client: TestClient, provider: Provider
) -> None:
    provider.claims = {"email": "ana"}
    location = oidc_client.get("/inloggen/oidc/GM0363", follow_redirects=False).headers["location"]
    back = httpx.get(location, follow_redirects=False).headers["location"]
    forged = back.split("&state=")[0] + "&state=vervalst"
    assert oidc_client.get(forged, follow_redirects=False).status_code == 401
    assert oidc_client.get("/account.json").status_code == 401
    # A browser that never started a login here (no pending cookie) is refused outright.
    with TestClient(oidc_client.app) as stranger:
        assert stranger.get(back, follow_redirects=False).status_code == 403
    # Started properly, the same provider logs in.
    assert _through_provider(oidc_client).status_code == 200
    assert oidc_client.get("/account.json").status_code == 200


def test_an_organisation_without_a_provider_has_no_oidc_login(oidc_client: TestClient) -> None:
    assert oidc_client.get("/inloggen/oidc/GM0599", follow_redirects=False).status_code == 404
    form = oidc_client.get("/inloggen").text
    assert 'href="/inloggen/oidc/GM0363?volgende=' in form and "Amsterdam ADFS" in form
