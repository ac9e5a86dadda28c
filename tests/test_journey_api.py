"""A new firm, from its first owner to a logged time entry, through the API alone.

The firm and its owner's login are the one thing the API cannot create (upstream has no
sign-up route either): they come from the services ``timeledger firm create`` and
``timeledger user create`` call. Everything after that is HTTP.
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from tests.conftest import FROZEN_NOW
from timeledger.accounts.staff import add_staff_user
from timeledger.firms import service as firms
from timeledger.models import AccountRole
from timeledger.tokens.service import issue_token

# Issue 15: every statement the app sends on firm data names its firm (tests/tenancy).
pytestmark = pytest.mark.usefixtures("firm_filter_guard")


def test_a_new_firm_logs_its_first_time_entry_through_the_api(
    client: TestClient, session: Session
) -> None:
    firm = firms.create_firm(session, name="Brand New Planning", now=FROZEN_NOW)
    owner = add_staff_user(
        session,
        firm=firm,
        email="founder@brandnew.example",
        password="correct horse",
        first_name="Fran",
        last_name="Founder",
        role=AccountRole.OWNER,
        now=FROZEN_NOW,
    )
    bootstrap = issue_token(
        session, user=owner.user, name="setup", now=FROZEN_NOW, lifetime=timedelta(days=1)
    )
    session.flush()
    headers = {"Authorization": f"Bearer {bootstrap.plain_text}"}

    # The owner makes a token of their own, then works with it.
    made = client.post(
        "/api/v1/personal-access-tokens",
        json={"name": "laptop", "password": "correct horse"},
        headers=headers,
    )
    assert made.status_code == 201, made.text
    headers = {"Authorization": f"Bearer {made.json()['token']}"}

    firm_uuid = str(firm.uuid)
    renamed = client.put(
        f"/api/v1/firm/{firm_uuid}",
        json={"name": "Brand New Wealth", "time_zone": "Europe/Paris"},
        headers=headers,
    )
    assert renamed.status_code == 200, renamed.text
    assert renamed.json()["time_zone"] == "Europe/Paris"

    created = client.post(
        "/api/v1/account",
        json={"type": "client", "role": "individual", "first_name": "Ada", "last_name": "Byron"},
        headers=headers,
    )
    assert created.status_code == 200, created.text
    ada = created.json()["uuid"]
    # Dates are now shown in Paris time (summer: +02:00).
    assert created.json()["created_at"] == "2025-08-07T14:41:42+02:00"

    case = client.post(
        "/api/v1/cases", json={"name": "Retirement plan", "participants": [ada]}, headers=headers
    )
    assert case.status_code == 200, case.text
    task = client.post(
        "/api/v1/task",
        json={
            "name": "Gather statements",
            "taskable_type": "case",
            "taskable_uuid": case.json()["uuid"],
        },
        headers=headers,
    )
    assert task.status_code == 201, task.text

    entry = client.post(
        "/api/v1/time-entry",
        json={
            "trackable_type": "task",
            "trackable_uuid": task.json()["uuid"],
            "name": "Chasing providers",
            "start_date": "2025-08-07 13:00:00",
            "end_date": "2025-08-07 14:00:00",
        },
        headers=headers,
    )
    assert entry.status_code == 200, entry.text
    body = entry.json()
    assert body["trackable"]["uuid"] == task.json()["uuid"]
    assert body["trackable_type"] == "Task"
    assert body["start_date"] == "2025-08-07T13:00:00+02:00"
    assert body["total_time_in_minutes"] == 60
    assert body["account"]["uuid"] == str(owner.account.uuid)
