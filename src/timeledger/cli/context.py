"""The CLI's unit of work: one transaction per command, committed when it succeeds."""

from __future__ import annotations

import json
import os
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path
from typing import IO, Any, TypeVar

import typer
from pydantic import BaseModel, ValidationError
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session

from timeledger import migrations
from timeledger.auth.service import Actor, authenticate
from timeledger.cli.db import report_upgrade
from timeledger.cli.failures import UPGRADE_HINT, CommandFailed, describe_database
from timeledger.config import Settings
from timeledger.db import build_engine, build_session_factory, is_sqlite, unit_of_work
from timeledger.errors import AppError, NotFound, ValidationFailed, laravel_errors
from timeledger.firms import service as firms
from timeledger.models import Firm


def require_database(settings: Settings) -> None:
    """Refuse (``CommandFailed``) a database that is missing or not at this code's
    revision, so an administration command never creates an empty SQLite file in the
    wrong folder or fails half-way on a missing table."""
    url = settings.database_url
    database = describe_database(url)
    if is_sqlite(url):
        path = make_url(url).database or ""
        if path not in {"", ":memory:"} and not Path(path).expanduser().exists():
            raise CommandFailed(
                f"there is no database at {database.removeprefix('the SQLite file ')}: "
                f"{UPGRADE_HINT}, or set TIMELEDGER_DATABASE_URL to your database."
            )
    current = migrations.current_revision(url)
    head = migrations.head_revision()
    if current != head:
        state = f"at revision {current}" if current else "not set up"
        raise CommandFailed(f"{database} is {state}, this timeledger needs {head}: {UPGRADE_HINT}.")


@contextmanager
def command_session(settings: Settings) -> Iterator[Session]:
    require_database(settings)
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
    """Apply pending migrations and say which database is used (on standard error, so
    that standard output stays what the command prints)."""
    typer.echo(report_upgrade(settings.database_url), err=True)


def check_writable(path: Path, option: str) -> None:
    """Refuse (``CommandFailed``: one line, exit 1) a file an option names for writing
    that cannot be written: checked before the command does its work, so nothing is
    computed (or imported) only to fail at the end."""
    target = path.expanduser()
    if target.is_dir():
        reason = "it is a folder"
    elif not target.parent.is_dir():
        reason = f"the folder {target.parent} does not exist"
    elif not os.access(target if target.exists() else target.parent, os.W_OK):
        reason = "permission denied"
    else:
        return
    raise CommandFailed(f"cannot write {option} {path}: {reason}; name a file you may write.")


@contextmanager
def writing(path: Path, option: str) -> Iterator[IO[bytes]]:
    """``path`` opened for writing; any failure (full disk, a race) as one line."""
    try:
        with path.expanduser().open("wb") as target:
            yield target
    except OSError as exc:
        raise CommandFailed(
            f"cannot write {option} {path}: {exc.strerror or exc}; name a file you may write."
        ) from None


EXAMPLE_UUID = "9f1c2e4a-6b7d-4e8f-a1b2-c3d4e5f60718"


def uuid_value(value: str) -> uuid.UUID:
    """A command-line UUID; a bad one is quoted back with an example of the form."""
    try:
        return uuid.UUID(value.strip())
    except (ValueError, AttributeError):
        raise typer.BadParameter(
            f"{value!r} is not a UUID; expected 32 hex digits in the form {EXAMPLE_UUID}"
        ) from None


def firm_named(session: Session, reference: str) -> Firm:
    """The firm a command names by UUID or slug."""
    firm = firms.find_firm(session, reference)
    if firm is None:
        raise NotFound(f"No firm with the UUID or slug {reference}.")
    return firm


@contextmanager
def naming(kind: str, value: object) -> Iterator[None]:
    """Around the service call for a record a command names by UUID: when it is not there
    (or not in the caller's firm) the error names the kind and the UUID, "no tag with UUID
    ...", instead of the API's bare "Not Found."."""
    try:
        yield
    except NotFound:
        raise NotFound(f"no {kind} with UUID {value}.") from None


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
