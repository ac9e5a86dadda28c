"""Queries of the web app's own table (``web_sessions``)."""

from __future__ import annotations

import uuid
from collections.abc import Callable

from sqlalchemy import Select, select
from sqlalchemy.orm import Session

from timeledger.auth.service import Actor
from timeledger.models import (
    Account,
    AccountType,
    BillingRate,
    Case,
    Firm,
    Login,
    PersonalAccessToken,
    Tag,
    TimeEntry,
    User,
    WebhookDelivery,
    WebhookSubscription,
    WebSession,
)


def add(session: Session, web_session: WebSession) -> None:
    session.add(web_session)
    session.flush()


def flush(session: Session) -> None:
    session.flush()


def by_secret_hash(session: Session, secret_hash: str) -> tuple[WebSession, User] | None:
    row = session.execute(
        select(WebSession, User)
        .join(User, User.id == WebSession.user_id)
        .where(WebSession.secret_hash == secret_hash)
    ).first()
    return None if row is None else (row[0], row[1])


def login_of(
    session: Session, login_id: int, *, firm_id: int
) -> tuple[Login, Account, Firm] | None:
    """The web session's chosen login of ``firm_id``, with its account and firm."""
    row = session.execute(
        select(Login, Account, Firm)
        .join(Account, (Account.firm_id == Login.firm_id) & (Account.id == Login.account_id))
        .join(Firm, Firm.id == Account.firm_id)
        .where(Login.firm_id == firm_id, Login.id == login_id)
    ).first()
    return None if row is None else (row[0], row[1], row[2])


def live_login_count(session: Session, user_id: int, *, at_most: int) -> int:
    """How many of the user's logins are on a live account, counting no further than
    ``at_most`` (the page header only asks whether there is more than one)."""
    statement = (
        select(Login.id)
        .join(Account, Account.id == Login.account_id)
        .where(Login.user_id == user_id, Account.archived_at.is_(None))
        .limit(at_most)
    )
    return len(session.scalars(statement).all())


def sessions_of_user(session: Session, user_id: int) -> list[WebSession]:
    return list(
        session.scalars(
            select(WebSession)
            .where(WebSession.user_id == user_id)
            .order_by(WebSession.created_at.desc(), WebSession.id.desc())
            .limit(100)
        )
    )


def session_of_user(session: Session, user_id: int, session_uuid: uuid.UUID) -> WebSession | None:
    return session.scalars(
        select(WebSession).where(WebSession.user_id == user_id, WebSession.uuid == session_uuid)
    ).first()


def record_exists(session: Session, param: str, record: uuid.UUID, actor: Actor) -> bool:
    """Whether the record an address names (``web.records.RECORDS``'s path parameter)
    exists for ``actor``: of the actor's firm (staff: its employees; time entries and
    webhook subscriptions: not deleted), or of the actor's user (sign-ins, tokens)."""
    firm = actor.firm.id
    # Builders, so that only the statement asked for is built.
    queries: dict[str, Callable[[], Select[int]]] = {
        "session_uuid": lambda: select(WebSession.id).where(
            WebSession.uuid == record, WebSession.user_id == actor.user.id
        ),
        "token_uuid": lambda: select(PersonalAccessToken.id).where(
            PersonalAccessToken.uuid == record, PersonalAccessToken.user_id == actor.user.id
        ),
        "case_uuid": lambda: select(Case.id).where(Case.uuid == record, Case.firm_id == firm),
        "entry_uuid": lambda: select(TimeEntry.id).where(
            TimeEntry.uuid == record, TimeEntry.firm_id == firm, TimeEntry.deleted_at.is_(None)
        ),
        "rate_uuid": lambda: select(BillingRate.id).where(
            BillingRate.uuid == record, BillingRate.firm_id == firm
        ),
        "account_uuid": lambda: select(Account.id).where(
            Account.uuid == record, Account.firm_id == firm, Account.type == AccountType.EMPLOYEE
        ),
        "tag_uuid": lambda: select(Tag.id).where(Tag.uuid == record, Tag.firm_id == firm),
        "subscription_uuid": lambda: select(WebhookSubscription.id).where(
            WebhookSubscription.uuid == record,
            WebhookSubscription.firm_id == firm,
            WebhookSubscription.deleted_at.is_(None),
        ),
        "delivery_uuid": lambda: select(WebhookDelivery.id).where(
            WebhookDelivery.uuid == record, WebhookDelivery.firm_id == firm
        ),
    }
    return session.scalar(queries[param]().limit(1)) is not None
