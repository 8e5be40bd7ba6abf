"""``queries.secure_release``: what a build holds of the secure side's release, on a
hand-made build whose answers are known row by row."""

from __future__ import annotations

import duckdb

from buurtzicht.queries.secure_release import (
    hierarchy_rows,
    loaded_checksums,
    newest_yearly_values,
    secure_audit,
)
from buurtzicht.warehouse.audit_note import audit_note


def _build() -> duckdb.DuckDBPyConnection:
    conn = duckdb.connect()
    conn.execute("CREATE TABLE manifest (table_id VARCHAR, sha256 VARCHAR)")
    conn.execute(
        "INSERT INTO manifest VALUES ('secure_published', 'aa'), ('secure_published', 'bb'), "
        "('kwb', 'cc')"
    )
    conn.execute(
        "CREATE TABLE observations (measure VARCHAR, region VARCHAR, period VARCHAR, "
        "indeling INTEGER, value DOUBLE, status VARCHAR)"
    )
    conn.execute(
        "INSERT INTO observations VALUES "
        "('kwb.AantalInwoners', 'GM0363', '2022JJ00', 2024, 880000, 'ok'), "
        "('kwb.AantalInwoners', 'GM0363', '2023JJ00', 2024, 918117, 'ok'), "
        "('kwb.AantalInwoners', 'GM0363', '2024KW01', 2024, 999999, 'ok'), "
        "('kwb.AantalInwoners', 'GM0014', '2023JJ00', 2023, 234000, 'ok'), "
        "('kwb.AantalInwoners', 'GM0014', '2024JJ00', 2024, NULL, 'missing')"
    )
    conn.execute(
        "CREATE TABLE regions (code VARCHAR, level VARCHAR, wijk VARCHAR, gemeente VARCHAR, "
        "special VARCHAR, indeling INTEGER)"
    )
    conn.execute(
        "INSERT INTO regions VALUES ('GM0363', 'gemeente', NULL, 'GM0363', NULL, 2024), "
        "('WK036300', 'wijk', 'WK036300', 'GM0363', NULL, 2024), "
        "('GM0363', 'gemeente', NULL, 'GM0363', NULL, 2023)"
    )
    conn.execute("CREATE TABLE datasets (name VARCHAR, notes VARCHAR)")
    return conn


def test_loaded_checksums_are_those_of_the_table() -> None:
    conn = _build()
    assert loaded_checksums(conn, "secure_published") == {"aa", "bb"}
    assert loaded_checksums(conn, "absent") == set()


def test_newest_yearly_value_of_the_indeling() -> None:
    # The quarter (2024KW01) is no yearly figure; GM0014's only figure of 2024 is NULL.
    assert newest_yearly_values(_build(), "kwb.AantalInwoners", 2024) == {"GM0363": 918117.0}
    assert newest_yearly_values(_build(), "kwb.AantalInwoners", 2023) == {"GM0014": 234000.0}


def test_hierarchy_rows_of_one_indeling() -> None:
    rows = hierarchy_rows(_build(), 2024)
    assert sorted(rows["code"]) == ["GM0363", "WK036300"]
    assert list(rows.columns) == ["code", "level", "wijk", "gemeente", "special"]


def test_secure_audit_reads_the_note_back() -> None:
    conn = _build()
    assert secure_audit(conn) == (False, None)
    note = audit_note(
        {
            "audited": True,
            "audit": {
                "cells": 1200,
                "checked_intervals": 300,
                "linear_programs": 45,
                "unprotected": 0,
                "public_hidden": 0,
                "zeros_given_away": 2,
                "seconds": 2.5,
            },
            "generated_at": "2026-12-06T20:15:00+00:00",
        }
    )
    conn.execute("INSERT INTO datasets VALUES ('secure', ?)", [note])
    held, figures = secure_audit(conn)
    assert held and figures is not None
    assert (figures.cells, figures.linear_programs, figures.zeros_given_away) == (1200, 45, 2)
    assert figures.date == "2026-12-06"
    conn.execute("UPDATE datasets SET notes = 'not audited before loading' WHERE name = 'secure'")
    assert secure_audit(conn) == (True, None)
