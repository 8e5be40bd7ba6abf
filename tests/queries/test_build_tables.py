"""``queries.build_tables.has_table``: the one check whether a build holds a table."""

from __future__ import annotations

import duckdb

from buurtzicht.queries.build_tables import has_table


def test_has_table_needs_every_named_table() -> None:
    conn = duckdb.connect()
    conn.execute("CREATE TABLE secure_models (x INTEGER)")
    assert has_table(conn, "secure_models")
    assert not has_table(conn, "secure_zoekgebieden")
    assert not has_table(conn, "secure_models", "secure_zoekgebieden")
    conn.execute("CREATE VIEW secure_zoekgebieden AS SELECT 1 AS x")
    assert has_table(conn, "secure_models", "secure_zoekgebieden")
    # A name given twice is still one table; a prefix is not a table.
    assert has_table(conn, "secure_models", "secure_models")
    assert not has_table(conn, "secure")
