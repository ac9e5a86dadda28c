"""Queries of the web app's own table (``web_sessions``)."""

from __future__ import annotations

import uuid

from sqlalchemy import select
from sqlalchemy.orm import Session

from timeledger.models import Account, Firm, Login, User, WebSession


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


def login_of(session: Session, login_id: int) -> tuple[Login, Account, Firm] | None:
    row = session.execute(
        select(Login, Account, Firm)
        .join(Account, Account.id == Login.account_id)
        .join(Firm, Firm.id == Account.firm_id)
        .where(Login.id == login_id)
    ).first()
    return None if row is None else (row[0], row[1], row[2])


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
