"""Engines, sessions and the one unit of work.

Only ``UnitOfWork`` commits; the request's dependency, the CLI and the idempotency path
all go through it.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session, sessionmaker
from sqlalchemy.pool import NullPool

from timeledger.config import Settings

logger = logging.getLogger(__name__)
# Where a session keeps the unit of work it belongs to (``Session.info``).
_UNIT_KEY = "timeledger.unit_of_work"


def is_sqlite(url: str) -> bool:
    return make_url(url).get_backend_name() == "sqlite"


# PostgreSQL connections per process; fewer than the thread pool's 40 threads, so requests
# that wait for a connection never hold every thread (see http.edge.EdgeMiddleware).
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
            pool_timeout=settings.database_connect_timeout_seconds,
            connect_args=postgres_timeouts(settings),
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


def database_wait_seconds(settings: Settings) -> float:
    """The longest a request waits for the database to let it in: SQLite's busy timeout,
    or the PostgreSQL pool's timeout (the connect timeout)."""
    if is_sqlite(settings.database_url):
        return settings.sqlite_busy_timeout_seconds
    return float(settings.database_connect_timeout_seconds)


# /readyz answers within 2 s; its probe gives up on the database before that.
PROBE_TIMEOUT_SECONDS = 1.0


def build_probe(settings: Settings) -> Engine:
    """An engine for the readiness probe: a fresh connection each time (no pool to queue
    on behind requests) and waits of about ``PROBE_TIMEOUT_SECONDS``. On SQLite it takes
    the write lock and gives it back (``BEGIN IMMEDIATE``), so a lock held by another
    process makes the server not ready, as it makes writes answer 503."""
    url = settings.database_url
    if not is_sqlite(url):
        connect_args = postgres_timeouts(settings, statement_seconds=PROBE_TIMEOUT_SECONDS)
        connect_args["connect_timeout"] = 2  # libpq's minimum
        return create_engine(url, poolclass=NullPool, connect_args=connect_args)
    engine = create_engine(
        url,
        poolclass=NullPool,
        connect_args={"timeout": PROBE_TIMEOUT_SECONDS, "check_same_thread": False},
    )
    _configure_sqlite(engine, foreign_keys=True)
    return engine


def postgres_timeouts(
    settings: Settings, *, statement_seconds: float | None = None
) -> dict[str, Any]:
    """libpq connection parameters that bound every wait on PostgreSQL: establishing the
    connection (``connect_timeout``, whole seconds), and each statement on the server
    (``statement_timeout``, milliseconds). Nothing waits on PostgreSQL without a bound."""
    seconds = settings.database_statement_timeout_seconds
    if statement_seconds is not None:
        seconds = statement_seconds
    return {
        "connect_timeout": settings.database_connect_timeout_seconds,
        "options": f"-c statement_timeout={max(1, round(seconds * 1000))}",
    }


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


class UnitOfWork:
    """One unit of work: it owns the session's transaction, and ``after_commit``, what to
    do once that work is durable.

    ``after_commit`` callbacks (no arguments) run after a successful commit, in the order
    they were added, and never after a rollback: a webhook nudge or a cache drop for a
    write that did not happen would announce something false. A failing callback is
    logged and does not undo the commit (it already happened) or stop the others.

    Services receive only the session; ``UnitOfWork.of(session)`` (or ``after_commit``
    below) reaches the unit it belongs to. The request's dependency (``get_session``), the
    CLI (``command_session``) and the idempotency path all work through one of these;
    nothing else commits.
    """

    def __init__(self, session: Session) -> None:
        self.session = session
        self.after_commit: list[Callable[[], object]] = []
        session.info[_UNIT_KEY] = self

    @classmethod
    def of(cls, session: Session) -> UnitOfWork:
        """The unit of work ``session`` belongs to; ``LookupError`` if it has none."""
        unit = session.info.get(_UNIT_KEY)
        if not isinstance(unit, UnitOfWork):
            raise LookupError("this session belongs to no unit of work")
        return unit

    def commit(self) -> None:
        """Commit everything so far, then run (and clear) the ``after_commit`` callbacks."""
        self.session.commit()
        callbacks, self.after_commit = self.after_commit, []
        for callback in callbacks:
            try:
                callback()
            except Exception:
                logger.exception("an after-commit callback failed; the commit stands")

    def checkpoint(self) -> None:
        """Commit what is done so far and release the connection, so that nothing is held
        while the caller waits on something outside the database; the unit carries on in
        a new transaction at its next query.

        A request calls this once, between authentication and the rate-limit count, so the
        count (which may wait on Redis) never runs inside a transaction or, on SQLite,
        while holding the write lock.
        """
        self.commit()

    def rollback(self) -> None:
        """Undo everything since the last commit; its callbacks are dropped, never run."""
        self.after_commit.clear()
        self.session.rollback()


def after_commit(session: Session, callback: Callable[[], object]) -> None:
    """Run ``callback`` once the unit of work ``session`` belongs to has committed."""
    UnitOfWork.of(session).after_commit.append(callback)


@contextmanager
def unit_of_work(factory: sessionmaker[Session]) -> Iterator[Session]:
    """One unit of work: commit when the block ends normally (then run its ``after_commit``
    callbacks), roll back when it raises. Yields the session services take."""
    with factory() as session:
        unit = UnitOfWork(session)
        try:
            yield session
        except BaseException:
            unit.rollback()
            raise
        unit.commit()
