"""The admin pages of brief W2 in a real browser, at desktop and phone widths: cases, the
CSV import and a staff member's role and permissions (with axe on each page's states)."""

from __future__ import annotations

import pytest
from playwright.sync_api import FilePayload, Page, expect

from tests.web.browser.conftest import LiveServer
from tests.web.browser.test_accessibility import _serious
from tests.web.browser.test_flows import sign_in

pytestmark = pytest.mark.browser

GOOD = (
    b"kind,ref,first_name,last_name,name,participants,on\n"
    b"client,c1,Ada,Lovelace,,,\n"
    b"case,k1,,,Engine pension,c1,\n"
    b"task,,,,Annual review,,k1\n"
)
BAD = b"kind,ref,first_name,name,participants\nclient,c1,,,\ncase,k1,,Engine,nobody\n"


def test_add_a_joint_case_then_archive_it(watched: Page, live: LiveServer):
    sign_in(watched, live)
    watched.get_by_role("link", name="Cases").click()
    expect(watched.get_by_role("heading", level=1)).to_have_text("Cases")
    watched.get_by_label("Name", exact=True).fill("Joint mortgage")
    watched.get_by_label("Gareth Thompson (individual)").check()
    watched.get_by_label("Priya Shah (individual)").check()
    watched.get_by_label("Billing client (for a case with several clients)").select_option(
        label="Priya Shah"
    )
    watched.get_by_role("button", name="Add case").click()
    expect(watched.get_by_role("status")).to_have_text("Case Joint mortgage added.")
    row = watched.get_by_role("row").filter(has_text="Joint mortgage")
    expect(row).to_contain_text("Priya Shah (chosen)")
    assert _serious(watched) == []
    watched.once("dialog", lambda dialog: dialog.accept())
    watched.get_by_role("button", name="Archive case Joint mortgage").click()
    expect(watched.get_by_role("status")).to_contain_text("Case Joint mortgage archived")
    expect(watched.get_by_role("row").filter(has_text="Joint mortgage")).to_have_count(0)
    watched.get_by_label("Show archived cases too").check()
    watched.get_by_role("button", name="Show cases").click()
    expect(watched.get_by_role("row").filter(has_text="Joint mortgage")).to_contain_text("archived")


def test_import_a_bad_file_then_a_good_one(watched: Page, live: LiveServer):
    sign_in(watched, live)
    watched.get_by_role("link", name="Clients").click()
    watched.get_by_role("link", name="Import clients, cases and tasks from a CSV file").click()
    upload = watched.get_by_label("CSV file (UTF-8, at most")
    upload.set_input_files(files=[FilePayload(name="bad.csv", mimeType="text/csv", buffer=BAD)])
    watched.get_by_role("button", name="Import").click()
    expect(watched.get_by_role("alert")).to_contain_text("Nothing was imported: bad.csv has")
    problems = watched.get_by_role("region", name="Problems in bad.csv").get_by_role("listitem")
    expect(problems.first).to_contain_text("line 2:")
    assert _serious(watched) == []
    upload = watched.get_by_label("CSV file (UTF-8, at most")
    upload.set_input_files(files=[FilePayload(name="good.csv", mimeType="text/csv", buffer=GOOD)])
    watched.get_by_role("button", name="Import").click()
    expect(watched.get_by_role("status")).to_have_text(
        "Imported 3 records from good.csv: 1 client, 1 case, 1 task."
    )
    watched.get_by_role("link", name="Cases", exact=True).first.click()
    expect(watched.get_by_role("row").filter(has_text="Engine pension")).to_contain_text(
        "Ada Lovelace"
    )


def test_a_file_over_the_limit_is_refused_before_it_is_sent(watched: Page, live: LiveServer):
    sign_in(watched, live)
    watched.goto(live.url + "/app/import")
    big = b"kind,first_name\n" + b"client,Name\n" * 100_000
    sent: list[str] = []
    watched.on("request", lambda r: sent.append(r.url) if r.method == "POST" else None)
    upload = watched.get_by_label("CSV file (UTF-8, at most")
    upload.set_input_files(files=[FilePayload(name="big.csv", mimeType="text/csv", buffer=big)])
    watched.get_by_role("button", name="Import").click()
    expect(watched.get_by_role("alert")).to_contain_text("big.csv is 1172 KB; the limit is")
    assert sent == []


def test_change_a_staff_members_permissions_and_keep_an_owner(watched: Page, live: LiveServer):
    sign_in(watched, live)
    watched.get_by_role("link", name="Staff").click()
    watched.get_by_label("First name").fill("Sam")
    watched.get_by_label("Last name").fill("Lee")
    watched.get_by_label("Email").fill("sam@example.com")
    watched.get_by_label("Password (at least 8 characters)").fill("long-enough")
    watched.get_by_label("Role").select_option("member")
    watched.get_by_role("button", name="Add staff member").click()
    watched.get_by_role("link", name="Sam Lee", exact=True).click()
    expect(watched.get_by_role("heading", level=1)).to_have_text("Sam Lee")
    watched.get_by_label("Role", exact=True).select_option("admin")
    watched.get_by_label("Delete permission").select_option("no")
    watched.get_by_role("button", name="Save changes").click()
    expect(watched.get_by_role("status")).to_have_text("Saved Sam Lee's role and permissions.")
    expect(watched.get_by_text("no (override)")).to_be_visible()
    expect(watched.get_by_role("region", name="Changes to the permissions")).to_contain_text(
        "write: from role, delete: no"
    )
    assert _serious(watched) == []
    watched.get_by_role("link", name="All staff").click()
    owner = live.world.owner.account
    watched.get_by_role("link", name=owner.name, exact=True).click()
    watched.get_by_label("Role", exact=True).select_option("member")
    watched.get_by_role("button", name="Save changes").click()
    expect(watched.get_by_role("alert")).to_contain_text(
        "A firm must keep at least one owner: make another account an owner first."
    )
    expect(watched.get_by_label("Role", exact=True)).to_have_value("owner")
