from __future__ import annotations

import typer
from sqlalchemy.orm import Session

from timeledger.accounts import access
from timeledger.accounts.staff import add_staff_user, existing_user
from timeledger.auth import repository as auth_repository
from timeledger.cli.context import command_session, firm_named
from timeledger.clock import SystemClock
from timeledger.config import Settings
from timeledger.errors import NotFound
from timeledger.models import Account, AccountRole, Firm, Login

app = typer.Typer(help="Users: people who log in.", no_args_is_help=True)

STAFF_ROLES = ("owner", "admin", "member")


@app.command()
def create(
    email: str = typer.Option(..., help="The user's email, used to log in."),
    firm: str = typer.Option(..., help="The firm's UUID or slug."),
    first_name: str = typer.Option(..., "--first-name"),
    last_name: str = typer.Option("", "--last-name"),
    role: str = typer.Option("member", help="owner, admin or member."),
    password: str | None = typer.Option(
        None,
        envvar="TIMELEDGER_NEW_USER_PASSWORD",
        help="Asked for (after the other options are checked) when not given, or set "
        "TIMELEDGER_NEW_USER_PASSWORD. Ignored for a user who already exists.",
    ),
) -> None:
    """Create an employee account on a firm with a login for the user EMAIL (created too,
    unless a user with that email exists)."""
    if role not in STAFF_ROLES:
        raise typer.BadParameter(
            f"{role!r} is not a staff role; use one of {', '.join(STAFF_ROLES)}",
            param_hint="'--role'",
        )
    settings = Settings()
    # Everything but the password is checked first: nobody types a password twice only
    # to learn that the firm's slug was wrong. The prompt waits outside any transaction.
    with command_session(settings) as session:
        existing = existing_user(
            session, firm=firm_named(session, firm), email=email, first_name=first_name
        )
    if password is None and existing is None:
        password = typer.prompt("Password", hide_input=True, confirmation_prompt=True)
    with command_session(settings) as session:
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


def _login_on(session: Session, email: str, firm: Firm) -> tuple[Login, Account]:
    user = auth_repository.user_by_email(session, email)
    logins = auth_repository.logins_of_user(session, user.id) if user is not None else []
    for login, account, login_firm in logins:
        if login_firm.id == firm.id:
            return login, account
    raise NotFound(f"{email} has no login on the firm {firm.slug}.")


def _override_changes(
    *, reset: bool, write: bool | None, delete: bool | None
) -> dict[str, bool | None]:
    changes: dict[str, bool | None] = {}
    if reset:
        changes = {"write_override": None, "delete_override": None}
    if write is not None:
        changes["write_override"] = write
    if delete is not None:
        changes["delete_override"] = delete
    return changes


@app.command()
def permissions(
    email: str = typer.Argument(..., help="The user's email."),
    firm: str = typer.Option(..., help="The firm's UUID or slug."),
    write: bool | None = typer.Option(
        None, "--write/--no-write", help="Override write permission on or off."
    ),
    delete: bool | None = typer.Option(
        None, "--delete/--no-delete", help="Override delete permission on or off."
    ),
    reset: bool = typer.Option(
        False, "--reset", help="Clear both overrides: the account's role decides again."
    ),
) -> None:
    """Show, or override, what the user EMAIL may do on a firm. Without options it shows
    the permissions; each change is recorded (as made by the CLI) and shown by
    GET /api/v1/account/{uuid}/permissions."""
    with command_session(Settings()) as session:
        the_firm = firm_named(session, firm)
        login, account = _login_on(session, email, the_firm)
        changes = _override_changes(reset=reset, write=write, delete=delete)
        if changes:
            access.change_overrides(
                session,
                account=account,
                login=login,
                changes=changes,
                changed_by=None,
                now=SystemClock().now(),
            )
        shown = access.present(session, account, login, the_firm.time_zone)

    def state(effective: bool, override: bool | None) -> str:
        word = "yes" if effective else "no"
        return f"{word} ({'from role' if override is None else 'override'})"

    typer.echo(
        f"{email} on {the_firm.slug} ({shown.role}): "
        f"write {state(shown.has_write_permission, shown.write_override)}, "
        f"delete {state(shown.has_delete_permission, shown.delete_override)}"
    )
