from __future__ import annotations

import json
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import typer
from pydantic import ValidationError

from timeledger.auth.service import authenticate
from timeledger.cli.context import (
    AccountOption,
    TokenOption,
    acting,
    command_session,
    echo_json,
    uuid_value,
    validated,
)
from timeledger.clock import SystemClock
from timeledger.config import Settings
from timeledger.errors import NotFound, ValidationFailed, laravel_errors
from timeledger.time_entries import service as time_entries
from timeledger.time_entries.schemas import InvoiceRequest, TimeEntryCreate
from timeledger.time_entries.service import invoice as invoices

app = typer.Typer(help="Log time from the command line, as the API would.", no_args_is_help=True)


@app.command()
def log(
    trackable_type: str = typer.Option(..., "--on", help="client, case, circle, task, ..."),
    trackable_uuid: uuid.UUID = typer.Option(
        ..., "--uuid", parser=uuid_value, help="The trackable's UUID."
    ),
    name: str = typer.Option(..., help="What the time was spent on."),
    description: str | None = typer.Option(None),
    start: str | None = typer.Option(None, help="start_date, as the API reads it."),
    end: str | None = typer.Option(None, help="end_date, as the API reads it."),
    minutes: int | None = typer.Option(None, help="total_time_in_minutes."),
    token: str = typer.Option(
        ..., envvar="TIMELEDGER_TOKEN", help="A personal access token (or TIMELEDGER_TOKEN)."
    ),
    account: uuid.UUID | None = typer.Option(
        None, parser=uuid_value, help="Act as this account (X-PLANNR-ACCOUNT-UUID)."
    ),
) -> None:
    """Create a time entry with a token, exactly as POST /api/v1/time-entry does; print it
    as JSON."""
    settings = Settings()
    raw: dict[str, Any] = {
        "trackable_type": trackable_type,
        "trackable_uuid": str(trackable_uuid),
        "name": name,
        "description": description,
        "start_date": start,
        "end_date": end,
        "total_time_in_minutes": minutes,
    }
    with command_session(settings) as session:
        try:
            data = TimeEntryCreate.model_validate({k: v for k, v in raw.items() if v is not None})
        except ValidationError as exc:
            raise ValidationFailed(
                _quoted(laravel_errors(exc.errors())[1]["errors"], raw)
            ) from None
        now = SystemClock().now()
        actor = authenticate(
            session,
            bearer=token,
            account_header=str(account) if account else None,
            now=now,
        )
        with _naming_the_trackable(trackable_type, trackable_uuid):
            entry = time_entries.create_time_entry(
                session, actor=actor, data=data, now=now, clock_skew=settings.clock_skew
            )
    typer.echo(json.dumps(entry.model_dump(mode="json"), indent=2))


@contextmanager
def _naming_the_trackable(trackable_type: str, trackable_uuid: uuid.UUID) -> Iterator[None]:
    """The API's 422 on ``trackable_uuid`` alone, for a person: which record was not found
    ("no case with UUID ... in this firm, or it is archived")."""
    try:
        yield
    except ValidationFailed as exc:
        if list(exc.errors) != ["trackable_uuid"]:
            raise
        kind = trackable_type.strip().lower().replace("_", " ")
        raise NotFound(
            f"no {kind} with UUID {trackable_uuid} in this firm, or it is archived."
        ) from None


DATE_EXAMPLE = "e.g. 2025-08-07 10:00:00 (in the firm's time zone) or 2025-08-07T10:00:00+01:00"
_OPTIONS = {"start_date": "--start", "end_date": "--end"}


def _quoted(errors: dict[str, list[str]], raw: dict[str, Any]) -> dict[str, list[str]]:
    """The API's messages, with a bad date option's value quoted and an example added."""
    quoted: dict[str, list[str]] = {}
    for field, messages in errors.items():
        if field in _OPTIONS and raw.get(field) is not None:
            messages = [
                f"{message.rstrip('.')}: {_OPTIONS[field]} {raw[field]!r}; {DATE_EXAMPLE}."
                for message in messages
            ]
        quoted[field] = messages
    return quoted


@app.command()
def invoice(
    entries: list[str] = typer.Option([], "--entry", help="A time entry's UUID; repeat."),
    between: str | None = typer.Option(
        None, help="Y-m-d,Y-m-d: instead of --entry, the entries that started then."
    ),
    accounts: str | None = typer.Option(None, help="With --between: whose (UUIDs, commas)."),
    ref: str | None = typer.Option(None, help="The invoice's reference."),
    token: str = TokenOption,
    account: str | None = AccountOption,
) -> None:
    """Mark entries invoiced, as POST /api/v1/time-entry/invoice (all or none)."""
    filters = {"between": between, "accounts": accounts}
    raw: dict[str, Any] = {
        "uuids": entries or None,
        "filter": {k: v for k, v in filters.items() if v} or None,
        "invoice_ref": ref,
    }
    with command_session(Settings()) as session:
        data = validated(InvoiceRequest, raw)
        now = SystemClock().now()
        actor = acting(session, token, account, now)
        echo_json(invoices.invoice_entries(session, actor=actor, data=data, now=now))
