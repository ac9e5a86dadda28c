"""Index for time-entry lists sorted by end date (the default), per account.

Revision ID: 93066e6a33a6
Revises: a47729f8b50e
Create Date: 2026-11-28 12:58:47.247611
"""

from collections.abc import Sequence

from alembic import op

revision: str = "93066e6a33a6"
down_revision: str | Sequence[str] | None = "a47729f8b50e"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("time_entries", schema=None) as batch_op:
        batch_op.create_index(
            "ix_time_entries_firm_account_end",
            ["firm_id", "account_id", "ended_at", "id"],
            unique=False,
        )


def downgrade() -> None:
    with op.batch_alter_table("time_entries", schema=None) as batch_op:
        batch_op.drop_index("ix_time_entries_firm_account_end")
