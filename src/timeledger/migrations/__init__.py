"""Alembic migrations, shipped inside the package so ``timeledger db upgrade`` finds them."""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.script import ScriptDirectory
from sqlalchemy import Connection, create_engine, inspect, text
from sqlalchemy.pool import NullPool

from timeledger.config import normalise_database_url

HERE = Path(__file__).parent


def alembic_config(database_url: str, *, connection: Connection | None = None) -> Config:
    database_url = normalise_database_url(database_url)
    config = Config()
    config.set_main_option("script_location", str(HERE))
    # ConfigParser interpolation would read "%" in a password as a reference.
    config.set_main_option("sqlalchemy.url", database_url.replace("%", "%%"))
    if connection is not None:
        config.attributes["connection"] = connection
    return config


def upgrade(database_url: str, revision: str = "head") -> None:
    command.upgrade(alembic_config(database_url), revision)


def downgrade(database_url: str, revision: str) -> None:
    command.downgrade(alembic_config(database_url), revision)


def current_revision(database_url: str) -> str | None:
    """The revision the database is at; None for a database with no timeledger tables."""
    engine = create_engine(normalise_database_url(database_url), poolclass=NullPool)
    try:
        with engine.connect() as connection:
            # Read directly: alembic's MigrationContext logs at INFO on every command.
            if not inspect(connection).has_table("alembic_version"):
                return None
            found = connection.scalar(text("SELECT version_num FROM alembic_version"))
            return None if found is None else str(found)
    finally:
        engine.dispose()


def head_revision() -> str:
    """The revision this code expects the database to be at."""
    head = ScriptDirectory.from_config(alembic_config("sqlite://")).get_current_head()
    assert head is not None, "the migrations have one head"
    return head


def revisions_between(newer: str | None, older: str | None) -> list[tuple[str, str]]:
    """``(revision, description)`` of each migration after ``older`` up to ``newer``,
    oldest first (what an upgrade from ``older`` to ``newer`` applies)."""
    if newer == older or newer is None:
        return []
    scripts = ScriptDirectory.from_config(alembic_config("sqlite://"))
    found = scripts.iterate_revisions(newer, older)
    return [(script.revision, (script.doc or "").strip()) for script in reversed(list(found))]
