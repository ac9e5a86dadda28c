from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from tests.conftest import FROZEN_NOW
from tests.factories import FirmWorld, make_staff
from tests.web.conftest import Browser
from timeledger.models import AccountRole, WebSession


class TestStaff:
    def test_owner_adds_a_staff_member_who_then_signs_in(
        self, signed_in: Browser, world: FirmWorld, client
    ):
        page = signed_in.post(
            "/app/staff",
            {
                "first_name": "Sam",
                "last_name": "Lee",
                "email": "sam@example.com",
                "password": "long-enough",
                "role": "member",
            },
        )
        assert "Sam Lee can now sign in as sam@example.com." in page.text
        assert ">Sam Lee</a></td><td>sam@example.com</td><td>member</td>" in page.text
        signed_in.post("/app/sign-out")
        other = Browser(client)
        answer = other.post(
            "/app/sign-in/submit", {"email": "sam@example.com", "password": "long-enough"}
        )
        assert answer.headers["HX-Redirect"] == "/app/timer"
        timer = other.get("/app/timer").text
        assert "Sam Lee · Acme Planning" in timer
        assert 'href="/app/staff"' not in timer  # members do not manage staff

    def test_short_password_is_refused(self, signed_in: Browser):
        page = signed_in.post(
            "/app/staff",
            {
                "first_name": "Sam",
                "last_name": "Lee",
                "email": "sam@example.com",
                "password": "short",
                "role": "member",
            },
        )
        assert "The password must be at least 8 characters." in page.text

    def test_member_may_not(self, web: Browser, world: FirmWorld, session: Session):
        member = make_staff(session, world.firm, now=FROZEN_NOW, role=AccountRole.MEMBER)
        session.flush()
        web.sign_in(member)
        assert web.get("/app/staff").status_code == 403
        refused = web.post(
            "/app/staff",
            {
                "first_name": "Sam",
                "last_name": "Lee",
                "email": "sam@example.com",
                "password": "long-enough",
                "role": "owner",
            },
        )
        assert refused.status_code == 403
        assert "sam@example.com" not in web.get("/app/timer").text


class TestSessions:
    def test_sessions_listed_beside_tokens_and_revocable(
        self, signed_in: Browser, world: FirmWorld, client, session: Session
    ):
        other = Browser(client.__class__(client.app))
        other.sign_in(world.owner)
        page = signed_in.get("/app/sessions").text
        assert page.count("Revoke sign-in") == 2
        assert "(this one)" in page
        assert "<td>test</td>" in page  # the owner's token, by name
        other_session = session.scalars(select(WebSession).order_by(WebSession.id.desc())).first()
        assert other_session is not None
        signed_in.post(f"/app/sessions/{other_session.uuid}/revoke")
        assert other.get("/app/timer").headers["location"] == "/app/sign-in"
        assert signed_in.get("/app/timer").status_code == 200

    def test_revoke_token(self, signed_in: Browser, world: FirmWorld, client):
        tokens = client.get("/api/v1/personal-access-tokens", headers=world.owner.headers())
        token_uuid = tokens.json()["data"][0]["uuid"]
        signed_in.post(f"/app/tokens/{token_uuid}/revoke")
        assert client.get("/api/v1/me", headers=world.owner.headers()).status_code == 401


class TestClients:
    def test_staff_add_a_client_the_api_then_lists(
        self, signed_in: Browser, world: FirmWorld, client
    ):
        page = signed_in.get("/app/clients").text
        assert "<td>Gareth Thompson</td><td>individual</td>" in page
        added = signed_in.post(
            "/app/clients",
            {"first_name": "Oakfield Trust", "last_name": "", "email": "", "role": "trust"},
        )
        assert "Client Oakfield Trust added." in added.text
        listed = client.get(
            "/api/v1/client", params={"filter[name]": "Oakfield"}, headers=world.owner.headers()
        )
        assert [c["role"] for c in listed.json()["data"]] == ["trust"]

    def test_bad_role_shows_the_api_message(self, signed_in: Browser):
        page = signed_in.post("/app/clients", {"first_name": "X", "role": "owner"})
        assert 'role="alert"' in page.text

    def test_member_without_write_permission_cannot_add(
        self, web: Browser, world: FirmWorld, session: Session
    ):
        reader = make_staff(
            session, world.firm, now=FROZEN_NOW, role=AccountRole.MEMBER, write=False
        )
        session.flush()
        web.sign_in(reader)
        page = web.get("/app/clients").text
        assert "Add a client" not in page
        refused = web.post("/app/clients", {"first_name": "Sneaky", "role": "individual"})
        assert "This action is unauthorized." in refused.text
        assert "Sneaky" not in web.get("/app/clients").text.split("</table>")[0]
