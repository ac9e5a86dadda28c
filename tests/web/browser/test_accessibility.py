"""axe-core on every page, at desktop and phone width: no serious or critical violation."""

from __future__ import annotations

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Page, expect

from tests.web.browser.conftest import LiveServer
from tests.web.browser.test_flows import sign_in

pytestmark = pytest.mark.browser
PAGES = [
    "/app/timer",
    "/app/days",
    "/app/week",
    "/app/reports",
    "/app/clients",
    "/app/staff",
    "/app/sessions",
    "/app/settings",
    "/app/lock",
    "/app/rates",
    "/app/tags",
    "/app/cases",
    "/app/import",
    "/app/webhooks",
]


def _serious(page: Page) -> list[str]:
    results = Axe().run(page)
    return [
        f"{page.url}: {violation['id']} ({violation['impact']}): {violation['help']}"
        for violation in results.response["violations"]
        if violation["impact"] in {"serious", "critical"}
    ]


def test_no_serious_accessibility_violations(watched: Page, live: LiveServer):
    watched.goto(live.url + "/app/sign-in")
    problems = _serious(watched)
    sign_in(watched, live)
    watched.get_by_label("Track time on").fill("Gareth")
    watched.get_by_role("radio", name="Gareth Thompson (Client)").check()
    watched.get_by_label("What are you working on?").fill("Call")
    watched.get_by_role("button", name="Start timer").click()
    expect(watched.get_by_role("timer")).to_be_visible()
    for path in PAGES:
        watched.goto(live.url + path)
        expect(watched.get_by_role("heading", level=1)).to_be_visible()
        problems += _serious(watched)
    assert problems == []
