"""Firm admin in a real browser, at desktop and phone widths: settings (and the week page
following the week start), the lock date, rates and tags."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from tests.web.browser.conftest import LiveServer
from tests.web.browser.test_flows import sign_in

pytestmark = pytest.mark.browser


def test_week_start_setting_moves_the_week_page(watched: Page, live: LiveServer):
    sign_in(watched, live)
    watched.get_by_role("link", name="Settings").click()
    watched.get_by_label("Weeks start on").select_option("sunday")
    watched.get_by_label("Members see rates and amounts").check()
    watched.get_by_role("button", name="Save settings").click()
    expect(watched.get_by_role("status")).to_have_text("Settings saved.")
    expect(watched.get_by_label("Weeks start on")).to_have_value("sunday")
    watched.get_by_role("link", name="Week").click()
    expect(watched.locator("caption")).to_have_text(re.compile(r"^Week of Sunday "))
    expect(watched.locator("thead th").nth(1)).to_have_text(re.compile(r"^Sun "))


def test_set_the_lock_date(watched: Page, live: LiveServer):
    sign_in(watched, live)
    watched.get_by_role("link", name="Lock date").click()
    expect(watched.locator("#lock-state")).to_contain_text("No lock date")
    watched.get_by_label(re.compile(r"^Lock time before")).fill("2025-08-05")
    watched.get_by_role("checkbox", name=re.compile("Stop running timers")).check()
    watched.get_by_role("button", name="Set lock date").click()
    status = watched.get_by_role("status")
    expect(status).to_have_text("Time before Tuesday 5 August 2025 is locked.")
    expect(watched.locator("#lock-state")).to_contain_text("Tuesday 5 August 2025")
    watched.once("dialog", lambda dialog: dialog.accept())
    watched.get_by_role("button", name="Remove lock").click()
    expect(watched.get_by_role("status")).to_have_text("The lock is removed.")


def test_add_end_and_archive_a_rate(watched: Page, live: LiveServer):
    sign_in(watched, live)
    watched.get_by_role("link", name="Rates").click()
    watched.get_by_label("Client or case").select_option(label="Pension transfer")
    watched.get_by_label("Hourly rate").fill("120.50")
    watched.get_by_label("Valid from").fill("2025-01-01")
    watched.get_by_role("button", name="Add rate").click()
    row = watched.get_by_role("row", name=re.compile("Pension transfer"))
    expect(row).to_contain_text("120.50 GBP")
    row.get_by_label("Last day", exact=True).fill("2025-12-31")
    row.get_by_role("button", name="End the rate from 2025-01-01 on this last day").click()
    expect(watched.get_by_role("status")).to_have_text("The rate now ends on 2025-12-31.")
    watched.get_by_label("Client or case").select_option(label="Pension transfer")
    watched.get_by_label("Hourly rate").fill("99")
    watched.get_by_label("Valid from").fill("2025-06-01")
    watched.get_by_role("button", name="Add rate").click()
    expect(watched.get_by_role("alert")).to_contain_text("The dates overlap another rate")
    watched.once("dialog", lambda dialog: dialog.accept())
    watched.get_by_role("button", name="Archive the rate from 2025-01-01").click()
    expect(watched.get_by_role("status")).to_contain_text("Rate archived.")
    expect(watched.get_by_text("No rates yet")).to_be_visible()


def test_create_rename_and_archive_a_tag(watched: Page, live: LiveServer):
    sign_in(watched, live)
    watched.get_by_role("link", name="Tags").click()
    watched.get_by_label("Tag name").fill("advice")
    watched.get_by_role("button", name="Add tag").click()
    expect(watched.get_by_role("status")).to_have_text("Tag “advice” added.")
    watched.get_by_label("New name for advice").fill("Advice work")
    watched.get_by_role("button", name="Rename advice").click()
    expect(watched.get_by_role("status")).to_have_text("Tag renamed to “Advice work”.")
    watched.once("dialog", lambda dialog: dialog.accept())
    watched.get_by_role("button", name="Archive Advice work").click()
    expect(watched.get_by_role("status")).to_have_text("Tag archived. It stays on its entries.")
    expect(watched.get_by_text("No tags yet.")).to_be_visible()
