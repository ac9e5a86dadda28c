"""Creating a personal access token in a real browser: shown once, working against the
API, gone on reload, then revoked (at desktop and phone widths, with axe)."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from tests.web.browser.conftest import LiveServer
from tests.web.browser.test_accessibility import _serious
from tests.web.browser.test_flows import sign_in

pytestmark = pytest.mark.browser


def test_create_a_token_use_it_then_revoke_it(watched: Page, live: LiveServer):
    sign_in(watched, live)
    watched.get_by_role("link", name="Sign-ins").click()
    watched.get_by_label("Token name").fill("Spreadsheet")
    watched.get_by_label("Your password (to confirm)").fill("not-my-password")
    watched.get_by_role("button", name="Create token").click()
    expect(watched.get_by_role("alert")).to_contain_text("The password is incorrect.")
    expect(watched.get_by_label("Your new token")).to_have_count(0)
    watched.get_by_label("Your password (to confirm)").fill("secret-pass")
    watched.get_by_role("button", name="Create token").click()
    shown = watched.get_by_label("Your new token")
    expect(shown).to_have_value(re.compile(r"^tl_\S{20,}$"))
    token = shown.input_value()
    assert token.startswith("tl_")
    assert _serious(watched) == []
    me = watched.request.get(live.url + "/api/v1/me", headers={"Authorization": f"Bearer {token}"})
    assert me.status == 200
    # Shown once: a reload lists the token by name only.
    watched.reload()
    expect(watched.get_by_label("Your new token")).to_have_count(0)
    expect(watched.get_by_role("row", name="Spreadsheet")).to_contain_text("active")
    watched.once("dialog", lambda dialog: dialog.accept())
    watched.get_by_role("button", name="Revoke token Spreadsheet").click()
    expect(watched.get_by_role("row", name="Spreadsheet")).to_contain_text("revoked")
    gone = watched.request.get(
        live.url + "/api/v1/me", headers={"Authorization": f"Bearer {token}"}
    )
    assert gone.status == 401
