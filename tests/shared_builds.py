"""Session builds made once per test run, also when pytest-xdist runs it on several workers.

A session fixture runs once per worker process; the real mirror build takes about a
minute, so with ``-n 2`` (``make test``) the first worker to need a build makes it in a
folder beside the workers' own temporary folders, under a file lock, and the others wait
for it and read the same folder. Builds shared this way must be treated as read-only.
"""

from __future__ import annotations

import fcntl
import os
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest

#: Written last: a folder without it is a build that failed or is still being made.
COMPLETE = ".complete"


def run_root(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The temporary folder of the whole run: the parent of a worker's own folder."""
    base = tmp_path_factory.getbasetemp()
    return base.parent if os.environ.get("PYTEST_XDIST_WORKER") else base


def shared_folder(
    tmp_path_factory: pytest.TempPathFactory, name: str, make: Callable[[Path], None]
) -> Path:
    """Folder ``name`` of this run, filled by ``make(folder)`` by the first worker to ask."""
    root = run_root(tmp_path_factory)
    folder = root / name
    with (root / f"{name}.lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not (folder / COMPLETE).is_file():
            # A worker whose build failed leaves a partial folder: start again.
            shutil.rmtree(folder, ignore_errors=True)
            folder.mkdir()
            make(folder)
            (folder / COMPLETE).touch()
    return folder
