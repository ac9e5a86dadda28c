"""The ``timeledger`` command: one CLI whose commands call the same services as the API."""

from __future__ import annotations

import typer

from timeledger.cli import db, demo, serve, token

app = typer.Typer(
    name="timeledger",
    help="Self-hostable time tracking that speaks the Plannr CRM time-entry API.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
)
app.command("serve")(serve.serve)
app.command("demo")(demo.demo)
app.add_typer(db.app, name="db")
app.add_typer(token.app, name="token")


def main() -> None:
    app()
