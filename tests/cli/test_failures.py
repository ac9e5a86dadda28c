"""Issue 10, class 8: every failure of the command line is one line ``Error: ...`` with
exit status 1 that says what to do, never a traceback; the database a command uses is
named; administration commands never create an empty database."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy.engine import make_url
from typer.testing import CliRunner, Result

from tests.reliability.faults import refusing_port, sqlite_locked
from timeledger import migrations
from timeledger.cli import app
from timeledger.cli.failures import explain
from timeledger.config import Settings, normalise_database_url
from timeledger.db import is_sqlite


def run(env: dict[str, str], *args: str) -> Result:
    return CliRunner(env=env).invoke(app, list(args))


def one_error_line(result: Result, status: int = 1) -> str:
    """The single ``Error: ...`` line of a failed command."""
    assert result.exit_code == status, result.output
    assert "Traceback" not in result.output
    # alembic's INFO lines reach the output only when an earlier test in this process set
    # up logging (a real `timeledger db ...` does not); they are not the command's words.
    lines = [line for line in result.output.splitlines() if "[alembic." not in line]
    assert len(lines) == 1, result.output
    assert lines[0].startswith("Error: ")
    return lines[0]


@pytest.fixture
def missing(tmp_path: Path) -> dict[str, str]:
    return {"TIMELEDGER_DATABASE_URL": f"sqlite:///{tmp_path / 'timeledger.db'}"}


ADMIN_COMMANDS = [
    ("firm", "create", "Acme"),
    ("token", "list", "--email", "a@example.com"),
    ("token", "create", "--email", "a@example.com"),
    ("token", "revoke", "9f1c2e4a-6b7d-4e8f-a1b2-c3d4e5f60718"),
    ("user", "create", "--firm", "acme", "--email", "a@example.com", "--first-name", "A",
     "--password", "long enough"),
    ("time", "log", "--on", "firm", "--uuid", "9f1c2e4a-6b7d-4e8f-a1b2-c3d4e5f60718",
     "--name", "n", "--token", "t"),
]  # fmt: skip


@pytest.mark.parametrize("command", ADMIN_COMMANDS, ids=lambda c: " ".join(c[:2]))
def test_admin_commands_refuse_a_missing_database_and_do_not_create_it(
    command: tuple[str, ...], missing: dict[str, str], tmp_path: Path
) -> None:
    line = one_error_line(run(missing, *command))
    path = tmp_path / "timeledger.db"
    assert line == (
        f"Error: there is no database at {path}: run `timeledger db upgrade` to create or "
        "update its tables, or set TIMELEDGER_DATABASE_URL to your database."
    )
    assert not path.exists()


def test_an_unmigrated_database_is_named_with_what_to_do(
    missing: dict[str, str], tmp_path: Path
) -> None:
    (tmp_path / "timeledger.db").write_bytes(b"")
    line = one_error_line(run(missing, "firm", "create", "Acme"))
    assert line == (
        f"Error: the SQLite file {tmp_path / 'timeledger.db'} is not set up, this timeledger "
        f"needs {migrations.head_revision()}: run `timeledger db upgrade` to create or update "
        "its tables."
    )


def test_db_upgrade_says_what_it_applied_then_that_nothing_is_left(
    missing: dict[str, str], tmp_path: Path
) -> None:
    first = run(missing, "db", "upgrade")
    again = run(missing, "db", "upgrade")
    head = migrations.head_revision()
    assert first.exit_code == 0, first.output
    applied = migrations.revisions_between(head, None)
    # stdout: what the command prints (alembic may log to stderr in the test process).
    assert first.stdout.splitlines()[0] == (
        f"Applied {len(applied)} migration(s) to the SQLite file {tmp_path / 'timeledger.db'}, "
        f"now at revision {head}:"
    )
    assert [line.split()[0] for line in first.stdout.splitlines()[1:]] == [r for r, _ in applied]
    assert again.stdout == (
        f"The SQLite file {tmp_path / 'timeledger.db'} is up to date (revision {head}); "
        "nothing to apply.\n"
    )
    down = run(missing, "db", "downgrade", "base")
    assert down.stdout == (
        f"Reverted {len(applied)} migration(s) of the SQLite file {tmp_path / 'timeledger.db'}; "
        "now at revision base (no tables).\n"
    )


def test_a_sqlite_file_in_a_missing_folder(tmp_path: Path) -> None:
    env = {"TIMELEDGER_DATABASE_URL": f"sqlite:///{tmp_path / 'no' / 'such' / 'x.db'}"}
    line = one_error_line(run(env, "db", "upgrade"))
    assert line == (
        f"Error: cannot open the SQLite file {tmp_path / 'no' / 'such' / 'x.db'}: its folder "
        "does not exist or is not writable; create the folder or set TIMELEDGER_DATABASE_URL "
        "to another file."
    )


@pytest.mark.parametrize("url", ["garbage", "mysql://u@h/db", "sqlite+nodriver:///x.db"])
def test_a_database_url_timeledger_cannot_use(url: str) -> None:
    line = one_error_line(run({"TIMELEDGER_DATABASE_URL": url}, "db", "upgrade"))
    assert line == (
        f"Error: TIMELEDGER_DATABASE_URL ({url!r}) is not a database URL timeledger can use; "
        "set it to e.g. sqlite:///./timeledger.db or "
        "postgresql://user:password@host:5432/dbname."
    )


@pytest.mark.parametrize("scheme", ["postgres", "postgresql"])
def test_an_unreachable_postgresql_in_the_hosting_spelling(scheme: str) -> None:
    port = refusing_port()
    env = {"TIMELEDGER_DATABASE_URL": f"{scheme}://postgres@127.0.0.1:{port}/books"}
    line = one_error_line(run(env, "firm", "create", "Acme"))
    assert line.startswith(
        f"Error: cannot reach the PostgreSQL database books at 127.0.0.1:{port} ("
    )
    assert line.endswith("check that it is running and that TIMELEDGER_DATABASE_URL is right.")


def test_a_bad_setting_is_named() -> None:
    env = {"TIMELEDGER_RATE_LIMIT_PER_MINUTE": "lots"}
    line = one_error_line(run(env, "db", "upgrade"))
    assert line.startswith("Error: TIMELEDGER_RATE_LIMIT_PER_MINUTE: Input should be a valid")
    assert "(got 'lots')" in line


@pytest.mark.parametrize(
    "command",
    [
        ("token", "revoke", "nope"),
        ("token", "create", "--email", "a@example.com", "--account", "nope"),
    ],
)
def test_a_bad_uuid_is_quoted_with_an_example(
    command: tuple[str, ...], missing: dict[str, str]
) -> None:
    line = one_error_line(run(missing, *command), status=2)
    assert "'nope' is not a UUID; expected 32 hex digits in the form " in line
    assert "9f1c2e4a-6b7d-4e8f-a1b2-c3d4e5f60718" in line


def test_a_bad_date_is_quoted_with_an_example(cli_database_env: dict[str, str]) -> None:
    result = run(
        cli_database_env,
        "time", "log", "--on", "firm", "--uuid", "9f1c2e4a-6b7d-4e8f-a1b2-c3d4e5f60718",
        "--name", "n", "--start", "next week", "--minutes", "5", "--token", "tl_x",
    )  # fmt: skip
    line = one_error_line(result)
    assert line.startswith("Error: start_date: ")
    assert line.endswith(
        ": --start 'next week'; e.g. 2025-08-07 10:00:00 (in the firm's time zone) or "
        "2025-08-07T10:00:00+01:00."
    )


@pytest.fixture
def cli_database_env(committed_engine, database_url: str) -> dict[str, str]:
    return {"TIMELEDGER_DATABASE_URL": database_url}


def test_postgres_urls_are_read_as_psycopg_3() -> None:
    assert normalise_database_url("postgres://u:p@h:5/d") == "postgresql+psycopg://u:p@h:5/d"
    assert normalise_database_url("postgresql://u@h/d") == "postgresql+psycopg://u@h/d"
    assert normalise_database_url("sqlite:///x.db") == "sqlite:///x.db"
    settings = Settings(database_url="postgres://u@h/d")
    assert settings.database_url == "postgresql+psycopg://u@h/d"


def test_a_postgres_url_works_against_the_real_database(
    database_url: str, committed_engine
) -> None:
    if is_sqlite(database_url):
        pytest.skip("the suite runs on SQLite; the PostgreSQL pass runs this")
    url = make_url(database_url).set(drivername="postgres").render_as_string(hide_password=False)
    result = run({"TIMELEDGER_DATABASE_URL": url}, "firm", "create", "Hosted Planning")
    assert result.exit_code == 0, result.output
    assert result.output.startswith("Firm Hosted Planning: uuid ")


def test_the_installed_command_prints_no_traceback(missing: dict[str, str]) -> None:
    """The real entry point, as a shell runs it (not the test runner's invoke)."""
    done = subprocess.run(
        [sys.executable, "-c", "from timeledger.cli import main; main()", "firm", "create", "X"],
        env={**os.environ, **missing},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 1
    assert done.stdout == ""
    assert done.stderr.startswith("Error: there is no database at ")
    assert done.stderr.count("\n") == 1


def test_a_missing_revision_and_a_locked_database_are_worded(
    missing: dict[str, str], tmp_path: Path
) -> None:
    assert run(missing, "db", "upgrade").exit_code == 0
    unknown = one_error_line(run(missing, "db", "upgrade", "nosuchrevision"))
    assert unknown.startswith("Error: ")
    assert unknown.endswith(
        f"(migrations of the SQLite file {tmp_path / 'timeledger.db'}; see `timeledger db --help`)."
    )
    with sqlite_locked(tmp_path / "timeledger.db"):
        locked = one_error_line(
            run({**missing, "TIMELEDGER_SQLITE_BUSY_TIMEOUT_SECONDS": "0.2"}, "firm", "create", "A")
        )
    assert locked == (
        f"Error: the SQLite file {tmp_path / 'timeledger.db'} is locked by another process; "
        "try again when it has finished."
    )


@pytest.mark.parametrize(
    ("error", "words"),
    [
        (FileNotFoundError(2, "No such file or directory", "/x/y.csv"),
         "No such file or directory: /x/y.csv."),
        (RuntimeError("boom\nmore"),
         "unexpected RuntimeError: boom. This is a bug in timeledger; please report it with "
         "the command you ran."),
    ],
)  # fmt: skip
def test_other_failures_are_one_line_too(error: Exception, words: str) -> None:
    assert explain(error) == words
