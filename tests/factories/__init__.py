"""Small factories that build records through the same services the API and CLI use."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy.orm import Session

from timeledger.accounts import service as accounts
from timeledger.accounts.staff import create_login, create_user
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
from timeledger.tokens.service import issue_token

YEAR = timedelta(days=365)
# Every staff user's password.
STAFF_PASSWORD = "secret-pass"


@dataclass
class Staff:
    user: User
    account: Account
    token: str

    def headers(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.token}"}


@dataclass
class FirmWorld:
    firm: Firm
    owner: Staff
    client: Account
    other_client: Account
    case: Case
    circle: Circle
    task: Task
    case_task: Task
    board_task: BoardTask

    def trackable_uuid(self, kind: TrackableType) -> str:
        records: dict[TrackableType, Account | Case | Circle | Task | BoardTask | Firm] = {
            TrackableType.CLIENT: self.client,
            TrackableType.CASE: self.case,
            TrackableType.CIRCLE: self.circle,
            TrackableType.TASK: self.task,
            TrackableType.BOARD_TASK: self.board_task,
            TrackableType.FIRM: self.firm,
        }
        return str(records[kind].uuid)


_counter = iter(range(1, 1_000_000))


def make_staff(
    session: Session,
    firm: Firm,
    *,
    now: datetime,
    role: AccountRole = AccountRole.OWNER,
    account_type: AccountType = AccountType.EMPLOYEE,
    write: bool = True,
    delete: bool = True,
    first_name: str = "Alex",
) -> Staff:
    n = next(_counter)
    account = accounts.create_account(
        session,
        firm=firm,
        account_type=account_type,
        role=role,
        first_name=first_name,
        last_name=f"Staff{n}",
        email=f"staff{n}@example.com",
        now=now,
    )
    user = create_user(session, email=f"user{n}@example.com", password=STAFF_PASSWORD, now=now)
    create_login(
        session,
        user=user,
        account=account,
        now=now,
        write_override=None if write else False,
        delete_override=None if delete else False,
    )
    token = issue_token(session, user=user, name="test", now=now, lifetime=YEAR)
    return Staff(user=user, account=account, token=token.plain_text)


def make_client(
    session: Session, firm: Firm, *, now: datetime, first: str = "Gareth", last: str = "Thompson"
) -> Account:
    return accounts.create_account(
        session,
        firm=firm,
        account_type=AccountType.CLIENT,
        role=AccountRole.INDIVIDUAL,
        first_name=first,
        last_name=last,
        email=f"{first.lower()}@example.com",
        now=now,
    )


def make_world(
    session: Session,
    *,
    now: datetime,
    name: str = "Acme Planning",
    time_zone: str = "Europe/London",
) -> FirmWorld:
    firm = firms.create_firm(session, name=name, now=now, time_zone=time_zone)
    owner = make_staff(session, firm, now=now)
    client = make_client(session, firm, now=now)
    other_client = make_client(session, firm, now=now, first="Priya", last="Shah")
    case = create_case(session, firm=firm, name="Pension transfer", participants=[client], now=now)
    circle = create_circle(
        session, firm=firm, name="Thompson household", members=[client, other_client], now=now
    )
    task = create_task(session, firm=firm, name="Annual review", on=client, now=now)
    case_task = create_task(session, firm=firm, name="Gather statements", on=case, now=now)
    board_task = create_board_task(session, firm=firm, case=case, name="Call provider", now=now)
    return FirmWorld(
        firm=firm,
        owner=owner,
        client=client,
        other_client=other_client,
        case=case,
        circle=circle,
        task=task,
        case_task=case_task,
        board_task=board_task,
    )
