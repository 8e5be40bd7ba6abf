"""Versioned names of the vendored third-party files (written by scripts/vendor.py)."""

from __future__ import annotations

import json
from functools import lru_cache

from buurtzicht.errors import ConfigurationError
from buurtzicht.web import STATIC_DIR

MANIFEST = STATIC_DIR / "vendor" / "manifest.json"


@lru_cache(maxsize=1)
def assets() -> dict[str, str]:
    """Logical name -> URL, e.g. ``maplibre.js`` -> ``/static/vendor/maplibre-gl-5.24.1.js``."""
    try:
        manifest = json.loads(MANIFEST.read_text(encoding="utf-8"))
    except FileNotFoundError as exc:
        raise ConfigurationError(
            f"{MANIFEST} is missing: the dashboard's JavaScript is not installed; "
            "run 'make node' (npm ci + scripts/vendor.py)"
        ) from exc
    return {name: f"/static/vendor/{file}" for name, file in manifest.items()}
