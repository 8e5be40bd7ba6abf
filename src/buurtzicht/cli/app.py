"""The root Typer application that command modules attach to."""

from __future__ import annotations

from typing import Annotated, Final, Literal

import typer

#: Help texts are Markdown: paragraphs reflow to the terminal, `code` is shown as such.
MARKUP: Final[Literal["markdown"]] = "markdown"

app = typer.Typer(
    name="buurtzicht",
    help="Zicht op ondermijning per gemeente, wijk en buurt: data, analyses, dashboard.",
    no_args_is_help=True,
    add_completion=False,
    rich_markup_mode=MARKUP,
)


@app.callback()
def _root(
    debug: Annotated[
        bool,
        typer.Option(
            "--debug", help="Show the full traceback of an unexpected error (before the command)."
        ),
    ] = False,
) -> None:
    """Zicht op ondermijning per gemeente, wijk en buurt: data, analyses, dashboard.

    Settings come from environment variables BUURTZICHT_* (see docs/configuration.md).
    """
