from __future__ import annotations

import uuid

import typer

from timeledger.auth import repository as auth_repository
from timeledger.auth import service as auth
from timeledger.cli.context import command_session
from timeledger.clock import SystemClock
from timeledger.config import Settings
from timeledger.errors import NotFound

app = typer.Typer(help="Personal access tokens.", no_args_is_help=True)


@app.command()
def create(
    email: str = typer.Option(..., help="The user the token belongs to."),
    account: uuid.UUID | None = typer.Option(None, help="Bind the token to this account."),
    name: str = typer.Option("cli", help="A label to recognise the token by."),
) -> None:
    """Issue a token and print it. It is shown only this once."""
    settings = Settings()
    with command_session(settings) as session:
        user = auth_repository.user_by_email(session, email)
        if user is None:
            raise NotFound(f"No user with the email {email}.")
        bound = auth.bound_account(session, user=user, account_uuid=account) if account else None
        issued = auth.issue_token(
            session,
            user=user,
            name=name,
            now=SystemClock().now(),
            lifetime=settings.token_lifetime,
            account=bound,
        )
    typer.echo(issued.plain_text)
