"""Login, logout, CSRF, cookies and the beheer pages over HTTP (the whole app)."""

from __future__ import annotations

from fastapi.testclient import TestClient

from buurtzicht.workspace import audit
from tests.workspace.helpers import PASSWORD, csrf_of, log_in, seed


def test_login_sets_a_strict_httponly_session_cookie_and_logout_ends_it(
    ws_client: TestClient, database
) -> None:
    seed(database)
    form = ws_client.get("/inloggen")
    assert form.status_code == 200 and form.headers["cache-control"] == "no-store, private"
    answer = ws_client.post(
        "/inloggen",
        data={
            "username": "ana",
            "password": PASSWORD,
            "csrf": csrf_of(form.text),
            "volgende": "/account",
        },
        follow_redirects=False,
    )
    assert answer.status_code == 303 and answer.headers["location"] == "/account"
    cookie = next(c for c in answer.headers.get_list("set-cookie") if c.startswith("bz_sessie="))
    assert "HttpOnly" in cookie and "SameSite=strict" in cookie and "Path=/" in cookie
    account = ws_client.get("/account")
    assert "ana" in account.text and "GM0363" in account.text
    ws_client.post("/uitloggen", data={"csrf": csrf_of(account.text)})
    assert ws_client.get("/account", follow_redirects=False).status_code == 303


def test_cookies_are_secure_over_https(ws_settings) -> None:
    from buurtzicht.server import create_app

    with TestClient(create_app(ws_settings), base_url="https://testserver") as client:
        cookie = client.get("/inloggen").headers["set-cookie"]
    assert "Secure" in cookie and "HttpOnly" in cookie


def test_a_login_without_or_with_a_wrong_csrf_token_is_refused(
    ws_client: TestClient, database
) -> None:
    seed(database)
    ws_client.get("/inloggen")
    for token in ("", "forged"):
        answer = ws_client.post(
            "/inloggen", data={"username": "ana", "password": PASSWORD, "csrf": token}
        )
        assert answer.status_code == 403 and "CSRF" in answer.text
    assert "bz_sessie" not in ws_client.cookies


def test_a_cross_site_post_is_refused_even_with_the_token(ws_client: TestClient, database) -> None:
    seed(database)
    token = csrf_of(ws_client.get("/inloggen").text)
    answer = ws_client.post(
        "/inloggen",
        data={"username": "ana", "password": PASSWORD, "csrf": token},
        headers={"origin": "https://evil.example"},
    )
    assert answer.status_code == 403


def test_forms_after_login_need_the_session_token(ws_client: TestClient, database) -> None:
    seed(database)
    log_in(ws_client, "bea")
    before = audit.verify(database).entries
    answer = ws_client.post(
        "/beheer/gebruikers",
        data={
            "username": "x1",
            "password": PASSWORD,
            "role": "analist",
            "organisation": "GM0363",
            "csrf": "wrong",
        },
    )
    assert answer.status_code == 403
    assert audit.verify(database).entries == before  # nothing happened


def test_wrong_passwords_are_rate_limited_and_everything_is_audited(
    ws_client: TestClient, database
) -> None:
    seed(database)
    token = csrf_of(ws_client.get("/inloggen").text)
    statuses = [
        ws_client.post(
            "/inloggen", data={"username": "ana", "password": "no no no no no", "csrf": token}
        ).status_code
        for _ in range(6)
    ]
    assert statuses == [401] * 5 + [429]
    log = audit.entries(database, audit.AuditFilter(action="login."), limit=0)
    assert [e.action for e in reversed(log)] == ["login.mislukt"] * 5 + ["login.geblokkeerd"]
    assert log[0].address == "testclient" and log[0].actor == "ana"


def test_open_redirect_after_login_is_not_possible(ws_client: TestClient, database) -> None:
    seed(database)
    token = csrf_of(ws_client.get("/inloggen").text)
    answer = ws_client.post(
        "/inloggen",
        data={
            "username": "ana",
            "password": PASSWORD,
            "csrf": token,
            "volgende": "//evil.example/",
        },
        follow_redirects=False,
    )
    assert answer.headers["location"] == "/werkruimte"


def test_beheer_is_for_beheerders_only(ws_client: TestClient, database) -> None:
    seed(database)
    anonymous = ws_client.get("/beheer", follow_redirects=False)
    assert anonymous.status_code == 303 and anonymous.headers["location"].startswith("/inloggen")
    assert ws_client.get("/beheer.json").status_code == 401
    log_in(ws_client, "ana")
    assert ws_client.get("/beheer").status_code == 403
    assert ws_client.get("/beheer/audit.csv").status_code == 403


def test_a_beheerder_adds_an_organisation_and_a_user_who_can_log_in(ws_settings, database) -> None:
    from buurtzicht.server import create_app

    seed(database)
    with TestClient(create_app(ws_settings)) as admin, TestClient(create_app(ws_settings)) as new:
        csrf = log_in(admin, "bea")
        ok = admin.post(
            "/beheer/organisaties",
            data={"code": "GM0344", "name": "Utrecht", "kind": "gemeente", "csrf": csrf},
            follow_redirects=False,
        )
        assert ok.status_code == 303
        admin.post(
            "/beheer/gebruikers",
            data={
                "username": "uma",
                "password": PASSWORD,
                "role": "analist",
                "organisation": "GM0344",
                "csrf": csrf,
            },
        )
        bad = admin.post(
            "/beheer/gebruikers",
            data={
                "username": "kort",
                "password": "short",
                "role": "analist",
                "organisation": "GM0344",
                "csrf": csrf,
            },
        )
        assert bad.status_code == 422 and "at least 12" in bad.text
        users = {u["username"]: u for u in admin.get("/beheer.json").json()["users"]}
        assert users["uma"]["organisation"]["code"] == "GM0344"
        assert users["uma"]["role"] == "analist" and not users["uma"]["disabled"]
        log_in(new, "uma")
        admin.post("/beheer/gebruikers/uma/status", data={"disabled": "true", "csrf": csrf})
        assert new.get("/account", follow_redirects=False).status_code == 303  # session ended
        actions = [e.action for e in audit.entries(database, audit.AuditFilter(actor="bea"))]
        assert {
            "beheer.organisatie.toegevoegd",
            "beheer.gebruiker.toegevoegd",
            "beheer.gebruiker.geblokkeerd",
            "login.geslaagd",
        } <= set(actions)


def test_the_audit_page_filters_verifies_and_exports(ws_client: TestClient, database) -> None:
    seed(database)
    audit.record(database, audit.Actor("ana", "GM0363", "1.2.3.4"), "dataset.bekeken", "=1+1")
    log_in(ws_client, "bea")
    page = ws_client.get("/beheer/audit.json?wie=ana").json()
    assert page["verified"] is True
    assert [e["action"] for e in page["entries"]] == ["dataset.bekeken"]
    html = ws_client.get("/beheer/audit?actie=login").text
    assert "login.geslaagd" in html and "dataset.bekeken" not in html
    exported = ws_client.get("/beheer/audit.csv?wie=ana")
    assert exported.headers["content-type"].startswith("text/csv")
    assert "'=1+1" in exported.text and exported.headers["cache-control"] == "no-store, private"
    assert {"audit.bekeken", "audit.geexporteerd"} <= {
        e.action for e in audit.entries(database, audit.AuditFilter(actor="bea"))
    }


def test_logout_everywhere_ends_the_other_browsers_session(ws_settings, database) -> None:
    from buurtzicht.server import create_app

    seed(database)
    with TestClient(create_app(ws_settings)) as one, TestClient(create_app(ws_settings)) as two:
        csrf = log_in(one, "ana")
        log_in(two, "ana")
        one.post("/uitloggen/overal", data={"csrf": csrf})
        assert two.get("/account", follow_redirects=False).status_code == 303
