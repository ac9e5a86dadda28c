"""Issue 10, class 6: permissions a firm can actually run. Login permissions follow the
role, with audited overrides (API and CLI); bound tokens stay inside their account; a firm
keeps an owner; history shows only UUIDs."""

from __future__ import annotations

import re
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine
from sqlalchemy.orm import Session
from typer.testing import CliRunner

from tests.conftest import FROZEN_NOW
from tests.factories import FirmWorld, Staff, make_staff
from tests.factories.time_entries import make_entry
from tests.time_entries.conftest import utc
from timeledger.cli import app as cli_app
from timeledger.models import AccountRole

ENTRY = "/api/v1/time-entry"
TOKENS = "/api/v1/personal-access-tokens"


def _perms(account_uuid: object) -> str:
    return f"/api/v1/account/{account_uuid}/permissions"


@pytest.fixture
def member(session: Session, world: FirmWorld) -> Staff:
    return make_staff(session, world.firm, now=FROZEN_NOW, role=AccountRole.MEMBER)


class TestFromRole:
    def test_a_member_can_delete_a_mistaken_entry_of_their_own(
        self, client: TestClient, world: FirmWorld, member: Staff
    ) -> None:
        created = client.post(
            ENTRY,
            json={
                "trackable_type": "client",
                "trackable_uuid": str(world.client.uuid),
                "name": "Oops",
                "total_time_in_minutes": 5,
            },
            headers=member.headers(),
        )
        assert created.status_code == 200
        deleted = client.delete(f"{ENTRY}/{created.json()['uuid']}", headers=member.headers())
        assert deleted.status_code == 200

    def test_permissions_follow_a_role_change(
        self, client: TestClient, world: FirmWorld, member: Staff, session: Session
    ) -> None:
        other = make_staff(session, world.firm, now=FROZEN_NOW, role=AccountRole.MEMBER)
        staff_url = f"/api/v1/account/{other.account.uuid}"
        assert (
            client.put(staff_url, json={"first_name": "X"}, headers=member.headers()).status_code
            == 403
        )
        promote = client.put(
            f"/api/v1/account/{member.account.uuid}",
            json={"role": "admin"},
            headers=world.owner.headers(),
        )
        assert promote.status_code == 200
        # The promoted admin manages staff at once, with the same token.
        assert (
            client.put(staff_url, json={"first_name": "X"}, headers=member.headers()).status_code
            == 200
        )
        me = client.get("/api/v1/me", headers=member.headers()).json()
        login = me["current_login"]
        assert (login["has_write_permission"], login["has_delete_permission"]) == (True, True)


class TestOverrides:
    def test_an_owner_overrides_and_clears_with_a_record_of_each_change(
        self, client: TestClient, world: FirmWorld, member: Staff
    ) -> None:
        url = _perms(member.account.uuid)
        shown = client.get(url, headers=world.owner.headers()).json()
        assert shown["has_delete_permission"] is True
        assert shown["delete_override"] is None
        off = client.put(url, json={"delete_override": False}, headers=world.owner.headers())
        assert off.status_code == 200, off.text
        assert off.json()["has_delete_permission"] is False
        entry = make_entry_for(member, world)
        refused = client.delete(f"{ENTRY}/{entry}", headers=member.headers())
        assert refused.status_code == 403
        back = client.put(url, json={"delete_override": None}, headers=world.owner.headers())
        assert back.json()["has_delete_permission"] is True
        changes = back.json()["changes"]
        assert [c["after"]["delete_override"] for c in changes] == [False, None]
        assert {c["changed_by_account_uuid"] for c in changes} == {str(world.owner.account.uuid)}

    def test_a_member_may_not_override_and_nobody_their_own(
        self, client: TestClient, world: FirmWorld, member: Staff
    ) -> None:
        owner_url = _perms(world.owner.account.uuid)
        refused = client.put(owner_url, json={"write_override": False}, headers=member.headers())
        assert refused.status_code == 403
        own = client.put(owner_url, json={"write_override": False}, headers=world.owner.headers())
        assert own.status_code == 422

    def test_an_admin_may_not_override_an_owner(
        self, client: TestClient, world: FirmWorld, session: Session
    ) -> None:
        admin = make_staff(session, world.firm, now=FROZEN_NOW, role=AccountRole.ADMIN)
        url = _perms(world.owner.account.uuid)
        assert (
            client.put(url, json={"write_override": False}, headers=admin.headers()).status_code
            == 403
        )

    def test_the_cli_overrides_and_the_api_shows_it_as_made_by_the_cli(
        self, committed_engine: Engine, database_url: str
    ) -> None:
        cli = CliRunner(env={"TIMELEDGER_DATABASE_URL": database_url})

        def run(*args: str) -> str:
            result = cli.invoke(cli_app, list(args))
            assert result.exit_code == 0, result.output
            return result.output

        run("firm", "create", "Perm Firm")
        run(
            "user",
            "create",
            "--firm",
            "perm-firm",
            "--email",
            "m@example.com",
            "--first-name",
            "Mo",
            "--role",
            "member",
            "--password",
            "long-enough-1",
        )
        assert "delete yes (from role)" in run(
            "user", "permissions", "m@example.com", "--firm", "perm-firm"
        )
        shown = run("user", "permissions", "m@example.com", "--firm", "perm-firm", "--no-delete")
        assert "delete no (override)" in shown
        assert "delete yes (from role)" in run(
            "user", "permissions", "m@example.com", "--firm", "perm-firm", "--reset"
        )
        missing = cli.invoke(
            cli_app, ["user", "permissions", "x@example.com", "--firm", "perm-firm"]
        )
        assert missing.exit_code == 1
        assert missing.output.startswith("Error: ")


def make_entry_for(staff: Staff, world: FirmWorld) -> str:
    from sqlalchemy.orm import object_session

    session = object_session(staff.account)
    assert session is not None
    entry = make_entry(session, account=staff.account, on=world.client, start=utc(2025, 8, 7, 8))
    session.flush()
    return str(entry.uuid)


class TestBoundTokens:
    @pytest.fixture
    def bound(
        self, client: TestClient, world: FirmWorld, other_world: FirmWorld, session: Session
    ) -> dict[str, Any]:
        """The world's owner also works at the rival firm; one token bound to each firm."""
        from timeledger.accounts.staff import create_login

        rival = make_staff(session, other_world.firm, now=FROZEN_NOW, role=AccountRole.MEMBER)
        create_login(session, user=world.owner.user, account=rival.account, now=FROZEN_NOW)
        session.flush()
        tokens = {}
        for name, account in (("here", world.owner.account), ("there", rival.account)):
            made = client.post(
                TOKENS,
                json={"name": name, "password": "secret-pass", "account_uuid": str(account.uuid)},
                headers={**world.owner.headers(), "X-PLANNR-ACCOUNT-UUID": str(account.uuid)},
            )
            assert made.status_code == 201, made.text
            tokens[name] = made.json()
        return tokens

    def test_a_bound_token_lists_only_its_accounts_tokens(
        self, client: TestClient, bound: dict[str, Any]
    ) -> None:
        headers = {"Authorization": f"Bearer {bound['here']['token']}"}
        listed = client.get(TOKENS, headers=headers).json()["data"]
        assert [t["name"] for t in listed] == ["here"]

    def test_a_bound_token_cannot_revoke_another_accounts_token(
        self, client: TestClient, bound: dict[str, Any]
    ) -> None:
        headers = {"Authorization": f"Bearer {bound['here']['token']}"}
        response = client.delete(f"{TOKENS}/{bound['there']['uuid']}", headers=headers)
        assert response.status_code == 404

    def test_a_bound_token_mints_only_bound_tokens(
        self, client: TestClient, bound: dict[str, Any], world: FirmWorld
    ) -> None:
        headers = {"Authorization": f"Bearer {bound['here']['token']}"}
        made = client.post(TOKENS, json={"name": "n", "password": "secret-pass"}, headers=headers)
        assert made.status_code == 201
        assert made.json()["account_uuid"] == str(world.owner.account.uuid)
        elsewhere = client.post(
            TOKENS,
            json={
                "name": "n",
                "password": "secret-pass",
                "account_uuid": bound["there"]["account_uuid"],
            },
            headers=headers,
        )
        assert elsewhere.status_code == 403


class TestOneOwner:
    def test_the_sole_owner_cannot_demote_themselves(
        self, client: TestClient, world: FirmWorld
    ) -> None:
        url = f"/api/v1/account/{world.owner.account.uuid}"
        response = client.put(url, json={"role": "admin"}, headers=world.owner.headers())
        assert response.status_code == 422
        assert "at least one owner" in response.json()["errors"]["role"][0]

    def test_with_a_second_owner_one_may_step_down(
        self, client: TestClient, world: FirmWorld, session: Session
    ) -> None:
        make_staff(session, world.firm, now=FROZEN_NOW, role=AccountRole.OWNER)
        url = f"/api/v1/account/{world.owner.account.uuid}"
        response = client.put(url, json={"role": "admin"}, headers=world.owner.headers())
        assert response.status_code == 200


def test_history_shows_only_uuids(
    client: TestClient, world: FirmWorld, other_world: FirmWorld
) -> None:
    created = client.post(
        ENTRY,
        json={
            "trackable_type": "client",
            "trackable_uuid": str(world.client.uuid),
            "name": "Call",
            "total_time_in_minutes": 5,
        },
        headers=world.owner.headers(),
    ).json()
    client.patch(
        f"{ENTRY}/{created['uuid']}", json={"name": "Call 2"}, headers=world.owner.headers()
    )
    history = client.get(f"{ENTRY}/{created['uuid']}/history", headers=world.owner.headers())
    assert history.status_code == 200
    for event in history.json()["data"]:
        for snapshot in (event["before"], event["after"]):
            if snapshot is None:
                continue
            assert not any(key.endswith("_id") for key in snapshot), snapshot
            assert snapshot["account_uuid"] == str(world.owner.account.uuid)
            assert snapshot["trackable_uuid"] == str(world.client.uuid)
    assert not re.search(r'"\w+_id"', history.text)
