"""Engines, sessions and the request's unit of work.

Only ``session_scope`` (the request's dependency) and ``unit_of_work`` (the CLI's) commit.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session, sessionmaker

from timeledger.config import Settings


def is_sqlite(url: str) -> bool:
    return make_url(url).get_backend_name() == "sqlite"


# PostgreSQL connections per process; fewer than the thread pool's 40 threads, so requests
# that wait for a connection never hold every thread (see ConcurrencyGateMiddleware).
PG_POOL_SIZE = 5
PG_MAX_OVERFLOW = 10


def pool_capacity(url: str) -> int:
    """How many requests can hold a database connection at once in one process."""
    return 1 if is_sqlite(url) else PG_POOL_SIZE + PG_MAX_OVERFLOW


def build_engine(
    settings: Settings, url: str | None = None, *, foreign_keys: bool = True
) -> Engine:
    url = url or settings.database_url
    if not is_sqlite(url):
        return create_engine(
            url,
            echo=settings.database_echo,
            pool_pre_ping=True,
            pool_size=PG_POOL_SIZE,
            max_overflow=PG_MAX_OVERFLOW,
        )
    engine = create_engine(
        url,
        echo=settings.database_echo,
        connect_args={"timeout": settings.sqlite_busy_timeout_seconds, "check_same_thread": False},
        # One connection per process: requests queue for it in the pool instead of
        # spinning on SQLite's busy handler, and every transaction sees the one before.
        pool_size=1,
        max_overflow=0,
        pool_timeout=settings.sqlite_busy_timeout_seconds,
    )
    _configure_sqlite(engine, foreign_keys=foreign_keys)
    return engine


def _configure_sqlite(engine: Engine, *, foreign_keys: bool) -> None:
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        # Hand transaction control to SQLAlchemy (pysqlite's own handling breaks SAVEPOINT).
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute(f"PRAGMA foreign_keys={'ON' if foreign_keys else 'OFF'}")
        cursor.execute("PRAGMA journal_mode=WAL")
        # FULL: a commit that was answered survives a power cut, not only a crash.
        cursor.execute("PRAGMA synchronous=FULL")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection: Any) -> None:
        # IMMEDIATE takes the write lock up front, so a transaction that reads and then
        # writes can never fail half-way because another process wrote in between.
        connection.exec_driver_sql("BEGIN IMMEDIATE")


def build_session_factory(engine: Engine) -> sessionmaker[Session]:
    return sessionmaker(bind=engine, expire_on_commit=False, autoflush=False)


@contextmanager
def unit_of_work(factory: sessionmaker[Session]) -> Iterator[Session]:
    """One transaction: commit when the block ends normally, roll back when it raises."""
    with factory() as session, session.begin():
        yield session
