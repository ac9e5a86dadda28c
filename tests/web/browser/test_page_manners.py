"""Each page in a real browser: its Content-Security-Policy is never violated, it fits a
360 px phone without sideways scrolling, Back after signing out shows nothing private,
and a request the server refuses says why in the page's alert."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from tests.web.browser.conftest import LiveServer
from tests.web.browser.test_accessibility import PAGES
from tests.web.browser.test_flows import sign_in

pytestmark = pytest.mark.browser
# Every securitypolicyviolation the page reports, kept where the test can read it.
RECORD_VIOLATIONS = """
window.__cspViolations = [];
document.addEventListener("securitypolicyviolation", function (event) {
  window.__cspViolations.push(event.violatedDirective + " " + (event.blockedURI || "inline")
    + " " + (event.sample || ""));
});
"""

# The innermost elements that reach past the viewport's right edge, to say what to fix.
WIDEST = """
Array.from(document.querySelectorAll("body *"))
  .filter(e => e.getBoundingClientRect().right > 360 && !Array.from(e.children).some(
    c => c.getBoundingClientRect().right > 360))
  .slice(0, 3).map(e => e.tagName + "." + e.className + " " + (e.textContent || "").slice(0, 30))
  .join("; ")
"""


def _start_a_timer(page: Page) -> None:
    page.get_by_label("Track time on").fill("Gareth")
    page.get_by_role("radio", name="Gareth Thompson (Client)").check()
    page.get_by_label("What are you working on?").fill("Call")
    page.get_by_role("button", name="Start timer").click()
    expect(page.get_by_role("timer")).to_be_visible()


def test_no_page_violates_its_content_security_policy(watched: Page, live: LiveServer):
    watched.add_init_script(RECORD_VIOLATIONS)
    sign_in(watched, live)
    _start_a_timer(watched)  # an htmx swap on the way
    violations: list[str] = []
    for path in [*PAGES, "/app/sign-in"]:
        answer = watched.goto(live.url + path)
        assert answer is not None
        assert "script-src 'self'" in answer.headers["content-security-policy"], path
        expect(watched.get_by_role("heading", level=1)).to_be_visible()
        violations += [f"{path}: {v}" for v in watched.evaluate("window.__cspViolations")]
    assert violations == []


LONG_NAME = "Wolfeschlegelsteinhausenbergerdorffwelchevoralternwarengewissenhaft"


def test_every_page_fits_a_phone(watched: Page, live: LiveServer, width: int):
    if width != 360:
        pytest.skip("the phone width only")
    sign_in(watched, live)
    # Names without a space to break at, on the pages that show them.
    watched.goto(live.url + "/app/clients")
    watched.get_by_label("First name (or the trust's or business's name)").fill(LONG_NAME)
    watched.get_by_role("button", name="Add client").click()
    expect(watched.get_by_role("status")).to_be_visible()
    watched.goto(live.url + "/app/timer")
    watched.get_by_label("Track time on").fill(LONG_NAME[:12])
    watched.get_by_role("radio", name=re.compile(LONG_NAME[:12])).check()
    watched.get_by_label("What are you working on?").fill(LONG_NAME.lower())
    watched.get_by_role("button", name="Start timer").click()
    # Stopped in the second it started, an entry has no length and is refused.
    expect(watched.get_by_role("timer")).to_have_text(re.compile(r"^0:00:0[2-9]$"), timeout=6000)
    watched.get_by_role("button", name="Stop timer").click()
    expect(watched.get_by_text("No timer is running.")).to_be_visible()
    too_wide = []
    for path in PAGES:
        watched.goto(live.url + path)
        expect(watched.get_by_role("heading", level=1)).to_be_visible()
        scroll_width = watched.evaluate("document.documentElement.scrollWidth")
        if scroll_width > 360:
            too_wide.append(f"{path}: {scroll_width} px ({watched.evaluate(WIDEST)})")
    assert too_wide == []


def test_back_after_sign_out_shows_nothing_private(watched: Page, live: LiveServer):
    sign_in(watched, live)
    watched.goto(live.url + "/app/clients")
    expect(watched.get_by_text("Gareth Thompson").first).to_be_visible()
    watched.get_by_role("button", name="Sign out").click()
    expect(watched).to_have_url(live.url + "/app/sign-in")
    watched.go_back()
    # Not kept by the browser: asked again, the server sends the visitor to sign in.
    expect(watched).to_have_url(live.url + "/app/sign-in")
    expect(watched.get_by_text("Gareth Thompson")).to_have_count(0)


def test_a_refused_request_shows_the_servers_message(page: Page, live: LiveServer):
    # ``page``, not ``watched``: the browser logs the refused request as a console error.
    sign_in(page, live)
    page.get_by_label("Track time on").fill("Gareth")
    page.get_by_role("radio", name="Gareth Thompson (Client)").check()
    page.get_by_label("What are you working on?").fill("Call")
    # The CSRF cookie gone (as when it expires): the server refuses the form with 403.
    page.context.clear_cookies(name="csrftoken")
    page.get_by_role("button", name="Start timer").click()
    alert = page.locator("#request-error")
    expect(alert).to_have_attribute("role", "alert")
    expect(alert).to_contain_text("security token is missing or out of date")
    expect(page.get_by_role("timer")).to_have_count(0)
