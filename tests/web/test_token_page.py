"""Creating a personal access token on the Sign-ins and tokens page: the API's service,
its password confirmation and limits, the token shown once and never cached."""

from __future__ import annotations

import re
from typing import Any

import httpx
from fastapi.testclient import TestClient

from tests.factories import FirmWorld
from tests.web.conftest import Browser
from timeledger.config import Settings


def _shown_token(page: str) -> str:
    match = re.search(r'<input id="new-token-value"[^>]* value="([^"]*)"', page)
    assert match, page
    return match[1]


def _api_tokens(client: TestClient, world: FirmWorld) -> list[dict[str, Any]]:
    answer = client.get("/api/v1/personal-access-tokens", headers=world.owner.headers())
    assert answer.status_code == 200
    data: list[dict[str, Any]] = answer.json()["data"]
    return data


def _by_name(tokens: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    return {token["name"]: token for token in tokens}


def _create(browser: Browser, **form: str) -> httpx.Response:
    return browser.post("/app/tokens", {"name": "Zapier", "password": "secret-pass", **form})


class TestCreateToken:
    def test_the_token_is_shown_once_and_works(
        self, signed_in: Browser, world: FirmWorld, client: TestClient
    ):
        answer = _create(signed_in)
        assert answer.status_code == 201
        assert answer.headers["cache-control"] == "no-store"
        token = _shown_token(answer.text)
        assert token.startswith("tl_")
        assert "Token “Zapier” created" in answer.text
        # The token is the API's: it authenticates, and the API lists it by name.
        me = client.get("/api/v1/me", headers={"Authorization": f"Bearer {token}"})
        assert me.status_code == 200
        listed = _by_name(_api_tokens(client, world))
        assert sorted(listed) == ["Zapier", "test"]
        assert listed["Zapier"]["account_uuid"] is None
        # Shown once: the page, loaded again, lists it but never shows it.
        reloaded = signed_in.get("/app/sessions")
        assert reloaded.headers["cache-control"] == "no-store"  # no copy kept for Back
        again = reloaded.text
        assert "<td>Zapier</td>" in again
        assert token not in again
        assert 'id="new-token-value"' not in again

    def test_bound_to_the_account_signed_in(
        self, signed_in: Browser, world: FirmWorld, client: TestClient
    ):
        answer = _create(signed_in, bind="1")
        assert answer.status_code == 201
        listed = _by_name(_api_tokens(client, world))
        assert listed["Zapier"]["account_uuid"] == str(world.owner.account.uuid)

    def test_wrong_password_creates_nothing(
        self, signed_in: Browser, world: FirmWorld, client: TestClient
    ):
        answer = _create(signed_in, password="not-my-password")
        # htmx swaps only 2xx answers, so its refusal is 200 with the alert.
        assert answer.status_code == 200
        assert answer.headers["cache-control"] == "no-store"
        assert (
            '<p role="alert" class="error"><strong>Error:</strong> The password is incorrect.'
            in (answer.text)
        )
        assert 'id="new-token-value"' not in answer.text
        assert 'value="Zapier"' in answer.text  # the name typed is kept
        assert [t["name"] for t in _api_tokens(client, world)] == ["test"]
        plain = signed_in.post(
            "/app/tokens",
            {"name": "Zapier", "password": "nope"},
            headers={"HX-Request": ""},
        )
        assert plain.status_code == 422

    def test_blank_name_is_refused_with_the_api_message(
        self, signed_in: Browser, world: FirmWorld, client: TestClient
    ):
        answer = _create(signed_in, name="   ")
        assert 'role="alert"' in answer.text
        assert "name" in answer.text.split('role="alert"', 1)[1].split("</p>", 1)[0]
        assert [t["name"] for t in _api_tokens(client, world)] == ["test"]

    def test_failed_passwords_are_limited_with_the_api(
        self, signed_in: Browser, world: FirmWorld, client: TestClient, settings: Settings
    ):
        """The API's limiter and key (the user): wrong passwords on the page use up the
        allowance the API's token creation counts too."""
        for _ in range(settings.password_attempts_per_user):
            _create(signed_in, password="wrong")
        page = _create(signed_in)
        assert "Too many failed attempts" in page.text
        assert 'id="new-token-value"' not in page.text
        assert int(page.headers["retry-after"]) > 0
        api = client.post(
            "/api/v1/personal-access-tokens",
            json={"name": "CLI", "password": "secret-pass"},
            headers=world.owner.headers(),
        )
        assert api.status_code == 429
        assert [t["name"] for t in _api_tokens(client, world)] == ["test"]

    def test_without_csrf_token_nothing_is_created(
        self, signed_in: Browser, world: FirmWorld, client: TestClient
    ):
        refused = signed_in.client.post(
            "/app/tokens",
            data={"name": "Zapier", "password": "secret-pass"},
            headers={"HX-Request": "true"},
            follow_redirects=False,
        )
        assert refused.status_code == 403
        assert [t["name"] for t in _api_tokens(client, world)] == ["test"]

    def test_signed_out_goes_to_sign_in(self, web: Browser, world: FirmWorld, client):
        answer = _create(web)
        assert answer.headers["HX-Redirect"] == "/app/sign-in"
        assert [t["name"] for t in _api_tokens(client, world)] == ["test"]

    def test_the_form_is_labelled(self, signed_in: Browser):
        page = signed_in.get("/app/sessions").text
        assert '<label for="token-name">Token name</label>' in page
        assert '<label for="token-password">Your password (to confirm)</label>' in page
        assert '<button type="submit">Create token</button>' in page
