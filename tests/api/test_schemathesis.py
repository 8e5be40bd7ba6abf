"""The OpenAPI schema says what the API accepts and answers: schemathesis, every check,
against a real uvicorn server on the small build of real mirror data.

A bounded run (fixed seed, a few examples per operation, every phase: coverage,
fuzzing, stateful links) that must end with 0 failures: no server error, no status or
body the schema does not document, no schema-valid request refused, no invalid request
accepted, ``Allow`` on every 405.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

from buurtzicht.config import Settings
from tests.serve import running_server

ST = Path(sys.executable).with_name("st")
SEED = 14
EXAMPLES = 5


def test_schemathesis_finds_nothing(small_settings: Settings, tmp_path: Path) -> None:
    with running_server(small_settings.home) as base_url:
        result = subprocess.run(
            [
                str(ST),
                "run",
                f"{base_url}/api/openapi.json",
                "--checks",
                "all",
                "--max-examples",
                str(EXAMPLES),
                "--seed",
                str(SEED),
                "--generation-database",
                "none",
                "--workers",
                "2",
                "--no-color",
            ],
            capture_output=True,
            text=True,
            timeout=240,
            cwd=tmp_path,
            env={**os.environ, "SCHEMATHESIS_HOOKS": ""},
        )
    report = result.stdout + result.stderr
    assert result.returncode == 0, report[-6000:]
    assert "20 selected / 20 total" in report  # every operation was tested
    counts = re.search(r"(\d+) generated, (\d+) passed", report)
    assert counts is not None, report[-3000:]
    assert counts.group(1) == counts.group(2), report[-3000:]
    assert int(counts.group(1)) > 19 * EXAMPLES
