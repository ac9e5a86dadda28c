"""Who the caller is: ``/me`` (the user and the account it acts as) and ``/logins`` (every
account the user may act as), each account with its running time entry."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy.orm import Session

from timeledger.auth import repository
from timeledger.auth.service import Actor, authenticate_token
from timeledger.me.schemas import (
    LoginAccountRead,
    LoginList,
    LoginRead,
    LoginWithAccountRead,
    MeRead,
)
from timeledger.models import Account, Firm
from timeledger.time_entries.service.read import running_entries


def show_me(session: Session, *, actor: Actor, now: datetime) -> MeRead:
    account = _full_accounts(session, [(actor.account, actor.firm)], now=now)[0]
    return MeRead.build(
        actor.user,
        login=LoginRead.build(actor.login, account=actor.account, time_zone=actor.firm.time_zone),
        account=account,
        time_zone=actor.firm.time_zone,
    )


def list_logins(session: Session, *, bearer: str | None, now: datetime) -> LoginList:
    """The token user's logins, oldest first; a token bound to one account shows that one."""
    token, user = authenticate_token(session, bearer=bearer, now=now)
    rows = repository.logins_of_user(session, user.id, account_id=token.account_id)
    accounts = _full_accounts(session, [(account, firm) for _, account, firm in rows], now=now)
    data = [
        LoginWithAccountRead(
            **LoginRead.fields_of(login, account=login_account, time_zone=firm.time_zone),
            account=account,
        )
        for (login, login_account, firm), account in zip(rows, accounts, strict=True)
    ]
    preferred = rows[0][1].uuid if len(rows) == 1 else None
    return LoginList(data=data, preferred_account_uuid=preferred)


def _full_accounts(
    session: Session, pairs: Sequence[tuple[Account, Firm]], *, now: datetime
) -> list[LoginAccountRead]:
    """Accounts with their firm and running entry, the entries loaded in one batch."""
    by_account = running_entries(session, accounts=pairs, now=now)
    return [
        LoginAccountRead.build_full(
            account, firm=firm, current_time_entry=by_account.get(account.id)
        )
        for account, firm in pairs
    ]
