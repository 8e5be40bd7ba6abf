"""Server-rendered pages (Jinja2) with small ES modules; every page also as JSON.

The pages are :data:`buurtzicht.web.pages.router`; :mod:`buurtzicht.server` mounts them
and :data:`STATIC_DIR` on the API.
"""

from __future__ import annotations

from pathlib import Path

STATIC_DIR = Path(__file__).with_name("static")
