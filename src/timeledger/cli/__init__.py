"""The ``timeledger`` command: one CLI whose commands call the same services as the API."""

from __future__ import annotations

import typer

from timeledger.cli import db, demo, firm, import_, report, serve, time, token, user

app = typer.Typer(
    name="timeledger",
    help="Self-hostable time tracking that speaks the Plannr CRM time-entry API.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
)
app.command("serve")(serve.serve)
app.command("demo")(demo.demo)
app.add_typer(db.app, name="db")
app.add_typer(firm.app, name="firm")
app.add_typer(user.app, name="user")
app.add_typer(token.app, name="token")
app.add_typer(import_.app, name="import")
app.add_typer(time.app, name="time")
app.add_typer(report.app, name="report")


def main() -> None:
    app()
