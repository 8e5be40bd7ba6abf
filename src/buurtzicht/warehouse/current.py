"""The current build: its file and a read-only connection to it.

What a build holds is read through the named queries of :mod:`buurtzicht.queries`.
"""

from __future__ import annotations

from pathlib import Path

import duckdb

from buurtzicht.config import Settings
from buurtzicht.warehouse.layout import BuildLayout

#: The gemeente indeling every series is harmonised to (docs/harmonisation.md).
CURRENT_INDELING = 2024


def current_path(settings: Settings) -> Path:
    return BuildLayout(settings.warehouse_dir).current_database()


def open_current(settings: Settings) -> duckdb.DuckDBPyConnection:
    """A read-only connection to the current build (``NoBuildError`` if there is none)."""
    return duckdb.connect(str(current_path(settings)), read_only=True)
