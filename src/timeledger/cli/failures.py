"""Every failure of a command as one line ``Error: ...`` on standard error, saying what
to do: no traceback (and no boxed panel) reaches the person at the terminal.

``SafeGroup`` is the group class of the ``timeledger`` command; every sub-command runs
inside its ``invoke``. A failure worded already (``CommandFailed``, a bad option value)
is printed as it is; anything else is worded by ``explain``. The exit status is 1, or 2
for a mistake in how the command was typed (click's convention for usage errors).
"""

from __future__ import annotations

import logging
from typing import Any

import typer
from alembic.util.exc import CommandError
from pydantic import ValidationError
from sqlalchemy.engine import make_url
from sqlalchemy.exc import (
    ArgumentError,
    NoSuchModuleError,
    OperationalError,
    ProgrammingError,
    SQLAlchemyError,
)
from typer.core import TyperGroup

from timeledger.config import Settings

logger = logging.getLogger(__name__)

URL_EXAMPLES = "sqlite:///./timeledger.db or postgresql://user:password@host:5432/dbname"
UPGRADE_HINT = "run `timeledger db upgrade` to create or update its tables"


class CommandFailed(Exception):
    """A failure already worded for the person at the terminal."""


# What click raises to show help or to stop: not failures.
_NOT_FAILURES = (typer.Exit, typer.Abort)


class SafeGroup(TyperGroup):
    def invoke(self, ctx: Any) -> Any:
        try:
            return super().invoke(ctx)
        except _NOT_FAILURES:
            raise
        except typer.TyperException as exc:
            if type(exc).__name__ == "NoArgsIsHelpError":
                raise
            usage = isinstance(exc, typer.BadParameter) or "Usage" in type(exc).__name__
            hint = f" See `{ctx.command_path} --help`." if usage else ""
            _fail(f"{exc.format_message().rstrip('.')}.{hint}", exc.exit_code)
        except CommandFailed as exc:
            _fail(str(exc), 1)
        except KeyboardInterrupt:
            _fail("interrupted.", 130)
        except Exception as exc:
            logger.debug("command failed", exc_info=exc)
            _fail(explain(exc), 1)


def _fail(message: str, status: int) -> None:
    typer.echo(f"Error: {message}", err=True)
    raise typer.Exit(code=status)


def describe_database(url: str) -> str:
    """Which database ``url`` names, for people: the SQLite file's absolute path, or
    PostgreSQL's host, port and database (never the password)."""
    try:
        parsed = make_url(url)
    except ArgumentError:
        return f"the database URL {url!r}"
    if parsed.get_backend_name() == "sqlite":
        from pathlib import Path

        database = parsed.database or ""
        if database in {"", ":memory:"}:
            return "an in-memory SQLite database"
        return f"the SQLite file {Path(database).expanduser().resolve()}"
    where = f"{parsed.host or 'localhost'}:{parsed.port or 5432}"
    return f"the PostgreSQL database {parsed.database or '?'} at {where}"


def explain(exc: BaseException) -> str:
    """One line saying what went wrong and what to do about it."""
    if isinstance(exc, ValidationError):
        return _setting_error(exc)
    url = _configured_url()
    database = describe_database(url) if url else "the database"
    if isinstance(exc, NoSuchModuleError | ArgumentError) or (
        isinstance(exc, ImportError) and url is not None and not _supported(url)
    ):
        return (
            f"TIMELEDGER_DATABASE_URL ({url!r}) is not a database URL timeledger can use; "
            f"set it to e.g. {URL_EXAMPLES}."
        )
    if isinstance(exc, OperationalError | ProgrammingError):
        return _database_error(exc, database)
    if isinstance(exc, SQLAlchemyError):
        return f"{database} failed: {_first_line(exc)}."
    if isinstance(exc, CommandError):
        return f"{_first_line(exc)} (migrations of {database}; see `timeledger db --help`)."
    if isinstance(exc, OSError):
        return f"{exc.strerror or _first_line(exc)}: {exc.filename or ''}".rstrip(": ") + "."
    return (
        f"unexpected {type(exc).__name__}: {_first_line(exc)}. This is a bug in timeledger; "
        "please report it with the command you ran."
    )


def _database_error(exc: SQLAlchemyError, database: str) -> str:
    text = _first_line(getattr(exc, "orig", None) or exc)
    lowered = text.lower()
    if "no such table" in lowered or ("relation" in lowered and "does not exist" in lowered):
        return f"{database} has no timeledger tables (or not all of them): {UPGRADE_HINT}."
    if "unable to open database file" in lowered:
        return (
            f"cannot open {database}: its folder does not exist or is not writable; create "
            "the folder or set TIMELEDGER_DATABASE_URL to another file."
        )
    if "database is locked" in lowered:
        return f"{database} is locked by another process; try again when it has finished."
    if "timeout" in lowered or "connection" in lowered or "could not" in lowered:
        return (
            f"cannot reach {database} ({text}); check that it is running and that "
            "TIMELEDGER_DATABASE_URL is right."
        )
    return f"{database} failed: {text}."


def _setting_error(exc: ValidationError) -> str:
    problems = [
        f"TIMELEDGER_{'_'.join(str(part) for part in error['loc']).upper()}: "
        f"{error['msg']} (got {error.get('input')!r})"
        for error in exc.errors()
    ]
    return "; ".join(problems) + ". Fix the environment variable (README, Configuration)."


def _supported(url: str) -> bool:
    return url.startswith(("sqlite:", "postgresql+psycopg:"))


def _first_line(exc: BaseException) -> str:
    lines = [line.strip() for line in str(exc).splitlines() if line.strip()]
    return (lines[0] if lines else type(exc).__name__).rstrip(".")


def _configured_url() -> str | None:
    try:
        return Settings().database_url
    except Exception:
        return None
