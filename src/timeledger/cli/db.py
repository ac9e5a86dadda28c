from __future__ import annotations

import typer

from timeledger import migrations
from timeledger.cli.failures import describe_database
from timeledger.config import Settings

app = typer.Typer(help="Database schema: apply or revert migrations.", no_args_is_help=True)


@app.command()
def upgrade(revision: str = typer.Argument("head", help="Target revision.")) -> None:
    """Apply pending migrations to TIMELEDGER_DATABASE_URL (default: the SQLite file
    ./timeledger.db in the current folder, created if missing) and list what was applied."""
    url = Settings().database_url
    typer.echo(report_upgrade(url, revision))


def report_upgrade(url: str, revision: str = "head") -> str:
    """Upgrade the database at ``url``; a sentence naming it and each migration applied."""
    before = migrations.current_revision(url)
    migrations.upgrade(url, revision)
    after = migrations.current_revision(url)
    applied = migrations.revisions_between(after, before)
    database = describe_database(url)
    if not applied:
        database = database[0].upper() + database[1:]
        return f"{database} is up to date (revision {after}); nothing to apply."
    lines = [f"Applied {len(applied)} migration(s) to {database}, now at revision {after}:"]
    # A migration's message may span lines; the report keeps one line per migration.
    lines += [f"  {rev}  {' '.join(doc.split())}" for rev, doc in applied]
    return "\n".join(lines)


@app.command()
def downgrade(revision: str = typer.Argument(..., help="Target revision, e.g. base.")) -> None:
    """Revert migrations down to REVISION and say which revision the database is at."""
    url = Settings().database_url
    before = migrations.current_revision(url)
    migrations.downgrade(url, revision)
    after = migrations.current_revision(url)
    reverted = migrations.revisions_between(before, after)
    typer.echo(
        f"Reverted {len(reverted)} migration(s) of {describe_database(url)}; now at revision "
        f"{after or 'base (no tables)'}."
    )
