"""The CLI's unit of work: one transaction per command, committed when it succeeds."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import typer
from sqlalchemy.orm import Session

from timeledger import migrations
from timeledger.config import Settings
from timeledger.db import build_engine, build_session_factory, unit_of_work
from timeledger.errors import AppError, NotFound, ValidationFailed
from timeledger.firms import service as firms
from timeledger.models import Firm


@contextmanager
def command_session(settings: Settings) -> Iterator[Session]:
    engine = build_engine(settings)
    try:
        with unit_of_work(build_session_factory(engine)) as session:
            yield session
    except ValidationFailed as exc:
        for field, messages in exc.errors.items():
            for message in messages:
                typer.echo(f"Error: {field}: {message}", err=True)
        raise typer.Exit(code=1) from exc
    except AppError as exc:
        typer.echo(f"Error: {exc.message}", err=True)
        raise typer.Exit(code=1) from exc
    finally:
        engine.dispose()


def upgrade_database(settings: Settings) -> None:
    migrations.upgrade(settings.database_url)


def firm_named(session: Session, reference: str) -> Firm:
    """The firm a command names by UUID or slug."""
    firm = firms.find_firm(session, reference)
    if firm is None:
        raise NotFound(f"No firm with the UUID or slug {reference}.")
    return firm
