from __future__ import annotations

import io
import json
from datetime import UTC, datetime
from pathlib import Path

import openpyxl
import pytest
from sqlalchemy import Engine
from sqlalchemy.orm import Session
from typer.testing import CliRunner

from tests.cli.conftest import runner, token_for
from tests.conftest import FROZEN_NOW
from tests.factories import FirmWorld, make_world
from tests.factories.time_entries import make_entry
from timeledger.cli import app


@pytest.fixture
def seeded(committed_engine: Engine) -> tuple[FirmWorld, str]:
    with Session(committed_engine, expire_on_commit=False) as session:
        world = make_world(session, now=FROZEN_NOW)
        token = token_for(session, world)
        start = datetime(2026, 3, 2, 9, tzinfo=UTC)
        make_entry(session, account=world.owner.account, on=world.client, start=start, minutes=90)
        make_entry(session, account=world.owner.account, on=world.case, start=start, minutes=30)
        session.commit()
    return world, token


@pytest.fixture
def cli(seeded: tuple[FirmWorld, str], database_url: str) -> CliRunner:
    return runner(database_url, seeded[1])


MARCH = ["--from", "2026-03-01", "--to", "2026-03-31"]


def test_summary_as_a_table_and_as_json(cli: CliRunner) -> None:
    table = cli.invoke(app, ["report", "summary", *MARCH, "--group-by", "client"])
    assert table.exit_code == 0, table.output
    assert "Gareth Thompson" in table.output
    assert "2:00:00" in table.output
    raw = cli.invoke(app, ["report", "summary", *MARCH, "--format", "json"])
    assert json.loads(raw.output)["totals"]["seconds"] == 7200


def test_weekly_and_detailed(cli: CliRunner) -> None:
    weekly = cli.invoke(app, ["report", "weekly", "--week-of", "2026-03-04"])
    assert weekly.exit_code == 0, weekly.output
    assert "Pension transfer" in weekly.output
    detailed = cli.invoke(
        app, ["report", "detailed", *MARCH, "--format", "json", "--per-page", "1"]
    )
    body = json.loads(detailed.output)
    assert len(body["data"]) == 1
    assert body["next_cursor"]


def test_export_to_a_file(cli: CliRunner, tmp_path: Path) -> None:
    target = tmp_path / "march.xlsx"
    result = cli.invoke(
        app, ["report", "detailed", *MARCH, "--format", "xlsx", "--output", str(target)]
    )
    assert result.exit_code == 0, result.output
    sheet = openpyxl.load_workbook(io.BytesIO(target.read_bytes())).active
    assert sheet is not None
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[-1][0] == "Total: 2 entries"


def test_bad_input_is_one_line(cli: CliRunner) -> None:
    result = cli.invoke(app, ["report", "summary", "--from", "2026-03-02", "--to", "2026-03-01"])
    assert result.exit_code == 1
    assert result.output.strip().splitlines() == [
        "Error: to: The to field must be a date after or equal to from."
    ]
    missing = cli.invoke(app, ["report", "summary", *MARCH, "--format", "pdf"])
    assert missing.exit_code == 1
    assert missing.output.strip() == "Error: --format pdf needs --output FILE"


def test_billable_filter_and_group(cli: CliRunner) -> None:
    every = json.loads(cli.invoke(app, ["report", "summary", *MARCH, "--format", "json"]).output)
    billable = cli.invoke(app, ["report", "summary", *MARCH, "--billable", "--format", "json"])
    assert billable.exit_code == 0, billable.output
    other = cli.invoke(app, ["report", "summary", *MARCH, "--non-billable", "--format", "json"])
    only, rest = json.loads(billable.output)["totals"], json.loads(other.output)["totals"]
    assert only["seconds"] == only["billable_seconds"] == every["totals"]["billable_seconds"]
    assert rest["billable_seconds"] == 0
    assert only["seconds"] + rest["seconds"] == 7200
    table = cli.invoke(app, ["report", "summary", *MARCH, "--group-by", "billable"])
    assert table.exit_code == 0, table.output
    assert "Billable" in table.output
    assert "Amounts" in table.output
