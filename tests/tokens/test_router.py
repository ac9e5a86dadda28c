from __future__ import annotations

from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from tests.conftest import FROZEN_NOW
from tests.factories import FirmWorld, make_client
from tests.support import FrozenClock
from timeledger.auth import service as auth
from timeledger.tokens.service import issue_token

URL = "/api/v1/personal-access-tokens"


class TestCreateToken:
    def test_issues_a_token_shown_once_that_works(
        self, client: TestClient, world: FirmWorld
    ) -> None:
        response = client.post(
            URL, json={"name": "Zapier", "password": "secret-pass"}, headers=world.owner.headers()
        )
        assert response.status_code == 201
        body = response.json()
        assert body["name"] == "Zapier"
        assert body["token"].startswith("tl_")
        assert body["account_uuid"] is None
        assert body["expires_at"] == "2026-08-07T13:41:42+01:00"
        assert (body["last_used_at"], body["revoked_at"]) == (None, None)
        new = {"Authorization": f"Bearer {body['token']}"}
        assert client.get("/api/v1/account", headers=new).status_code == 200
        listed = client.get(URL, headers=world.owner.headers()).json()
        assert body["token"] not in str(listed)
        assert [t["name"] for t in listed["data"]] == ["test", "Zapier"]

    def test_needs_the_right_password(self, client: TestClient, world: FirmWorld) -> None:
        response = client.post(
            URL, json={"name": "Zapier", "password": "guess"}, headers=world.owner.headers()
        )
        assert response.status_code == 422
        assert response.json() == {
            "message": "The password is incorrect.",
            "errors": {"password": ["The password is incorrect."]},
        }

    def test_binds_to_an_account_the_user_has_a_login_for(
        self, client: TestClient, world: FirmWorld
    ) -> None:
        headers = world.owner.headers()
        bound = client.post(
            URL,
            json={
                "name": "bound",
                "password": "secret-pass",
                "account_uuid": str(world.owner.account.uuid),
            },
            headers=headers,
        )
        assert bound.status_code == 201
        assert bound.json()["account_uuid"] == str(world.owner.account.uuid)
        other = client.post(
            URL,
            json={"name": "x", "password": "secret-pass", "account_uuid": str(world.client.uuid)},
            headers=headers,
        )
        assert other.status_code == 422
        assert other.json()["errors"] == {
            "account_uuid": ["The user has no login for that account."]
        }

    def test_needs_a_token(self, client: TestClient) -> None:
        response = client.post(URL, json={"name": "x", "password": "y"})
        assert response.status_code == 401


class TestRevokeToken:
    def test_revokes_so_the_token_stops_working(
        self, client: TestClient, session: Session, world: FirmWorld, clock: FrozenClock
    ) -> None:
        made = client.post(
            URL, json={"name": "temp", "password": "secret-pass"}, headers=world.owner.headers()
        ).json()
        temp = {"Authorization": f"Bearer {made['token']}"}
        assert client.get("/api/v1/account", headers=temp).status_code == 200
        clock.advance(minutes=5)
        response = client.delete(f"{URL}/{made['uuid']}", headers=world.owner.headers())
        assert response.status_code == 200
        assert response.json()["revoked_at"] == "2025-08-07T13:46:42+01:00"
        assert response.json()["last_used_at"] == "2025-08-07T13:41:42+01:00"
        denied = client.get("/api/v1/account", headers=temp)
        assert denied.status_code == 401
        assert denied.json() == {"message": "Unauthenticated."}

    def test_only_ones_own_tokens(
        self, client: TestClient, session: Session, world: FirmWorld, other_world: FirmWorld
    ) -> None:
        make_client(session, world.firm, now=FROZEN_NOW)
        theirs = issue_token(
            session,
            user=other_world.owner.user,
            name="theirs",
            now=FROZEN_NOW,
            lifetime=auth.LAST_USED_RESOLUTION,
        )
        session.flush()
        response = client.delete(f"{URL}/{theirs.token.uuid}", headers=world.owner.headers())
        assert response.status_code == 404
        assert response.json() == {"message": "Not Found."}
        assert client.delete(f"{URL}/junk", headers=world.owner.headers()).status_code == 404
