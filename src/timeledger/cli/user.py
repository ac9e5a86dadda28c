from __future__ import annotations

import typer

from timeledger.accounts.staff import add_staff_user
from timeledger.cli.context import command_session, firm_named
from timeledger.clock import SystemClock
from timeledger.config import Settings
from timeledger.models import AccountRole

app = typer.Typer(help="Users: people who log in.", no_args_is_help=True)

STAFF_ROLES = ("owner", "admin", "member")


@app.command()
def create(
    email: str = typer.Option(..., help="The user's email, used to log in."),
    firm: str = typer.Option(..., help="The firm's UUID or slug."),
    first_name: str = typer.Option(..., "--first-name"),
    last_name: str = typer.Option("", "--last-name"),
    role: str = typer.Option("member", help="owner, admin or member."),
    password: str = typer.Option(
        ...,
        prompt=True,
        hide_input=True,
        confirmation_prompt=True,
        envvar="TIMELEDGER_NEW_USER_PASSWORD",
        help="Asked for when not given (or set TIMELEDGER_NEW_USER_PASSWORD). Ignored for a "
        "user who already exists.",
    ),
) -> None:
    """Create an employee account on a firm with a login for the user EMAIL (created too,
    unless a user with that email exists)."""
    if role not in STAFF_ROLES:
        raise typer.BadParameter(
            f"{role!r} is not a staff role; use one of {', '.join(STAFF_ROLES)}",
            param_hint="'--role'",
        )
    with command_session(Settings()) as session:
        staff = add_staff_user(
            session,
            firm=firm_named(session, firm),
            email=email,
            password=password,
            first_name=first_name,
            last_name=last_name,
            role=AccountRole(role),
            now=SystemClock().now(),
        )
    state = "created" if staff.new_user else "existing user, password unchanged"
    typer.echo(
        f"User {staff.user.email} ({state}); {role} account {staff.account.name}: "
        f"uuid {staff.account.uuid}"
    )
