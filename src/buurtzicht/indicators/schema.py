"""JSON Schema of a catalog theme file, generated from the pydantic model.

The schema file beside the catalog (``catalog.schema.json``) is a snapshot: it is
regenerated with ``buurtzicht indicators schema --write`` (or the test run with
``BUURTZICHT_REGENERATE=1``), never edited by hand. Editors use it for completion and
checks while writing YAML (``# yaml-language-server: $schema=...``).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from buurtzicht.indicators.themes import ThemeFile

SCHEMA_ID = "https://buurtzicht.nl/schema/indicator-catalog.json"

SCHEMA_PATH = Path(__file__).with_name("catalog.schema.json")


def catalog_json_schema() -> dict[str, Any]:
    """The JSON Schema (draft 2020-12) of one ``catalog/<theme>.yaml`` document.

    >>> schema = catalog_json_schema()
    >>> schema["title"], "indicators" in schema["required"]
    ('ThemeFile', True)
    """
    schema = ThemeFile.model_json_schema()
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["$id"] = SCHEMA_ID
    return schema


def schema_text() -> str:
    return json.dumps(catalog_json_schema(), indent=2, ensure_ascii=False, sort_keys=True) + "\n"


def write_schema(path: Path = SCHEMA_PATH) -> Path:
    """Regenerate the schema snapshot."""
    path.write_text(schema_text(), encoding="utf-8")
    return path
