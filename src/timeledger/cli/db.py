from __future__ import annotations

import typer

from timeledger import migrations
from timeledger.config import Settings

app = typer.Typer(help="Database schema: apply or revert migrations.", no_args_is_help=True)


@app.command()
def upgrade(revision: str = typer.Argument("head", help="Target revision.")) -> None:
    """Apply pending migrations to TIMELEDGER_DATABASE_URL."""
    migrations.upgrade(Settings().database_url, revision)


@app.command()
def downgrade(revision: str = typer.Argument(..., help="Target revision, e.g. base.")) -> None:
    """Revert migrations down to REVISION."""
    migrations.downgrade(Settings().database_url, revision)
