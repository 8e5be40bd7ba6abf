"""Domain exceptions.

Every error says what went wrong, where (file, line, record, region code) and, where it
helps, how to fix it. The CLI and the API turn these into a readable message or an HTTP
status; they never show a traceback to a user.
"""

from __future__ import annotations

from pathlib import Path


class BuurtzichtError(Exception):
    """Base class of every error buurtzicht raises on purpose."""


class ConfigurationError(BuurtzichtError):
    """A setting is missing or points at something that does not exist."""


class MirrorMissingError(ConfigurationError):
    """The offline data mirror (``BUURTZICHT_MIRROR``) cannot be found."""


class SourceFormatError(BuurtzichtError):
    """A source file or response does not have the shape we expect.

    Carries the file (or URL), the line or record where the problem is and what was
    expected, so that a user can open the file and look.
    """

    def __init__(
        self,
        source: str | Path,
        problem: str,
        *,
        line: int | None = None,
        record: str | None = None,
        expected: str | None = None,
    ) -> None:
        self.source = str(source)
        self.problem = problem
        self.line = line
        self.record = record
        self.expected = expected
        where = self.source
        if line is not None:
            where += f", line {line}"
        if record is not None:
            where += f", record {record}"
        message = f"{where}: {problem}"
        if expected:
            message += f" (expected {expected})"
        super().__init__(message)


class RegionCodeError(BuurtzichtError, ValueError):
    """A region code is malformed (not GM0363, WK036300, BU03630000, PV27, ...)."""


class UnknownRegionError(BuurtzichtError, LookupError):
    """A well-formed region code that is not in the region table."""


class UnknownMeasureError(BuurtzichtError, LookupError):
    """A measure or indicator id that does not exist."""


class SourceUnavailableError(BuurtzichtError):
    """A remote source (CBS OData, PDOK) could not be reached after retries."""


class BuildError(BuurtzichtError):
    """A warehouse build failed validation; the current build stays in place."""


class DisclosureError(BuurtzichtError):
    """Secure aggregates cannot be protected or audited as given (see docs/disclosure.md)."""


class NoBuildError(BuurtzichtError):
    """There is no warehouse build yet (run ``buurtzicht build``)."""
