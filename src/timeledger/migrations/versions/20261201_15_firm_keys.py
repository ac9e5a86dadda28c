"""Firm keys (issue 15): every firm table is ready to be distributed by ``firm_id``.

- ``firm_id`` leads every firm table's primary key: ``(firm_id, id)``, or
  ``(firm_id, a_id, b_id)`` for the three association tables. ``id`` keeps its values
  (and, on PostgreSQL, its sequence); an index on ``id`` alone is added.
- Every unique constraint or index of a firm table includes ``firm_id``: the UUID is
  unique per firm, a login per (firm, user, account), an idempotency key per (firm,
  account, key), one running timer per (firm, account).
- Every foreign key between firm tables is composite, ``(firm_id, x_id) -> (firm_id,
  id)``: a row can only point to a row of its own firm. Existing rows always did (the
  services only link rows of one firm); a row that did not would stop the upgrade.
- The two foreign keys from tables that are not per firm into firm tables are dropped
  (Citus refuses a reference table pointing into a distributed one):
  ``personal_access_tokens.account_id -> accounts`` and ``web_sessions.login_id ->
  logins``.
- The single-column ``firm_id`` indexes are dropped: every primary key now starts with
  ``firm_id``. ``logins`` gets an index on ``user_id`` (its unique key no longer starts
  with it, and sign-in finds a user's logins across firms).

SQLite recreates each table once (batch mode); PostgreSQL alters in place, dropping the
foreign keys before the keys they point at and adding them back after.

Revision ID: 3f1c5b7a9e21
Revises: 7c3e1b9d2f40
Create Date: 2026-12-01 14:30:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from alembic.operations import BatchOperations

revision: str = "3f1c5b7a9e21"
down_revision: str | Sequence[str] | None = "7c3e1b9d2f40"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# Firm tables keyed (firm_id, id); all but idempotency_keys have a UUID.
ID_TABLES = [
    "accounts",
    "audit_events",
    "billing_rates",
    "board_tasks",
    "cases",
    "circles",
    "idempotency_keys",
    "logins",
    "permission_changes",
    "tags",
    "tasks",
    "time_entries",
    "time_entry_events",
    "webhook_deliveries",
    "webhook_events",
    "webhook_subscriptions",
]
NO_UUID = {"idempotency_keys"}
# Association tables: their key, before (without firm_id) and after (with).
PAIR_TABLES = {
    "case_participants": ["case_id", "account_id"],
    "circle_members": ["circle_id", "account_id"],
    "time_entry_tags": ["time_entry_id", "tag_id"],
}
# (table, column, referred table): simple before, composite with firm_id after.
FIRM_FKS = [
    ("audit_events", "account_id", "accounts"),
    ("billing_rates", "staff_account_id", "accounts"),
    ("billing_rates", "client_account_id", "accounts"),
    ("billing_rates", "case_id", "cases"),
    ("billing_rates", "created_by_account_id", "accounts"),
    ("board_tasks", "case_id", "cases"),
    ("cases", "billing_client_id", "accounts"),
    ("case_participants", "case_id", "cases"),
    ("case_participants", "account_id", "accounts"),
    ("circle_members", "circle_id", "circles"),
    ("circle_members", "account_id", "accounts"),
    ("idempotency_keys", "account_id", "accounts"),
    ("logins", "account_id", "accounts"),
    ("permission_changes", "account_id", "accounts"),
    ("permission_changes", "login_id", "logins"),
    ("permission_changes", "changed_by_account_id", "accounts"),
    ("tasks", "account_id", "accounts"),
    ("tasks", "case_id", "cases"),
    ("time_entries", "account_id", "accounts"),
    ("time_entries", "rate_id", "billing_rates"),
    ("time_entry_events", "time_entry_id", "time_entries"),
    ("time_entry_events", "account_id", "accounts"),
    ("time_entry_tags", "time_entry_id", "time_entries"),
    ("time_entry_tags", "tag_id", "tags"),
    ("webhook_deliveries", "event_id", "webhook_events"),
    ("webhook_deliveries", "subscription_id", "webhook_subscriptions"),
    ("webhook_subscriptions", "created_by_account_id", "accounts"),
]
# Reference tables' foreign keys into firm tables: dropped (restored by the downgrade).
REFERENCE_FKS = [
    ("personal_access_tokens", "account_id", "accounts"),
    ("web_sessions", "login_id", "logins"),
]
# (table, name, columns before, columns after)
UNIQUES = [
    (
        "logins",
        "uq_logins_user_id",
        ["user_id", "account_id"],
        ["firm_id", "user_id", "account_id"],
    ),
    (
        "idempotency_keys",
        "uq_idempotency_keys_account_id",
        ["account_id", "key"],
        ["firm_id", "account_id", "key"],
    ),
]
FIRM_ID_INDEXES = [
    "board_tasks",
    "case_participants",
    "cases",
    "circle_members",
    "circles",
    "logins",
    "permission_changes",
    "tasks",
    "time_entry_events",
    "webhook_deliveries",
    "webhook_events",
    "webhook_subscriptions",
]
RUNNING = "uq_time_entries_one_running_per_account"
_RUNNING_WHERE = sa.text("ended_at IS NULL AND deleted_at IS NULL")
_LIVE = sa.text("deleted_at IS NULL")
START_LIVE = "ix_time_entries_firm_start_live"
# The same list as timeledger.models.time_entry.REPORT_INCLUDE at this revision.
_INCLUDE = [
    "account_id",
    "trackable_type",
    "trackable_id",
    "ended_at",
    "billable",
    "hourly_rate_minor",
    "currency",
]


def _fk_name(table: str, column: str, target: str) -> str:
    return f"fk_{table}_{column}_{target}"


def _key(table: str, *, firm: bool) -> list[str]:
    columns = PAIR_TABLES.get(table, ["id"])
    return ["firm_id", *columns] if firm else columns


def _tables() -> list[str]:
    return [*ID_TABLES, *PAIR_TABLES, *(table for table, _, _ in REFERENCE_FKS)]


def _alter(table: str, *, firm: bool, batch: BatchOperations) -> None:
    """Every change to one table's keys, on an open batch (SQLite) or directly."""
    if table in ID_TABLES or table in PAIR_TABLES:
        batch.drop_constraint(f"pk_{table}", type_="primary")
        batch.create_primary_key(f"pk_{table}", _key(table, firm=firm))
    if table in ID_TABLES and table not in NO_UUID:
        batch.drop_constraint(f"uq_{table}_uuid", type_="unique")
        batch.create_unique_constraint(
            f"uq_{table}_uuid", ["firm_id", "uuid"] if firm else ["uuid"]
        )
    for name_table, name, before, after in UNIQUES:
        if name_table == table:
            batch.drop_constraint(name, type_="unique")
            batch.create_unique_constraint(name, after if firm else before)


def _indexes(*, firm: bool) -> None:
    if firm:
        for table in FIRM_ID_INDEXES:
            op.drop_index(f"ix_{table}_firm_id", table_name=table)
        for table in ID_TABLES:
            op.create_index(f"ix_{table}_id", table, ["id"])
        op.create_index("ix_logins_user_id", "logins", ["user_id"])
    else:
        for table in FIRM_ID_INDEXES:
            op.create_index(f"ix_{table}_firm_id", table, ["firm_id"])
        for table in ID_TABLES:
            op.drop_index(f"ix_{table}_id", table_name=table)
        op.drop_index("ix_logins_user_id", table_name="logins")
    op.drop_index(RUNNING, table_name="time_entries")
    op.create_index(
        RUNNING,
        "time_entries",
        ["firm_id", "account_id"] if firm else ["account_id"],
        unique=True,
        sqlite_where=_RUNNING_WHERE,
        postgresql_where=_RUNNING_WHERE,
    )


def _foreign_keys(*, firm: bool, drop: bool) -> None:
    for table, column, target in FIRM_FKS:
        name = _fk_name(table, column, target)
        if drop:
            op.drop_constraint(name, table, type_="foreignkey")
        elif firm:
            op.create_foreign_key(name, table, target, ["firm_id", column], ["firm_id", "id"])
        else:
            op.create_foreign_key(name, table, target, [column], ["id"])
    if firm == drop:  # upgrade drops them, downgrade restores them
        for table, column, target in REFERENCE_FKS:
            name = _fk_name(table, column, target)
            if drop:
                op.drop_constraint(name, table, type_="foreignkey")
            else:
                op.create_foreign_key(name, table, target, [column], ["id"])


def _sqlite(*, firm: bool) -> None:
    """One copy of each table with every change. Foreign keys are off while migrating
    (env.py), so a table may point at a key its target gets in a later copy."""
    # Partial indexes are dropped around the copies and made again after them.
    op.drop_index(START_LIVE, table_name="time_entries")
    fks = {table: [(c, t) for tb, c, t in FIRM_FKS if tb == table] for table in _tables()}
    for table in _tables():
        with op.batch_alter_table(table, recreate="always") as batch:
            for column, target in fks[table]:
                batch.drop_constraint(_fk_name(table, column, target), type_="foreignkey")
            for ref_table, column, target in REFERENCE_FKS:
                if ref_table == table:
                    name = _fk_name(table, column, target)
                    if firm:
                        batch.drop_constraint(name, type_="foreignkey")
                    else:
                        batch.create_foreign_key(name, target, [column], ["id"])
            _alter(table, firm=firm, batch=batch)
            for column, target in fks[table]:
                local = ["firm_id", column] if firm else [column]
                remote = ["firm_id", "id"] if firm else ["id"]
                batch.create_foreign_key(_fk_name(table, column, target), target, local, remote)
    _indexes(firm=firm)
    op.create_index(START_LIVE, "time_entries", ["firm_id", "started_at", "id"], sqlite_where=_LIVE)


def _postgresql(*, firm: bool) -> None:
    _foreign_keys(firm=firm, drop=True)
    for table in _tables():
        with op.batch_alter_table(table) as batch:
            _alter(table, firm=firm, batch=batch)
    _indexes(firm=firm)
    _foreign_keys(firm=firm, drop=False)


def _migrate(*, firm: bool) -> None:
    if op.get_bind().dialect.name == "sqlite":
        _sqlite(firm=firm)
    else:
        _postgresql(firm=firm)


def upgrade() -> None:
    _migrate(firm=True)


def downgrade() -> None:
    _migrate(firm=False)
