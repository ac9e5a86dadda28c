"""The app's flows in a real browser, at desktop and phone widths."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from tests.web.browser.conftest import LiveServer

pytestmark = pytest.mark.browser


def sign_in(page: Page, live: LiveServer) -> None:
    page.goto(live.url + "/")
    expect(page).to_have_url(live.url + "/app/sign-in")
    page.get_by_label("Email").fill(live.world.owner.user.email)
    page.get_by_label("Password").fill("secret-pass")
    page.get_by_role("button", name="Sign in").click()
    expect(page).to_have_url(live.url + "/app/timer")


def add_time(page: Page, *, search: str, choice: str, name: str, duration: str) -> None:
    """On the week page: one new row of ``duration`` on ``choice`` (found by ``search``)."""
    page.get_by_label("Track time on").fill(search)
    page.get_by_role("radio", name=choice).check()
    page.get_by_label("What did you work on?").fill(name)
    page.get_by_label("Duration (1:30 or 1.5)").fill(duration)
    page.get_by_role("button", name="Add time").click()


def test_sign_in_wrong_password_then_right(watched: Page, live: LiveServer):
    watched.goto(live.url + "/app/sign-in")
    watched.get_by_label("Email").fill(live.world.owner.user.email)
    watched.get_by_label("Password").fill("not-it")
    watched.get_by_role("button", name="Sign in").click()
    expect(watched.get_by_role("alert")).to_contain_text("do not match our records")
    # The email is kept, so the cursor waits in the password field for the retry.
    expect(watched.get_by_label("Email")).to_have_value(live.world.owner.user.email)
    expect(watched.get_by_label("Password")).to_be_focused()
    watched.get_by_label("Password").fill("secret-pass")
    watched.get_by_role("button", name="Sign in").click()
    expect(watched).to_have_url(live.url + "/app/timer")
    watched.get_by_role("button", name="Sign out").click()
    expect(watched).to_have_url(live.url + "/app/sign-in")


def test_start_and_stop_a_timer(watched: Page, live: LiveServer):
    sign_in(watched, live)
    watched.get_by_label("Track time on").fill("Gareth")
    choice = watched.get_by_role("radio", name="Gareth Thompson (Client)")
    expect(choice).to_be_visible()
    choice.check()
    watched.get_by_label("What are you working on?").fill("Research")
    watched.get_by_role("button", name="Start timer").click()
    timer = watched.get_by_role("timer")
    expect(timer).to_have_text(re.compile(r"^0:00:0\d$"))
    expect(timer).to_have_text(re.compile(r"^0:00:0[2-9]$"), timeout=6000)  # it ticks
    expect(watched.get_by_text("Starting a timer stops “Research”")).to_be_visible()
    watched.get_by_role("button", name="Stop timer").click()
    expect(watched.get_by_text("No timer is running.")).to_be_visible()
    expect(watched.get_by_role("timer")).to_have_count(0)


def test_fill_the_week_grid_and_see_totals(watched: Page, live: LiveServer):
    sign_in(watched, live)
    watched.get_by_role("link", name="Week").click()
    grid = watched.get_by_role("table")
    expect(grid.locator("caption")).to_contain_text("Week of")
    watched.get_by_label("Track time on").fill("Pension")
    watched.get_by_role("radio", name="Pension transfer (Case)").check()
    watched.get_by_label("What did you work on?").fill("Transfer")
    watched.get_by_label("Day").select_option(index=0)
    watched.get_by_label("Duration (1:30 or 1.5)").fill("1:30")
    watched.get_by_role("button", name="Add time").click()
    expect(watched.locator("#week-total")).to_have_text("1:30")
    tuesday = watched.get_by_role("textbox", name=re.compile(r"^Pension transfer, Transfer, Tue"))
    tuesday.fill("1.5")
    tuesday.press("Tab")
    expect(watched.locator("#week-total")).to_have_text("3:00")
    # The keyboard user's place survives the save: focus is on the next day's cell.
    wednesday = watched.get_by_role("textbox", name=re.compile(r"^Pension transfer, Transfer, Wed"))
    expect(wednesday).to_be_focused()
    row = watched.get_by_role("row", name=re.compile("Pension transfer"))
    expect(row.locator("td.total")).to_have_text("3:00")


def test_edit_and_delete_in_the_day_list(watched: Page, live: LiveServer):
    sign_in(watched, live)
    watched.goto(live.url + "/app/week")
    add_time(watched, search="Annual", choice="Annual review (Task)", name="Review", duration="1")
    expect(watched.locator("#week-total")).to_have_text("1:00")
    watched.get_by_role("link", name="Days").click()
    entry = watched.get_by_role("form", name=re.compile(r"^Edit Review"))
    entry.get_by_label("Duration").fill("2:15")
    entry.get_by_label("Duration").press("Enter")
    expect(watched.get_by_text("Total 2:15")).to_be_visible()
    # Saved with Enter, the cursor is still in the field it was in.
    expect(
        watched.get_by_role("form", name=re.compile(r"^Edit Review")).get_by_label("Duration")
    ).to_be_focused()
    watched.once("dialog", lambda dialog: dialog.accept())
    watched.get_by_role("button", name=re.compile(r"^Delete Review")).click()
    expect(watched.get_by_role("status")).to_have_text("Entry deleted.")
    expect(watched.get_by_role("form", name=re.compile(r"^Edit Review"))).to_have_count(0)


def test_admin_adds_staff_who_then_signs_in(watched: Page, live: LiveServer):
    sign_in(watched, live)
    watched.get_by_role("link", name="Staff").click()
    watched.get_by_label("First name").fill("Sam")
    watched.get_by_label("Last name").fill("Lee")
    watched.get_by_label("Email").fill("sam@example.com")
    watched.get_by_label("Password (at least 8 characters)").fill("long-enough")
    watched.get_by_label("Role").select_option("member")
    watched.get_by_role("button", name="Add staff member").click()
    expect(watched.get_by_role("status")).to_contain_text("Sam Lee can now sign in")
    watched.get_by_role("button", name="Sign out").click()
    expect(watched).to_have_url(live.url + "/app/sign-in")
    watched.get_by_label("Email").fill("sam@example.com")
    watched.get_by_label("Password").fill("long-enough")
    watched.get_by_role("button", name="Sign in").click()
    expect(watched.get_by_text("Sam Lee · Acme Planning")).to_be_visible()


def test_keyboard_only_sign_in_and_timer(watched: Page, live: LiveServer):
    watched.goto(live.url + "/app/sign-in")
    expect(watched.get_by_label("Email")).to_be_focused()  # autofocus
    watched.keyboard.type(live.world.owner.user.email)
    watched.keyboard.press("Tab")
    expect(watched.get_by_label("Password")).to_be_focused()
    watched.keyboard.type("secret-pass")
    watched.keyboard.press("Enter")
    expect(watched).to_have_url(live.url + "/app/timer")
    watched.keyboard.press("/")
    expect(watched.get_by_label("Track time on")).to_be_focused()
    watched.keyboard.type("Annual")
    expect(watched.get_by_role("radio", name="Annual review (Task)")).to_be_checked()
    watched.get_by_label("What are you working on?").focus()
    watched.keyboard.type("Prepare the pack")
    watched.keyboard.press("Enter")
    # h:mm:ss is written by the page's script once htmx has settled the new content.
    # An entry must last at least a second (the API's rule), so wait for the clock to move.
    expect(watched.get_by_role("timer")).to_have_text(re.compile(r"^0:00:(0[2-9]|[1-5]\d)$"))
    watched.get_by_role("button", name="Stop timer").focus()
    watched.keyboard.press("Enter")
    expect(watched.get_by_text("No timer is running.")).to_be_visible()


def test_run_a_report_see_the_chart_and_download_each_format(watched: Page, live: LiveServer):
    sign_in(watched, live)
    watched.goto(live.url + "/app/week")
    add_time(
        watched,
        search="Pension",
        choice="Pension transfer (Case)",
        name="Transfer",
        duration="1:30",
    )
    expect(watched.locator("#week-total")).to_have_text("1:30")
    watched.get_by_role("link", name="Reports").click()
    watched.get_by_label("Period").select_option("this_week")
    watched.get_by_label("Group by").select_option("case")
    watched.get_by_role("button", name="Run report").click()
    expect(watched.locator("#report-total")).to_have_text("1:30")
    chart = watched.get_by_role("img", name=re.compile(r"^Time from \d{4}-\d\d-\d\d to "))
    expect(chart).to_be_visible()
    assert chart.evaluate("node => node.tagName") == "svg"
    expect(watched.get_by_role("row", name=re.compile("Pension transfer"))).to_contain_text("1:30")
    for kind in ("CSV", "XLSX", "PDF"):
        with watched.expect_download() as download:
            watched.get_by_role("link", name=f"Download {kind}").click()
        assert download.value.suggested_filename.endswith("." + kind.lower())
        assert download.value.failure() is None
