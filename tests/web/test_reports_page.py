"""The Reports page and its downloads, against the API's answers to the same questions."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from tests.conftest import FROZEN_NOW
from tests.factories import FirmWorld, Staff, make_staff
from tests.factories.time_entries import make_entry
from tests.web.conftest import Browser
from timeledger.models import AccountRole
from timeledger.web.durations import format_seconds


def _api_summary(client: TestClient, staff: Staff, **params: str) -> dict[str, Any]:
    answer = client.get("/api/v1/reports/summary", params=params, headers=staff.headers())
    assert answer.status_code == 200, answer.text
    body: dict[str, Any] = answer.json()
    return body


def _total_on_page(page: str) -> str:
    match = re.search(r'<dd id="report-total">([^<]*)</dd>', page)
    assert match, page
    return match[1]


def _some_time(session: Session, world: FirmWorld) -> Staff:
    """This week (4-10 Aug 2025 around FROZEN_NOW): the owner's 3 entries on two clients
    and a member's 1; last week one more of the owner's."""
    member = make_staff(session, world.firm, now=FROZEN_NOW, role=AccountRole.MEMBER)
    owner = world.owner.account
    make_entry(session, account=owner, on=world.client, start=datetime(2025, 8, 4, 9, tzinfo=UTC))
    make_entry(
        session,
        account=owner,
        on=world.client,
        start=datetime(2025, 8, 5, 9, tzinfo=UTC),
        minutes=95,
    )
    make_entry(
        session, account=owner, on=world.other_client, start=datetime(2025, 8, 6, 23, tzinfo=UTC)
    )
    make_entry(
        session,
        account=member.account,
        on=world.case,
        start=datetime(2025, 8, 6, 10, tzinfo=UTC),
        minutes=50,
    )
    make_entry(session, account=owner, on=world.client, start=datetime(2025, 7, 30, 9, tzinfo=UTC))
    return member


class TestReportsPage:
    def test_totals_and_groups_equal_the_api_summary(
        self, signed_in: Browser, world: FirmWorld, client: TestClient, session: Session
    ):
        _some_time(session, world)
        page = signed_in.get("/app/reports", params={"period": "this_week", "group_by": "client"})
        assert page.status_code == 200
        api = _api_summary(client, world.owner, period="this_week", group_by="client")
        assert api["totals"]["seconds"] == 30 * 60 * 3 + 95 * 60 - 30 * 60 + 50 * 60
        assert _total_on_page(page.text) == format_seconds(api["totals"]["seconds"])
        assert f'<dd id="report-entries">{api["totals"]["entries"]}</dd>' in page.text
        rows = re.findall(
            r'<tr><th scope="row">([^<]*)</th><td>(\d+)</td><td class="total">([^<]*)</td>',
            page.text.split("<tbody>", 1)[1].split("</tbody>", 1)[0],
        )
        assert rows == [
            (group["key"]["name"], str(group["entries"]), format_seconds(group["seconds"]))
            for group in api["groups"]
        ]
        assert "the whole firm" in page.text

    def test_custom_dates_and_a_time_grouping(
        self, signed_in: Browser, world: FirmWorld, client: TestClient, session: Session
    ):
        _some_time(session, world)
        query = {"from": "2025-07-28", "to": "2025-08-10", "group_by": "week"}
        page = signed_in.get("/app/reports", params={**query, "period": "custom"})
        api = _api_summary(client, world.owner, **query)
        assert _total_on_page(page.text) == format_seconds(api["totals"]["seconds"])
        assert ">2025-07-28 to 2025-08-03</th>" in page.text
        assert ">2025-08-04 to 2025-08-10</th>" in page.text

    def test_a_member_sees_only_their_own_time(
        self, web: Browser, world: FirmWorld, client: TestClient, session: Session
    ):
        member = _some_time(session, world)
        web.sign_in(member)
        page = web.get("/app/reports", params={"period": "this_week", "group_by": "staff"})
        api = _api_summary(client, member, period="this_week", group_by="staff")
        assert api["totals"]["seconds"] == 50 * 60
        assert _total_on_page(page.text) == "0:50"
        assert "your own time" in page.text
        assert world.owner.account.name not in page.text.split("<main", 1)[1].split("</header>")[0]

    def test_chart_is_inline_svg_with_no_outside_script(
        self, signed_in: Browser, world: FirmWorld, session: Session
    ):
        _some_time(session, world)
        page = signed_in.get("/app/reports", params={"period": "this_week"}).text
        svg = page.split("<figure", 1)[1].split("</figure>", 1)[0]
        opening = svg.split("<svg ", 1)[1].split(">", 1)[0]
        assert 'role="img"' in opening
        assert 'aria-label="Time from 2025-08-04 to 2025-08-10"' in opening
        assert "<script" not in svg
        assert not re.search(r'(href|src)="(https?:)?//', svg)
        # A bar per day of the week, named by its date.
        for day in range(4, 11):
            assert f"2025-08-{day:02d}" in svg
        assert "<figcaption>Hours per day</figcaption>" in svg + "</figcaption>"

    def test_time_not_on_a_case_is_named_so(
        self, signed_in: Browser, world: FirmWorld, session: Session
    ):
        _some_time(session, world)
        page = signed_in.get("/app/reports", params={"period": "this_week", "group_by": "case"})
        assert '<tr><th scope="row">(no case)</th><td>3</td>' in page.text
        assert '<tr><th scope="row">Pension transfer</th><td>1</td>' in page.text

    def test_a_long_period_is_charted_by_month(self, signed_in: Browser):
        page = signed_in.get("/app/reports", params={"period": "this_tax_year"}).text
        svg = page.split("<figure", 1)[1].split("</figure>", 1)[0]
        assert "<figcaption>Hours per month</figcaption>" in svg + "</figcaption>"
        assert "2025-04" in svg
        assert "2026-03" in svg

    def test_bad_dates_show_the_service_message(self, signed_in: Browser):
        page = signed_in.get(
            "/app/reports", params={"period": "custom", "from": "2025-08-10", "to": "soon"}
        )
        assert page.status_code == 422
        assert 'role="alert"' in page.text
        assert "Run report" in page.text

    def test_from_and_to_imply_a_custom_period(self, signed_in: Browser, world, session):
        _some_time(session, world)
        for params in (
            {"from": "2025-07-28", "to": "2025-08-03"},
            {"period": "this_week", "from": "2025-07-28", "to": "2025-08-03"},
        ):
            page = signed_in.get("/app/reports", params=params)
            assert page.status_code == 200
            assert "2025-07-28 to 2025-08-03" in page.text
            assert _total_on_page(page.text) == "0:30"  # last week's one entry
            assert '<option value="custom" selected>' in page.text

    def test_firm_bucket_has_the_exports_label(self, signed_in: Browser, world, session):
        """One label for time on the firm itself, on the page and in every export."""
        make_entry(
            session,
            account=world.owner.account,
            on=world.firm,
            start=datetime(2025, 8, 5, 9, tzinfo=UTC),
        )
        query = {"period": "this_week", "group_by": "client"}
        page = signed_in.get("/app/reports", params=query).text
        assert '<tr><th scope="row">(the firm)</th><td>1</td>' in page
        csv = signed_in.get("/app/reports/export/summary.csv", params=query).text
        assert "(the firm)" in csv
        assert "No client" not in page + csv

    def test_signed_out_goes_to_sign_in(self, web: Browser):
        answer = web.get("/app/reports")
        assert answer.status_code == 303
        assert answer.headers["location"] == "/app/sign-in"


class TestDownloads:
    def test_a_bad_export_question_is_an_html_page(self, signed_in: Browser):
        answer = signed_in.get(
            "/app/reports/export/summary.csv", params={"from": "9999-01-01", "to": "garbage"}
        )
        assert answer.status_code == 422
        assert answer.headers["content-type"].startswith("text/html")
        assert 'role="alert"' in answer.text
        assert "Run report" in answer.text

    def test_links_name_each_format(self, signed_in: Browser):
        page = signed_in.get("/app/reports", params={"period": "last_month"}).text
        for kind in ("CSV", "XLSX", "PDF"):
            assert re.search(
                rf'<a href="/app/reports/export/summary\.{kind.lower()}\?group_by=client&amp;'
                rf'period=last_month" download>Download {kind}</a>',
                page,
            ), kind

    def test_csv_is_the_api_export(
        self, signed_in: Browser, world: FirmWorld, client: TestClient, session: Session
    ):
        _some_time(session, world)
        query = {"group_by": "client", "period": "this_week"}
        mine = signed_in.get("/app/reports/export/summary.csv", params=query)
        api = client.get("/api/v1/reports/summary.csv", params=query, headers=world.owner.headers())
        assert mine.status_code == api.status_code == 200
        assert mine.headers["content-type"] == api.headers["content-type"]
        assert "attachment" in mine.headers["content-disposition"]
        assert mine.content == api.content

    def test_xlsx_and_pdf(self, signed_in: Browser):
        xlsx = signed_in.get("/app/reports/export/summary.xlsx", params={"period": "this_week"})
        assert xlsx.status_code == 200
        assert xlsx.content[:2] == b"PK"
        pdf = signed_in.get("/app/reports/export/summary.pdf", params={"period": "this_week"})
        assert pdf.status_code == 200
        assert pdf.content[:5] == b"%PDF-"

    def test_unknown_report_is_404_and_signed_out_is_sent_to_sign_in(
        self, signed_in: Browser, web: Browser
    ):
        missing = signed_in.get("/app/reports/export/nothing.csv")
        assert missing.status_code == 404
        assert missing.headers["content-type"].startswith("text/html")
        assert 'role="alert"' in missing.text
