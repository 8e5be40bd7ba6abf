"""What a build holds of the secure side's release: the checksums of the releases it
loaded, the secure observations, the audit note, and the regions and inhabitants the
secure side protects a new release against."""

from __future__ import annotations

import duckdb
import pandas as pd

from buurtzicht.warehouse.audit_note import AuditFigures, read_audit_note


def loaded_checksums(conn: duckdb.DuckDBPyConnection, table_id: str) -> set[str]:
    """The sha256 of every file the build loaded as table ``table_id`` (its manifest)."""
    rows = conn.execute("SELECT sha256 FROM manifest WHERE table_id = ?", [table_id])
    return {str(sha) for (sha,) in rows.fetchall()}


def secure_observations(conn: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """(measure, region, period, value, status) of every secure-side observation."""
    return conn.execute(
        "SELECT measure, region, period, value, status FROM observations "
        "WHERE measure LIKE 'secure.%'"
    ).df()


def secure_audit(
    conn: duckdb.DuckDBPyConnection, dataset: str = "secure"
) -> tuple[bool, AuditFigures | None]:
    """Whether the build holds a secure release, and the audit it passed before loading
    (None: not audited, or no release)."""
    row = conn.execute("SELECT notes FROM datasets WHERE name = ?", [dataset]).fetchall()
    if not row:
        return False, None
    return True, read_audit_note(str(row[0][0] or ""))


def hierarchy_rows(conn: duckdb.DuckDBPyConnection, indeling: int) -> pd.DataFrame:
    """(code, level, wijk, gemeente, special) of every region of ``indeling``."""
    return conn.execute(
        "SELECT code, level, wijk, gemeente, special FROM regions WHERE indeling = ?",
        [indeling],
    ).df()


def newest_yearly_values(
    conn: duckdb.DuckDBPyConnection, measure: str, indeling: int
) -> dict[str, float]:
    """Region -> the newest yearly figure of ``measure`` in ``indeling``."""
    rows = conn.execute(
        """
        SELECT region, value FROM observations
        WHERE measure = ? AND indeling = ? AND value IS NOT NULL AND period LIKE '%JJ00'
        QUALIFY row_number() OVER (PARTITION BY region ORDER BY period DESC) = 1
        """,
        [measure, indeling],
    ).fetchall()
    return {str(region): float(value) for region, value in rows}
