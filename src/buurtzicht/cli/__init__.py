"""The ``buurtzicht`` command line (Typer + Rich).

Each area of the package contributes a module here that defines its commands on
the shared ``app`` (or a sub-app); this module only assembles them and turns every
error into one readable line instead of a traceback: bad input (a usage error or a
domain error) exits with code 2, anything unexpected with code 1 and a hint to run
again with ``buurtzicht --debug ...`` for the traceback.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Sequence

import typer
from rich.console import Console
from rich.markup import escape
from typer._click.exceptions import ClickException, NoArgsIsHelpError, UsageError

from buurtzicht.cli.app import app
from buurtzicht.errors import BuurtzichtError

# Command modules register themselves on import.
from buurtzicht.cli import data as _data  # noqa: F401  (isort: skip)
from buurtzicht.cli import fetch as _fetch  # noqa: F401  (isort: skip)
from buurtzicht.cli import analysis as _analysis  # noqa: F401  (isort: skip)
from buurtzicht.cli import composite as _composite  # noqa: F401  (isort: skip)
from buurtzicht.cli import secure as _secure  # noqa: F401  (isort: skip)
from buurtzicht.cli import models as _models  # noqa: F401  (isort: skip)
from buurtzicht.cli import disclosure as _disclosure  # noqa: F401  (isort: skip)
from buurtzicht.cli import serve as _serve  # noqa: F401  (isort: skip)
from buurtzicht.cli import prepare as _prepare  # noqa: F401  (isort: skip)
from buurtzicht.cli import workspace as _workspace  # noqa: F401  (isort: skip)

__all__ = ["app", "main", "run"]


def _say(message: str) -> None:
    text = " ".join(message.split())  # one line, whatever the message holds
    Console(stderr=True, soft_wrap=True).print(f"[bold red]fout / error:[/] {escape(text)}")


def _debug(args: Sequence[str]) -> bool:
    return "--debug" in args[:1] or os.environ.get("BUURTZICHT_DEBUG") == "1"


def run(args: Sequence[str] | None = None) -> int:
    """Run the command line on ``args`` (default: ``sys.argv[1:]``); the exit code."""
    argv = list(sys.argv[1:] if args is None else args)
    debug = _debug(argv)
    try:
        result = app(args=argv, prog_name="buurtzicht", standalone_mode=False)
    except NoArgsIsHelpError as exc:
        print(exc.format_message())
        return 2
    except UsageError as exc:
        hint = exc.ctx.command_path if exc.ctx is not None else "buurtzicht"
        _say(f"{exc.format_message()} (see '{hint} --help')")
        return 2
    except typer.Exit as exc:
        return int(exc.exit_code)
    except typer.Abort:
        _say("interrupted")
        return 130
    except ClickException as exc:
        _say(exc.format_message())
        return exc.exit_code
    except BuurtzichtError as exc:
        if debug:
            raise
        _say(str(exc))
        return 2
    except Exception as exc:
        if debug:
            raise
        _say(
            f"unexpected {type(exc).__name__}: {exc}. This is a bug or an unusual "
            "environment; run again as 'buurtzicht --debug ...' for the traceback"
        )
        return 1
    return result if isinstance(result, int) else 0


def main() -> None:
    sys.exit(run())
