from __future__ import annotations

import typer

from timeledger.cli.context import command_session
from timeledger.clock import SystemClock
from timeledger.config import Settings
from timeledger.firms import service as firms
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
