"""``timeledger webhook ...`` and ``timeledger worker --once`` against the test database."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest
from sqlalchemy import Engine
from typer.testing import CliRunner

from tests.reliability.live import committed_world
from tests.webhooks.receiver import Receiver
from timeledger.cli import app


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    receiver = Receiver()
    yield receiver
    receiver.close()


@pytest.fixture
def cli(committed_engine: Engine, database_url: str) -> CliRunner:
    world = committed_world(committed_engine)
    return CliRunner(
        env={
            "TIMELEDGER_DATABASE_URL": database_url,
            "TIMELEDGER_WEBHOOK_ALLOW_HOSTS": "127.0.0.1",
            "TIMELEDGER_TOKEN": world.owner.token,
        }
    )


def ok(cli: CliRunner, *args: str) -> Any:
    result = cli.invoke(app, list(args))
    assert result.exit_code == 0, result.output
    return json.loads(result.output) if result.output.startswith(("{", "[")) else result.output


def test_subscription_lifecycle(cli: CliRunner, receiver: Receiver) -> None:
    created = ok(cli, "webhook", "create", "--url", receiver.url, "--event", "time-entry.*")
    sub = created["uuid"]
    assert created["events"] == ["time-entry.*"]
    assert [s["uuid"] for s in ok(cli, "webhook", "list")["data"]] == [sub]
    assert ok(cli, "webhook", "update", sub, "--disable")["enabled"] is False
    assert ok(cli, "webhook", "update", sub, "--enable", "--event", "*")["events"] == ["*"]
    ping = ok(cli, "webhook", "ping", sub)
    assert ping["status"] == "pending"
    assert "Attempted 1 deliveries." in ok(cli, "worker", "--once")
    (got,) = receiver.wait_for(1)
    assert json.loads(got.body)["type"] == "webhook.ping"
    log = ok(cli, "webhook", "deliveries", sub)["data"]
    assert [(d["uuid"], d["status"]) for d in log] == [(ping["uuid"], "succeeded")]
    assert ok(cli, "webhook", "retry", ping["uuid"])["status"] == "pending"
    rotated = ok(cli, "webhook", "rotate-secret", sub)
    assert rotated["signing_secret"] != created["signing_secret"]
    assert ok(cli, "webhook", "delete", sub)["uuid"] == sub
    assert ok(cli, "webhook", "list")["data"] == []


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--url", "https://10.0.0.1/hook", "--event", "*"], "Error: url: "),
        (["--url", "https://93.184.216.34/x", "--event", "nope"], "Error: events: "),
    ],
)
def test_bad_input_is_one_line(cli: CliRunner, args: list[str], message: str) -> None:
    result = cli.invoke(app, ["webhook", "create", *args])
    assert result.exit_code == 1
    assert result.output.startswith(message)
    assert "Traceback" not in result.output
