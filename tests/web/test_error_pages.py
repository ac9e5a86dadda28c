"""Every refusal under /app is the app's error page (text/html, an alert saying what went
wrong, a way back), whatever layer refuses: the router (404, 405), the CSRF check (403),
the body limit (413) and the connection's header limit (431). The API keeps its JSON."""

from __future__ import annotations

import re

import pytest
from fastapi.testclient import TestClient

from tests.reliability.test_connection_limits import _in_process
from tests.web.conftest import Browser


def _alert(text: str) -> str:
    found = re.search(r'<p role="alert" class="error">(.*?)</p>', text, re.S)
    assert found, text
    return re.sub(r"<[^>]+>", "", found[1]).strip()


def _is_error_page(answer_text: str, content_type: str) -> str:
    assert content_type.startswith("text/html"), content_type
    assert "<h1>" in answer_text
    assert 'href="/app"' in answer_text
    return _alert(answer_text)


class TestPagesAnswerPages:
    def test_404(self, signed_in: Browser):
        answer = signed_in.get("/app/no-such-page")
        assert answer.status_code == 404
        message = _is_error_page(answer.text, answer.headers["content-type"])
        assert "no page at this address" in message

    def test_404_signed_out(self, web: Browser):
        answer = web.get("/app/no/such/page")
        assert answer.status_code == 404
        _is_error_page(answer.text, answer.headers["content-type"])

    def test_405_keeps_the_allow_header(self, signed_in: Browser):
        answer = signed_in.client.delete("/app/timer", headers={"X-CSRFToken": signed_in.csrf()})
        assert answer.status_code == 405
        assert "DELETE" in _is_error_page(answer.text, answer.headers["content-type"])
        assert "GET" in answer.headers["allow"]

    def test_403_csrf(self, signed_in: Browser):
        answer = signed_in.client.post(
            "/app/timer/start", data={"name": "x"}, headers={"HX-Request": "true"}
        )
        assert answer.status_code == 403
        message = _is_error_page(answer.text, answer.headers["content-type"])
        assert "security token" in message
        assert "Nothing was saved" in message

    def test_413(self, signed_in: Browser, client: TestClient):
        limit = client.app.state.settings.max_body_bytes  # type: ignore[attr-defined]
        answer = signed_in.post("/app/clients", {"name": "x" * (limit + 1)})
        assert answer.status_code == 413
        message = _is_error_page(answer.text, answer.headers["content-type"])
        assert f"{limit} bytes" in message

    def test_431(self):
        head = b"GET /app/timer HTTP/1.1\r\nX-Pad: " + b"a" * 1400 + b"\r\n\r\n"
        sent = _in_process(head)
        assert sent.written.startswith(b"HTTP/1.1 431 Request Header Fields Too Large\r\n")
        head_part, _, body = sent.written.partition(b"\r\n\r\n")
        assert b"content-type: text/html" in head_part
        assert "1024 bytes" in _is_error_page(body.decode(), "text/html")

    def test_error_pages_carry_the_page_csp(self, web: Browser):
        answer = web.get("/app/nothing-here")
        assert "script-src 'self'" in answer.headers["content-security-policy"]


class TestTheApiKeepsJson:
    @pytest.mark.parametrize("path", ["/api/v1/no-such-route", "/no-such-route"])
    def test_404(self, client: TestClient, path: str):
        answer = client.get(path)
        assert answer.status_code == 404
        assert answer.headers["content-type"] == "application/json"
        assert "could not be found" in answer.json()["message"]

    def test_413(self, client: TestClient):
        limit = client.app.state.settings.max_body_bytes  # type: ignore[attr-defined]
        answer = client.post("/api/v1/clients", content=b"x" * (limit + 1))
        assert answer.status_code == 413
        assert answer.headers["content-type"] == "application/json"

    def test_431(self):
        head = b"GET /api/v1/me HTTP/1.1\r\nX-Pad: " + b"a" * 1400 + b"\r\n\r\n"
        sent = _in_process(head)
        assert b'{"message": ' in sent.written
        assert b"content-type: application/json" in sent.written

    def test_431_for_a_path_that_only_starts_like_the_app(self):
        sent = _in_process(b"GET /apple HTTP/1.1\r\nX-Pad: " + b"a" * 1400 + b"\r\n\r\n")
        assert b"content-type: application/json" in sent.written
