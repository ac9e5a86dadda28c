"""A new firm, from nothing to a logged time entry, through the CLI alone."""

from __future__ import annotations

import csv
import json
import re
from pathlib import Path

import pytest
from sqlalchemy import Engine
from typer.testing import CliRunner

from timeledger.cli import app

# Issue 15: every statement the app sends on firm data names its firm (tests/tenancy).
pytestmark = pytest.mark.usefixtures("firm_filter_guard")


@pytest.fixture
def cli(committed_engine: Engine, database_url: str) -> CliRunner:
    # The CLI commits for real; committed_engine empties the tables afterwards.
    return CliRunner(env={"TIMELEDGER_DATABASE_URL": database_url, "TIMELEDGER_TOKEN": None})


def run(cli: CliRunner, *args: str) -> str:
    result = cli.invoke(app, list(args))
    assert result.exit_code == 0, result.output
    return result.output


def test_from_an_empty_firm_to_a_time_entry(cli: CliRunner, tmp_path: Path) -> None:
    made = run(cli, "firm", "create", "Fresh Start Planning", "--time-zone", "Europe/Dublin")
    firm_uuid = re.search(r"uuid ([0-9a-f-]{36})", made)
    assert firm_uuid is not None, made
    assert "slug fresh-start-planning" in made

    user = run(
        cli,
        *("user", "create", "--firm", "fresh-start-planning", "--email", "Owner@Fresh.example"),
        *("--first-name", "Orla", "--role", "owner", "--password", "a long password"),
    )
    assert "User owner@fresh.example (created); owner account Orla" in user

    records = tmp_path / "records.csv"
    records.write_text(
        "kind,ref,first_name,last_name,name,participants,on\n"
        "client,c1,Aoife,Byrne,,,\n"
        "case,k1,,,House move,c1,\n"
        "task,,,,Valuation,,k1\n",
        encoding="utf-8",
    )
    refs = tmp_path / "refs.csv"
    imported = run(
        cli, "import", "records", str(records), "--firm", firm_uuid.group(1), "--refs", str(refs)
    )
    assert imported.strip() == "Imported 3 records: 1 clients, 1 cases, 1 tasks."
    created = {row[0]: row[2] for row in csv.reader(refs.read_text().splitlines()[1:])}
    assert set(created) == {"c1", "k1"}

    token = run(cli, "token", "create", "--email", "owner@fresh.example", "--name", "cli").strip()
    assert token.startswith("tl_")
    listed = run(cli, "token", "list", "--email", "owner@fresh.example")
    assert re.search(
        r"^[0-9a-f-]{36}  cli  active until \d{4}-\d{2}-\d{2}  last used never$", listed.strip()
    )

    client_uuid = created["c1"]
    log = ["time", "log", "--token", token, "--on", "client", "--uuid", client_uuid]
    times = ["--start", "2025-08-07 10:00:00", "--end", "2025-08-07 11:30:00"]
    entry = json.loads(run(cli, *log, "--name", "First meeting", *times))
    assert entry["trackable"]["first_name"] == "Aoife"
    assert entry["start_date"] == "2025-08-07T10:00:00+01:00"
    assert entry["total_time_in_minutes"] == 90
    assert entry["account"]["first_name"] == "Orla"
