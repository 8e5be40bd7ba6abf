"""Hardened HTTP: security headers on every answer, HEAD, Allow, cookies, no inline script."""

from __future__ import annotations

import re

import pytest
from fastapi.testclient import TestClient

from buurtzicht.api.security import CONTENT_SECURITY_POLICY

#: One URL of every kind of answer: pages, JSON twins, API (cached and not), geometry,
#: exports, static and vendored files, the API docs, and errors of every status.
URLS = [
    ("/", 200),
    ("/kaart", 200),
    ("/gemeente/GM0363", 200),
    ("/gemeente/GM0363.json", 200),
    ("/vergelijk?regio=GM0363,GM0599", 200),
    ("/methodologie", 200),
    ("/api/build", 200),
    ("/api/regions?q=amster", 200),
    ("/api/profile/GM0363", 200),
    ("/api/geometry/gemeente/2024", 200),
    ("/api/exports/values.csv?indicator=opgehelderd_pct", 200),
    ("/api/openapi.json", 200),
    ("/api/docs", 200),
    ("/static/css/app.css", 200),
    ("/static/js/map.js", 200),
    ("/gemeente/GM9876", 404),
    ("/api/regions/GM9876", 404),
    ("/bestaat/niet", 404),
    ("/api/values?indicator=opgehelderd_pct&k=100", 422),
]

DIRECTIVES = {
    "default-src": "'self'",
    "script-src": "'self'",
    "style-src": "'self'",
    "object-src": "'none'",
    "base-uri": "'none'",
    "frame-ancestors": "'none'",
}


def _policy(header: str) -> dict[str, str]:
    parts = (p.strip().split(" ", 1) for p in header.split(";") if p.strip())
    return {name: value for name, value in parts}


@pytest.mark.parametrize(("url", "status"), URLS)
def test_every_answer_carries_the_security_headers(
    client: TestClient, url: str, status: int
) -> None:
    for _ in range(2):  # the second answer of a cacheable URL comes from the cache
        response = client.get(url)
        assert response.status_code == status
        policy = _policy(response.headers["content-security-policy"])
        for name, value in DIRECTIVES.items():
            assert policy[name] == value, name
        assert "unsafe-inline" not in response.headers["content-security-policy"]
        assert "unsafe-eval" not in response.headers["content-security-policy"]
        assert response.headers["x-content-type-options"] == "nosniff"
        assert response.headers["x-frame-options"] == "DENY"
        assert response.headers["referrer-policy"] == "same-origin"
        assert "strict-transport-security" not in response.headers  # plain http here


def test_https_answers_add_hsts() -> None:
    from buurtzicht.config import Settings
    from buurtzicht.server import create_app

    with TestClient(create_app(Settings(mirror=None)), base_url="https://testserver") as c:
        response = c.get("/static/css/app.css")
    assert response.headers["strict-transport-security"].startswith("max-age=")


@pytest.mark.parametrize(("url", "status"), URLS)
def test_head_answers_like_get_without_a_body(client: TestClient, url: str, status: int) -> None:
    get = client.get(url)
    head = client.head(url)
    assert head.status_code == status
    assert head.content == b""
    for name in ("content-type", "content-security-policy", "etag", "content-disposition"):
        assert head.headers.get(name) == get.headers.get(name), name


@pytest.mark.parametrize(
    ("method", "url"),
    [
        ("POST", "/api/build"),
        ("PUT", "/api/profile/GM0363"),
        ("DELETE", "/gemeente/GM0363"),
        ("PATCH", "/kaart"),
        ("POST", "/static/css/app.css"),
        ("POST", "/api/docs"),
    ],
)
def test_405_names_the_allowed_methods(client: TestClient, method: str, url: str) -> None:
    response = client.request(method, url)
    assert response.status_code == 405
    assert response.headers["allow"] == "GET, HEAD"
    assert response.headers["content-security-policy"] == CONTENT_SECURITY_POLICY
    if url.startswith("/api/"):
        assert "use GET, HEAD" in response.json()["error"]["detail"]


def test_language_cookie_is_httponly_and_samesite(client: TestClient) -> None:
    try:
        response = client.get("/methodologie?lang=en")
        cookie = response.headers["set-cookie"]
        assert cookie.startswith("lang=en;")
        assert "HttpOnly" in cookie and "SameSite=lax" in cookie and "Path=/" in cookie
        assert "Secure" not in cookie  # plain http and BUURTZICHT_COOKIE_SECURE unset
    finally:
        client.cookies.clear()


def test_cookies_are_secure_behind_tls() -> None:
    from buurtzicht.config import Settings
    from buurtzicht.server import create_app

    with TestClient(create_app(Settings(mirror=None, cookie_secure=True))) as c:
        cookie = c.get("/bestaat/niet?lang=en").headers["set-cookie"]
    assert "Secure" in cookie and "HttpOnly" in cookie


PAGES = ["/", "/kaart", "/gemeente/GM0363", "/vergelijk?regio=GM0363,GM0599", "/methodologie"]


@pytest.mark.parametrize("url", [*PAGES, "/api/docs", "/gemeente/GM9876"])
def test_pages_have_no_inline_script_or_style(client: TestClient, url: str) -> None:
    html = client.get(url).text
    scripts = re.findall(r"<script\b([^>]*)>(.*?)</script>", html, re.S)
    for attributes, body in scripts:
        assert 'src="/static/' in attributes and body.strip() == "", attributes
    assert re.search(r"\son[a-z]+\s*=", html) is None, "inline event handler"
    assert re.search(r"\sstyle\s*=", html) is None, "inline style attribute"
    assert "<style" not in html
    assert "javascript:" not in html


def test_api_docs_work_offline(client: TestClient) -> None:
    html = client.get("/api/docs").text
    assert "cdn" not in html.lower() and "https://" not in html
    assets = re.findall(r'(?:src|href)="(/static/[^"]+)"', html)
    assert any("swagger-ui-bundle" in a for a in assets)
    for asset in assets:
        assert client.get(asset).status_code == 200, asset
