"""Issue 10, class 9: HTTP manners: ``/``, offline docs, ``Allow`` on 405, pagination
links from the configured public URL, security headers."""

from __future__ import annotations

import re

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from tests.factories import FirmWorld
from tests.support import FrozenClock
from timeledger.app import create_app
from timeledger.config import Settings

METHODS = {"GET", "POST", "PUT", "PATCH", "DELETE"}


def test_root_is_a_404_that_says_where_to_go_without_echoing_a_path(client: TestClient) -> None:
    response = client.get("/")
    assert response.status_code == 404
    assert response.json() == {
        "message": "Not Found. The API is under /api/v1/; its documentation is at /docs.",
        "docs": "/docs",
    }


def test_a_404_names_the_route_but_an_empty_one_is_just_not_found(client: TestClient) -> None:
    assert client.get("/nope").json() == {"message": "The route nope could not be found."}
    assert client.get("//").json()["message"] in {
        "Not Found.",
        "Not Found. The API is under /api/v1/; its documentation is at /docs.",
    }


@pytest.mark.parametrize("page", ["/docs", "/redoc"])
def test_the_docs_load_every_asset_from_this_server(client: TestClient, page: str) -> None:
    response = client.get(page)
    assert response.status_code == 200
    assets = re.findall(r'(?:src|href)="([^"]+)"', response.text)
    assert assets
    for asset in assets:
        assert not asset.startswith(("http:", "https:", "//")), asset
        loaded = client.get(asset)
        assert loaded.status_code == 200, asset
        assert len(loaded.content) > 1000 or asset.endswith(".png"), asset


def test_every_405_lists_every_allowed_method(app: FastAPI, client: TestClient) -> None:
    checked = 0
    for path, operations in app.openapi()["paths"].items():
        allowed = {method.upper() for method in operations} & METHODS
        url = re.sub(r"\{[^}]+\}", "00000000-0000-4000-8000-000000000000", path)
        url = url.replace("00000000-0000-4000-8000-000000000000/00000000", "client/00000000", 1)
        for method in sorted(METHODS - allowed):
            response = client.request(method, url)
            if response.status_code != 405:
                continue  # another route's pattern takes this method here
            checked += 1
            listed = {part.strip() for part in response.headers["Allow"].split(",")}
            assert allowed <= listed, (method, path, listed)
            assert listed <= METHODS | {"HEAD", "OPTIONS"}
    assert checked > 20


def test_pagination_links_use_the_public_url_not_the_host_header(
    settings: Settings,
    session_factory: object,
    world: FirmWorld,
    session: Session,
    clock: FrozenClock,
) -> None:
    public = settings.model_copy(update={"public_url": "https://time.example.com/"})
    app = create_app(public, session_factory=session_factory, clock=clock)  # type: ignore[arg-type]
    with TestClient(app) as client:
        response = client.get(
            "/api/v1/time-entry",
            params={"per_page": 1},
            headers={**world.owner.headers(), "Host": "evil.example.net"},
        )
    assert response.status_code == 200
    body = response.json()
    assert body["links"]["first"].startswith("https://time.example.com/api/v1/time-entry?")
    assert body["meta"]["path"] == "https://time.example.com/api/v1/time-entry"
    assert "evil" not in response.text


@pytest.mark.parametrize(
    ("url", "status"), [("/healthz", 200), ("/api/v1/time-entry", 401), ("/nope", 404)]
)
def test_security_headers_on_every_answer(client: TestClient, url: str, status: int) -> None:
    response = client.get(url)
    assert response.status_code == status
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["X-Frame-Options"] == "DENY"
    assert response.headers["Referrer-Policy"] == "no-referrer"
    assert (
        response.headers["Content-Security-Policy"] == "default-src 'none'; frame-ancestors 'none'"
    )
    assert "Strict-Transport-Security" not in response.headers  # the public URL is http


def test_hsts_only_behind_an_https_public_url(settings: Settings, session_factory: object) -> None:
    public = settings.model_copy(update={"public_url": "https://time.example.com"})
    app = create_app(public, session_factory=session_factory)  # type: ignore[arg-type]
    with TestClient(app) as client:
        response = client.get("/healthz")
    assert response.headers["Strict-Transport-Security"].startswith("max-age=")


def test_the_docs_page_keeps_its_own_policy(client: TestClient) -> None:
    response = client.get("/docs")
    assert "Content-Security-Policy" not in response.headers  # the page runs its script
    assert response.headers["X-Frame-Options"] == "DENY"
