from __future__ import annotations

import csv
import io
from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import openpyxl
import pytest
from fastapi.testclient import TestClient
from pypdf import PdfReader
from sqlalchemy.orm import Session

from tests.conftest import FROZEN_NOW
from tests.factories import FirmWorld, make_client
from tests.factories.time_entries import make_entry

LONDON = ZoneInfo("Europe/London")
MARCH = {"from": "2026-03-01", "to": "2026-03-31"}


def local(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=LONDON).astimezone(UTC)


@pytest.fixture
def march(session: Session, world: FirmWorld) -> FirmWorld:
    owner = world.owner.account
    start = local(2026, 3, 2, 9)
    make_entry(session, account=owner, on=world.client, start=start, minutes=90)
    make_entry(session, account=owner, on=world.case, start=start + timedelta(days=1), minutes=7)
    make_entry(
        session,
        account=owner,
        on=world.firm,
        start=start + timedelta(days=2),
        minutes=45,
        name='=HYPERLINK("http://evil")',
    )
    return world


def fetch(client: TestClient, world: FirmWorld, path: str, **params: str) -> Any:
    response = client.get(f"/api/v1/reports/{path}", params=params, headers=world.owner.headers())
    assert response.status_code == 200, response.text
    return response


class TestCsv:
    def test_detailed_round_trips_with_bom_and_neutralised_formulas(
        self, client: TestClient, march: FirmWorld
    ) -> None:
        response = fetch(client, march, "detailed.csv", **MARCH)
        assert response.headers["content-type"].startswith("text/csv")
        assert response.headers["content-disposition"].startswith(
            'attachment; filename="timeledger-detailed-2026-03-01-to-2026-03-31.csv"'
        )
        assert response.content.startswith(b"\xef\xbb\xbf")
        rows = list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"))))
        assert [row["Seconds"] for row in rows[:-1]] == ["5400", "420", "2700"]
        assert rows[0]["Duration"] == "1:30:00"
        assert rows[0]["Hours"] == "1.50"
        assert rows[2]["Name"] == '\'=HYPERLINK("http://evil")'
        assert rows[-1]["Seconds"] == str(5400 + 420 + 2700)

    def test_without_bom(self, client: TestClient, march: FirmWorld) -> None:
        response = fetch(client, march, "summary.csv", **MARCH, bom="false", group_by="client")
        assert not response.content.startswith(b"\xef\xbb\xbf")
        rows = list(csv.reader(io.StringIO(response.content.decode())))
        assert rows[0][:2] == ["Level", "Client"]
        assert rows[-1][1] == "Total"

    def test_bad_format_and_report(self, client: TestClient, march: FirmWorld) -> None:
        headers = march.owner.headers()
        odt = client.get("/api/v1/reports/summary.odt", params=MARCH, headers=headers)
        assert odt.status_code == 422
        assert "format" in odt.json()["errors"]
        nothing = client.get("/api/v1/reports/planets.csv", params=MARCH, headers=headers)
        assert nothing.status_code == 404
        bad = client.get(
            "/api/v1/reports/summary.csv", params={**MARCH, "bom": "x"}, headers=headers
        )
        assert bad.status_code == 422


class TestXlsx:
    def test_summary_totals_match_the_json(self, client: TestClient, march: FirmWorld) -> None:
        query = {**MARCH, "group_by": "client,staff", "rounding": "up", "rounding_minutes": "15"}
        body = fetch(client, march, "summary", **query).json()
        response = fetch(client, march, "summary.xlsx", **query)
        assert response.headers["content-disposition"].startswith(
            'attachment; filename="timeledger-summary-2026-03-01-to-2026-03-31.xlsx"'
        )
        sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
        assert sheet is not None
        rows = list(sheet.iter_rows(values_only=True))
        header = rows[0]
        assert sheet.freeze_panes == "A2"
        total = dict(zip(header, rows[-1], strict=True))
        assert total["Client"] == "Total"
        assert total["Entries"] == body["totals"]["entries"]
        assert total["Seconds"] == body["totals"]["seconds"]
        assert total["Rounded seconds"] == body["totals"]["rounded_seconds"]
        assert total["Hours"] == pytest.approx(body["totals"]["seconds"] / 3600)
        assert total["Duration"] == timedelta(seconds=body["totals"]["seconds"])
        assert (
            sheet.cell(row=len(rows), column=header.index("Duration") + 1).number_format
            == "[h]:mm:ss"
        )
        top = [dict(zip(header, row, strict=True)) for row in rows[1:-1] if row[0] == 1]
        assert sum(row["Seconds"] for row in top) == body["totals"]["seconds"]
        assert [row["Client"] for row in top] == ["Gareth Thompson", "(the firm)"]

    def test_weekly_grid(self, client: TestClient, march: FirmWorld) -> None:
        response = fetch(client, march, "weekly.xlsx", week_of="2026-03-04")
        sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
        assert sheet is not None
        rows = list(sheet.iter_rows(values_only=True))
        assert rows[0][3] == "Mon 2026-03-02"
        assert rows[-1][0] == "Total"
        assert rows[-1][-1] == timedelta(seconds=5400 + 420 + 2700)


class TestPdf:
    def test_summary_has_the_firm_period_and_totals(
        self, client: TestClient, march: FirmWorld
    ) -> None:
        response = fetch(client, march, "summary.pdf", **MARCH, group_by="client")
        assert response.headers["content-type"] == "application/pdf"
        reader = PdfReader(io.BytesIO(response.content))
        assert len(reader.pages) == 1
        text = reader.pages[0].extract_text()
        assert "Acme Planning: summary report, 2026-03-01 to 2026-03-31" in text
        assert "Europe/London" in text
        assert "Gareth Thompson" in text
        assert "Page 1 of 1" in text
        assert "2:22:00" in text  # 90 + 7 + 45 minutes

    def test_a_long_detailed_report_has_numbered_pages(
        self, client: TestClient, world: FirmWorld, session: Session
    ) -> None:
        other = make_client(session, world.firm, now=FROZEN_NOW, first="Zoë", last="Ángel")
        start = local(2026, 3, 2, 8)
        for index in range(120):
            make_entry(
                session,
                account=world.owner.account,
                on=other,
                start=start + timedelta(minutes=5 * index),
                minutes=5,
            )
        response = fetch(client, world, "detailed.pdf", **MARCH)
        reader = PdfReader(io.BytesIO(response.content))
        pages = len(reader.pages)
        assert pages >= 3
        assert f"Page {pages} of {pages}" in reader.pages[-1].extract_text()
        assert "Zoë Ángel" in reader.pages[0].extract_text()
        assert "Total: 120 entries" in reader.pages[-1].extract_text()


def test_every_key_has_a_label_in_a_summary_csv(client: TestClient, march: FirmWorld) -> None:
    response = fetch(
        client,
        march,
        "summary.csv",
        **MARCH,
        group_by="tax_year,trackable_type,trackable",
        rounding="nearest",
        rounding_minutes="6",
    )
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    labels = {tuple(row[1:4]) for row in rows[1:-1] if row[0] == "3"}
    assert labels == {
        ("2025-04-06 to 2026-04-05", "Case", "Pension transfer"),
        ("2025-04-06 to 2026-04-05", "Client", "Gareth Thompson"),
        ("2025-04-06 to 2026-04-05", "Firm", "Acme Planning"),
    }
