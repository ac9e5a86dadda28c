"""The demo firm: enough records to paste the seed's curl request and get an answer.

Running it again reuses what is there: the owner's password is printed only when the
owner is created, and the fresh token replaces the previous demo token (revoked), so
restarting the demo never piles up live year-long tokens.
"""

from __future__ import annotations

import secrets
import uuid
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from sqlalchemy.orm import Session

from timeledger.accounts import service as accounts
from timeledger.accounts.staff import create_login, create_user
from timeledger.auth import repository as auth_repository
from timeledger.auth.service import hash_password
from timeledger.billing.service import rates
from timeledger.board_tasks.service import create_board_task
from timeledger.cases.service import create_case
from timeledger.circles.service import create_circle
from timeledger.firms import service as firms
from timeledger.models import (
    Account,
    AccountRole,
    AccountType,
    BoardTask,
    Case,
    Circle,
    Firm,
    Task,
    TrackableType,
    User,
)
from timeledger.tasks.service import create_task
from timeledger.tokens.service import issue_token, revoke_live_named
from timeledger.trackables import repository as trackables_repository
from timeledger.trackables.repository import M

DEFAULT_FIRM_NAME = "Demo Financial Planning"
DEMO_TOKEN_NAME = "demo"
OWNER = ("Alex", "Morgan")
DEMO_RATE = 15000  # GBP 150.00 an hour
CLIENTS = (
    ("Gareth", "Thompson", AccountRole.INDIVIDUAL, "gareth@example.com"),
    ("Priya", "Shah", AccountRole.JOINT, "priya@example.com"),
    ("Oakfield Family Trust", "", AccountRole.TRUST, None),
)


@dataclass
class DemoFirm:
    firm: Firm
    owner: Account
    owner_email: str
    token: str
    trackables: dict[TrackableType, uuid.UUID]
    clients: list[Account] = field(default_factory=list)
    owner_password: str | None = None
    # How many earlier demo tokens this run revoked.
    revoked_tokens: int = 0


def seed_demo(
    session: Session,
    *,
    firm_name: str,
    now: datetime,
    token_lifetime: timedelta,
    reset_password: bool = False,
) -> DemoFirm:
    """Create or reuse the demo firm. ``reset_password`` (``serve --demo``) gives an
    existing demo owner a fresh password, so the web app's sign-in can be printed on every
    start (only the demo firm's owner, whose email ends in ``.example``)."""
    firm = firms.find_by_name(session, firm_name) or firms.create_firm(
        session, name=firm_name, now=now
    )
    owner_email = f"owner@{firm.slug}.example"
    owner = _account(
        session, firm, *OWNER, AccountType.EMPLOYEE, AccountRole.OWNER, owner_email, now
    )
    user, password = _owner_user(session, owner_email, now, reset_password=reset_password)
    if auth_repository.login_for(session, user.id, owner.id, firm_id=owner.firm_id) is None:
        create_login(session, user=user, account=owner, now=now)
    clients = [
        _account(session, firm, first, last, AccountType.CLIENT, role, email, now)
        for first, last, role, email in CLIENTS
    ]
    case, circle, task, board_task = _records(session, firm, clients, now)
    # A firm-default rate, so the demo's time entries show what they are worth.
    rates.ensure_firm_default(
        session, firm=firm, hourly_rate=DEMO_RATE, since=date(2020, 1, 1), now=now
    )
    # Tokens are stored hashed, so the previous one cannot be shown again: it is revoked.
    revoked = revoke_live_named(session, user=user, name=DEMO_TOKEN_NAME, now=now)
    issued = issue_token(session, user=user, name=DEMO_TOKEN_NAME, now=now, lifetime=token_lifetime)
    return DemoFirm(
        firm=firm,
        owner=owner,
        owner_email=owner_email,
        token=issued.plain_text,
        clients=clients,
        owner_password=password,
        revoked_tokens=revoked,
        trackables={
            TrackableType.CLIENT: clients[0].uuid,
            TrackableType.CASE: case.uuid,
            TrackableType.CIRCLE: circle.uuid,
            TrackableType.TASK: task.uuid,
            TrackableType.BOARD_TASK: board_task.uuid,
            TrackableType.FIRM: firm.uuid,
        },
    )


def _owner_user(
    session: Session, email: str, now: datetime, *, reset_password: bool
) -> tuple[User, str | None]:
    """The demo owner's user, and its password when it was just set (else None)."""
    user = auth_repository.user_by_email(session, email)
    if user is None:
        password = secrets.token_urlsafe(12)
        return create_user(session, email=email, password=password, now=now), password
    if not reset_password:
        return user, None
    password = secrets.token_urlsafe(12)
    user.password_hash = hash_password(password)
    user.updated_at = now
    return user, password


def _account(
    session: Session,
    firm: Firm,
    first: str,
    last: str,
    account_type: AccountType,
    role: AccountRole,
    email: str | None,
    now: datetime,
) -> Account:
    found = accounts.find_by_name(session, firm=firm, first_name=first, last_name=last)
    return found or accounts.create_account(
        session,
        firm=firm,
        account_type=account_type,
        role=role,
        first_name=first,
        last_name=last,
        email=email,
        now=now,
    )


def _records(
    session: Session, firm: Firm, clients: list[Account], now: datetime
) -> tuple[Case, Circle, Task, BoardTask]:
    def existing(model: type[M], name: str) -> M | None:
        return trackables_repository.first_by_name(session, model, firm_id=firm.id, name=name)

    first = clients[0]
    case = existing(Case, "Pension transfer review") or create_case(
        session, firm=firm, name="Pension transfer review", participants=[first], now=now
    )
    circle = existing(Circle, "Thompson household") or create_circle(
        session, firm=firm, name="Thompson household", members=clients[:2], now=now
    )
    task = existing(Task, "Prepare annual review") or create_task(
        session, firm=firm, name="Prepare annual review", on=first, now=now
    )
    board_task = existing(BoardTask, "Request pension statements") or (
        create_board_task(session, firm=firm, case=case, name="Request pension statements", now=now)
    )
    return case, circle, task, board_task
