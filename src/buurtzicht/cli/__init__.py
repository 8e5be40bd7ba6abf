"""The ``buurtzicht`` command line (Typer + Rich).

Each area of the package contributes a module here that defines its commands on
the shared ``app`` (or a sub-app); this module only assembles them and turns domain
errors into a readable message and exit code 2 instead of a traceback.
"""

from __future__ import annotations

import sys

from rich.console import Console

from buurtzicht.cli.app import app
from buurtzicht.errors import BuurtzichtError

# Command modules register themselves on import.
from buurtzicht.cli import data as _data  # noqa: F401  (isort: skip)
from buurtzicht.cli import fetch as _fetch  # noqa: F401  (isort: skip)
from buurtzicht.cli import analysis as _analysis  # noqa: F401  (isort: skip)
from buurtzicht.cli import secure as _secure  # noqa: F401  (isort: skip)
from buurtzicht.cli import disclosure as _disclosure  # noqa: F401  (isort: skip)
from buurtzicht.cli import serve as _serve  # noqa: F401  (isort: skip)

__all__ = ["app", "main"]


def main() -> None:
    try:
        app()
    except BuurtzichtError as exc:
        Console(stderr=True).print(f"[bold red]fout / error:[/] {exc}")
        sys.exit(2)
