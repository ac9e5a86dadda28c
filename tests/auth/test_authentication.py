"""Who may call: bearer tokens, the account header and the write permission."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy import select

from tests.factories import YEAR, FirmWorld, Staff, make_staff
from timeledger.accounts.staff import create_login
from timeledger.auth import service as auth
from timeledger.models import AccountRole, AccountType, PersonalAccessToken
from timeledger.tokens.service import issue_token

URL = "/api/v1/time-entry"
UNAUTHENTICATED = {"message": "Unauthenticated."}
UNAUTHORIZED = {"message": "This action is unauthorized."}


def entry(world: FirmWorld) -> dict[str, Any]:
    return {
        "trackable_type": "firm",
        "trackable_uuid": str(world.firm.uuid),
        "name": "Admin",
        "total_time_in_minutes": 10,
    }


class TestTokens:
    @pytest.mark.parametrize(
        "headers",
        [
            {},
            {"Authorization": "Bearer tl_unknown"},
            {"Authorization": "Bearer "},
            {"Authorization": "Basic dXNlcjpwYXNz"},
            {"Authorization": "tl_no_scheme"},
        ],
    )
    def test_missing_or_unknown_tokens_are_401(self, client, world, headers):
        response = client.post(URL, json=entry(world), headers=headers)
        assert response.status_code == 401
        assert response.json() == UNAUTHENTICATED

    def test_an_expired_token_is_401(self, client, world, clock):
        clock.advance(days=366)
        response = client.post(URL, json=entry(world), headers=world.owner.headers())
        assert response.status_code == 401
        assert response.json() == UNAUTHENTICATED

    def test_a_revoked_token_is_401(self, client, world, session, clock):
        token = session.scalars(
            select(PersonalAccessToken).where(PersonalAccessToken.user_id == world.owner.user.id)
        ).one()
        token.revoked_at = clock.now()
        session.flush()
        response = client.post(URL, json=entry(world), headers=world.owner.headers())
        assert response.status_code == 401

    def test_the_token_is_stored_only_as_a_hash(self, session, world):
        stored = session.scalars(select(PersonalAccessToken.token_hash)).all()
        assert world.owner.token not in stored
        assert auth.hash_token(world.owner.token) in stored

    def test_a_new_token_lives_a_year_by_default(self, client, world, session, clock):
        token = session.scalars(
            select(PersonalAccessToken).where(PersonalAccessToken.user_id == world.owner.user.id)
        ).one()
        assert token.expires_at == clock.now() + YEAR

    def test_use_is_recorded(self, client, world, session, clock):
        clock.advance(minutes=5)
        client.post(URL, json=entry(world), headers=world.owner.headers())
        session.expire_all()
        token = session.scalars(
            select(PersonalAccessToken).where(PersonalAccessToken.user_id == world.owner.user.id)
        ).one()
        assert token.last_used_at == clock.now()


@pytest.fixture
def two_logins(session, world, other_world, clock) -> Staff:
    """The world's owner also has a login on the other firm's owner account."""
    create_login(session, user=world.owner.user, account=other_world.owner.account, now=clock.now())
    session.flush()
    return world.owner


class TestAccountHeader:
    def test_several_accounts_without_the_header_is_a_400_naming_it(
        self, client, world, two_logins
    ):
        response = client.post(URL, json=entry(world), headers=two_logins.headers())
        assert response.status_code == 400
        assert "X-PLANNR-ACCOUNT-UUID" in response.json()["message"]

    def test_the_header_picks_the_account(self, client, world, other_world, two_logins):
        headers = {
            **two_logins.headers(),
            "X-PLANNR-ACCOUNT-UUID": str(other_world.owner.account.uuid),
        }
        mine = client.post(URL, json=entry(other_world), headers=headers)
        assert mine.status_code == 200
        assert mine.json()["account"]["uuid"] == str(other_world.owner.account.uuid)
        # Acting for the other firm, this firm's records are out of reach.
        theirs = client.post(URL, json=entry(world), headers=headers)
        assert theirs.status_code == 422

    def test_an_account_without_a_login_is_403(self, client, world, other_world):
        headers = {
            **world.owner.headers(),
            "X-PLANNR-ACCOUNT-UUID": str(other_world.owner.account.uuid),
        }
        response = client.post(URL, json=entry(world), headers=headers)
        assert response.status_code == 403
        assert "X-PLANNR-ACCOUNT-UUID" in response.json()["message"]

    def test_a_malformed_header_is_a_400(self, client, world):
        headers = {**world.owner.headers(), "X-PLANNR-ACCOUNT-UUID": "nope"}
        response = client.post(URL, json=entry(world), headers=headers)
        assert response.status_code == 400
        assert "X-PLANNR-ACCOUNT-UUID" in response.json()["message"]

    def test_the_header_naming_the_only_account_is_fine(self, client, world):
        headers = {**world.owner.headers(), "X-PLANNR-ACCOUNT-UUID": str(world.owner.account.uuid)}
        assert client.post(URL, json=entry(world), headers=headers).status_code == 200

    def test_a_bound_token_acts_as_its_account(
        self, client, session, world, other_world, two_logins, clock
    ):
        bound = issue_token(
            session,
            user=two_logins.user,
            name="bound",
            now=clock.now(),
            lifetime=YEAR,
            account=other_world.owner.account,
        )
        session.flush()
        headers = {"Authorization": f"Bearer {bound.plain_text}"}
        response = client.post(URL, json=entry(other_world), headers=headers)
        assert response.status_code == 200
        assert response.json()["account"]["uuid"] == str(other_world.owner.account.uuid)
        elsewhere = {**headers, "X-PLANNR-ACCOUNT-UUID": str(world.owner.account.uuid)}
        assert client.post(URL, json=entry(world), headers=elsewhere).status_code == 403


class TestWritePermission:
    @pytest.mark.parametrize("role", [AccountRole.OWNER, AccountRole.ADMIN, AccountRole.MEMBER])
    def test_employees_with_write_permission_may_record_time(
        self, client, session, world, clock, role
    ):
        staff = make_staff(session, world.firm, now=clock.now(), role=role)
        response = client.post(URL, json=entry(world), headers=staff.headers())
        assert response.status_code == 200
        assert response.json()["account"]["role"] == role.value

    def test_without_write_permission_is_403(self, client, session, world, clock):
        staff = make_staff(
            session, world.firm, now=clock.now(), role=AccountRole.MEMBER, write=False
        )
        response = client.post(URL, json=entry(world), headers=staff.headers())
        assert response.status_code == 403
        assert response.json() == UNAUTHORIZED

    @pytest.mark.parametrize(
        ("account_type", "role"),
        [
            (AccountType.CLIENT, AccountRole.INDIVIDUAL),
            (AccountType.EXTERNAL, AccountRole.INTRODUCER),
        ],
    )
    def test_clients_and_externals_are_403(self, client, session, world, clock, account_type, role):
        caller = make_staff(
            session, world.firm, now=clock.now(), role=role, account_type=account_type
        )
        response = client.post(URL, json=entry(world), headers=caller.headers())
        assert response.status_code == 403
        assert response.json() == UNAUTHORIZED

    def test_an_archived_account_is_403(self, client, session, world, clock):
        world.owner.account.archived_at = clock.now() - timedelta(minutes=1)
        session.flush()
        response = client.post(URL, json=entry(world), headers=world.owner.headers())
        assert response.status_code == 403
