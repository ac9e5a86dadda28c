"""The web app through httpx: a browser's cookie jar, the CSRF header htmx sends, and a
signed-in owner."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import httpx
import pytest
from fastapi.testclient import TestClient

from tests.factories import FirmWorld, Staff


class Browser:
    """A TestClient used the way the app's pages use the server: htmx requests carry
    ``HX-Request`` and the ``csrftoken`` cookie echoed in ``X-CSRFToken``."""

    def __init__(self, client: TestClient) -> None:
        self.client = client

    def get(self, url: str, **kwargs: Any) -> httpx.Response:
        return self.client.get(url, follow_redirects=False, **kwargs)

    def csrf(self) -> str:
        if "csrftoken" not in self.client.cookies:
            self.client.get("/app/sign-in")
        return str(self.client.cookies["csrftoken"])

    def post(
        self, url: str, data: Mapping[str, str | list[str]] | None = None, **kwargs: Any
    ) -> httpx.Response:
        headers = {"HX-Request": "true", "X-CSRFToken": self.csrf(), **kwargs.pop("headers", {})}
        return self.client.post(url, data=data or {}, headers=headers, **kwargs)

    def sign_in(self, staff: Staff, password: str = "secret-pass") -> httpx.Response:
        return self.post("/app/sign-in/submit", {"email": staff.user.email, "password": password})


@pytest.fixture
def web(client: TestClient) -> Browser:
    return Browser(client)


@pytest.fixture
def signed_in(web: Browser, world: FirmWorld) -> Browser:
    answer = web.sign_in(world.owner)
    assert answer.headers["HX-Redirect"] == "/app/timer"
    return web
