"""The disclosure audit of a loaded secure release, in the build's dataset notes.

``secure publish --audit`` audits a release before it is written; the build that loads
it states the audit's figures in one note line of the ``secure`` dataset
(:func:`audit_note`). The pages read the figures back from that line
(:func:`read_audit_note`; :func:`buurtzicht.queries.secure_release.secure_audit`
reads it from a build), so the format's writer and parser live here together.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any


def audit_note(report: dict[str, Any]) -> str:
    """One line on the audit of a release, for the build's dataset notes and the pages.

    >>> audit_note({"audited": False})
    'not audited before loading (run `buurtzicht disclosure audit --warehouse`)'
    >>> audit_note({"audited": True, "audit": {"cells": 1200, "checked_intervals": 300,
    ...     "linear_programs": 45, "unprotected": 0, "public_hidden": 0,
    ...     "zeros_given_away": 0, "seconds": 2.5}, "generated_at": "2026-12-06T20:15:00+00:00"})
    'audited before loading: 1,200 cells, 300 intervals, 45 linear programs, 0 unprotected, 0 public margins hidden, 0 zeros given away (2.5 s) on 2026-12-06'
    """
    audit = report.get("audit")
    if not report.get("audited") or not isinstance(audit, dict):
        return "not audited before loading (run `buurtzicht disclosure audit --warehouse`)"
    written = str(report.get("generated_at") or "")[:10]
    return (
        f"audited before loading: {audit['cells']:,} cells, {audit['checked_intervals']:,} "
        f"intervals, {audit['linear_programs']:,} linear programs, {audit['unprotected']:,} "
        f"unprotected, {audit['public_hidden']:,} public margins hidden, "
        f"{audit['zeros_given_away']:,} zeros given away ({audit['seconds']} s)"
        + (f" on {written}" if written else "")
    )


_AUDIT_NOTE = re.compile(
    r"audited before loading: (?P<cells>[\d,]+) cells, (?P<intervals>[\d,]+) intervals, "
    r"(?P<programs>[\d,]+) linear programs, (?P<unprotected>[\d,]+) unprotected, "
    r"(?P<public_hidden>[\d,]+) public margins hidden, (?P<zeros>[\d,]+) zeros given away "
    r"\((?P<seconds>[\d.]+) s\)(?: on (?P<date>\d{4}-\d{2}-\d{2}))?"
)


@dataclass(frozen=True)
class AuditFigures:
    """The audit of the release a build loaded, as its dataset notes state it."""

    cells: int
    intervals: int
    linear_programs: int
    unprotected: int
    public_hidden: int
    zeros_given_away: int
    seconds: float
    date: str | None


def read_audit_note(notes: str) -> AuditFigures | None:
    """The figures of :func:`audit_note` back from a build's dataset notes (None when the
    release was not audited before loading).

    >>> read_audit_note("secure side; " + audit_note({"audited": True, "audit": {
    ...     "cells": 1200, "checked_intervals": 300, "linear_programs": 45,
    ...     "unprotected": 0, "public_hidden": 0, "zeros_given_away": 0, "seconds": 2.5}}))
    AuditFigures(cells=1200, intervals=300, linear_programs=45, unprotected=0, public_hidden=0, zeros_given_away=0, seconds=2.5, date=None)
    >>> read_audit_note(audit_note({"audited": False})) is None
    True
    """
    found = _AUDIT_NOTE.search(notes or "")
    if found is None:
        return None

    def number(name: str) -> int:
        return int(found[name].replace(",", ""))

    return AuditFigures(
        cells=number("cells"),
        intervals=number("intervals"),
        linear_programs=number("programs"),
        unprotected=number("unprotected"),
        public_hidden=number("public_hidden"),
        zeros_given_away=number("zeros"),
        seconds=float(found["seconds"]),
        date=found["date"],
    )
