"""Open a local copy: check its schema version cheaply, back up and migrate when older,
refuse when newer, and hand out sessions (foreign keys on, WAL journal)."""

from __future__ import annotations

import logging
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import create_engine, event
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session, sessionmaker

from csa_desktop.errors import StoreError
from csa_desktop.storage import backups
from csa_desktop.storage.migrations import HEAD_REVISION, KNOWN_REVISIONS

log = logging.getLogger(__name__)


def schema_revision(path: Path) -> str | None:
    """The Alembic revision stamped in the file, read with plain sqlite3 (no Alembic import)."""
    try:
        conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    except sqlite3.Error as exc:
        raise StoreError(f"cannot open {path}: {exc}") from None
    try:
        has_table = conn.execute(
            "SELECT 1 FROM sqlite_master WHERE type='table' AND name='alembic_version'"
        ).fetchone()
        query = "SELECT version_num FROM alembic_version"
        row = conn.execute(query).fetchone() if has_table else None
    except sqlite3.DatabaseError as exc:
        raise StoreError(f"{path} is not a CSA Desktop copy or is damaged ({exc})") from None
    finally:
        conn.close()
    return str(row[0]) if row else None


def _on_connect(dbapi_connection: Any, _record: Any) -> None:
    # Let SQLAlchemy own transactions (pysqlite's implicit BEGIN is switched off).
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=FULL")
    cursor.execute("PRAGMA busy_timeout=5000")
    cursor.close()


def _on_begin(conn: Any) -> None:
    conn.exec_driver_sql("BEGIN IMMEDIATE")


def make_engine(path: Path) -> Engine:
    engine = create_engine(f"sqlite:///{path}")
    event.listen(engine, "connect", _on_connect)
    event.listen(engine, "begin", _on_begin)
    return engine


def migrate(engine: Engine, path: Path) -> None:
    """Upgrade the file to HEAD_REVISION with the Alembic scripts shipped in the package."""
    from alembic import command
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", "csa_desktop.storage:migrations")
    with engine.connect() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, "head")
        connection.commit()
    log.info("migrated %s to %s", path, HEAD_REVISION)


class Store:
    """One open SQLite copy. Every `transaction()` is all or nothing."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.engine = make_engine(path)
        self._sessions = sessionmaker(self.engine, expire_on_commit=False)

    @classmethod
    def open(cls, path: Path, *, create: bool = False) -> Store:
        exists = path.exists() and path.stat().st_size > 0
        if not exists and not create:
            raise StoreError(f"there is no copy at {path}; run 'csa init' first")
        revision = schema_revision(path) if exists else None
        if revision is not None and revision not in KNOWN_REVISIONS:
            raise StoreError(
                f"{path} was written by a newer CSA Desktop (schema {revision}); "
                "please update CSA Desktop to open it"
            )
        if exists and revision != HEAD_REVISION:
            backups.make_backup(path, reason=f"before-upgrade-from-{revision or 'none'}")
        path.parent.mkdir(parents=True, exist_ok=True)
        store = cls(path)
        if revision != HEAD_REVISION:
            migrate(store.engine, path)
        return store

    @contextmanager
    def transaction(self) -> Iterator[Session]:
        with self._sessions() as session, session.begin():
            yield session

    @contextmanager
    def reader(self) -> Iterator[Session]:
        with self._sessions() as session:
            yield session

    def close(self) -> None:
        self.engine.dispose()

__all__ = ["Session", "Store", "make_engine", "migrate", "schema_revision"]
