"""Issue 15: the firm-filter checker can fail, and the guard built on it catches a query
the application sends without its firm (docs/scaling.md)."""

from __future__ import annotations

import pytest
from sqlalchemy import Engine, text

from tests.tenancy.firm_filter import firm_tables, unconfined
from tests.tenancy.guard import ALLOWED, FirmFilterGuard

TABLES = firm_tables()


@pytest.mark.parametrize("dialect", ["sqlite", "postgres"])
def test_a_lookup_by_id_alone_is_caught(dialect: str) -> None:
    placeholder = "?" if dialect == "sqlite" else "%(id_1)s"
    sql = f"SELECT time_entries.name FROM time_entries WHERE time_entries.id = {placeholder}"
    assert unconfined(sql, dialect, TABLES) == ["time_entries"]


@pytest.mark.parametrize(
    "sql",
    [
        "SELECT * FROM time_entries WHERE firm_id = ? OR id = ?",
        "DELETE FROM time_entries WHERE id = ?",
        "UPDATE time_entries SET firm_id = ? WHERE id = ?",
        "INSERT INTO time_entries (name) VALUES (?)",
        # A join on id alone leaves the joined table unconfined.
        "SELECT * FROM time_entries JOIN tags ON tags.id = time_entries.id"
        " WHERE time_entries.firm_id = ?",
        # The same table in a subquery is another reference, with its own filter.
        "SELECT * FROM time_entries t WHERE t.firm_id = ?"
        " AND t.id IN (SELECT time_entries.id FROM time_entries WHERE time_entries.name = ?)",
    ],
)
def test_what_confines_nothing_is_caught(sql: str) -> None:
    assert unconfined(sql, "sqlite", TABLES)


# SQLite's id allocation (models.base.NextId) reads only the table's largest id; the same
# shape reading another table, or filtering rows, is a read of firm data and is caught.
NEXT_ID = "(SELECT coalesce(max(id), 0) + 1 FROM {table}{where})"


def test_sqlites_id_allocation_in_an_insert_passes() -> None:
    value = NEXT_ID.format(table="tags", where="")
    sql = f"INSERT INTO tags (firm_id, name, id) VALUES (?, ?, {value})"
    assert unconfined(sql, "sqlite", TABLES) == []


@pytest.mark.parametrize(("table", "where"), [("time_entries", ""), ("tags", " WHERE name = 'x'")])
def test_a_read_shaped_like_an_id_allocation_is_caught(table: str, where: str) -> None:
    value = NEXT_ID.format(table=table, where=where)
    sql = f"INSERT INTO tags (firm_id, name, id) VALUES (?, ?, {value})"
    assert unconfined(sql, "sqlite", TABLES)


@pytest.mark.parametrize(
    "sql",
    [
        "SELECT * FROM time_entries WHERE firm_id = ? AND uuid = ?",
        "SELECT * FROM time_entries WHERE (firm_id = ? AND id = ?)",
        "UPDATE time_entries SET name = ? WHERE firm_id = ? AND id = ?",
        "INSERT INTO time_entries (firm_id, name) VALUES (?, ?)",
        "SELECT * FROM time_entry_tags JOIN tags ON tags.firm_id = time_entry_tags.firm_id"
        " AND tags.id = time_entry_tags.tag_id WHERE time_entry_tags.firm_id = ?",
        # Correlated: the subquery's table is tied to the outer one's firm.
        "SELECT * FROM billing_rates WHERE billing_rates.firm_id = ? AND billing_rates.case_id"
        " IN (SELECT cases.id FROM cases WHERE cases.firm_id = billing_rates.firm_id)",
        # Reference and per-user tables need no firm.
        "SELECT * FROM users WHERE id = ?",
        "SELECT * FROM web_sessions WHERE id = ?",
        "BEGIN",
    ],
)
def test_what_names_its_firm_passes(sql: str) -> None:
    assert unconfined(sql, "sqlite", TABLES) == []


def test_the_firm_tables_are_those_with_a_firm_id() -> None:
    assert {"time_entries", "accounts", "tags", "webhook_deliveries"} <= TABLES
    assert not {"firms", "users", "personal_access_tokens", "web_sessions"} & TABLES


def test_the_guard_catches_a_statement_sent_from_watched_code(engine: Engine) -> None:
    # Watching this test module stands in for the application's package.
    guard = FirmFilterGuard(packages=(__name__,))
    guard.install()
    try:
        with engine.connect() as connection:
            connection.execute(text("SELECT time_entries.name FROM time_entries WHERE id = 0"))
            connection.execute(
                text("SELECT time_entries.name FROM time_entries WHERE firm_id = 0 AND id = 0")
            )
    finally:
        guard.remove()
    assert [violation.tables for violation in guard.violations] == [["time_entries"]]
    assert (
        guard.violations[0]
        .sites[0]
        .endswith(":test_the_guard_catches_a_statement_sent_from_watched_code")
    )


def test_every_allowance_says_why() -> None:
    assert len(ALLOWED) <= 10, "keep the cross-firm allow-list short (docs/scaling.md)"
    for site, reason in ALLOWED.items():
        assert site.startswith("timeledger.")
        assert ":" in site
        assert len(reason) > 20
