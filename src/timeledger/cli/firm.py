from __future__ import annotations

import typer

from timeledger.billing.schemas import LockUpdate
from timeledger.billing.service import locks
from timeledger.cli.context import (
    AccountOption,
    TokenOption,
    acting,
    command_session,
    echo_json,
    validated,
)
from timeledger.clock import SystemClock
from timeledger.config import Settings
from timeledger.firms import service as firms
from timeledger.firms.schemas import FirmUpdate
from timeledger.models.firm import DEFAULT_TIME_ZONE

app = typer.Typer(help="Firms: the tenants.", no_args_is_help=True)


@app.command()
def create(
    name: str = typer.Argument(..., help="The firm's name."),
    time_zone: str = typer.Option(
        DEFAULT_TIME_ZONE, "--time-zone", help="IANA zone the firm's dates are shown in."
    ),
) -> None:
    """Create a firm and print its UUID and slug (either names it in other commands)."""
    with command_session(Settings()) as session:
        firm = firms.create_firm(session, name=name, time_zone=time_zone, now=SystemClock().now())
    typer.echo(f"Firm {firm.name}: uuid {firm.uuid}, slug {firm.slug}, time zone {firm.time_zone}")


@app.command()
def update(
    name: str | None = typer.Option(None, help="The firm's name (owners)."),
    time_zone: str | None = typer.Option(None, "--time-zone", help="IANA zone (owners)."),
    currency: str | None = typer.Option(None, help="ISO 4217 currency of amounts."),
    week_start: str | None = typer.Option(None, "--week-start", help="monday ... sunday."),
    billable: list[str] = typer.Option(
        [], "--billable", help="TYPE=yes|no, e.g. firm=no; repeat for several types."
    ),
    members_see_amounts: bool | None = typer.Option(
        None, "--members-see-amounts/--members-hide-amounts", help="Show members rates."
    ),
    token: str = TokenOption,
    account: str | None = AccountOption,
) -> None:
    """Change the caller's firm as PUT /api/v1/firm/{uuid} does; print it as JSON."""
    defaults: dict[str, object] = {}
    for pair in billable:
        kind, _, value = pair.partition("=")
        defaults[kind.strip()] = {"yes": True, "no": False}.get(value.strip().lower(), value)
    raw = {
        "name": name,
        "time_zone": time_zone,
        "currency": currency,
        "week_start": week_start,
        "billable_default": defaults or None,
        "members_see_amounts": members_see_amounts,
    }
    with command_session(Settings()) as session:
        data = validated(FirmUpdate, raw)
        now = SystemClock().now()
        actor = acting(session, token, account, now)
        raw_uuid = str(actor.firm.uuid)
        echo_json(firms.update_firm(session, actor=actor, raw_uuid=raw_uuid, data=data, now=now))


@app.command()
def lock(
    before: str | None = typer.Option(
        None, help="Lock time starting before this local date (Y-m-d); absent: unlock."
    ),
    stop_running: bool = typer.Option(False, help="Stop timers running from before it."),
    token: str = TokenOption,
    account: str | None = AccountOption,
) -> None:
    """Set the firm's lock boundary, as PUT /api/v1/firm/{uuid}/lock does."""
    with command_session(Settings()) as session:
        data = (
            LockUpdate(locked_before=None, stop_running=stop_running)
            if before is None
            else validated(LockUpdate, {"locked_before": before, "stop_running": stop_running})
        )
        now = SystemClock().now()
        actor = acting(session, token, account, now)
        raw_uuid = str(actor.firm.uuid)
        echo_json(locks.set_lock(session, actor=actor, raw_uuid=raw_uuid, data=data, now=now))
