"""The Reports page and its downloads, against the API's answers to the same questions."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import parse_qsl, urlsplit
from xml.etree import ElementTree

from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from tests.conftest import FROZEN_NOW
from tests.factories import FirmWorld, Staff, make_staff
from tests.factories.time_entries import make_entry
from tests.web.conftest import Browser
from timeledger.models import Account, AccountRole, Case
from timeledger.web.durations import format_exact

SVG = "{http://www.w3.org/2000/svg}"


def _api_summary(client: TestClient, staff: Staff, **params: str) -> dict[str, Any]:
    answer = client.get("/api/v1/reports/summary", params=params, headers=staff.headers())
    assert answer.status_code == 200, answer.text
    body: dict[str, Any] = answer.json()
    return body


def _total_on_page(page: str) -> str:
    match = re.search(r'<dd id="report-total">([^<]*)</dd>', page)
    assert match, page
    return match[1]


def _parsed(shown: str) -> int:
    """Seconds from a duration as the page shows it (``h:mm`` or ``h:mm:ss``)."""
    parts = [int(part) for part in shown.split(":")]
    hours, minutes, seconds = (*parts, 0)[:3]
    return (hours * 60 + minutes) * 60 + seconds


def _table_rows(page: str) -> list[tuple[str, ...]]:
    """The breakdown table's body rows: name, entries, billable, time (and rounded)."""
    body = page.split("<tbody>", 1)[1].split("</tbody>", 1)[0]
    return [
        (name, *re.findall(r"<td[^>]*>([^<]*)</td>", cells))
        for name, cells in re.findall(r'<tr><th scope="row">([^<]*)</th>(.*?)</tr>', body)
    ]


def _chart_values(page: str) -> dict[str, dict[str, str]]:
    """What the chart shows: for each series of its legend, each bar's label and the value
    written on it (pygal's ``<desc class="value">``, what its tooltip and a reader read)."""
    svg = "<svg " + page.split("<svg ", 1)[1].split("</svg>", 1)[0] + "</svg>"
    root = ElementTree.fromstring(svg)
    legends = [
        text.text or ""
        for group in root.iter(f"{SVG}g")
        if "legend" in group.get("class", "").split()
        for text in group.iter(f"{SVG}text")
    ]
    shown: dict[str, dict[str, str]] = {}
    for group in root.iter(f"{SVG}g"):
        classes = group.get("class", "").split()
        if "series" not in classes:
            continue
        index = int(next(c for c in classes if c.startswith("serie-")).removeprefix("serie-"))
        for bar in group.iter(f"{SVG}g"):
            if bar.get("class") != "bar":
                continue
            descs = {desc.get("class"): desc.text for desc in bar.iter(f"{SVG}desc")}
            shown.setdefault(legends[index], {})[descs["x_label"] or ""] = descs["value"] or ""
    return shown


def _some_time(session: Session, world: FirmWorld) -> Staff:
    """This week (4-10 Aug 2025 around FROZEN_NOW): the owner's 3 entries on two clients
    (the one on the other client not billable) and a member's 1 (not billable); last week
    one more of the owner's."""
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
    ).billable = False
    make_entry(
        session,
        account=member.account,
        on=world.case,
        start=datetime(2025, 8, 6, 10, tzinfo=UTC),
        minutes=50,
    ).billable = False
    session.flush()
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
        assert _total_on_page(page.text) == format_exact(api["totals"]["seconds"])
        assert f'<dd id="report-entries">{api["totals"]["entries"]}</dd>' in page.text
        assert _table_rows(page.text) == [
            (
                group["key"]["name"],
                str(group["entries"]),
                format_exact(group["billable_seconds"]),
                format_exact(group["seconds"]),
            )
            for group in api["groups"]
        ]
        # Time on the other client is not billable: its billable cell says so.
        assert _table_rows(page.text) == [
            ("Gareth Thompson", "3", "2:05", "2:55"),
            ("Priya Shah", "1", "0:00", "0:30"),
        ]
        billable = api["totals"]["billable_seconds"]
        assert billable == 30 * 60 + 95 * 60
        assert f'<dd id="report-billable">{format_exact(billable)}</dd>' in page.text
        assert "the whole firm" in page.text

    def test_rows_add_up_to_the_total_shown(
        self, signed_in: Browser, world: FirmWorld, session: Session
    ):
        """Rows of 9029 s, 3130 s and 60 s: rounded to minutes one by one they read 2:30,
        0:52 and 0:01 (3:23) beside a total of 3:24; shown exactly, they add up."""
        owner = world.owner.account
        made: list[tuple[Account | Case, int]] = [
            (world.client, 9029),
            (world.other_client, 3130),
            (world.case, 60),
        ]
        for day, (on, seconds) in enumerate(made, start=4):
            entry = make_entry(
                session, account=owner, on=on, start=datetime(2025, 8, day, 9, tzinfo=UTC)
            )
            entry.ended_at = entry.started_at + timedelta(seconds=seconds)
        session.flush()
        page = signed_in.get(
            "/app/reports", params={"period": "this_week", "group_by": "trackable"}
        ).text
        rows = _table_rows(page)
        assert sorted(row[3] for row in rows) == ["0:01", "0:52:10", "2:30:29"]
        total = _total_on_page(page)
        assert total == "3:23:39"
        assert sum(_parsed(row[3]) for row in rows) == _parsed(total) == 12219
        billable = re.search(r'<dd id="report-billable">([^<]*)</dd>', page)
        assert billable
        assert sum(_parsed(row[2]) for row in rows) == _parsed(billable[1])

    def test_custom_dates_and_a_time_grouping(
        self, signed_in: Browser, world: FirmWorld, client: TestClient, session: Session
    ):
        _some_time(session, world)
        query = {"from": "2025-07-28", "to": "2025-08-10", "group_by": "week"}
        page = signed_in.get("/app/reports", params={**query, "period": "custom"})
        api = _api_summary(client, world.owner, **query)
        assert _total_on_page(page.text) == format_exact(api["totals"]["seconds"])
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
        results = page.text.split("<main", 1)[1].split("</form>", 1)[1]
        assert world.owner.account.name not in results
        # The staff picker offers the others; its empty choice is the member's own time.
        assert '<option value="">Only me</option>' in page.text
        assert f'<option value="{world.owner.account.uuid}" >' in page.text
        # Picking the owner shows the owner's time, and the page says whose it is.
        picked = web.get(
            "/app/reports",
            params={"period": "this_week", "staff": str(world.owner.account.uuid)},
        )
        assert "your own time" not in picked.text
        assert f"the time of {world.owner.account.name}." in picked.text

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
        assert (
            "<figcaption>Hours per day, billable and non-billable</figcaption>"
            in svg + "</figcaption>"
        )

    def test_time_not_on_a_case_is_named_so(
        self, signed_in: Browser, world: FirmWorld, session: Session
    ):
        _some_time(session, world)
        page = signed_in.get("/app/reports", params={"period": "this_week", "group_by": "case"})
        rows = {row[0]: row[1] for row in _table_rows(page.text)}
        assert rows == {"(no case)": "3", "Pension transfer": "1"}

    def test_a_long_period_is_charted_by_month(self, signed_in: Browser):
        page = signed_in.get("/app/reports", params={"period": "this_tax_year"}).text
        svg = page.split("<figure", 1)[1].split("</figure>", 1)[0]
        assert (
            "<figcaption>Hours per month, billable and non-billable</figcaption>"
            in svg + "</figcaption>"
        )
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
        assert ("(the firm)", "1", "0:30", "0:30") in _table_rows(page)
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


class TestBillableChart:
    def _expected(self, api: dict[str, Any]) -> dict[str, dict[str, str]]:
        by_day = {group["key"]["date"]: group for group in api["groups"]}
        days = [f"2025-08-{day:02d}" for day in range(4, 11)]

        def seconds(day: str, field: str) -> int:
            return int(by_day[day][field]) if day in by_day else 0

        return {
            "Billable": {day: format_exact(seconds(day, "billable_seconds")) for day in days},
            "Non-billable": {
                day: format_exact(seconds(day, "seconds") - seconds(day, "billable_seconds"))
                for day in days
            },
        }

    def test_bars_equal_the_api_billable_split_per_day(
        self, signed_in: Browser, world: FirmWorld, client: TestClient, session: Session
    ):
        _some_time(session, world)
        page = signed_in.get("/app/reports", params={"period": "this_week", "group_by": "staff"})
        api = _api_summary(client, world.owner, period="this_week", group_by="day")
        shown = _chart_values(page.text)
        assert shown == self._expected(api)
        # Not a tautology: the week has both kinds of time, on different days.
        assert shown["Billable"]["2025-08-05"] == "1:35"
        assert shown["Non-billable"]["2025-08-06"] == "0:50"
        assert shown["Non-billable"]["2025-08-07"] == "0:30"  # 23:00 UTC is 00:00 in London

    def test_the_chart_follows_the_filters(
        self, signed_in: Browser, world: FirmWorld, client: TestClient, session: Session
    ):
        member = _some_time(session, world)
        staff = str(member.account.uuid)
        page = signed_in.get("/app/reports", params={"period": "this_week", "staff": staff})
        api = _api_summary(
            client, world.owner, period="this_week", group_by="day", **{"filter[staff]": staff}
        )
        assert _chart_values(page.text) == self._expected(api)
        assert api["totals"]["seconds"] == 50 * 60


def _download_queries(page: str) -> list[dict[str, str]]:
    links = re.findall(r'<a href="([^"]*)" download>Download (CSV|XLSX|PDF)</a>', page)
    assert len(links) == 3
    return [dict(parse_qsl(urlsplit(href.replace("&amp;", "&")).query)) for href, _ in links]


class TestFilters:
    def test_each_filter_gives_the_api_answer(
        self, signed_in: Browser, world: FirmWorld, client: TestClient, session: Session
    ):
        member = _some_time(session, world)
        cases = [
            ({"staff": str(member.account.uuid)}, {"filter[staff]": str(member.account.uuid)}),
            (
                {"client": str(world.other_client.uuid)},
                {"filter[clients]": str(world.other_client.uuid)},
            ),
            ({"billable": "true"}, {"filter[billable]": "true"}),
            ({"billable": "false"}, {"filter[billable]": "false"}),
        ]
        seen = set()
        for form, api_keys in cases:
            base = {"period": "this_week", "group_by": "client"}
            page = signed_in.get("/app/reports", params={**base, **form})
            assert page.status_code == 200, (form, page.text)
            api = _api_summary(client, world.owner, **base, **api_keys)
            assert _total_on_page(page.text) == format_exact(api["totals"]["seconds"]), form
            assert [row[0] for row in _table_rows(page.text)] == [
                group["key"]["name"] for group in api["groups"]
            ]
            seen.add(api["totals"]["seconds"])
            # The form shows the choice again, and every download carries it.
            value = next(iter(form.values()))
            assert re.search(rf'<option value="{value}" selected>', page.text), form
            for query in _download_queries(page.text):
                assert query == {**base, **api_keys}
        # Each filter narrowed the report differently (50 min, 30 min, 2:05, 1:20).
        assert seen == {50 * 60, 30 * 60, 125 * 60, 80 * 60}

    def test_rounding_shows_rounded_time_beside_real_time(
        self, signed_in: Browser, world: FirmWorld, client: TestClient, session: Session
    ):
        _some_time(session, world)
        base = {"period": "this_week", "group_by": "client"}
        rounding = {"rounding": "up", "rounding_minutes": "60"}
        page = signed_in.get("/app/reports", params={**base, **rounding})
        api = _api_summary(client, world.owner, **base, **rounding)
        assert _table_rows(page.text) == [
            (
                group["key"]["name"],
                str(group["entries"]),
                format_exact(group["billable_seconds"]),
                format_exact(group["seconds"]),
                format_exact(group["rounded_seconds"]),
            )
            for group in api["groups"]
        ]
        # Four entries each rounded up to a whole hour (the 95-minute one to two).
        assert api["totals"]["rounded_seconds"] == 5 * 3600
        assert '<dd id="report-rounded">5:00</dd>' in page.text
        assert '<th scope="col">Rounded</th>' in page.text
        for query in _download_queries(page.text):
            assert query == {**base, **rounding}

    def test_no_rounding_ignores_the_step(self, signed_in: Browser, world, session):
        _some_time(session, world)
        page = signed_in.get(
            "/app/reports",
            params={"period": "this_week", "rounding": "none", "rounding_minutes": "15"},
        )
        assert page.status_code == 200
        assert '<th scope="col">Rounded</th>' not in page.text
        for query in _download_queries(page.text):
            assert "rounding" not in query
            assert "rounding_minutes" not in query

    def test_filtered_csv_is_the_api_export(
        self, signed_in: Browser, world: FirmWorld, client: TestClient, session: Session
    ):
        member = _some_time(session, world)
        form = {"period": "this_week", "billable": "false", "rounding": "nearest"}
        page = signed_in.get("/app/reports", params={**form, "rounding_minutes": "30"})
        href = re.search(r'<a href="([^"]*)" download>Download CSV</a>', page.text)
        assert href
        mine = signed_in.get(href[1].replace("&amp;", "&"))
        query = {
            "group_by": "client",
            "period": "this_week",
            "filter[billable]": "false",
            "rounding": "nearest",
            "rounding_minutes": "30",
        }
        api = client.get("/api/v1/reports/summary.csv", params=query, headers=world.owner.headers())
        assert mine.status_code == api.status_code == 200
        assert mine.content == api.content
        assert member.account.name not in mine.text  # grouped by client, not staff
        assert "Priya Shah" in mine.text

    def test_a_bad_filter_value_shows_the_service_message(self, signed_in: Browser):
        page = signed_in.get("/app/reports", params={"period": "this_week", "staff": "someone"})
        assert page.status_code == 422
        assert 'role="alert"' in page.text
        assert "Pick a staff member from the list: &#39;someone&#39; is not one." in page.text
        assert "Run report" in page.text
        bad_step = signed_in.get(
            "/app/reports",
            params={"period": "this_week", "rounding": "up", "rounding_minutes": "7"},
        )
        assert bad_step.status_code == 422
        # In the form's words (its label), never the API's field name.
        assert "Rounding step must be one of" in bad_step.text
        assert "rounding_minutes field" not in bad_step.text
        assert '<option value="up" selected>' in bad_step.text

    def test_pickers_list_staff_and_clients(self, signed_in: Browser, world: FirmWorld):
        page = signed_in.get("/app/reports").text
        assert '<option value="">Everyone</option>' in page
        assert f'<option value="{world.owner.account.uuid}" >' in page
        assert f'<option value="{world.client.uuid}" >Gareth Thompson</option>' in page
        assert f'<option value="{world.other_client.uuid}" >Priya Shah</option>' in page
        for label in ("Staff member", "Client", "Billable", "Rounding", "Rounding step (minutes)"):
            assert f">{label}</label>" in page

    def test_every_id_on_the_page_is_unique(self, signed_in: Browser, world, session):
        """A label names its control by id: a total and a filter once shared one."""
        _some_time(session, world)
        page = signed_in.get(
            "/app/reports",
            params={"period": "this_week", "rounding": "up", "rounding_minutes": "15"},
        ).text
        ids = re.findall(r'\sid="([^"]+)"', page.split("<svg ", 1)[0])
        assert "report-billable" in ids
        assert "report-rounded" in ids
        assert len(ids) == len(set(ids)), sorted(i for i in ids if ids.count(i) > 1)
