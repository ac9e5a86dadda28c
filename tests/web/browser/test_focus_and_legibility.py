"""In a real browser (issue 13): the report chart's text is legible on a phone, keyboard
focus after Start and Stop timer and after a refused sign-in goes on to the next control or the
message (not the page top), and starting timers quickly says "Starting a timer stops"
once."""

from __future__ import annotations

import re
import uuid

import pytest
from playwright.sync_api import Page, expect

from tests.web.browser.conftest import LiveServer
from tests.web.browser.test_flows import add_time, sign_in

pytestmark = pytest.mark.browser

# Each text of the visible chart: its font size times the scale it is drawn at (the
# length of the screen matrix's x column, so rotated labels count too).
SMALLEST_TEXT = """
svg => Math.min(...Array.from(svg.querySelectorAll("text"))
  .filter(t => t.textContent.trim() && t.getClientRects().length)
  .map(t => [parseFloat(getComputedStyle(t).fontSize), t.getScreenCTM()])
  .map(([size, m]) => size * Math.hypot(m.a, m.b)))
"""
# Legend entries are written whole, not cut to "Billab…".
LEGEND = """svg => Array.from(svg.querySelectorAll(".legend text")).map(t => t.textContent)"""


@pytest.mark.parametrize("width", ["phone"], indirect=True)
def test_the_chart_text_is_at_least_12px_on_a_phone(watched: Page, live: LiveServer):
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
    for period in ("this_week", "this_tax_year"):  # a bar per day, then per month
        watched.goto(live.url + f"/app/reports?period={period}&group_by=case")
        chart = watched.get_by_role("img", name=re.compile(r"^Time from "))
        expect(chart).to_be_visible()
        assert chart.evaluate("svg => svg.getBoundingClientRect().right") <= 360
        assert chart.evaluate(SMALLEST_TEXT) >= 12
        assert chart.evaluate(LEGEND) == ["Billable", "Non-billable"]


@pytest.mark.parametrize("width", ["desktop"], indirect=True)
def test_after_start_and_stop_timer_focus_is_on_the_other_button(watched: Page, live: LiveServer):
    sign_in(watched, live)
    watched.get_by_label("Track time on").fill("Gareth")
    watched.get_by_role("radio", name="Gareth Thompson (Client)").check()
    watched.get_by_label("What are you working on?").fill("Research")
    watched.get_by_role("button", name="Start timer").click()
    # Started: focus is on Stop timer, so Enter stops it (not the page top).
    expect(watched.get_by_role("button", name="Stop timer")).to_be_focused()
    expect(watched.get_by_role("timer")).to_have_text(re.compile(r"^0:00:0[2-9]$"), timeout=6000)
    watched.keyboard.press("Enter")
    expect(watched.get_by_text("No timer is running.")).to_be_visible()
    expect(watched.get_by_role("button", name="Start timer")).to_be_focused()


@pytest.mark.parametrize("width", ["desktop"], indirect=True)
def test_after_a_refused_sign_in_focus_is_on_the_message(page: Page, live: LiveServer):
    # ``page``, not ``watched``: Chromium logs every 429 answer as a console error.
    watched = page
    # An address no one has: its own count, so no other test's sign-in is held back.
    email = f"nobody-{uuid.uuid4().hex[:8]}@example.test"
    watched.goto(live.url + "/app/sign-in")
    for _ in range(10):  # TIMELEDGER_PASSWORD_ATTEMPTS_PER_USER's default
        watched.get_by_label("Email").fill(email)
        watched.get_by_label("Password").fill("not-it")
        with watched.expect_response(re.compile("/app/sign-in/submit$")):
            watched.get_by_role("button", name="Sign in").click()
        expect(watched.get_by_role("alert")).to_contain_text("do not match our records")
    watched.get_by_label("Password").fill("not-it")
    watched.get_by_label("Password").press("Enter")
    # One message: the new one replaces the last refusal's, and keyboard focus is on it.
    message = watched.get_by_role("alert")
    expect(message).to_contain_text("Too many failed attempts")
    expect(message).to_be_focused()


@pytest.mark.parametrize("width", ["desktop"], indirect=True)
def test_starting_quickly_says_what_it_stops_once(watched: Page, live: LiveServer):
    """A double click on Start timer sends one start, so one timer runs per name and the
    page says once which timer starting another stops."""
    starts: list[str] = []
    watched.on(
        "request", lambda r: starts.append(r.url) if r.url.endswith("/app/timer/start") else None
    )
    sign_in(watched, live)
    for name in ("Research", "Letters"):
        watched.get_by_label("Track time on").fill("Gareth")
        watched.get_by_role("radio", name="Gareth Thompson (Client)").check()
        watched.get_by_label("What are you working on?").fill(name)
        with watched.expect_response(re.compile("/app/timer/start$")):
            watched.get_by_role("button", name="Start timer").dblclick()
        expect(watched.get_by_text(f"Starting a timer stops “{name}”")).to_have_count(1)
        watched.wait_for_timeout(1000)  # a second answer, if any, has landed by now
    assert len(starts) == 2
    expect(watched.get_by_text(re.compile("^Starting a timer stops"))).to_have_count(1)
    expect(watched.locator("main")).to_contain_text("Letters · Gareth Thompson · 0:00 running")
