"""The ``timeledger`` command: one CLI whose commands call the same services as the API."""

from __future__ import annotations

import typer

from timeledger.cli import (
    billing,
    db,
    demo,
    firm,
    import_,
    report,
    serve,
    time,
    token,
    user,
    webhook,
    worker,
)
from timeledger.cli.failures import SafeGroup

app = typer.Typer(
    name="timeledger",
    help="Self-hostable time tracking that speaks the Plannr CRM time-entry API.\n\n"
    "Every command works on the database TIMELEDGER_DATABASE_URL names; by default the "
    "SQLite file ./timeledger.db in the current folder. Only `serve`, `demo` and "
    "`db upgrade` create or migrate it; the others need it set up and say so.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    # Plain click help (for every sub-command too): a flag shows as "--once" or
    # "--archived / --no-archived", not with the rich layout's "<bool>" type column.
    rich_markup_mode=None,
    # Any failure: one line "Error: ..." and exit status 1, never a traceback.
    cls=SafeGroup,
)
app.command("serve")(serve.serve)
app.command("demo")(demo.demo)
app.add_typer(db.app, name="db")
app.add_typer(firm.app, name="firm")
app.add_typer(user.app, name="user")
app.add_typer(token.app, name="token")
app.add_typer(import_.app, name="import")
app.add_typer(time.app, name="time")
app.add_typer(billing.rate_app, name="rate")
app.add_typer(billing.tag_app, name="tag")
app.add_typer(report.app, name="report")
app.command("worker")(worker.worker)
app.add_typer(webhook.app, name="webhook")


def main() -> None:
    app()
