"""A gemeente's own workspace: accounts and roles, sessions, the audit log and the
organisation's own data beside the public figures (docs/workspace.md).

Everything here is stored in the workspace database (SQLite in the home folder by
default, PostgreSQL through ``BUURTZICHT_WORKSPACE_DB``), never in the warehouse build:
the public build stays the same for everyone. Nothing in this package imports the web
layer; ``api/`` and ``web/`` put routes and pages on top of it.
"""
