"""The workspace database: SQLite in the home folder by default, PostgreSQL (or any
SQLAlchemy URL) through the setting ``BUURTZICHT_WORKSPACE_DB``; the schema is brought
to the newest Alembic revision when it is opened."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session, sessionmaker

from buurtzicht.config import Settings

MIGRATIONS = Path(__file__).with_name("migrations")


def database_url(settings: Settings) -> str:
    """The configured URL, or an SQLite file ``workspace/workspace.sqlite`` in the home."""
    if settings.workspace_db:
        return settings.workspace_db
    return f"sqlite:///{(settings.home / 'workspace' / 'workspace.sqlite').resolve()}"


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys = ON")
    cursor.execute("PRAGMA journal_mode = WAL")  # readers do not wait for a writer
    cursor.execute("PRAGMA busy_timeout = 10000")
    cursor.close()


def _alembic_config() -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    return config


def migrate(engine: Engine, revision: str = "head") -> None:
    """Bring the schema to ``revision`` (the newest by default)."""
    config = _alembic_config()
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, revision)


def schema_revision(engine: Engine) -> str | None:
    with engine.connect() as connection:
        return MigrationContext.configure(connection).get_current_revision()


def newest_revision() -> str | None:
    return ScriptDirectory.from_config(_alembic_config()).get_current_head()


class WorkspaceDB:
    """One engine and session factory per process."""

    def __init__(self, url: str) -> None:
        parsed = make_url(url)
        self.url = url
        self.dialect = parsed.get_backend_name()
        if self.dialect == "sqlite" and parsed.database not in (None, "", ":memory:"):
            Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
        # A server's connection can drop (restart, idle timeout): test it before use.
        # A file opened in-process cannot, so SQLite saves that round trip per request.
        self.engine = create_engine(url, pool_pre_ping=self.dialect != "sqlite")
        if self.dialect == "sqlite":
            event.listen(self.engine, "connect", _sqlite_pragmas)
        self._sessions = sessionmaker(self.engine, expire_on_commit=False)
        self._before_close: list[Callable[[], None]] = []

    @contextmanager
    def session(self) -> Iterator[Session]:
        """A unit of work: committed when the block ends, rolled back on an error."""
        with self._sessions.begin() as session:
            yield session

    def before_close(self, action: Callable[[], None]) -> None:
        """Run ``action`` when the database is closed (the audit log's queue is written)."""
        self._before_close.append(action)

    def close(self) -> None:
        actions, self._before_close = self._before_close, []
        try:
            for action in actions:
                action()
        finally:
            self.engine.dispose()


def open_database(settings: Settings) -> WorkspaceDB:
    """The workspace database of ``settings``, migrated to the newest schema."""
    database = WorkspaceDB(database_url(settings))
    migrate(database.engine)
    return database
