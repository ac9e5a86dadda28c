"""The CLI's unit of work: one transaction per command, committed when it succeeds."""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime
from typing import Any, TypeVar

import typer
from pydantic import BaseModel, ValidationError
from sqlalchemy.orm import Session

from timeledger import migrations
from timeledger.auth.service import Actor, authenticate
from timeledger.config import Settings
from timeledger.db import build_engine, build_session_factory, unit_of_work
from timeledger.errors import AppError, NotFound, ValidationFailed, laravel_errors
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


M = TypeVar("M", bound=BaseModel)

TokenOption = typer.Option(
    ..., envvar="TIMELEDGER_TOKEN", help="A personal access token (or TIMELEDGER_TOKEN)."
)
AccountOption = typer.Option(None, help="Act as this account (X-PLANNR-ACCOUNT-UUID).")


def validated(model: type[M], raw: dict[str, Any]) -> M:
    """``raw`` (None values dropped) read as the API reads a body; 422-style errors."""
    try:
        return model.model_validate({k: v for k, v in raw.items() if v is not None})
    except ValidationError as exc:
        raise ValidationFailed(laravel_errors(exc.errors())[1]["errors"]) from None


def acting(session: Session, token: str, account: str | None, now: datetime) -> Actor:
    """The caller a token (and optional account) stands for, as the API authenticates."""
    return authenticate(session, bearer=token, account_header=account, now=now)


def echo_json(model: BaseModel) -> None:
    typer.echo(json.dumps(model.model_dump(mode="json", by_alias=True), indent=2))
