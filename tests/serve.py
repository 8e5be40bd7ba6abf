"""A real ``buurtzicht serve`` process on a free loopback port, for tests that speak HTTP
to it from outside (schemathesis, load and CLI checks)."""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path

import httpx

SERVE = [sys.executable, "-c", "from buurtzicht.cli import main; main()", "serve"]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@contextmanager
def running_server(home: Path, *options: str, timeout: float = 120) -> Iterator[str]:
    """Start ``buurtzicht serve`` on the build in ``home``; yield its base URL."""
    with serve_process(home, *options, timeout=timeout) as (url, _pid):
        yield url


@contextmanager
def serve_process(
    home: Path,
    *options: str,
    env: Mapping[str, str] | None = None,
    timeout: float = 120,
    ready_path: str = "/api/build",
    prerender: bool = False,
) -> Iterator[tuple[str, int]]:
    """``buurtzicht serve`` on the build in ``home`` with extra ``env``: (base URL, pid).

    It counts as up once ``ready_path`` answers 200 (benchmarks of a cold start wait on
    ``/api/openapi.json``, which touches no build data). Its output goes to
    ``server-<port>.log`` beside ``home``. Without ``prerender`` it starts with
    ``--no-prerender`` (tests start many servers; tests/api/test_prerender.py covers it)."""
    port = free_port()
    log_path = home.parent / f"server-{port}.log"
    with log_path.open("w") as log:
        process = subprocess.Popen(
            [
                *SERVE,
                "--host",
                "127.0.0.1",
                "--port",
                str(port),
                "--log-level",
                "warning",
                *([] if prerender else ["--no-prerender"]),
                *options,
            ],
            env={**os.environ, **(env or {}), "BUURTZICHT_HOME": str(home)},
            stdout=log,
            stderr=subprocess.STDOUT,
            # Its own process group: killing the server kills its worker processes too
            # (a SIGKILL of the parent alone leaves the spawned workers running, 0.4 GB each).
            start_new_session=True,
        )
        url = f"http://127.0.0.1:{port}"
        try:
            _wait_until_up(url + ready_path, process, log_path, timeout)
            yield url, process.pid
        finally:
            process.terminate()
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                _kill(process)


def _wait_until_up(
    ready_url: str, process: subprocess.Popen[bytes], log_path: Path, timeout: float
) -> None:
    deadline = time.monotonic() + timeout
    while True:
        try:
            if httpx.get(ready_url, timeout=2).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        if process.poll() is not None or time.monotonic() > deadline:
            _kill(process)
            raise RuntimeError(f"server did not start:\n{log_path.read_text()}")
        time.sleep(0.2)


def _kill(process: subprocess.Popen[bytes]) -> None:
    """SIGKILL the server and every worker it started (its process group)."""
    with contextlib.suppress(ProcessLookupError):
        os.killpg(process.pid, signal.SIGKILL)
    process.wait()
