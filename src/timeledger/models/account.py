from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import CheckConstraint, Enum, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from timeledger.models.base import Base, FirmIdMixin, TimestampMixin, UTCDateTime, firm_table


class AccountType(StrEnum):
    CLIENT = "client"
    EMPLOYEE = "employee"
    EXTERNAL = "external"


class AccountRole(StrEnum):
    INDIVIDUAL = "individual"
    JOINT = "joint"
    TRUST = "trust"
    BUSINESS = "business"
    OWNER = "owner"
    ADMIN = "admin"
    MEMBER = "member"
    INTRODUCER = "introducer"


ROLES_BY_TYPE: dict[AccountType, frozenset[AccountRole]] = {
    AccountType.CLIENT: frozenset(
        {AccountRole.INDIVIDUAL, AccountRole.JOINT, AccountRole.TRUST, AccountRole.BUSINESS}
    ),
    AccountType.EMPLOYEE: frozenset({AccountRole.OWNER, AccountRole.ADMIN, AccountRole.MEMBER}),
    AccountType.EXTERNAL: frozenset({AccountRole.INTRODUCER}),
}


def _role_matches_type() -> str:
    clauses = []
    for account_type, roles in ROLES_BY_TYPE.items():
        quoted = ", ".join(f"'{role.value}'" for role in sorted(roles))
        clauses.append(f"(type = '{account_type.value}' AND role IN ({quoted}))")
    return " OR ".join(clauses)


class Account(FirmIdMixin, TimestampMixin, Base):
    """A person or entity on a firm: a client, an employee or an external (introducer)."""

    __tablename__ = "accounts"
    __table_args__ = firm_table(
        "accounts",
        CheckConstraint(_role_matches_type(), name="role_matches_type"),
        Index("ix_accounts_firm_id_type", "firm_id", "type"),
    )

    type: Mapped[AccountType] = mapped_column(
        Enum(
            AccountType,
            name="account_type",
            native_enum=False,
            length=16,
            values_callable=lambda e: [m.value for m in e],
        )
    )
    role: Mapped[AccountRole] = mapped_column(
        Enum(
            AccountRole,
            name="account_role",
            native_enum=False,
            length=16,
            values_callable=lambda e: [m.value for m in e],
        )
    )
    first_name: Mapped[str] = mapped_column(String(255))
    last_name: Mapped[str] = mapped_column(String(255), default="")
    email: Mapped[str | None] = mapped_column(String(320))
    archived_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    @property
    def name(self) -> str:
        return f"{self.first_name} {self.last_name}".strip()
