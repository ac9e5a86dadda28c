"""``timeledger rate`` and ``timeledger tag``: billing rates and tags, as the API manages
them, acting with a personal access token (owners and admins for rates)."""

from __future__ import annotations

from typing import Any

import typer

from timeledger.billing.schemas import (
    BillingRateCreate,
    BillingRateUpdate,
    RepriceRequest,
    TagCreate,
    TagUpdate,
)
from timeledger.billing.service import rates, tags
from timeledger.cli.context import (
    AccountOption,
    TokenOption,
    acting,
    command_session,
    echo_json,
    naming,
    validated,
)
from timeledger.clock import SystemClock
from timeledger.config import Settings
from timeledger.kit.listing import ListParams, Sort

rate_app = typer.Typer(help="Dated hourly billing rates (owners and admins).", no_args_is_help=True)
tag_app = typer.Typer(help="The firm's tags for time entries.", no_args_is_help=True)


def _all(filters: dict[str, list[str]], sort: Sort) -> ListParams:
    return ListParams(filters=filters, sort=sort, page=1, per_page=500, url="")


@rate_app.command("list")
def list_rates(
    on: str | None = typer.Option(None, help="Only rules in effect on this local date."),
    archived: bool = typer.Option(False, help="Archived rules too."),
    token: str = TokenOption,
    account: str | None = AccountOption,
) -> None:
    """Print the rules, one per line: UUID, level, rate, currency, dates."""
    filters: dict[str, list[str]] = {"archived": ["1" if archived else "0"]}
    if on:
        filters["on"] = [on]
    with command_session(Settings()) as session:
        actor = acting(session, token, account, SystemClock().now())
        page = rates.list_rates(
            session, actor=actor, params=_all(filters, Sort("effective_from", True))
        )
    lines = [
        f"{r.uuid}  {r.level}  {r.hourly_rate} {r.currency}/h  {r.effective_from} to "
        f"{r.effective_to or 'open'}{'  archived' if r.archived_at else ''}"
        for r in page.data
    ]
    typer.echo("\n".join(lines) if lines else "No billing rates.")


@rate_app.command("create")
def create_rate(
    hourly_rate: int = typer.Option(..., help="Minor units per hour (pence), e.g. 15000."),
    effective_from: str = typer.Option(..., "--from", help="Local date, Y-m-d."),
    effective_to: str | None = typer.Option(None, "--to", help="Local date, Y-m-d (inclusive)."),
    currency: str | None = typer.Option(None, help="ISO 4217; default the firm's."),
    staff: str | None = typer.Option(None, help="A staff account's UUID."),
    client: str | None = typer.Option(None, help="A client's UUID."),
    case: str | None = typer.Option(None, help="A case's UUID."),
    token: str = TokenOption,
    account: str | None = AccountOption,
) -> None:
    """Create a rule, as POST /api/v1/billing-rates; print it as JSON."""
    raw: dict[str, Any] = {
        "hourly_rate": hourly_rate,
        "effective_from": effective_from,
        "effective_to": effective_to,
        "currency": currency,
        "staff_uuid": staff,
        "client_uuid": client,
        "case_uuid": case,
    }
    with command_session(Settings()) as session:
        data = validated(BillingRateCreate, raw)
        now = SystemClock().now()
        echo_json(
            rates.create_rate(
                session, actor=acting(session, token, account, now), data=data, now=now
            )
        )


@rate_app.command("update")
def update_rate(
    rate_uuid: str = typer.Argument(..., help="The rule's UUID."),
    hourly_rate: int | None = typer.Option(None, help="Minor units per hour."),
    effective_from: str | None = typer.Option(None, "--from", help="Local date, Y-m-d."),
    effective_to: str | None = typer.Option(None, "--to", help="Local date, Y-m-d."),
    currency: str | None = typer.Option(None, help="ISO 4217."),
    token: str = TokenOption,
    account: str | None = AccountOption,
) -> None:
    """Change a rule (entries keep their rate; see ``rate reprice``); print it as JSON."""
    raw: dict[str, Any] = {
        "hourly_rate": hourly_rate,
        "effective_from": effective_from,
        "effective_to": effective_to,
        "currency": currency,
    }
    with command_session(Settings()) as session:
        data = validated(BillingRateUpdate, raw)
        now = SystemClock().now()
        actor = acting(session, token, account, now)
        with naming("billing rate", rate_uuid):
            rule = rates.update_rate(session, actor=actor, raw_uuid=rate_uuid, data=data, now=now)
        echo_json(rule)


@rate_app.command("archive")
def archive_rate(
    rate_uuid: str = typer.Argument(..., help="The rule's UUID."),
    token: str = TokenOption,
    account: str | None = AccountOption,
) -> None:
    """Archive a rule: it applies to no new entry."""
    with command_session(Settings()) as session:
        now = SystemClock().now()
        actor = acting(session, token, account, now)
        with naming("billing rate", rate_uuid):
            rule = rates.archive_rate(session, actor=actor, raw_uuid=rate_uuid, now=now)
    typer.echo(f"Archived billing rate {rule.uuid}.")


@rate_app.command("reprice")
def reprice(
    rate_uuid: str = typer.Argument(..., help="The rule's UUID."),
    from_date: str = typer.Option(..., "--from", help="Local date, Y-m-d, inclusive."),
    to_date: str | None = typer.Option(None, "--to", help="Local date; default the rule's end."),
    token: str = TokenOption,
    account: str | None = AccountOption,
) -> None:
    """Re-resolve the rates of the unlocked entries in the range; print the counts."""
    with command_session(Settings()) as session:
        data = validated(RepriceRequest, {"from": from_date, "to": to_date})
        now = SystemClock().now()
        actor = acting(session, token, account, now)
        with naming("billing rate", rate_uuid):
            result = rates.reprice(session, actor=actor, raw_uuid=rate_uuid, data=data, now=now)
    typer.echo(
        f"Checked {result.checked}, changed {result.changed}, "
        f"skipped {result.skipped_locked} locked."
    )


@tag_app.command("list")
def list_tags(
    archived: bool = typer.Option(False, help="Archived tags too."),
    token: str = TokenOption,
    account: str | None = AccountOption,
) -> None:
    """Print the tags, one per line: UUID and name."""
    with command_session(Settings()) as session:
        actor = acting(session, token, account, SystemClock().now())
        params = _all({"archived": ["1" if archived else "0"]}, Sort("name", False))
        page = tags.list_tags(session, actor=actor, params=params)
    lines = [f"{t.uuid}  {t.name}{'  archived' if t.archived_at else ''}" for t in page.data]
    typer.echo("\n".join(lines) if lines else "No tags.")


@tag_app.command("create")
def create_tag(
    name: str = typer.Argument(..., help="The tag's name."),
    token: str = TokenOption,
    account: str | None = AccountOption,
) -> None:
    """Create a tag; print its UUID."""
    with command_session(Settings()) as session:
        data = validated(TagCreate, {"name": name})
        now = SystemClock().now()
        tag = tags.create_tag(
            session, actor=acting(session, token, account, now), data=data, now=now
        )
    typer.echo(f"Tag {tag.name}: uuid {tag.uuid}")


@tag_app.command("rename")
def rename_tag(
    tag_uuid: str = typer.Argument(..., help="The tag's UUID."),
    name: str = typer.Argument(..., help="Its new name."),
    token: str = TokenOption,
    account: str | None = AccountOption,
) -> None:
    """Rename a tag (owners and admins)."""
    with command_session(Settings()) as session:
        data = validated(TagUpdate, {"name": name})
        now = SystemClock().now()
        actor = acting(session, token, account, now)
        with naming("tag", tag_uuid):
            tag = tags.rename_tag(session, actor=actor, raw_uuid=tag_uuid, data=data, now=now)
    typer.echo(f"Tag {tag.uuid} is now {tag.name}.")


@tag_app.command("archive")
def archive_tag(
    tag_uuid: str = typer.Argument(..., help="The tag's UUID."),
    token: str = TokenOption,
    account: str | None = AccountOption,
) -> None:
    """Archive a tag (owners and admins): it stays on its entries."""
    with command_session(Settings()) as session:
        now = SystemClock().now()
        actor = acting(session, token, account, now)
        with naming("tag", tag_uuid):
            tag = tags.archive_tag(session, actor=actor, raw_uuid=tag_uuid, now=now)
    typer.echo(f"Archived tag {tag.uuid} ({tag.name}).")
