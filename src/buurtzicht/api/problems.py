"""Errors of the web layer and how domain errors map onto HTTP statuses.

Every error leaves the server as a readable message: JSON for the API (and every
``.json`` page), a proper HTML page for a person; never a traceback, never a 500 for
something the user can fix.
"""

from __future__ import annotations

import re

from buurtzicht.errors import (
    BuurtzichtError,
    NoBuildError,
    RegionCodeError,
    SourceFormatError,
    UnknownMeasureError,
    UnknownRegionError,
)

#: An absolute file-system path (``/srv/data/raw/x.csv``, ``C:\\data\\x.csv``).
_SERVER_PATH = re.compile(r"(?<![\w:/.])(?:/|[A-Za-z]:\\)(?:[\w.\-]+[/\\])+([\w.\-]+)")


def without_server_paths(text: str) -> str:
    """``text`` with absolute paths cut to their last part: where the server keeps its
    files is nobody's business (a message still names the file).

    >>> without_server_paths("offline mirror /work/shared/data; see /srv/x/raw/a.csv")
    'offline mirror data; see a.csv'
    >>> without_server_paths("see /api/docs and https://example.org/a/b")
    'see /api/docs and https://example.org/a/b'
    """
    return _SERVER_PATH.sub(
        lambda m: m.group(1) if not _is_url_path(m.group(0)) else m.group(0), text
    )


def _is_url_path(path: str) -> bool:
    return path.startswith(("/api/", "/static/", "/kaart", "/gemeente/", "/wijk/", "/buurt/"))


class ProblemError(BuurtzichtError):
    """An error with an HTTP status, a short bilingual title and a detail message."""

    status = 400
    title_nl = "Ongeldige vraag"
    title_en = "Bad request"

    def __init__(self, detail: str, *, parameter: str | None = None) -> None:
        super().__init__(detail)
        self.detail = detail
        self.parameter = parameter


class InvalidParameterError(ProblemError):
    """A query parameter has a value we cannot use (422)."""

    status = 422
    title_nl = "Ongeldige parameter"
    title_en = "Invalid parameter"


class PeriodNotAvailableError(ProblemError):
    """A well-formed period for which the warehouse holds no figures (404)."""

    status = 404
    title_nl = "Periode niet beschikbaar"
    title_en = "Period not available"


class NotFoundError(ProblemError):
    """Something other than a region or indicator that does not exist (404)."""

    status = 404
    title_nl = "Niet gevonden"
    title_en = "Not found"


#: Domain error class -> (status, Dutch title, English title). First match wins.
DOMAIN_STATUS: tuple[tuple[type[BaseException], int, str, str], ...] = (
    (UnknownRegionError, 404, "Onbekende regio", "Unknown region"),
    (UnknownMeasureError, 404, "Onbekende indicator", "Unknown indicator"),
    (RegionCodeError, 422, "Ongeldige regiocode", "Invalid region code"),
    (SourceFormatError, 422, "Ongeldige parameter", "Invalid parameter"),
    (NoBuildError, 503, "Nog geen gegevens", "No data yet"),
)


def classify(exc: BaseException) -> tuple[int, str, str]:
    """HTTP status and the Dutch and English titles for an error."""
    if isinstance(exc, ProblemError):
        return exc.status, exc.title_nl, exc.title_en
    for kind, status, title_nl, title_en in DOMAIN_STATUS:
        if isinstance(exc, kind):
            return status, title_nl, title_en
    if isinstance(exc, BuurtzichtError):
        return 400, "Ongeldige vraag", "Bad request"
    return 500, "Interne fout", "Internal error"
