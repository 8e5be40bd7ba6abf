"""The server entry mounts the pages on the API; the API alone answers errors in JSON."""

from __future__ import annotations

from pathlib import Path

from fastapi.testclient import TestClient

from buurtzicht.api.app import create_api
from buurtzicht.config import Settings
from buurtzicht.server import create_app

BROWSER = {"accept": "text/html,application/xhtml+xml"}


def test_the_api_alone_has_no_pages_and_answers_a_browser_in_json(tmp_path: Path) -> None:
    client = TestClient(create_api(Settings(home=tmp_path, mirror=None)))
    for path in ("/", "/bestaat/niet", "/static/css/app.css"):
        response = client.get(path, headers=BROWSER)
        assert response.status_code == 404, path
        assert response.headers["content-type"] == "application/json"
        assert response.json()["error"]["title"] == "Pagina niet gevonden"


def test_the_server_answers_a_browser_with_the_error_page(tmp_path: Path) -> None:
    client = TestClient(create_app(Settings(home=tmp_path, mirror=None)))
    page = client.get("/bestaat/niet?lang=en", headers=BROWSER)
    assert page.status_code == 404
    assert page.headers["content-type"].startswith("text/html")
    assert "<h1>" in page.text and "Page not found" in page.text
    api = client.get("/api/bestaat-niet", headers=BROWSER)
    assert api.status_code == 404 and api.json()["error"]["path"] == "/api/bestaat-niet"
    css = client.get("/static/css/app.css")
    assert css.status_code == 200 and css.headers["content-type"].startswith("text/css")
