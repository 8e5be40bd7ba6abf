"""What pre-rendered answers depend on besides the build: the tag of their store.

The store of a build (:mod:`buurtzicht.api.answer_store`, filled by
:mod:`buurtzicht.server.prerender`) is named by a digest of the package's files (code,
templates, catalog, static and vendored files) and of the settings that show in
answers, so that other code or settings never replay it.
"""

from __future__ import annotations

import hashlib
import json
from functools import lru_cache
from pathlib import Path

import buurtzicht
from buurtzicht.config import Settings

#: Settings that change how the server runs, not what it answers.
_SERVING_ONLY = {
    "home",
    "mirror",
    "keep_builds",
    "cache_mb",
    "request_slots",
    "queue_wait",
    "queue_max",
    "request_timeout",
    "warm_up",
    "http_retries",
    "http_backoff",
    "workspace_db",
    "session_hours",
    "upload_max_bytes",
    "upload_max_rows",
}
_PACKAGE = Path(buurtzicht.__file__).parent


@lru_cache(maxsize=1)
def _code_digest() -> str:
    """The package's files (code, templates, catalog, static and vendored files)."""
    digest = hashlib.sha256()
    for path in sorted(_PACKAGE.rglob("*")):
        if path.is_file() and "__pycache__" not in path.parts:
            digest.update(str(path.relative_to(_PACKAGE)).encode() + b"\0")
            digest.update(path.read_bytes())
    return digest.hexdigest()


def answers_tag(settings: Settings) -> str:
    """What the answers depend on besides the build: the code and the settings shown."""
    shown = settings.model_dump(mode="json", exclude=_SERVING_ONLY)
    digest = hashlib.sha256(_code_digest().encode())
    digest.update(json.dumps(shown, sort_keys=True, default=str).encode())
    return digest.hexdigest()[:16]
