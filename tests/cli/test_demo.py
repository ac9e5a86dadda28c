"""`timeledger demo` and `timeledger token create`, against the test database."""

from __future__ import annotations

import json
import os
import re
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine, func, select
from typer.testing import CliRunner

from tests.conftest import FROZEN_NOW
from tests.support import FrozenClock
from timeledger.app import create_app
from timeledger.cli import app as cli
from timeledger.config import Settings
from timeledger.db import build_session_factory
from timeledger.models import BillingRate

runner = CliRunner()


@pytest.fixture
def cli_database(
    committed_engine: Engine, database_url: str, monkeypatch: pytest.MonkeyPatch
) -> Engine:
    """The CLI reads TIMELEDGER_DATABASE_URL; point it at the test database."""
    monkeypatch.setenv("TIMELEDGER_DATABASE_URL", database_url)
    return committed_engine


def run(*args: str) -> Any:
    result = runner.invoke(cli, list(args))
    assert result.exit_code == 0, result.output
    return result


def test_demo_json_names_every_record(cli_database):
    seeded = json.loads(run("demo", "--json").stdout)
    assert set(seeded) == {"token", "account_uuid", "firm_uuid", "trackables"}
    assert set(seeded["trackables"]) == {"client", "case", "circle", "task", "board_task", "firm"}
    assert seeded["trackables"]["firm"] == seeded["firm_uuid"]
    assert seeded["token"].startswith("tl_")


def test_demo_reuses_its_records_and_issues_a_fresh_token(cli_database):
    first = json.loads(run("demo", "--json").stdout)
    second = json.loads(run("demo", "--json").stdout)
    assert first["trackables"] == second["trackables"]
    assert first["account_uuid"] == second["account_uuid"]
    assert first["token"] != second["token"]


def test_demo_firms_are_separate_tenants(cli_database):
    first = json.loads(run("demo", "--json").stdout)
    other = json.loads(run("demo", "--json", "--firm", "Other Planning").stdout)
    assert other["firm_uuid"] != first["firm_uuid"]
    assert other["account_uuid"] != first["account_uuid"]


def test_the_seed_request_works_with_the_printed_token(cli_database, settings: Settings):
    seeded = json.loads(run("demo", "--json").stdout)
    app = create_app(
        settings, session_factory=build_session_factory(cli_database), clock=FrozenClock(FROZEN_NOW)
    )
    with TestClient(app) as client:
        response = client.post(
            "/api/v1/time-entry",
            headers={"Authorization": f"Bearer {seeded['token']}"},
            json={
                "trackable_type": "Client",
                "trackable_uuid": seeded["trackables"]["client"],
                "name": "Research",
                "description": "Research for the new project.",
                "start_date": "2025-08-07T12:56:42+01:00",
                "end_date": "2025-08-07T13:41:42+01:00",
                "total_time_in_minutes": 200,
            },
        )
    assert response.status_code == 200
    assert response.json()["total_time_in_minutes"] == 45
    assert response.json()["account"]["uuid"] == seeded["account_uuid"]
    # The demo firm's default rate (GBP 150.00 an hour), seeded once however often it runs.
    assert response.json()["amount"] == {"amount": 11250, "currency": "GBP"}
    run("demo", "--json")
    with cli_database.connect() as connection:
        assert connection.scalar(select(func.count()).select_from(BillingRate)) == 1


def test_demo_prints_a_ready_to_paste_curl(cli_database):
    output = run("demo").stdout
    assert "Token (shown once): tl_" in output
    assert "curl --request POST" in output
    assert "/api/v1/time-entry" in output
    assert "Owner password (shown once):" in output


def test_token_create_issues_a_working_token(cli_database, settings: Settings):
    run("demo", "--json")
    email = "owner@demo-financial-planning.example"
    token = run("token", "create", "--email", email, "--name", "zapier").stdout.strip()
    assert token.startswith("tl_")
    app = create_app(
        settings, session_factory=build_session_factory(cli_database), clock=FrozenClock(FROZEN_NOW)
    )
    with TestClient(app) as client:
        seeded = json.loads(run("demo", "--json").stdout)
        response = client.post(
            "/api/v1/time-entry",
            headers={"Authorization": f"Bearer {token}"},
            json={
                "trackable_type": "firm",
                "trackable_uuid": seeded["firm_uuid"],
                "name": "Admin",
                "total_time_in_minutes": 5,
            },
        )
    assert response.status_code == 200


def test_token_create_for_an_unknown_user_fails_clearly(cli_database):
    result = runner.invoke(cli, ["token", "create", "--email", "nobody@example.com"])
    assert result.exit_code == 1
    assert "No user with the email nobody@example.com" in result.output


def test_help_lists_the_commands():
    output = run("--help").stdout
    for command in ("serve", "demo", "db", "token"):
        assert command in output


def test_serve_demo_prints_a_curl_for_the_port_it_serves_on(cli_database, monkeypatch):
    served: dict[str, Any] = {}
    monkeypatch.setattr("timeledger.cli.serve.uvicorn.run", lambda *a, **kw: served.update(kw))
    output = run("serve", "--demo", "--port", "9999").stdout
    assert "curl --request POST http://127.0.0.1:9999/api/v1/time-entry" in output
    assert (served["port"], served["factory"]) == (9999, True)
    # Pagination links of the app it serves point at that port too.
    assert os.environ["TIMELEDGER_PUBLIC_URL"] == "http://127.0.0.1:9999"


def test_running_the_demo_again_revokes_the_previous_token_and_keeps_the_password(
    cli_database, settings: Settings
):
    """Issue 10, class 1: ``serve --demo`` on every start must not pile up live year-long
    tokens or print a new password: the previous demo token is revoked, the password is
    printed only when the owner is created."""
    first = run("demo").stdout
    second = run("demo").stdout
    first_token = first.split("Token (shown once): ")[1].split()[0]
    second_token = second.split("Token (shown once): ")[1].split()[0]
    password = first.split("Owner password (shown once): ")[1].split()[0]
    assert "Owner password (shown once):" not in second
    assert password not in second
    assert "It replaces the previous demo token, which is now revoked." in second
    app = create_app(
        settings, session_factory=build_session_factory(cli_database), clock=FrozenClock(FROZEN_NOW)
    )
    with TestClient(app) as client:
        old = client.get("/api/v1/time-entry", headers={"Authorization": f"Bearer {first_token}"})
        new = client.get("/api/v1/time-entry", headers={"Authorization": f"Bearer {second_token}"})
    assert old.status_code == 401
    assert new.status_code == 200
    listed = run("token", "list", "--email", "owner@demo-financial-planning.example").stdout
    assert [line for line in listed.splitlines() if "demo" in line and "active" in line] == [
        line for line in listed.splitlines() if "active" in line
    ]
    assert sum("active until" in line for line in listed.splitlines()) == 1


def _web_sign_in(settings: Settings, cli_database: Engine, email: str, password: str) -> str:
    app = create_app(
        settings, session_factory=build_session_factory(cli_database), clock=FrozenClock(FROZEN_NOW)
    )
    with TestClient(app) as client:
        client.get("/app/sign-in")
        answer = client.post(
            "/app/sign-in/submit",
            data={"email": email, "password": password},
            headers={"HX-Request": "true", "X-CSRFToken": client.cookies["csrftoken"]},
        )
    return answer.headers.get("HX-Redirect", "")


def test_serve_demo_prints_a_web_sign_in_that_works_after_a_restart(
    cli_database, monkeypatch, settings: Settings
):
    monkeypatch.setattr("timeledger.cli.serve.uvicorn.run", lambda *a, **kw: None)
    first = run("serve", "--demo", "--port", "9999").stdout
    second = run("serve", "--demo", "--port", "9999").stdout
    match = re.search(
        r"Web app: http://127\.0\.0\.1:9999/app  \(sign in as (\S+), password (\S+)\)", first
    )
    assert match is not None, first
    assert f"Web app: http://127.0.0.1:9999/app  (sign in as {match[1]};" in second
    assert match[2] not in second
    assert _web_sign_in(settings, cli_database, match[1], match[2]) == "/app/timer"


def test_demo_new_password_prints_one_that_works(cli_database, settings: Settings):
    run("demo")
    output = run("demo", "--new-password").stdout
    match = re.search(r"sign in as (\S+), password (\S+)\)", output)
    assert match is not None, output
    assert _web_sign_in(settings, cli_database, match[1], match[2]) == "/app/timer"
