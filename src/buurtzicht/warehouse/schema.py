"""DDL of the warehouse tables (see docs/data-model.md)."""

from __future__ import annotations

import duckdb

SCHEMA_VERSION = 2

DDL = """
CREATE TABLE regions (
    code VARCHAR NOT NULL,
    indeling INTEGER NOT NULL,
    level VARCHAR NOT NULL,
    name VARCHAR,
    gemeente VARCHAR,
    wijk VARCHAR,
    provincie VARCHAR,
    politie_eenheid VARCHAR,
    veiligheidsregio VARCHAR,
    corop VARCHAR,
    landsdeel VARCHAR,
    stedelijkheid TINYINT,
    special VARCHAR,
    source VARCHAR,
    PRIMARY KEY (code, indeling)
);
CREATE TABLE measures (
    measure VARCHAR PRIMARY KEY,
    title VARCHAR NOT NULL,
    unit VARCHAR,
    decimals INTEGER,
    description VARCHAR,
    source_table VARCHAR,
    source_version VARCHAR,
    publisher VARCHAR,
    licence VARCHAR,
    datatype VARCHAR,
    flags VARCHAR
);
CREATE TABLE observations (
    measure VARCHAR NOT NULL,
    region VARCHAR NOT NULL,
    period VARCHAR NOT NULL,
    indeling INTEGER NOT NULL,
    value DOUBLE,
    status VARCHAR NOT NULL,
    source VARCHAR NOT NULL
);
CREATE TABLE boundaries (
    code VARCHAR NOT NULL,
    level VARCHAR NOT NULL,
    year INTEGER NOT NULL,
    name VARCHAR,
    geometry BLOB NOT NULL,
    source VARCHAR,
    source_year INTEGER,
    PRIMARY KEY (code, level, year)
);
CREATE TABLE boundary_coverage (
    level VARCHAR NOT NULL,
    year INTEGER NOT NULL,
    code VARCHAR NOT NULL,
    source VARCHAR,
    source_year INTEGER,
    wijk_share DOUBLE,
    reason VARCHAR,
    PRIMARY KEY (level, year, code)
);
CREATE TABLE boundary_parts (
    level VARCHAR NOT NULL,
    year INTEGER NOT NULL,
    parent VARCHAR NOT NULL,
    features INTEGER NOT NULL,
    geojson_gz BLOB NOT NULL,
    PRIMARY KEY (level, year, parent)
);
CREATE TABLE tile_sets (
    level VARCHAR NOT NULL,
    year INTEGER NOT NULL,
    minzoom INTEGER NOT NULL,
    maxzoom INTEGER NOT NULL,
    west DOUBLE, south DOUBLE, east DOUBLE, north DOUBLE,
    PRIMARY KEY (level, year)
);
CREATE TABLE vector_tiles (
    level VARCHAR NOT NULL,
    year INTEGER NOT NULL,
    z INTEGER NOT NULL,
    x INTEGER NOT NULL,
    y INTEGER NOT NULL,
    tile BLOB NOT NULL,
    PRIMARY KEY (level, year, z, x, y)
);
CREATE TABLE boundary_geojson (
    level VARCHAR NOT NULL,
    year INTEGER NOT NULL,
    features INTEGER NOT NULL,
    geojson VARCHAR NOT NULL,
    PRIMARY KEY (level, year)
);
CREATE TABLE boundary_geojson_gz (
    level VARCHAR NOT NULL,
    year INTEGER NOT NULL,
    raw_bytes INTEGER NOT NULL,
    geojson_gz BLOB NOT NULL,
    PRIMARY KEY (level, year)
);
CREATE TABLE harmonisation (
    year INTEGER NOT NULL,
    source_code VARCHAR NOT NULL,
    target_code VARCHAR NOT NULL,
    weight DOUBLE NOT NULL,
    method VARCHAR NOT NULL
);
CREATE TABLE manifest (
    path VARCHAR NOT NULL,
    table_id VARCHAR,
    version VARCHAR,
    sha256 VARCHAR NOT NULL,
    publisher VARCHAR,
    licence VARCHAR
);
CREATE TABLE datasets (
    name VARCHAR PRIMARY KEY,
    title VARCHAR,
    observations BIGINT,
    notes VARCHAR
);
CREATE TABLE conflicts (
    measure VARCHAR, region VARCHAR, period VARCHAR, indeling INTEGER,
    kept_value DOUBLE, kept_source VARCHAR, other_value DOUBLE, other_source VARCHAR
);
CREATE TABLE build_info (key VARCHAR PRIMARY KEY, value VARCHAR);
"""


def create_schema(conn: duckdb.DuckDBPyConnection) -> None:
    conn.execute(DDL)
