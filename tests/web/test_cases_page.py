from __future__ import annotations

from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from tests.conftest import FROZEN_NOW
from tests.factories import FirmWorld, make_staff
from tests.web.conftest import Browser
from timeledger.models import AccountRole


def _cases_api(client: TestClient, world: FirmWorld, query: str = "") -> list[dict[str, Any]]:
    answer = client.get(f"/api/v1/cases{query}", headers=world.owner.headers())
    return list(answer.json()["data"])


class TestCasesPage:
    def test_lists_cases_with_clients_billing_client_and_state(self, signed_in: Browser):
        page = signed_in.get("/app/cases")
        assert page.status_code == 200
        assert "<td>Pension transfer</td>" in page.text
        assert "Gareth Thompson (only client)" in page.text
        assert ">live<" in page.text

    def test_linked_from_the_clients_page_and_the_nav(self, signed_in: Browser):
        page = signed_in.get("/app/clients").text
        assert 'href="/app/cases"' in page
        assert 'href="/app/import"' in page

    def test_adds_a_joint_case_with_a_billing_client_as_the_api_does(
        self, signed_in: Browser, world: FirmWorld, client: TestClient
    ):
        page = signed_in.post(
            "/app/cases",
            {
                "name": "Joint mortgage",
                "clients": [str(world.client.uuid), str(world.other_client.uuid)],
                "billing_client": str(world.other_client.uuid),
            },
        )
        assert "Case Joint mortgage added." in page.text
        assert "Priya Shah (chosen)" in page.text
        joint = [c for c in _cases_api(client, world) if c["name"] == "Joint mortgage"]
        assert joint[0]["billing_client_uuid"] == str(world.other_client.uuid)
        assert {p["name"] for p in joint[0]["participants"]} == {"Gareth Thompson", "Priya Shah"}

    def test_joint_case_without_billing_client_says_so(self, signed_in: Browser, world: FirmWorld):
        page = signed_in.post(
            "/app/cases",
            {
                "name": "Joint ISA",
                "clients": [str(world.client.uuid), str(world.other_client.uuid)],
            },
        )
        assert "None: several clients" in page.text

    def test_refusals_show_the_api_message_and_keep_nothing(
        self, signed_in: Browser, world: FirmWorld, client: TestClient
    ):
        no_client = signed_in.post("/app/cases", {"name": "Orphan"})
        assert 'role="alert"' in no_client.text
        assert "Tick at least one client: a case is always for one or more clients." in (
            no_client.text
        )
        assert 'value="Orphan"' in no_client.text  # what was typed is kept
        wrong_billing = signed_in.post(
            "/app/cases",
            {
                "name": "Wrong bill",
                "clients": [str(world.client.uuid)],
                "billing_client": str(world.other_client.uuid),
            },
        )
        assert "The billing client must be one of the case&#39;s client participants." in (
            wrong_billing.text
        )
        names = {c["name"] for c in _cases_api(client, world)}
        assert names == {"Pension transfer"}

    def test_archive_then_shown_only_with_archived(
        self, signed_in: Browser, world: FirmWorld, client: TestClient
    ):
        page = signed_in.post(f"/app/cases/{world.case.uuid}/archive")
        assert "Case Pension transfer archived" in page.text
        assert _cases_api(client, world) == []
        assert "<td>Pension transfer</td>" not in signed_in.get("/app/cases").text
        shown = signed_in.get("/app/cases?archived=1").text
        assert "<td>Pension transfer</td>" in shown
        assert '<span class="badge">archived</span> 2025-08-07' in shown

    def test_filter_by_name(self, signed_in: Browser):
        assert "<td>Pension transfer</td>" in signed_in.get("/app/cases?name=pens").text
        assert "No cases named like" in signed_in.get("/app/cases?name=zzz").text

    def test_member_is_refused(self, web: Browser, world: FirmWorld, session: Session):
        member = make_staff(session, world.firm, now=FROZEN_NOW, role=AccountRole.MEMBER)
        session.flush()
        web.sign_in(member)
        assert 'href="/app/cases"' not in web.get("/app/timer").text
        refused = web.get("/app/cases")
        assert refused.status_code == 403
        assert "Only owners and admins manage the firm here." in refused.text
        post = web.post("/app/cases", {"name": "Sneaky", "clients": str(world.client.uuid)})
        assert post.status_code == 403
        archive = web.post(f"/app/cases/{world.case.uuid}/archive")
        assert archive.status_code == 403
        assert world.case.archived_at is None

    def test_admin_without_delete_permission_cannot_archive(
        self, web: Browser, world: FirmWorld, session: Session
    ):
        admin = make_staff(
            session, world.firm, now=FROZEN_NOW, role=AccountRole.ADMIN, delete=False
        )
        session.flush()
        web.sign_in(admin)
        page = web.get("/app/cases").text
        assert "Archive case" not in page
        refused = web.post(f"/app/cases/{world.case.uuid}/archive")
        assert "This action is unauthorized." in refused.text
        assert world.case.archived_at is None

    def test_without_csrf_token_nothing_is_added(
        self, signed_in: Browser, world: FirmWorld, client: TestClient
    ):
        answer = signed_in.client.post(
            "/app/cases",
            data={"name": "Forged", "clients": str(world.client.uuid)},
            headers={"HX-Request": "true"},
        )
        assert answer.status_code == 403
        assert "Forged" not in {c["name"] for c in _cases_api(client, world)}
