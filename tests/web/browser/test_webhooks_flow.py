"""The Webhooks admin page in a real browser, at desktop and phone widths: a refused URL
shows the API's message, a new subscription shows its secret, ping fills the delivery log,
rotation shows the new secret, delete asks first; axe finds nothing serious on either page."""

from __future__ import annotations

import pytest
from playwright.sync_api import Dialog, Page, expect

from tests.web.browser.conftest import LiveServer
from tests.web.browser.test_accessibility import _serious
from tests.web.browser.test_flows import sign_in

pytestmark = pytest.mark.browser
# A public address written as a literal: the SSRF guard accepts it without a DNS lookup,
# and nothing is sent (the live test server runs no dispatcher).
PUBLIC_URL = "https://93.184.216.34/hooks/time"


def test_manage_a_webhook_subscription(watched: Page, live: LiveServer):
    sign_in(watched, live)
    watched.get_by_role("link", name="Webhooks").click()
    expect(watched.get_by_role("heading", level=1)).to_have_text("Webhooks")
    problems = _serious(watched)

    watched.get_by_label("URL (https; plain http only for allow-listed hosts)").fill(
        "https://10.0.0.5/hook"
    )
    watched.get_by_label("Every event (*)").check()
    watched.get_by_role("button", name="Add subscription").click()
    expect(watched.get_by_role("alert")).to_contain_text("10.0.0.5")

    watched.get_by_label("URL (https; plain http only for allow-listed hosts)").fill(PUBLIC_URL)
    watched.get_by_label("Description (optional)").fill("Our CRM")
    watched.get_by_role("button", name="Add subscription").click()
    expect(watched.get_by_role("status")).to_contain_text("created")
    first_secret = watched.get_by_role("textbox", name="Signing secret").input_value()
    assert len(first_secret) == 60
    problems += _serious(watched)

    watched.get_by_role("button", name="Send a ping").click()
    expect(watched.get_by_role("status")).to_contain_text("Ping queued")
    log = watched.get_by_role("region", name="Delivery log")
    expect(log).to_contain_text("webhook.ping")
    expect(log).to_contain_text("pending")

    watched.once("dialog", lambda dialog: dialog.accept())
    watched.get_by_role("button", name="Rotate secret").click()
    expect(watched.get_by_role("status")).to_contain_text("24 hours")
    expect(watched.get_by_role("textbox", name="Signing secret")).not_to_have_value(first_secret)

    def accept_after_reading(dialog: Dialog) -> None:
        assert "Nothing more is sent to it" in dialog.message
        dialog.accept()

    watched.once("dialog", accept_after_reading)
    watched.get_by_role("button", name="Delete subscription").click()
    expect(watched.get_by_role("status")).to_contain_text("Subscription deleted")
    expect(watched.get_by_text("No webhook subscriptions yet.")).to_be_visible()
    assert problems == []
