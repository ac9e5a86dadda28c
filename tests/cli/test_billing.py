"""Billing through the CLI: firm settings, rates, tags, invoicing and the lock, acting with
a personal access token exactly as the API does."""

from __future__ import annotations

import json
import re

import pytest
from sqlalchemy import Engine
from typer.testing import CliRunner, Result

from timeledger.cli import app


@pytest.fixture
def cli(committed_engine: Engine, database_url: str) -> CliRunner:
    return CliRunner(env={"TIMELEDGER_DATABASE_URL": database_url, "TIMELEDGER_TOKEN": None})


def invoke(cli: CliRunner, *args: str) -> Result:
    return cli.invoke(app, list(args))


def run(cli: CliRunner, *args: str) -> str:
    result = invoke(cli, *args)
    assert result.exit_code == 0, result.output
    return result.output


@pytest.fixture
def token(cli: CliRunner) -> str:
    run(cli, "firm", "create", "Ledger Planning")
    run(
        cli,
        *("user", "create", "--firm", "ledger-planning", "--email", "o@ledger.example"),
        *("--first-name", "Olu", "--role", "owner", "--password", "a long password"),
    )
    return run(cli, "token", "create", "--email", "o@ledger.example").strip()


def test_settings_rates_tags_invoice_and_lock(cli: CliRunner, token: str) -> None:
    auth = ("--token", token)
    firm = json.loads(
        run(
            cli,
            *("firm", "update", "--currency", "EUR", "--billable", "firm=yes"),
            *("--members-see-amounts", *auth),
        )
    )
    assert (firm["currency"], firm["billable_default"]["firm"], firm["members_see_amounts"]) == (
        "EUR",
        True,
        True,
    )
    bad = invoke(cli, "firm", "update", "--currency", "EURO", *auth)
    assert bad.exit_code == 1
    assert bad.output.startswith("Error: currency: The currency must be an ISO 4217 code")

    rule = json.loads(
        run(cli, "rate", "create", "--hourly-rate", "12000", "--from", "2025-01-01", *auth)
    )
    assert (rule["level"], rule["currency"]) == ("firm", "EUR")
    overlap = invoke(cli, "rate", "create", "--hourly-rate", "1", "--from", "2025-06-01", *auth)
    assert overlap.exit_code == 1
    assert "Error: effective_from: The dates overlap" in overlap.output
    listed = run(cli, "rate", "list", "--on", "2025-08-07", *auth)
    assert listed.strip() == f"{rule['uuid']}  firm  12000 EUR/h  2025-01-01 to open"

    tagged = run(cli, "tag", "create", "Research", *auth)
    tag_uuid = re.search(r"uuid ([0-9a-f-]{36})", tagged)
    assert tag_uuid is not None
    assert (
        run(cli, "tag", "rename", tag_uuid.group(1), "Deep research", *auth)
        .strip()
        .endswith("is now Deep research.")
    )
    assert run(cli, "tag", "list", *auth).strip() == f"{tag_uuid.group(1)}  Deep research"

    firm_uuid = firm["uuid"]
    entry = json.loads(
        run(
            cli,
            *("time", "log", "--on", "firm", "--uuid", firm_uuid, "--name", "Admin"),
            *("--start", "2025-08-04 09:00:00", "--minutes", "30", *auth),
        )
    )
    assert entry["billable"] is True
    assert entry["amount"] == {"amount": 6000, "currency": "EUR"}

    run(cli, "rate", "update", rule["uuid"], "--hourly-rate", "14000", *auth)
    assert run(cli, "rate", "reprice", rule["uuid"], "--from", "2025-08-01", *auth).strip() == (
        "Checked 1, changed 1, skipped 0 locked."
    )
    invoiced = json.loads(
        run(cli, "time", "invoice", "--entry", entry["uuid"], "--ref", "I-1", *auth)
    )
    assert invoiced["invoiced"] == 1
    again = invoke(cli, "time", "invoice", "--entry", entry["uuid"], *auth)
    assert again.exit_code == 1
    assert "already invoiced" in again.output

    locked = json.loads(run(cli, "firm", "lock", "--before", "2025-08-01", *auth))
    assert locked["locked_before"] == "2025-08-01T00:00:00+01:00"
    assert json.loads(run(cli, "firm", "lock", *auth))["locked_before"] is None
    assert run(cli, "tag", "archive", tag_uuid.group(1), *auth).startswith("Archived tag")
    assert run(cli, "rate", "archive", rule["uuid"], *auth).startswith("Archived billing rate")
    assert run(cli, "rate", "list", *auth).strip() == "No billing rates."
    assert "archived" in run(cli, "rate", "list", "--archived", *auth)
    assert run(cli, "tag", "list", *auth).strip() == "No tags."
