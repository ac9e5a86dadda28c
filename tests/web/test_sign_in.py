from __future__ import annotations

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from tests.conftest import FROZEN_NOW
from tests.factories import FirmWorld, make_world
from tests.web.conftest import Browser
from timeledger.accounts.staff import create_login
from timeledger.app import create_app
from timeledger.config import Environment, SecretKeyMissing
from timeledger.models import WebSession


class TestRoot:
    def test_browser_goes_to_the_app_then_to_sign_in(self, web: Browser):
        root = web.get("/", headers={"Accept": "text/html,application/xhtml+xml"})
        assert (root.status_code, root.headers["location"]) == (303, "/app")
        app = web.get("/app")
        timer = web.get(app.headers["location"])
        assert (timer.status_code, timer.headers["location"]) == (303, "/app/sign-in")
        page = web.get("/app/sign-in")
        assert page.status_code == 200
        assert '<label for="email">Email</label>' in page.text
        assert '<label for="password">Password</label>' in page.text
        assert ">Sign in</button>" in page.text

    def test_api_client_is_pointed_at_the_docs(self, web: Browser):
        answer = web.get("/", headers={"Accept": "application/json"})
        assert answer.json()["docs"] == "/docs"
        assert web.get("/docs").status_code == 200


class TestSignIn:
    def test_cookie_is_httponly_lax_and_the_session_is_stored_hashed(
        self, web: Browser, world: FirmWorld, session: Session
    ):
        answer = web.sign_in(world.owner)
        assert answer.headers["HX-Redirect"] == "/app/timer"
        cookie = next(
            value
            for name, value in answer.headers.multi_items()
            if name == "set-cookie" and value.startswith("timeledger_session=")
        )
        assert "HttpOnly" in cookie
        assert "SameSite=lax" in cookie
        assert "Path=/app" in cookie
        assert "Secure" not in cookie  # plain http here; https adds it
        secret = cookie.split(";")[0].split("=", 1)[1]
        stored = session.scalars(select(WebSession)).one()
        assert stored.secret_hash != secret
        assert len(stored.secret_hash) == 64
        assert stored.user_id == world.owner.user.id
        page = web.get("/app/timer")
        assert page.status_code == 200
        assert world.owner.account.name in page.text

    def test_secure_cookie_over_https(self, web: Browser, world: FirmWorld):
        web.client.base_url = web.client.base_url.copy_with(scheme="https")
        answer = web.sign_in(world.owner)
        cookies = [v for k, v in answer.headers.multi_items() if k == "set-cookie"]
        assert any(c.startswith("timeledger_session=") and "Secure" in c for c in cookies)

    def test_wrong_password_says_so_without_telling_which_part(
        self, web: Browser, world: FirmWorld
    ):
        answer = web.sign_in(world.owner, password="wrong")
        assert answer.status_code == 200
        assert "These credentials do not match our records." in answer.text
        assert "timeledger_session" not in answer.headers.get("set-cookie", "")
        assert web.get("/app/timer").headers["location"] == "/app/sign-in"

    def test_failed_attempts_are_limited(self, web: Browser, world: FirmWorld, settings):
        """The API's limiter (auth.attempts): after the per-user allowance of wrong
        passwords, even the right one waits."""
        for _ in range(settings.password_attempts_per_user):
            assert web.sign_in(world.owner, password="wrong").status_code == 200
        refused = web.sign_in(world.owner)
        assert refused.status_code == 429
        assert "Too many failed attempts" in refused.text

    def test_without_csrf_token_sign_in_is_refused(self, web: Browser, world: FirmWorld):
        answer = web.client.post(
            "/app/sign-in/submit",
            data={"email": world.owner.user.email, "password": "secret-pass"},
        )
        assert answer.status_code == 403
        assert answer.headers["content-type"].startswith("text/html")
        assert "security token is missing or out of date" in answer.text


class TestCsrf:
    def test_state_changing_request_without_token_is_refused(self, signed_in: Browser):
        answer = signed_in.client.post("/app/sign-out", headers={"HX-Request": "true"})
        assert answer.status_code == 403
        # Still signed in: nothing happened.
        assert signed_in.get("/app/timer").status_code == 200

    def test_forged_token_is_refused(self, signed_in: Browser):
        answer = signed_in.client.post(
            "/app/sign-out", headers={"HX-Request": "true", "X-CSRFToken": "forged"}
        )
        assert answer.status_code == 403

    def test_api_with_bearer_is_not_subject_to_csrf(self, web: Browser, world: FirmWorld):
        answer = web.client.get("/api/v1/me", headers=world.owner.headers())
        assert answer.status_code == 200


class TestSignOut:
    def test_sign_out_revokes_the_session(self, signed_in: Browser, session: Session):
        answer = signed_in.post("/app/sign-out")
        assert answer.headers["HX-Redirect"] == "/app/sign-in"
        assert session.scalars(select(WebSession)).one().revoked_at is not None
        assert signed_in.get("/app/timer").headers["location"] == "/app/sign-in"


class TestAccountPicker:
    def test_user_with_two_logins_picks_one(
        self, web: Browser, world: FirmWorld, other_world: FirmWorld, session: Session
    ):
        create_login(
            session, user=world.owner.user, account=other_world.owner.account, now=FROZEN_NOW
        )
        session.flush()
        answer = web.sign_in(world.owner)
        assert answer.headers["HX-Redirect"] == "/app/accounts"
        assert web.get("/app/timer").headers["location"] == "/app/accounts"
        picker = web.get("/app/accounts")
        assert "Acme Planning" in picker.text
        assert "Rival Wealth" in picker.text
        chosen = web.post("/app/accounts", {"account_uuid": str(other_world.owner.account.uuid)})
        assert chosen.headers["HX-Redirect"] == "/app/timer"
        timer = web.get("/app/timer")
        assert "Rival Wealth" in timer.text

    def test_cannot_pick_an_account_without_a_login(
        self, signed_in: Browser, other_world: FirmWorld
    ):
        answer = signed_in.post(
            "/app/accounts", {"account_uuid": str(other_world.owner.account.uuid)}
        )
        assert "You have no login for that account." in answer.text
        assert "Acme Planning" in signed_in.get("/app/timer").text

    def test_expired_session_signs_out(self, signed_in: Browser, clock):
        clock.advance(days=15)
        assert signed_in.get("/app/timer").headers["location"] == "/app/sign-in"


class TestSecret:
    def test_production_refuses_to_start_without_a_secret(self, settings):
        production = settings.model_copy(
            update={"environment": Environment.PRODUCTION, "secret_key": None}
        )
        with pytest.raises(SecretKeyMissing):
            create_app(production)

    # The generated secret's file (0600, kept across restarts) is proven once, for every
    # user of the secret, in tests/idempotency/test_secrets.py.


class TestSwitchLink:
    def test_one_login_offers_no_switch(self, signed_in: Browser):
        assert 'href="/app/accounts">switch</a>' not in signed_in.get("/app/timer").text

    def test_several_logins_offer_it(self, signed_in: Browser, world: FirmWorld, session):
        other = make_world(session, now=FROZEN_NOW, name="Other Firm")
        create_login(session, user=world.owner.user, account=other.owner.account, now=FROZEN_NOW)
        session.flush()
        assert 'href="/app/accounts">switch</a>' in signed_in.get("/app/timer").text
