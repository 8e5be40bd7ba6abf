"""Alembic environment: migrations run on the connection :func:`..db.migrate` hands in.

Online only (there is no offline SQL script mode); imported outside a migration (by the
doctest collector, say) it does nothing.
"""

from __future__ import annotations

from alembic import context

from buurtzicht.workspace.models import Base

config = getattr(context, "config", None)
if config is not None:
    context.configure(
        connection=config.attributes["connection"],
        target_metadata=Base.metadata,
        render_as_batch=True,  # SQLite alters tables by copying them
    )
    with context.begin_transaction():
        context.run_migrations()
