"""Adding staff who can log in: a user, an employee account on a firm and the login
joining them (the CLI's ``user create``)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.orm import Session

from timeledger.accounts.schemas import EMAIL
from timeledger.accounts.service import create_account
from timeledger.auth import repository as auth_repository
from timeledger.auth.service import hash_password
from timeledger.errors import ValidationFailed
from timeledger.models import Account, AccountRole, AccountType, Firm, Login, User

MIN_PASSWORD_LENGTH = 8


@dataclass(frozen=True)
class StaffUser:
    user: User
    account: Account
    new_user: bool


def add_staff_user(
    session: Session,
    *,
    firm: Firm,
    email: str,
    password: str | None,
    first_name: str,
    last_name: str,
    role: AccountRole,
    now: datetime,
) -> StaffUser:
    """A new employee account on ``firm`` with a login for the user ``email``.

    A user who already exists (on this or another firm) keeps their password and gains a
    login; a new user needs a password of at least 8 characters.
    """
    user = existing_user(session, firm=firm, email=email, first_name=first_name)
    new_user = user is None
    if user is None:
        user = _new_user(session, email=email, password=password, now=now)
    account = create_account(
        session,
        firm=firm,
        account_type=AccountType.EMPLOYEE,
        role=role,
        first_name=first_name.strip(),
        last_name=last_name.strip(),
        email=user.email,
        now=now,
    )
    create_login(session, user=user, account=account, now=now)
    return StaffUser(user=user, account=account, new_user=new_user)


def existing_user(session: Session, *, firm: Firm, email: str, first_name: str) -> User | None:
    """Check everything about new staff but the password (so the CLI can ask for one only
    after): the first name is given, the email is an address, and its user, if there is
    one (returned), has no login on ``firm`` yet. ``ValidationFailed`` (422) otherwise."""
    if not first_name.strip():
        raise ValidationFailed.field("first_name", "The first name field is required.")
    if not EMAIL.match(email.strip()):
        raise ValidationFailed.field("email", "The email field must be a valid email address.")
    user = auth_repository.user_by_email(session, email)
    if user is not None and any(
        row[0].firm_id == firm.id for row in auth_repository.logins_of_user(session, user.id)
    ):
        raise ValidationFailed.field(
            "email", f"The user {user.email} already has a login on this firm."
        )
    return user


def _new_user(session: Session, *, email: str, password: str | None, now: datetime) -> User:
    if password is None or len(password) < MIN_PASSWORD_LENGTH:
        raise ValidationFailed.field(
            "password", f"The password must be at least {MIN_PASSWORD_LENGTH} characters."
        )
    return create_user(session, email=email, password=password, now=now)


def create_user(session: Session, *, email: str, password: str, now: datetime) -> User:
    user = User(
        email=email.strip().lower(),
        password_hash=hash_password(password),
        created_at=now,
        updated_at=now,
    )
    session.add(user)
    session.flush()
    return user


def create_login(
    session: Session,
    *,
    user: User,
    account: Account,
    now: datetime,
    write_override: bool | None = None,
    delete_override: bool | None = None,
) -> Login:
    """A login of ``user`` for ``account``; its permissions follow the account's role
    unless an override (true or false) is given."""
    login = Login(
        firm_id=account.firm_id,
        user_id=user.id,
        account_id=account.id,
        write_override=write_override,
        delete_override=delete_override,
        created_at=now,
        updated_at=now,
    )
    session.add(login)
    session.flush()
    return login
