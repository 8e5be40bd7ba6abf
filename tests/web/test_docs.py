"""The API and the pages are documented: a new route without a line in docs fails."""

from __future__ import annotations

import re
from pathlib import Path

from buurtzicht.config import Settings
from buurtzicht.server import create_app
from buurtzicht.web.pages import compare, home, map, methodology, rankings, region, zoekgebieden

PAGE_MODULES = (home, map, rankings, region, compare, methodology, zoekgebieden)

DOCS = Path(__file__).resolve().parents[2] / "docs"


def _documented(path: str, text: str) -> bool:
    # /api/profile/{code} is documented as /api/profile/{code}; query strings may follow
    return re.search(re.escape(path) + r"[`?\s]", text) is not None


def test_every_api_route_is_in_docs_api(tmp_path: Path) -> None:
    text = (DOCS / "api.md").read_text(encoding="utf-8")
    app = create_app(Settings(home=tmp_path, mirror=None))
    paths = [p for p in app.openapi()["paths"] if p.startswith("/api/")]
    assert len(paths) >= 10
    missing = [p for p in paths if not _documented(p, text)]
    assert missing == []


def test_every_page_is_in_docs_dashboard() -> None:
    text = (DOCS / "dashboard.md").read_text(encoding="utf-8")
    paths = {getattr(r, "path", "") for m in PAGE_MODULES for r in m.router.routes}
    pages = {
        p.replace("{name}", "{code}")
        for p in paths
        if p and not p.startswith(("/api", "/static", "/docs")) and not p.endswith(".json")
    }
    assert "/kaart" in pages
    missing = [p for p in sorted(pages) if f"`{p}" not in text]
    assert missing == []
