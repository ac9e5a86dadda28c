"""The CLI's unit of work: one transaction per command, committed when it succeeds."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import typer
from sqlalchemy.orm import Session

from timeledger import migrations
from timeledger.config import Settings
from timeledger.db import build_engine, build_session_factory, unit_of_work
from timeledger.errors import AppError


@contextmanager
def command_session(settings: Settings) -> Iterator[Session]:
    engine = build_engine(settings)
    try:
        with unit_of_work(build_session_factory(engine)) as session:
            yield session
    except AppError as exc:
        typer.echo(f"Error: {exc.message}", err=True)
        raise typer.Exit(code=1) from exc
    finally:
        engine.dispose()


def upgrade_database(settings: Settings) -> None:
    migrations.upgrade(settings.database_url)
