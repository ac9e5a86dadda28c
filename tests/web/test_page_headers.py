"""Headers of the pages: nothing private stays in the browser's cache, and a
Content-Security-Policy that allows nothing inline but the styles the server wrote."""

from __future__ import annotations

import base64
import hashlib

import pytest

from tests.web.browser.test_accessibility import PAGES
from tests.web.conftest import Browser
from timeledger.web.manners import page_csp


@pytest.mark.parametrize("path", PAGES)
def test_signed_in_pages_are_not_stored_and_carry_a_strict_csp(signed_in: Browser, path: str):
    answer = signed_in.get(path)
    assert answer.status_code == 200
    assert answer.headers["cache-control"] == "no-store"
    csp = answer.headers["content-security-policy"]
    assert "script-src 'self'" in csp
    assert "default-src 'none'" in csp
    assert "'unsafe-inline'" not in csp
    assert "'unsafe-eval'" not in csp


def test_fragments_redirects_and_downloads_are_not_stored(signed_in: Browser):
    fragment = signed_in.get("/app/trackables", params={"q": "Gar"})
    assert fragment.headers["cache-control"] == "no-store"
    assert signed_in.get("/app").headers["cache-control"] == "no-store"
    started = signed_in.post("/app/timer/start", {"name": "x"})
    assert started.headers["cache-control"] == "no-store"


def test_static_files_may_be_cached(web: Browser):
    answer = web.get("/app/static/app.css")
    assert answer.status_code == 200
    assert "no-store" not in answer.headers.get("cache-control", "")


def test_an_inline_style_the_server_wrote_is_allowed_by_its_hash_only():
    page = '<svg><style>.a{fill:red}</style><g style="opacity: 0"></g></svg>'

    def digest(text: str) -> str:
        return base64.b64encode(hashlib.sha256(text.encode()).digest()).decode()

    csp = page_csp(page)
    assert f"'sha256-{digest('.a{fill:red}')}'" in csp
    assert f"'unsafe-hashes' 'sha256-{digest('opacity: 0')}'" in csp
    assert "'unsafe-hashes'" not in page_csp("<p>no styles</p>")
