"""What clients and externals may read: their own account, the cases they take part in,
their firm, and nothing else."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from tests.conftest import FROZEN_NOW
from tests.factories import FirmWorld, Staff, make_staff
from tests.factories.time_entries import make_entry
from timeledger.auth.service import Actor, authenticate
from timeledger.cases.service import create_case
from timeledger.errors import Forbidden
from timeledger.models import Account, AccountRole, AccountType, Case, Firm
from timeledger.permissions import (
    may_change_entry,
    may_delete_entry,
    may_edit_account,
    may_edit_records,
    may_read_history,
    may_read_records,
    may_record_time,
    may_use_time_entries,
    require,
)

FORBIDDEN = {"message": "This action is unauthorized."}
NOT_FOUND = {"message": "Not Found."}


@pytest.fixture(params=[AccountType.CLIENT, AccountType.EXTERNAL])
def outsider(request: pytest.FixtureRequest, session: Session, world: FirmWorld) -> Staff:
    account_type: AccountType = request.param
    role = AccountRole.INDIVIDUAL if account_type == AccountType.CLIENT else AccountRole.INTRODUCER
    person = make_staff(
        session, world.firm, now=FROZEN_NOW, role=role, account_type=account_type, first_name="Out"
    )
    create_case(
        session,
        firm=world.firm,
        name="Their case",
        participants=[world.other_client, person.account],
        now=FROZEN_NOW,
    )
    session.flush()
    return person


def test_reads_only_what_concerns_it(client: TestClient, world: FirmWorld, outsider: Staff) -> None:
    headers = outsider.headers()
    accounts = client.get("/api/v1/account", headers=headers).json()["data"]
    assert [a["uuid"] for a in accounts] == [str(outsider.account.uuid)]
    cases = client.get("/api/v1/cases", headers=headers).json()["data"]
    assert [c["name"] for c in cases] == ["Their case"]
    assert client.get(f"/api/v1/firm/{world.firm.uuid}", headers=headers).status_code == 200
    for url in (f"/api/v1/account/{world.client.uuid}", f"/api/v1/cases/{world.case.uuid}"):
        response = client.get(url, headers=headers)
        assert response.status_code == 404
        assert response.json() == NOT_FOUND
    for url in ("/api/v1/circles", "/api/v1/task", "/api/v1/board-task"):
        response = client.get(url, headers=headers)
        assert response.status_code == 403
        assert response.json() == FORBIDDEN


def test_writes_nothing(
    client: TestClient, world: FirmWorld, outsider: Staff, session: Session
) -> None:
    headers = outsider.headers()
    cases_before = session.scalar(select(func.count()).select_from(Case))
    attempts = [
        ("PUT", f"/api/v1/account/{outsider.account.uuid}", {"first_name": "Me"}),
        ("POST", "/api/v1/cases", {"name": "X", "participants": [str(world.client.uuid)]}),
        ("DELETE", f"/api/v1/account/{outsider.account.uuid}", None),
        ("PUT", f"/api/v1/firm/{world.firm.uuid}", {"name": "Ours"}),
    ]
    for method, url, body in attempts:
        response = client.request(method, url, json=body, headers=headers)
        assert response.status_code == 403, (method, url)
        assert response.json() == FORBIDDEN
    session.expire_all()
    account = session.get(Account, (outsider.account.firm_id, outsider.account.id))
    firm = session.get(Firm, world.firm.id)
    assert account is not None
    assert firm is not None
    assert (account.first_name, account.archived_at) == ("Out", None)
    assert firm.name == "Acme Planning"
    assert session.scalar(select(func.count()).select_from(Case)) == cases_before


class TestRules:
    """The rules themselves, as any client of the services (API, CLI, web app) asks them."""

    def test_a_member_may_change_only_their_own_entries(
        self, session: Session, world: FirmWorld
    ) -> None:
        member = make_staff(session, world.firm, now=FROZEN_NOW, role=AccountRole.MEMBER)
        mine = make_entry(session, account=member.account, on=world.client, start=FROZEN_NOW)
        theirs = make_entry(session, account=world.owner.account, on=world.client, start=FROZEN_NOW)
        actor = _actor(session, member)
        assert may_change_entry(actor, mine)
        refused = may_change_entry(actor, theirs)
        assert not refused
        assert refused.reason == "Members may change only their own time entries."
        with pytest.raises(Forbidden, match="only their own"):
            require(refused)

    def test_without_delete_permission_no_entry_may_be_deleted(
        self, session: Session, world: FirmWorld
    ) -> None:
        owner = make_staff(session, world.firm, now=FROZEN_NOW, delete=False)
        entry = make_entry(session, account=owner.account, on=world.client, start=FROZEN_NOW)
        verdict = may_delete_entry(_actor(session, owner), entry)
        assert (bool(verdict), verdict.reason) == (False, "Your login has no delete permission.")

    def test_outsiders_may_not_use_time_entries_or_read_history(
        self, session: Session, outsider: Staff
    ) -> None:
        actor = _actor(session, outsider)
        assert not may_use_time_entries(actor)
        assert not may_record_time(actor)
        assert not may_read_history(actor)
        assert not may_read_records(actor)
        assert not may_edit_records(actor)

    def test_only_an_owner_may_edit_an_owner(self, session: Session, world: FirmWorld) -> None:
        admin = _actor(
            session, make_staff(session, world.firm, now=FROZEN_NOW, role=AccountRole.ADMIN)
        )
        owner = _actor(session, world.owner)
        assert may_edit_account(admin, AccountType.EMPLOYEE, AccountRole.MEMBER)
        assert not may_edit_account(admin, AccountType.EMPLOYEE, AccountRole.OWNER)
        assert may_edit_account(owner, AccountType.EMPLOYEE, AccountRole.OWNER)


def _actor(session: Session, staff: Staff) -> Actor:
    return authenticate(session, bearer=staff.token, account_header=None, now=FROZEN_NOW)
