"""Reports read a month from the range index alone on PostgreSQL (an index-only scan).

``ix_time_entries_firm_start_live`` (firm, start, id; live entries) found a month's
entries, but each one was then fetched from the table: at 1M entries in ten firms a
month of one firm touched ten times the table pages it did at 10k (rows are stored in the
order they were written, every firm's interleaved), so the report's database time grew
with the table. On PostgreSQL the index now also carries (``INCLUDE``) the columns the
summary and weekly reports read, so they are an index-only scan of that month's entries:
the same pages at 10k and at 1M (docs/performance.md). SQLite has no ``INCLUDE``; its
index is unchanged.

Revision ID: 7c3e1b9d2f40
Revises: 5d2a4f9e548a
Create Date: 2026-12-01 07:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "7c3e1b9d2f40"
down_revision: str | Sequence[str] | None = "5d2a4f9e548a"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_LIVE = sa.text("deleted_at IS NULL")
_NAME = "ix_time_entries_firm_start_live"
_KEY = ["firm_id", "started_at", "id"]
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


def _recreate(include: list[str] | None) -> None:
    op.drop_index(_NAME, table_name="time_entries")
    op.create_index(
        _NAME,
        "time_entries",
        _KEY,
        unique=False,
        postgresql_where=_LIVE,
        postgresql_include=include,
    )


def upgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        _recreate(_INCLUDE)


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        _recreate(None)
