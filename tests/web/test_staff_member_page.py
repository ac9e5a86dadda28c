from __future__ import annotations

from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from tests.conftest import FROZEN_NOW
from tests.factories import FirmWorld, Staff, make_staff
from tests.web.conftest import Browser
from timeledger.models import AccountRole


def _permissions(client: TestClient, world: FirmWorld, staff: Staff) -> dict[str, Any]:
    answer = client.get(
        f"/api/v1/account/{staff.account.uuid}/permissions", headers=world.owner.headers()
    )
    return dict(answer.json())


def _member(session: Session, world: FirmWorld, role: AccountRole = AccountRole.MEMBER) -> Staff:
    staff = make_staff(session, world.firm, now=FROZEN_NOW, role=role, first_name="Sam")
    session.flush()
    return staff


class TestStaffMemberPage:
    def test_linked_from_the_staff_list(self, signed_in: Browser, world: FirmWorld, session):
        sam = _member(session, world)
        page = signed_in.get("/app/staff").text
        assert f'href="/app/staff/{sam.account.uuid}"' in page
        shown = signed_in.get(f"/app/staff/{sam.account.uuid}")
        assert shown.status_code == 200
        assert "<dt>Write permission</dt><dd>yes (from role)</dd>" in shown.text
        assert "No changes: both permissions follow the role." in shown.text

    def test_owner_changes_role_and_overrides_as_the_api_does(
        self, signed_in: Browser, world: FirmWorld, session: Session, client: TestClient
    ):
        sam = _member(session, world)
        page = signed_in.post(
            f"/app/staff/{sam.account.uuid}", {"role": "admin", "write": "role", "delete": "no"}
        )
        assert "Saved Sam " in page.text
        assert "<dt>Delete permission</dt><dd>no (override)</dd>" in page.text
        assert "write: from role, delete: no" in page.text  # the recorded change
        api = _permissions(client, world, sam)
        assert api["role"] == "admin"
        assert api["delete_override"] is False
        assert api["has_delete_permission"] is False
        [change] = api["changes"]
        assert change["changed_by_account_uuid"] == str(world.owner.account.uuid)
        back = signed_in.post(
            f"/app/staff/{sam.account.uuid}", {"role": "admin", "write": "role", "delete": "role"}
        )
        assert "<dt>Delete permission</dt><dd>yes (from role)</dd>" in back.text
        assert len(_permissions(client, world, sam)["changes"]) == 2

    def test_nothing_changed_records_nothing(
        self, signed_in: Browser, world: FirmWorld, session: Session, client: TestClient
    ):
        sam = _member(session, world)
        page = signed_in.post(
            f"/app/staff/{sam.account.uuid}", {"role": "member", "write": "role", "delete": "role"}
        )
        assert "Nothing changed." in page.text
        assert _permissions(client, world, sam)["changes"] == []

    def test_the_last_owner_is_kept_with_the_api_message(
        self, signed_in: Browser, world: FirmWorld, client: TestClient
    ):
        page = signed_in.post(
            f"/app/staff/{world.owner.account.uuid}",
            {"role": "member", "write": "role", "delete": "role"},
        )
        assert 'role="alert"' in page.text
        assert "A firm must keep at least one owner: make another account an owner first." in (
            page.text
        )
        assert client.get("/api/v1/me", headers=world.owner.headers()).status_code == 200
        me = client.get(
            f"/api/v1/account/{world.owner.account.uuid}", headers=world.owner.headers()
        )
        assert me.json()["role"] == "owner"

    def test_a_refused_override_keeps_the_role_change_out_too(
        self, signed_in: Browser, world: FirmWorld, client: TestClient
    ):
        # Your own permissions are refused: the role change in the same form is not kept.
        page = signed_in.post(
            f"/app/staff/{world.owner.account.uuid}",
            {"role": "owner", "write": "no", "delete": "role"},
        )
        assert "You cannot change your own permissions" in page.text
        assert _permissions(client, world, world.owner)["write_override"] is None

    def test_admin_may_not_change_an_owner(self, web: Browser, world: FirmWorld, session):
        admin = _member(session, world, AccountRole.ADMIN)
        web.sign_in(admin)
        page = web.get(f"/app/staff/{world.owner.account.uuid}").text
        assert "Save changes" not in page
        assert "only owners change an" in page
        refused = web.post(
            f"/app/staff/{world.owner.account.uuid}",
            {"role": "owner", "write": "no", "delete": "role"},
        )
        assert "This action is unauthorized." in refused.text
        sam = _member(session, world)
        promote = web.post(
            f"/app/staff/{sam.account.uuid}", {"role": "owner", "write": "role", "delete": "role"}
        )
        assert "This action is unauthorized." in promote.text

    def test_unknown_or_client_is_404(self, signed_in: Browser, world: FirmWorld):
        assert signed_in.get(f"/app/staff/{world.client.uuid}").status_code == 404
        missing = "00000000-0000-4000-8000-000000000000"
        assert signed_in.get(f"/app/staff/{missing}").status_code == 404

    def test_bad_choice_is_refused(self, signed_in: Browser, world: FirmWorld, session):
        sam = _member(session, world)
        page = signed_in.post(
            f"/app/staff/{sam.account.uuid}", {"role": "member", "write": "maybe", "delete": "role"}
        )
        assert "The selected write permission is invalid." in page.text
        bad_role = signed_in.post(
            f"/app/staff/{sam.account.uuid}", {"role": "client", "write": "role", "delete": "role"}
        )
        assert 'role="alert"' in bad_role.text

    def test_member_is_refused(self, web: Browser, world: FirmWorld, session: Session, client):
        member = _member(session, world)
        web.sign_in(member)
        assert web.get(f"/app/staff/{world.owner.account.uuid}").status_code == 403
        refused = web.post(
            f"/app/staff/{member.account.uuid}",
            {"role": "owner", "write": "role", "delete": "role"},
        )
        assert refused.status_code == 403
        assert _permissions(client, world, member)["role"] == "member"

    def test_without_csrf_token_nothing_changes(
        self, signed_in: Browser, world: FirmWorld, session: Session, client: TestClient
    ):
        sam = _member(session, world)
        answer = signed_in.client.post(
            f"/app/staff/{sam.account.uuid}",
            data={"role": "admin", "write": "no", "delete": "no"},
            headers={"HX-Request": "true"},
        )
        assert answer.status_code == 403
        api = _permissions(client, world, sam)
        assert (api["role"], api["write_override"]) == ("member", None)
