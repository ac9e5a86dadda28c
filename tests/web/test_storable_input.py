"""Text no database stores as sent (NUL, lone surrogates) in a page's form field or query
parameter: a 400 page naming the field, nothing saved, never a 500 (PostgreSQL refuses NUL
in text) or a stored NUL (SQLite). The same rule as the API's JSON bodies."""

from __future__ import annotations

import re

import pytest
from fastapi.testclient import TestClient

from tests.factories import FirmWorld
from tests.web.conftest import Browser

NUL = "a\x00b"

# Every kind of page form a newcomer found answering 500 on PostgreSQL.
SIGNED_IN_POSTS = [
    ("/app/tags", {"name": NUL}, "name"),
    ("/app/cases", {"name": NUL}, "name"),
    ("/app/staff", {"first_name": NUL, "last_name": "x", "email": "n@example.com"}, "first name"),
    ("/app/clients", {"first_name": NUL, "last_name": "x"}, "first name"),
    ("/app/webhooks", {"url": "https://example.com/h", "description": NUL}, "description"),
    ("/app/settings", {"name": NUL}, "name"),
    ("/app/timer/start", {"name": NUL}, "name"),
    ("/app/week/cell", {"name": NUL, "duration": "1:00"}, "name"),
]


def _alert(page: str) -> str:
    found = re.search(r'<p role="alert" class="error">(.*?)</p>', page, re.S)
    assert found, page
    return found[1]


@pytest.mark.parametrize(("url", "data", "label"), SIGNED_IN_POSTS)
def test_a_form_field_with_nul_is_a_400_page_naming_it(
    signed_in: Browser, url: str, data: dict[str, str], label: str
):
    answer = signed_in.post(url, data)
    assert answer.status_code == 400
    assert answer.headers["content-type"].startswith("text/html")
    assert f"The {label} field must be valid text without the NUL character" in _alert(answer.text)


def test_nothing_is_saved(signed_in: Browser, client: TestClient, world: FirmWorld):
    assert signed_in.post("/app/tags", {"name": NUL}).status_code == 400
    tags = client.get("/api/v1/tags", headers=world.owner.headers()).json()["data"]
    assert [tag for tag in tags if "\x00" in tag["name"]] == []
    assert signed_in.post("/app/tags", {"name": "ab"}).status_code == 200


def test_sign_in_email_with_nul(web: Browser):
    answer = web.post("/app/sign-in/submit", {"email": "a\x00b@example.com", "password": "x"})
    assert answer.status_code == 400
    assert "The email field must be valid text" in _alert(answer.text)


def test_query_parameter_with_nul(signed_in: Browser):
    answer = signed_in.get("/app/trackables", params={"q": NUL})
    assert answer.status_code == 400
    assert "The q field must be valid text" in _alert(answer.text)
    assert signed_in.get("/app/trackables", params={"q": "ab"}).status_code == 200


def test_invalid_utf8_in_a_query_is_read_as_replacement_characters(signed_in: Browser):
    answer = signed_in.get("/app/cases?name=%ED%A0%80")
    # Starlette decodes invalid UTF-8 to U+FFFD: storable, so it is just a search.
    assert answer.status_code == 200
