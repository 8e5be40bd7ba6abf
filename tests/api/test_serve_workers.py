"""``buurtzicht serve`` with several workers comes up on a busy machine.

Each worker is a fresh interpreter (multiprocessing spawn) that imports the package
before it answers uvicorn's health check. On a machine busy with other work that took
11 s, and with uvicorn's default of 5 s every worker was killed and restarted without
end: the server never answered. Here a ``sitecustomize`` on the workers' path makes
each worker's start-up 8 s slower than usual, as a busy disk does.
"""

from __future__ import annotations

import os
from pathlib import Path

import httpx
import pytest

from buurtzicht.config import Settings
from tests.serve import running_server

SLOW_START = """
import sys, time
if "spawn_main" in " ".join(getattr(sys, "orig_argv", [])):
    time.sleep(8)
"""


def test_workers_that_start_slowly_are_not_killed(
    small_settings: Settings, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "sitecustomize.py").write_text(SLOW_START, encoding="utf-8")
    path = os.pathsep.join(filter(None, [str(tmp_path), os.environ.get("PYTHONPATH")]))
    monkeypatch.setenv("PYTHONPATH", path)
    # Generous: on a machine running several test suites the start alone took over 60 s.
    with running_server(small_settings.home, "--workers", "2", timeout=240) as url:
        answers = [httpx.get(url + "/api/build", timeout=10).status_code for _ in range(4)]
    assert answers == [200] * 4
    log = (small_settings.home.parent / f"server-{url.rsplit(':', 1)[1]}.log").read_text()
    assert "died" not in log, log
