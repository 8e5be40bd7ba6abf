"""Errors of the secure side: bad microdata, failed generation, failed linkage."""

from __future__ import annotations

from buurtzicht.errors import BuurtzichtError


class MicrodataError(BuurtzichtError):
    """Microdata do not have the shape the linkage pipeline needs.

    The message names the table, the column or key and an example value, and says how
    to fix the input. Nothing is written when this is raised.
    """

    def __init__(self, table: str, problem: str, *, key: str | None = None, hint: str = "") -> None:
        self.table = table
        self.key = key
        self.problem = problem
        where = f"table {table!r}" + (f", key {key!r}" if key else "")
        message = f"{where}: {problem}"
        if hint:
            message += f" ({hint})"
        super().__init__(message)


class MicrodataMissingError(MicrodataError):
    """There is no (synthetic or real) microdata in the secure folder yet."""
