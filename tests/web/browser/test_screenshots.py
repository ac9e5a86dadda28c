"""Every page, photographed at desktop and phone width: into docs/screenshots/ when
``TIMELEDGER_SCREENSHOTS`` names that folder (``scripts/screenshots``), else into a temporary
folder, so the pages are rendered and checked on every run."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from playwright.sync_api import FilePayload, Page, expect

from tests.web.browser.conftest import LiveServer
from tests.web.browser.test_flows import sign_in

pytestmark = pytest.mark.browser
PNG = b"\x89PNG\r\n\x1a\n"


def test_screenshots_of_every_page(
    watched: Page, live: LiveServer, width: int, tmp_path: Path
) -> None:
    folder = Path(os.environ.get("TIMELEDGER_SCREENSHOTS") or tmp_path)
    folder.mkdir(parents=True, exist_ok=True)
    size = "phone" if width < 600 else "desktop"
    shots: list[Path] = []

    def shoot(name: str) -> None:
        path = folder / f"{name}-{size}.png"
        watched.screenshot(path=str(path), full_page=True)
        shots.append(path)

    watched.goto(live.url + "/app/sign-in")
    shoot("sign-in")
    sign_in(watched, live)
    watched.goto(live.url + "/app/week")
    for day_index, duration in ((0, "1:30"), (1, "2:15"), (2, "0.5")):
        watched.get_by_label("Track time on").fill("Pension")
        watched.get_by_role("radio", name="Pension transfer (Case)").check()
        watched.get_by_label("What did you work on?").fill("Transfer paperwork")
        watched.get_by_label("Day").select_option(index=day_index)
        watched.get_by_label("Duration (1:30 or 1.5)").fill(duration)
        watched.get_by_role("button", name="Add time").click()
        expect(watched.get_by_role("alert")).to_have_count(0)
    shoot("week")
    watched.goto(live.url + "/app/timer")
    watched.get_by_label("Track time on").fill("Gareth")
    watched.get_by_role("radio", name="Gareth Thompson (Client)").check()
    watched.get_by_label("What are you working on?").fill("Annual review call")
    watched.get_by_role("button", name="Start timer").click()
    expect(watched.get_by_role("timer")).to_be_visible()
    shoot("timer")
    watched.goto(live.url + "/app/days")
    shoot("days")
    watched.goto(live.url + "/app/reports?period=this_week&group_by=case")
    expect(watched.locator("figure.chart svg:visible")).to_be_visible()
    shoot("reports")
    watched.goto(live.url + "/app/staff")
    shoot("staff")
    watched.goto(live.url + "/app/sessions")
    shoot("sessions")
    for page_name in ("settings", "lock", "rates", "tags"):
        watched.goto(f"{live.url}/app/{page_name}")
        if page_name == "rates":
            watched.get_by_label("Hourly rate").fill("150")
            watched.get_by_label("Valid from").fill("2025-04-06")
            watched.get_by_role("button", name="Add rate").click()
            expect(watched.get_by_role("status")).to_contain_text("Rate added.")
        if page_name == "tags":
            watched.get_by_label("Tag name").fill("advice")
            watched.get_by_role("button", name="Add tag").click()
            expect(watched.get_by_role("status")).to_contain_text("added.")
        shoot(page_name)
    watched.goto(live.url + "/app/cases")
    shoot("cases")
    watched.goto(live.url + "/app/import")
    bad = b"kind,ref,first_name,name,participants\nclient,c1,,,\ncase,k1,,Engine,nobody\n"
    watched.get_by_label("CSV file (UTF-8, at most").set_input_files(
        files=[FilePayload(name="clients.csv", mimeType="text/csv", buffer=bad)]
    )
    watched.get_by_role("button", name="Import").click()
    expect(watched.get_by_role("alert")).to_be_visible()
    shoot("import")
    watched.goto(live.url + f"/app/staff/{live.world.owner.account.uuid}")
    shoot("staff-member")
    watched.goto(live.url + "/app/webhooks")
    shoot("webhooks")
    for path in shots:
        assert path.read_bytes().startswith(PNG), path
