"""The DuckDB warehouse: schema, atomic versioned builds, rollback, read access."""
