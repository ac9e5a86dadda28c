"""GET /api/v1/me and GET /api/v1/logins."""

from __future__ import annotations

from datetime import timedelta

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from tests.conftest import FROZEN_NOW
from tests.factories import FirmWorld, Staff, make_staff
from tests.factories.time_entries import make_entry
from timeledger.accounts.staff import create_login
from timeledger.models import AccountRole
from timeledger.tokens.service import issue_token


@pytest.fixture
def two_firms(session: Session, world: FirmWorld, other_world: FirmWorld) -> Staff:
    """The world's owner also has a (read-only) member login at the rival firm."""
    rival = make_staff(session, other_world.firm, now=FROZEN_NOW, role=AccountRole.MEMBER)
    create_login(
        session,
        user=world.owner.user,
        account=rival.account,
        now=FROZEN_NOW,
        write_override=False,
        delete_override=False,
    )
    return rival


class TestMe:
    def test_the_user_login_and_account_without_a_timer(
        self, client: TestClient, world: FirmWorld
    ) -> None:
        response = client.get("/api/v1/me", headers=world.owner.headers())

        assert response.status_code == 200
        body = response.json()
        assert body["uuid"] == str(world.owner.user.uuid)
        assert body["email"] == world.owner.user.email
        assert body["type"] == "standard"
        assert body["otp_pending"] is False
        assert body["current_login"]["has_write_permission"] is True
        assert body["current_login"]["has_delete_permission"] is True
        assert body["current_login"]["is_impersonated"] is False
        account = body["current_account"]
        assert account["uuid"] == str(world.owner.account.uuid)
        assert account["type"] == "employee"
        assert account["role"] == "owner"
        assert account["firm"]["uuid"] == str(world.firm.uuid)
        assert account["primary_email"] == world.owner.account.email
        assert account["current_time_entry"] is None

    def test_the_running_entry_is_the_current_time_entry(
        self, client: TestClient, session: Session, world: FirmWorld
    ) -> None:
        make_entry(
            session,
            account=world.owner.account,
            on=world.case,
            start=FROZEN_NOW - timedelta(hours=2),
        )
        running = make_entry(
            session,
            account=world.owner.account,
            on=world.client,
            start=FROZEN_NOW - timedelta(minutes=10),
            minutes=None,
        )

        body = client.get("/api/v1/me", headers=world.owner.headers()).json()

        current = body["current_account"]["current_time_entry"]
        assert current["uuid"] == str(running.uuid)
        assert current["is_active"] is True
        assert current["computed_time_elapsed_in_seconds"] == 600
        assert current["trackable"]["uuid"] == str(world.client.uuid)

    def test_the_account_header_chooses_the_account(
        self, client: TestClient, world: FirmWorld, other_world: FirmWorld, two_firms: Staff
    ) -> None:
        headers = {**world.owner.headers(), "X-PLANNR-ACCOUNT-UUID": str(two_firms.account.uuid)}

        body = client.get("/api/v1/me", headers=headers).json()

        assert body["current_account"]["uuid"] == str(two_firms.account.uuid)
        assert body["current_account"]["firm"]["uuid"] == str(other_world.firm.uuid)
        assert body["current_login"]["has_write_permission"] is False

    def test_several_accounts_and_no_header_is_400(
        self, client: TestClient, world: FirmWorld, two_firms: Staff
    ) -> None:
        response = client.get("/api/v1/me", headers=world.owner.headers())

        assert response.status_code == 400
        assert "X-PLANNR-ACCOUNT-UUID" in response.json()["message"]

    def test_without_a_token_is_401(self, client: TestClient) -> None:
        response = client.get("/api/v1/me")

        assert response.status_code == 401
        assert response.json() == {"message": "Unauthenticated."}


class TestLogins:
    def test_one_login(self, client: TestClient, world: FirmWorld) -> None:
        response = client.get("/api/v1/logins", headers=world.owner.headers())

        assert response.status_code == 200
        body = response.json()
        assert body["preferred_account_uuid"] == str(world.owner.account.uuid)
        [login] = body["data"]
        assert login["has_write_permission"] is True
        assert login["account"]["uuid"] == str(world.owner.account.uuid)
        assert login["account"]["firm"]["name"] == "Acme Planning"
        assert login["account"]["current_time_entry"] is None

    def test_every_login_without_an_account_header(
        self,
        client: TestClient,
        session: Session,
        world: FirmWorld,
        other_world: FirmWorld,
        two_firms: Staff,
    ) -> None:
        running = make_entry(
            session,
            account=two_firms.account,
            on=other_world.firm,
            start=FROZEN_NOW - timedelta(minutes=1),
            minutes=None,
        )

        response = client.get("/api/v1/logins", headers=world.owner.headers())

        assert response.status_code == 200
        body = response.json()
        assert body["preferred_account_uuid"] is None
        accounts = [login["account"] for login in body["data"]]
        assert [a["uuid"] for a in accounts] == [
            str(world.owner.account.uuid),
            str(two_firms.account.uuid),
        ]
        assert accounts[0]["current_time_entry"] is None
        assert accounts[1]["current_time_entry"]["uuid"] == str(running.uuid)
        assert accounts[1]["current_time_entry"]["trackable"]["name"] == "Rival Wealth"
        assert [login["has_write_permission"] for login in body["data"]] == [True, False]

    def test_a_token_bound_to_one_account_shows_that_login(
        self, client: TestClient, session: Session, world: FirmWorld, two_firms: Staff
    ) -> None:
        bound = issue_token(
            session,
            user=world.owner.user,
            name="bound",
            now=FROZEN_NOW,
            lifetime=timedelta(days=1),
            account=two_firms.account,
        )

        body = client.get(
            "/api/v1/logins", headers={"Authorization": f"Bearer {bound.plain_text}"}
        ).json()

        assert [login["account"]["uuid"] for login in body["data"]] == [str(two_firms.account.uuid)]
        assert body["preferred_account_uuid"] == str(two_firms.account.uuid)

    @pytest.mark.parametrize("header", [None, "Bearer nope"])
    def test_a_missing_or_unknown_token_is_401(
        self, client: TestClient, header: str | None
    ) -> None:
        headers = {"Authorization": header} if header else {}

        response = client.get("/api/v1/logins", headers=headers)

        assert response.status_code == 401
        assert response.json() == {"message": "Unauthenticated."}

    def test_an_expired_token_is_401(
        self, client: TestClient, session: Session, world: FirmWorld
    ) -> None:
        old = issue_token(
            session,
            user=world.owner.user,
            name="old",
            now=FROZEN_NOW - timedelta(days=2),
            lifetime=timedelta(days=1),
        )

        response = client.get(
            "/api/v1/logins", headers={"Authorization": f"Bearer {old.plain_text}"}
        )

        assert response.status_code == 401
