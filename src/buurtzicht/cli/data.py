"""Data commands: fetch, build, info, rollback, region."""

from __future__ import annotations

from buurtzicht.cli.app import app


@app.command()
def version() -> None:
    """Print the buurtzicht version."""
    from buurtzicht import __version__

    print(__version__)
