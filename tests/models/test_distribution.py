"""Issue 15: the schema can be distributed by firm with Citus (docs/scaling.md).

Every table says how it would be laid out (``Table.info["distribution"]``): a firm table
is sharded by ``firm_id`` and co-located with the others, a reference table is copied to
every node. Citus then needs, and this test holds the models to:

- ``firm_id`` leads a firm table's primary key;
- every unique constraint or unique index of a firm table includes ``firm_id``;
- every foreign key between firm tables is composite and pairs ``firm_id`` with
  ``firm_id`` (a row points only into its own firm, on its own node);
- no foreign key goes from a reference table into a firm table.

The migrations build the same schema (``alembic check`` compares the two), so the rules
hold for the database too. Citus itself is not installable here: what it would say about
this schema is untested; these are its documented rules for distributed tables.
"""

from __future__ import annotations

import pytest
from sqlalchemy import (
    BigInteger,
    Column,
    ForeignKey,
    ForeignKeyConstraint,
    Index,
    MetaData,
    PrimaryKeyConstraint,
    Table,
    UniqueConstraint,
)
from sqlalchemy.schema import SchemaItem

from timeledger.models import Base
from timeledger.models.base import DISTRIBUTED, DISTRIBUTION, REFERENCE

FIRM = "firm_id"


def _mark(table: Table) -> str | None:
    mark = table.info.get(DISTRIBUTION)
    return mark if mark in (DISTRIBUTED, REFERENCE) else None


def _unique_column_sets(table: Table) -> list[tuple[str, list[str]]]:
    found = [
        (str(constraint.name), [column.name for column in constraint.columns])
        for constraint in table.constraints
        if isinstance(constraint, UniqueConstraint)
    ]
    found += [
        (str(index.name), [column.name for column in index.columns])
        for index in table.indexes
        if index.unique
    ]
    found += [
        (f"{table.name}.{column.name} unique=True", [column.name])
        for column in table.columns
        if column.unique
    ]
    return found


def _firm_table_problems(table: Table) -> list[str]:
    problems = []
    key = [column.name for column in table.primary_key.columns]
    if not key or key[0] != FIRM:
        problems.append(f"{table.name}: primary key {key} does not start with {FIRM}")
    for name, columns in _unique_column_sets(table):
        if FIRM not in columns:
            problems.append(f"{table.name}: unique {name} {columns} lacks {FIRM}")
    return problems


def _foreign_key_problems(table: Table, marks: dict[str, str | None]) -> list[str]:
    problems = []
    for constraint in table.foreign_key_constraints:
        target = constraint.referred_table
        if marks.get(target.name) != DISTRIBUTED:
            continue
        pairs = {(e.parent.name, e.column.name) for e in constraint.elements}
        where = f"{table.name} -> {target.name} ({constraint.name})"
        if marks.get(table.name) == REFERENCE:
            problems.append(f"{where}: a reference table points into a firm table")
        elif (FIRM, FIRM) not in pairs or len(pairs) < 2:
            problems.append(f"{where}: not composite with {FIRM} on both sides {sorted(pairs)}")
    return problems


def violations(metadata: MetaData) -> list[str]:
    """Every way ``metadata`` breaks the distribution rules, one line each."""
    marks = {table.name: _mark(table) for table in metadata.tables.values()}
    problems = [f"{name}: no distribution mark" for name, mark in marks.items() if mark is None]
    for table in metadata.tables.values():
        if marks[table.name] == DISTRIBUTED:
            problems += _firm_table_problems(table)
        problems += _foreign_key_problems(table, marks)
    return problems


def test_every_table_follows_the_distribution_rules() -> None:
    assert violations(Base.metadata) == []


def test_the_tables_are_marked_as_the_docs_say() -> None:
    marks = {table.name: table.info[DISTRIBUTION] for table in Base.metadata.sorted_tables}
    reference = {name for name, mark in marks.items() if mark == REFERENCE}
    assert reference == {"firms", "users", "personal_access_tokens", "web_sessions"}
    assert len(marks) - len(reference) == 19


# The rules can fail: each table below breaks one, on a MetaData of its own.


def _world() -> MetaData:
    """A firm table (``parents``) and a reference table (``firms``) to point at."""
    metadata = MetaData()
    Table(
        "firms",
        metadata,
        Column("id", BigInteger, primary_key=True),
        info={DISTRIBUTION: REFERENCE},
    )
    Table(
        "parents",
        metadata,
        Column(FIRM, BigInteger, ForeignKey("firms.id")),
        Column("id", BigInteger),
        PrimaryKeyConstraint(FIRM, "id"),
        info={DISTRIBUTION: DISTRIBUTED},
    )
    return metadata


def _firm_table(metadata: MetaData, *args: SchemaItem, info: dict[str, str] | None = None) -> Table:
    return Table(
        "bad",
        metadata,
        Column(FIRM, BigInteger, ForeignKey("firms.id")),
        Column("id", BigInteger),
        Column("parent_id", BigInteger),
        Column("code", BigInteger),
        *args,
        info={DISTRIBUTION: DISTRIBUTED} if info is None else info,
    )


KEY = PrimaryKeyConstraint(FIRM, "id")
BAD = {
    "no distribution mark": lambda m: _firm_table(m, KEY, info={}),
    "does not start with firm_id": lambda m: _firm_table(m, PrimaryKeyConstraint("id", FIRM)),
    "lacks firm_id": lambda m: _firm_table(m, KEY, UniqueConstraint("code", name="uq_code")),
    "lacks firm_id ": lambda m: _firm_table(m, KEY, Index("ix_code", "code", unique=True)),
    "not composite": lambda m: _firm_table(
        m, KEY, ForeignKeyConstraint(["parent_id"], ["parents.id"], name="fk_parent")
    ),
    "not composite ": lambda m: _firm_table(
        m,
        KEY,
        # Composite, but firm_id paired with the wrong column: rows could cross firms.
        ForeignKeyConstraint([FIRM, "parent_id"], ["parents.id", "parents.firm_id"], name="fk"),
    ),
    "a reference table points into a firm table": lambda m: Table(
        "bad",
        m,
        Column("id", BigInteger, primary_key=True),
        Column("parent_id", BigInteger),
        Column(FIRM, BigInteger),
        ForeignKeyConstraint([FIRM, "parent_id"], ["parents.firm_id", "parents.id"], name="fk"),
        info={DISTRIBUTION: REFERENCE},
    ),
}


@pytest.mark.parametrize("problem", list(BAD))
def test_a_table_that_breaks_a_rule_is_caught(problem: str) -> None:
    metadata = _world()
    BAD[problem](metadata)
    found = violations(metadata)
    assert len(found) == 1, found
    assert found[0].startswith("bad"), found
    assert problem.strip() in found[0], found


def test_a_table_that_follows_the_rules_passes() -> None:
    metadata = _world()
    _firm_table(
        metadata,
        KEY,
        UniqueConstraint(FIRM, "code", name="uq_code"),
        ForeignKeyConstraint([FIRM, "parent_id"], ["parents.firm_id", "parents.id"], name="fk"),
    )
    assert violations(metadata) == []
