"""Declarative base, naming convention and the column types every table shares."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import (
    BigInteger,
    DateTime,
    ForeignKey,
    ForeignKeyConstraint,
    Index,
    Integer,
    MetaData,
    PrimaryKeyConstraint,
    UniqueConstraint,
    Uuid,
)
from sqlalchemy.engine import Dialect
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.orm import DeclarativeBase, Mapped, declared_attr, mapped_column
from sqlalchemy.sql.compiler import SQLCompiler
from sqlalchemy.sql.expression import ColumnElement
from sqlalchemy.types import TypeDecorator

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

# SQLite only auto-increments a column declared exactly INTEGER PRIMARY KEY.
BigIntId = BigInteger().with_variant(Integer(), "sqlite")

# How each table would be laid out on Citus (docs/scaling.md), in ``Table.info``:
# DISTRIBUTED tables are sharded by ``firm_id`` and co-located (a firm's rows of every
# such table live on the same node); REFERENCE tables are copied to every node.
# tests/models/test_distribution.py holds every table to the rules that go with them.
DISTRIBUTION = "distribution"
DISTRIBUTED = "firm"
REFERENCE = "reference"


class UTCDateTime(TypeDecorator[datetime]):
    """A timestamp stored in UTC and always read back as an aware UTC datetime.

    SQLite keeps no offset, so a naive value read back is UTC by construction; a naive
    value written is a programming error and is refused rather than guessed.
    """

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime written to a UTC column")
        utc = value.astimezone(UTC)
        return utc.replace(tzinfo=None) if dialect.name == "sqlite" else utc

    def process_result_value(self, value: Any, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=UTC)  # type: ignore[no-any-return]
        return value.astimezone(UTC)  # type: ignore[no-any-return]


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


class NextId(ColumnElement[int]):
    """The id a new row of a firm table gets, when the INSERT does not give one.

    A firm table's primary key is ``(firm_id, id)``. PostgreSQL keeps the table's own
    sequence (``<table>_id_seq``, made by the ``BIGSERIAL`` the table was created with).
    SQLite cannot auto-increment a column of a composite primary key, so the id is one more
    than the table's largest (``ix_<table>_id`` makes that one index probe). That is safe
    because every SQLite write transaction is ``BEGIN IMMEDIATE`` (timeledger.db): no
    other writer can insert in between. Rendered inside the INSERT, so it costs no extra
    statement; an ``executemany`` runs it once per row. Not for a multi-row ``VALUES``
    on SQLite (every row would get the same id): SQLite's INSERT ... RETURNING of many
    rows is the only such path, and nothing uses it (the ORM inserts such rows one by one).
    """

    inherit_cache = True
    type = BigIntId

    def __init__(self, table: str) -> None:
        self.table = table


@compiles(NextId, "sqlite")
def _next_id_sqlite(element: NextId, _compiler: SQLCompiler, **_kw: Any) -> str:
    return f"(SELECT coalesce(max(id), 0) + 1 FROM {element.table})"


@compiles(NextId)
def _next_id_sequence(element: NextId, _compiler: SQLCompiler, **_kw: Any) -> str:
    return f"nextval('{element.table}_id_seq')"


def firm_key(table: str, *columns: str) -> PrimaryKeyConstraint:
    """The primary key of a firm table: ``firm_id`` first, then ``columns``."""
    return PrimaryKeyConstraint("firm_id", *columns, name=f"pk_{table}")


def firm_fk(table: str, column: str, target: str) -> ForeignKeyConstraint:
    """A reference from one firm table to another, firm included: ``(firm_id, column)``
    -> ``target (firm_id, id)``, so a row can only point into its own firm (and, on Citus,
    to a row on the same node)."""
    return ForeignKeyConstraint(
        ["firm_id", column],
        [f"{target}.firm_id", f"{target}.id"],
        name=f"fk_{table}_{column}_{target}",
    )


def firm_table(table: str, *args: Any) -> tuple[Any, ...]:
    """``__table_args__`` of a firm table with a ``FirmIdMixin`` key: ``(firm_id, id)``,
    the UUID unique per firm, an index on ``id`` alone (``NextId`` on SQLite, and look-ups
    by id), then ``args`` and the distribution mark."""
    return (
        firm_key(table, "id"),
        UniqueConstraint("firm_id", "uuid", name=f"uq_{table}_uuid"),
        Index(f"ix_{table}_id", "id"),
        *args,
        {"info": {DISTRIBUTION: DISTRIBUTED}},
    )


def reference_table(*args: Any) -> tuple[Any, ...]:
    """``__table_args__`` of a table that is not per firm (copied to every Citus node)."""
    return (*args, {"info": {DISTRIBUTION: REFERENCE}})


class FirmIdMixin:
    """A firm table's key: the firm, an integer id unique across the table (``NextId``),
    and the UUID the API shows (unique within the firm; ``firm_table`` declares both)."""

    # Columns in the order the tables always had: firm_id first, id and uuid after the
    # table's own columns (bench/load.py writes rows in that order).
    @declared_attr
    def firm_id(cls) -> Mapped[int]:  # noqa: N805
        return mapped_column(BigIntId, ForeignKey("firms.id"), sort_order=-1)

    @declared_attr
    def id(cls) -> Mapped[int]:  # noqa: N805
        table: str = cls.__tablename__  # type: ignore[attr-defined]
        return mapped_column(BigIntId, default=NextId(table))

    @declared_attr
    def uuid(cls) -> Mapped[uuid.UUID]:  # noqa: N805
        return mapped_column(Uuid, default=uuid.uuid4)


class IdMixin:
    """An internal integer key for joins, and the UUID the API shows."""

    id: Mapped[int] = mapped_column(BigIntId, primary_key=True, autoincrement=True)
    uuid: Mapped[uuid.UUID] = mapped_column(Uuid, unique=True, default=uuid.uuid4)


class TimestampMixin:
    """When the row was created and last changed. No defaults: both always come from the
    caller's ``now`` (the injected ``Clock``), never from the machine's clock, so a frozen
    or skewed clock stamps what it says. Every change must set ``updated_at``."""

    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)
