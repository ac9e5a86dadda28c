"""Command-line tests share one process: what a command writes to the environment
(``serve`` sets ``TIMELEDGER_PUBLIC_URL`` for the app it starts) is undone after each test."""

from __future__ import annotations

import os
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy.orm import Session
from typer.testing import CliRunner

from tests.factories import FirmWorld
from timeledger.tokens.service import issue_token


@pytest.fixture(autouse=True)
def _public_url_restored(monkeypatch: pytest.MonkeyPatch) -> None:
    # Recording the variable first makes monkeypatch restore it (or its absence) afterwards.
    monkeypatch.setenv("TIMELEDGER_PUBLIC_URL", os.environ.get("TIMELEDGER_PUBLIC_URL", ""))
    monkeypatch.delenv("TIMELEDGER_PUBLIC_URL")


def token_for(session: Session, world: FirmWorld) -> str:
    """A personal access token of the world's owner, valid on the real clock the CLI runs
    on (a day from now)."""
    token = issue_token(
        session,
        user=world.owner.user,
        name="cli",
        now=datetime.now(UTC),
        lifetime=timedelta(days=1),
    )
    return token.plain_text


def runner(database_url: str, token: str) -> CliRunner:
    """A runner on ``database_url`` signed in with ``token``; wide, so lines never wrap."""
    return CliRunner(
        env={"TIMELEDGER_DATABASE_URL": database_url, "TIMELEDGER_TOKEN": token, "COLUMNS": "200"}
    )
