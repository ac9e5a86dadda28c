"""Index for firm-wide time ranges (reports): live entries by firm, then start, then id.

Every earlier time-entry index leads with an account or a trackable, so a report over the
whole firm for a month had to read every entry of the firm. This one is one range scan,
and its trailing id serves the detailed report's keyset order (start, id).

Revision ID: 12a1f0e5c0de
Revises: 93d7a65d7e22
Create Date: 2026-12-01 02:50:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "12a1f0e5c0de"
down_revision: str | Sequence[str] | None = "93d7a65d7e22"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_LIVE = sa.text("deleted_at IS NULL")


def upgrade() -> None:
    with op.batch_alter_table("time_entries", schema=None) as batch_op:
        batch_op.create_index(
            "ix_time_entries_firm_start_live",
            ["firm_id", "started_at", "id"],
            unique=False,
            sqlite_where=_LIVE,
            postgresql_where=_LIVE,
        )


def downgrade() -> None:
    with op.batch_alter_table("time_entries", schema=None) as batch_op:
        batch_op.drop_index("ix_time_entries_firm_start_live")
