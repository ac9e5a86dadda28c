from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from timeledger.models.base import (
    DISTRIBUTED,
    DISTRIBUTION,
    Base,
    BigIntId,
    NextId,
    UTCDateTime,
    firm_fk,
    firm_key,
)


class IdempotencyKey(Base):
    """One ``Idempotency-Key`` an account used on a write, with the response it got.

    Written in the same transaction as the write it protects, so a committed key always
    has its response: the columns are null only inside that transaction.
    """

    __tablename__ = "idempotency_keys"
    __table_args__ = (
        firm_key("idempotency_keys", "id"),
        UniqueConstraint("firm_id", "account_id", "key", name="uq_idempotency_keys_account_id"),
        Index("ix_idempotency_keys_id", "id"),
        firm_fk("idempotency_keys", "account_id", "accounts"),
        {"info": {DISTRIBUTION: DISTRIBUTED}},
    )

    id: Mapped[int] = mapped_column(BigIntId, default=NextId("idempotency_keys"))
    firm_id: Mapped[int] = mapped_column(ForeignKey("firms.id"))
    account_id: Mapped[int] = mapped_column(BigIntId)
    key: Mapped[str] = mapped_column(String(255))
    # HMAC-SHA-256 (server secret) of the method, path, query and body; a retry must match it.
    fingerprint: Mapped[str] = mapped_column(String(64))
    status_code: Mapped[int | None] = mapped_column(Integer)
    content_type: Mapped[str | None] = mapped_column(String(255))
    response_body: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
