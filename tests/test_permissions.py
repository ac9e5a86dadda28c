"""What clients and externals may read: their own account, the cases they take part in,
their firm, and nothing else."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from tests.conftest import FROZEN_NOW
from tests.factories import FirmWorld, Staff, make_staff
from timeledger.cases.service import create_case
from timeledger.models import AccountRole, AccountType

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


def test_writes_nothing(client: TestClient, world: FirmWorld, outsider: Staff) -> None:
    headers = outsider.headers()
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
