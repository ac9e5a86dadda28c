"""The Reports page's filters and rounding in a real browser: the totals follow the
choices and the download carries them (at desktop and phone widths, with axe)."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from tests.web.browser.conftest import LiveServer
from tests.web.browser.test_accessibility import _serious
from tests.web.browser.test_flows import add_time, sign_in

pytestmark = pytest.mark.browser


def test_filter_by_billable_and_round_up(watched: Page, live: LiveServer):
    sign_in(watched, live)
    watched.goto(live.url + "/app/week")
    add_time(
        watched,
        search="Pension",
        choice="Pension transfer (Case)",
        name="Transfer",
        duration="1:10",
    )
    expect(watched.locator("#week-total")).to_have_text("1:10")
    watched.get_by_role("link", name="Reports").click()
    watched.get_by_label("Period").select_option("this_week")
    watched.get_by_label("Billable", exact=True).select_option(label="Non-billable only")
    watched.get_by_role("button", name="Run report").click()
    expect(watched.locator("#report-total")).to_have_text("0:00")
    watched.get_by_label("Billable", exact=True).select_option(label="Billable only")
    watched.get_by_label("Rounding", exact=True).select_option(label="Round up")
    watched.get_by_label("Rounding step (minutes)").select_option("30")
    watched.get_by_role("button", name="Run report").click()
    expect(watched.locator("#report-total")).to_have_text("1:10")
    expect(watched.locator("#report-billable")).to_have_text("1:10")
    expect(watched.locator("#report-rounded")).to_have_text("1:30")
    expect(watched.get_by_role("columnheader", name="Rounded")).to_be_visible()
    # The form shows the choices again, and the downloads carry them.
    expect(watched.get_by_label("Rounding", exact=True)).to_have_value("up")
    href = watched.get_by_role("link", name="Download CSV").get_attribute("href") or ""
    for part in ("filter%5Bbillable%5D=true", "rounding=up", "rounding_minutes=30"):
        assert part in href, href
    with watched.expect_download() as download:
        watched.get_by_role("link", name="Download CSV").click()
    assert download.value.failure() is None
    assert _serious(watched) == []
