from __future__ import annotations

import uuid

import typer

from timeledger.cli.context import command_session, naming, uuid_value
from timeledger.clock import SystemClock
from timeledger.config import Settings
from timeledger.tokens import service as tokens

app = typer.Typer(help="Personal access tokens.", no_args_is_help=True)


@app.command()
def create(
    email: str = typer.Option(..., help="The user the token belongs to."),
    account: uuid.UUID | None = typer.Option(
        None, parser=uuid_value, help="Bind the token to this account (its UUID)."
    ),
    name: str = typer.Option("cli", help="A label to recognise the token by."),
) -> None:
    """Issue a token and print it. It is shown only this once."""
    settings = Settings()
    with command_session(settings) as session:
        issued = tokens.issue_for_user(
            session,
            user=tokens.user_by_email(session, email),
            name=name,
            account_uuid=account,
            now=SystemClock().now(),
            lifetime=settings.token_lifetime,
        )
    typer.echo(issued.plain_text)


@app.command("list")
def list_tokens(email: str = typer.Option(..., help="Whose tokens.")) -> None:
    """List a user's tokens (never the tokens themselves): UUID, name, state, last use."""
    now = SystemClock().now()
    with command_session(Settings()) as session:
        found = tokens.tokens_of(session, user=tokens.user_by_email(session, email))
        lines = []
        for token in found:
            if token.revoked_at is not None:
                state = f"revoked {token.revoked_at.isoformat(timespec='seconds')}"
            elif token.expires_at <= now:
                state = "expired"
            else:
                state = f"active until {token.expires_at.date().isoformat()}"
            used = (
                token.last_used_at.isoformat(timespec="seconds") if token.last_used_at else "never"
            )
            lines.append(f"{token.uuid}  {token.name}  {state}  last used {used}")
    typer.echo("\n".join(lines) if lines else "No tokens.")


@app.command()
def revoke(
    token_uuid: uuid.UUID = typer.Argument(..., parser=uuid_value, help="The token's UUID."),
) -> None:
    """Revoke a token at once (any user's)."""
    with command_session(Settings()) as session, naming("token", token_uuid):
        token = tokens.revoke_any(session, token_uuid=token_uuid, now=SystemClock().now())
    typer.echo(f"Revoked token {token.uuid} ({token.name}).")
