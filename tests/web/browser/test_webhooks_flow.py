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


def test_a_refused_week_cell_is_named_and_focused(watched: Page, live: LiveServer):
    sign_in(watched, live)
    watched.goto(live.url + "/app/week?day=2025-08-05")
    watched.get_by_label("Track time on").fill("Pension")
    watched.get_by_role("radio", name="Pension transfer (Case)").check()
    watched.get_by_label("What did you work on?").fill("Letters")
    watched.get_by_label("Day").select_option(index=1)
    watched.get_by_label("Duration (1:30 or 1.5)").fill("1:00")
    watched.get_by_role("button", name="Add time").click()
    cell = watched.get_by_role("textbox", name="Pension transfer, Letters, Tue 5 Aug")
    expect(cell).to_have_value("1:00")  # the new row is on the page before it is edited
    cell.fill("25:00")
    cell.press("Tab")
    expect(watched.get_by_role("alert")).to_contain_text("Pension transfer, Letters, Tue 5 Aug:")
    refused = watched.get_by_role("textbox", name="Pension transfer, Letters, Tue 5 Aug")
    expect(refused).to_have_attribute("aria-invalid", "true")
    expect(refused).to_have_value("25:00")
    expect(refused).to_be_focused()


def test_typing_report_dates_picks_custom(watched: Page, live: LiveServer):
    sign_in(watched, live)
    watched.goto(live.url + "/app/reports")
    watched.get_by_label("From (custom dates)").fill("2025-07-01")
    watched.get_by_label("To (custom dates)").fill("2025-07-31")
    expect(watched.get_by_label("Period")).to_have_value("custom")
    watched.get_by_role("button", name="Run report").click()
    expect(watched.get_by_text("2025-07-01 to 2025-07-31 (Europe/London)")).to_be_visible()
    watched.get_by_label("Period").select_option("last_week")
    expect(watched.get_by_label("From (custom dates)")).to_have_value("")
