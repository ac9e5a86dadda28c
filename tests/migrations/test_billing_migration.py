"""The billing migration (issue 11) on a database that already holds entries: they get
``billable`` from the firm default and no rate snapshot; the downgrade removes it all."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import create_engine, inspect, text

from timeledger import migrations

BEFORE_BILLING = "12a1f0e5c0de"


def test_existing_entries_are_upgraded_and_the_downgrade_is_clean(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'old.db'}"
    migrations.upgrade(url, BEFORE_BILLING)
    engine = create_engine(url)
    stamp = "'2025-08-07 12:00:00'"
    with engine.begin() as connection:
        connection.execute(
            text(
                "INSERT INTO firms (id, name, slug, time_zone, uuid, created_at, updated_at) "
                f"VALUES (1, 'Old', 'old', 'Europe/London', 'f1', {stamp}, {stamp})"
            )
        )
        connection.execute(
            text(
                "INSERT INTO accounts (id, firm_id, type, role, first_name, last_name, uuid, "
                f"created_at, updated_at) VALUES (1, 1, 'employee', 'owner', 'A', 'B', 'a1', "
                f"{stamp}, {stamp})"
            )
        )
        for n, kind in enumerate(("firm", "client", "case"), start=1):
            connection.execute(
                text(
                    "INSERT INTO time_entries (id, firm_id, account_id, trackable_type, "
                    "trackable_id, name, started_at, ended_at, uuid, created_at, updated_at) "
                    f"VALUES ({n}, 1, 1, '{kind}', 1, 'n', {stamp}, {stamp}, 'e{n}', {stamp}, "
                    f"{stamp})"
                )
            )
    migrations.upgrade(url)
    with engine.connect() as connection:
        rows = connection.execute(
            text(
                "SELECT trackable_type, billable, hourly_rate_minor, currency, rate_id, "
                "invoiced_at FROM time_entries ORDER BY id"
            )
        ).all()
        firm = connection.execute(
            text("SELECT currency, week_start, members_see_amounts, locked_before FROM firms")
        ).one()
    assert [tuple(row) for row in rows] == [
        ("firm", 0, None, None, None, None),
        ("client", 1, None, None, None, None),
        ("case", 1, None, None, None, None),
    ]
    assert tuple(firm) == ("GBP", "monday", 0, None)

    migrations.downgrade(url, BEFORE_BILLING)
    tables = set(inspect(engine).get_table_names())
    assert not tables & {"billing_rates", "tags", "time_entry_tags", "audit_events"}
    columns = {c["name"] for c in inspect(engine).get_columns("time_entries")}
    assert "billable" not in columns
    indexes = {i["name"] for i in inspect(engine).get_indexes("time_entries")}
    assert "uq_time_entries_one_running_per_account" in indexes
    engine.dispose()
