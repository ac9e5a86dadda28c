"""Writing the benchmark's rows fast: SQLAlchemy Core for the small tables; for time entries
one compiled Core ``insert()`` run with the driver's executemany on SQLite, and ``COPY`` on
PostgreSQL. The schema comes from the real migrations, so the indexes are the product's.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterable, Iterator
from itertools import islice
from pathlib import Path
from queue import Queue
from typing import Any

from sqlalchemy import Connection, Engine, create_engine, event, insert, text
from sqlalchemy.engine import make_url

from bench.entries import ENTRY_COLUMNS, EntryTuple
from bench.world import World
from timeledger import migrations
from timeledger.models import Base, TimeEntry

CHUNK = 50_000


def is_sqlite(url: str) -> bool:
    return make_url(url).get_backend_name() == "sqlite"


def reset_database(url: str) -> None:
    """An empty database at ``url``, then the migrations to head."""
    if is_sqlite(url):
        database = make_url(url).database
        if database:
            for suffix in ("", "-wal", "-shm"):
                Path(database + suffix).unlink(missing_ok=True)
    else:
        engine = create_engine(url)
        with engine.begin() as connection:
            connection.execute(text("DROP SCHEMA IF EXISTS public CASCADE"))
            connection.execute(text("CREATE SCHEMA public"))
        engine.dispose()
    migrations.upgrade(url)


def loading_engine(url: str) -> Engine:
    """An engine for loading only: on SQLite, no fsync and no foreign-key checks (the rows
    are consistent by construction); the server later opens the file with its own settings."""
    engine = create_engine(url)
    if is_sqlite(url):

        @event.listens_for(engine, "connect")
        def _pragmas(dbapi_connection: Any, _record: Any) -> None:
            cursor = dbapi_connection.cursor()
            for pragma in (
                "journal_mode=WAL",
                "synchronous=OFF",
                "foreign_keys=OFF",
                "cache_size=-1048576",
                "temp_store=MEMORY",
            ):
                cursor.execute(f"PRAGMA {pragma}")
            cursor.close()

    return engine


def load_world(connection: Connection, world: World) -> None:
    for table in Base.metadata.sorted_tables:
        rows = world.rows.get(table.name)
        if rows:
            connection.execute(insert(table), rows)


class _TimeText:
    """Epoch seconds as the text a database reads, with each day's date formatted once."""

    def __init__(self, suffix: str) -> None:
        self.suffix = suffix
        self.days: dict[int, str] = {}

    def __call__(self, seconds: int | None) -> str | None:
        if seconds is None:
            return None
        day, rest = divmod(seconds, 86_400)
        date = self.days.get(day)
        if date is None:
            date = self.days[day] = time.strftime("%Y-%m-%d", time.gmtime(day * 86_400))
        hours, rest = divmod(rest, 3600)
        return f"{date} {hours:02d}:{rest // 60:02d}:{rest % 60:02d}{self.suffix}"


def _sqlite_rows(rows: Iterable[EntryTuple]) -> Iterator[tuple[Any, ...]]:
    """Times as SQLAlchemy's SQLite DateTime stores them; created = updated = end."""
    text_of = _TimeText(".000000")
    for row in rows:
        stamp = text_of(row[11])
        yield (
            *row[:6],
            text_of(row[6]),
            stamp if row[7] is not None else None,
            text_of(row[8]),
            row[9],
            row[10],
            stamp,
            stamp,
        )


def _chunks(rows: Iterable[Any], size: int) -> Iterator[list[Any]]:
    iterator = iter(rows)
    while chunk := list(islice(iterator, size)):
        yield chunk


def _ahead(chunks: Iterator[list[Any]], depth: int = 2) -> Iterator[list[Any]]:
    """Build the next chunks in a thread while the database writes this one: the drivers
    release the GIL while SQLite steps and while psycopg sends, so the two overlap."""
    queue: Queue[list[Any] | BaseException | None] = Queue(maxsize=depth)

    def produce() -> None:
        try:
            for chunk in chunks:
                queue.put(chunk)
        except BaseException as exc:  # handed to the consumer, which re-raises it
            queue.put(exc)
        else:
            queue.put(None)

    producer = threading.Thread(target=produce, name="bench-rows", daemon=True)
    producer.start()
    while (item := queue.get()) is not None:
        if isinstance(item, BaseException):
            raise item
        yield item
    producer.join()


def load_entries_sqlite(connection: Connection, rows: Iterable[EntryTuple]) -> int:
    """The Core insert compiled once, then the driver's executemany in chunks."""
    statement = insert(TimeEntry.__table__)  # type: ignore[arg-type]
    compiled = statement.compile(dialect=connection.dialect, column_keys=list(ENTRY_COLUMNS))
    assert tuple(compiled.positiontup or ()) == ENTRY_COLUMNS, compiled.positiontup
    sql = str(compiled)
    count = 0
    for chunk in _ahead(_chunks(_sqlite_rows(rows), CHUNK)):
        connection.exec_driver_sql(sql, chunk)
        count += len(chunk)
    return count


def _copy_lines(rows: Iterable[EntryTuple]) -> Iterator[str]:
    """COPY's text format: tab-separated, ``\\N`` for null (no value here needs escaping)."""
    text_of = _TimeText("+00")
    for row in rows:
        stamp = text_of(row[11])
        description = "\\N" if row[5] is None else row[5]
        ended = stamp if row[7] is not None else "\\N"
        deleted = "\\N" if row[8] is None else text_of(row[8])
        yield (
            f"{row[0]}\t{row[1]}\t{row[2]}\t{row[3]}\t{row[4]}\t{description}\t"
            f"{text_of(row[6])}\t{ended}\t{deleted}\t{row[9]}\t{row[10]}\t{stamp}\t{stamp}\n"
        )


def load_entries_postgres(connection: Connection, rows: Iterable[EntryTuple]) -> int:
    """``COPY ... FROM STDIN`` through psycopg, in text format."""
    raw = connection.connection.driver_connection
    assert raw is not None
    columns = ", ".join(ENTRY_COLUMNS)
    count = 0
    with raw.cursor() as cursor, cursor.copy(f"COPY time_entries ({columns}) FROM STDIN") as copy:
        for chunk in _ahead(_chunks(_copy_lines(rows), CHUNK)):
            copy.write("".join(chunk))
            count += len(chunk)
    return count


def finish(engine: Engine) -> None:
    """PostgreSQL: move every id sequence past the ids written, then VACUUM ANALYZE (what
    autovacuum would have done by the time a server holds this much). SQLite: checkpoint."""
    if is_sqlite(str(engine.url)):
        with engine.connect() as connection:
            connection.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
        return
    with engine.begin() as connection:
        for table in Base.metadata.sorted_tables:
            if "id" in table.c and table.c.id.primary_key:
                connection.execute(
                    text(
                        f"SELECT setval(pg_get_serial_sequence('{table.name}', 'id'), "
                        f"(SELECT coalesce(max(id), 0) + 1 FROM {table.name}), false)"
                    )
                )
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
        connection.exec_driver_sql("VACUUM ANALYZE")
