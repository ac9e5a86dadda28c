"""Issue 10 (brief S, item 4): the command line's manners. ``user create`` checks its
options before asking for a password; a file an option names for writing that cannot be
written is one line ``Error: ...`` (exit 1) before any work; a flag shows as a flag in
``--help``; a record named by UUID that is not there is named in the error with its UUID."""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any, get_type_hints

import pytest
import typer
import uvicorn
from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session
from typer.testing import CliRunner, Result

from tests.cli.conftest import runner, token_for
from tests.conftest import FROZEN_NOW
from tests.factories import make_world
from timeledger.cli import app
from timeledger.cli import serve as serve_module
from timeledger.models import Account


@pytest.fixture
def cli(committed_engine: Engine, database_url: str) -> CliRunner:
    with Session(committed_engine, expire_on_commit=False) as session:
        token = token_for(session, make_world(session, now=FROZEN_NOW))
        session.commit()
    return runner(database_url, token)


def _run(cli: CliRunner, *args: str, stdin: str | None = None) -> Result:
    return cli.invoke(app, list(args), input=stdin)


def _one_error_line(result: Result) -> str:
    assert result.exit_code == 1, result.output
    lines = result.output.splitlines()
    assert len(lines) == 1, result.output
    assert lines[0].startswith("Error: "), result.output
    return lines[0]


def _count(engine: Engine, model: type[Account]) -> int:
    with engine.connect() as connection:
        return connection.scalar(select(func.count()).select_from(model)) or 0


class TestUserCreateChecksBeforeThePassword:
    FIRM = "acme-planning"

    @pytest.mark.parametrize(
        ("options", "words"),
        [
            (["--firm", "nowhere"], "Error: No firm with the UUID or slug nowhere."),
            (["--email", "not-an-email"], "Error: email: The email field must be a valid email"),
            (["--email", "x@y"], "Error: email: The email field must be a valid email"),
            (["--first-name", "  "], "Error: first_name: The first name field is required."),
            (["--role", "boss"], "Error: Invalid value for '--role': 'boss' is not a staff role"),
        ],
        ids=["firm", "email", "email without a dot", "first name", "role"],
    )
    def test_a_bad_option_is_refused_without_asking_for_a_password(
        self, cli: CliRunner, committed_engine: Engine, options: list[str], words: str
    ) -> None:
        given = {"--firm": self.FIRM, "--email": "new@example.com", "--first-name": "Sam"}
        given.update(dict(zip(options[::2], options[1::2], strict=True)))
        args = ["user", "create", *[part for pair in given.items() for part in pair]]
        before = _count(committed_engine, Account)
        result = _run(cli, *args, stdin="")
        assert "Password" not in result.output
        assert result.output.startswith(words), result.output
        assert result.exit_code in {1, 2}
        assert _count(committed_engine, Account) == before

    def test_a_user_already_on_the_firm_is_refused_before_the_prompt(self, cli: CliRunner) -> None:
        args = ["user", "create", "--firm", self.FIRM, "--first-name", "Sam", "--email", "s@x.io"]
        assert _run(cli, *args, "--password", "long enough").exit_code == 0
        result = _run(cli, *args, stdin="")
        assert "Password" not in result.output
        assert "already has a login on this firm" in _one_error_line(result)

    def test_good_options_then_the_prompt(self, cli: CliRunner) -> None:
        args = ["user", "create", "--firm", self.FIRM, "--first-name", "Sam"]
        stdin = "long enough\nlong enough\n"
        result = _run(cli, *args, "--email", "sam@example.com", stdin=stdin)
        assert result.exit_code == 0, result.output
        assert result.output.startswith("Password: ")
        assert "User sam@example.com (created)" in result.output


OUTPUT_COMMANDS = [
    ["report", "summary", "--from", "2026-03-01", "--to", "2026-03-31", "--format", "csv"],
    ["report", "weekly", "--week-of", "2026-03-02", "--format", "xlsx"],
    ["report", "detailed", "--from", "2026-03-01", "--to", "2026-03-31", "--format", "pdf"],
]


@pytest.fixture
def unwritable(tmp_path: Path) -> dict[str, Path]:
    return {
        "missing folder": tmp_path / "no" / "such" / "folder" / "out.file",
        "a folder": tmp_path,
    }


@pytest.mark.parametrize("command", OUTPUT_COMMANDS, ids=lambda c: " ".join(c[:2]))
@pytest.mark.parametrize("where", ["missing folder", "a folder"])
def test_an_unwritable_output_is_one_error_line(
    cli: CliRunner, unwritable: dict[str, Path], command: list[str], where: str
) -> None:
    target = unwritable[where]
    line = _one_error_line(_run(cli, *command, "--output", str(target)))
    assert line.startswith(f"Error: cannot write --output {target}: ")


def test_an_unwritable_refs_file_stops_the_import_before_it_starts(
    cli: CliRunner, committed_engine: Engine, tmp_path: Path
) -> None:
    data = tmp_path / "clients.csv"
    data.write_text("kind,ref,first_name\nclient,c1,Ann\n", encoding="utf-8")
    refs = tmp_path / "missing" / "refs.csv"
    before = _count(committed_engine, Account)
    result = _run(
        cli, "import", "records", str(data), "--firm", "acme-planning", "--refs", str(refs)
    )
    assert _one_error_line(result).startswith(f"Error: cannot write --refs {refs}: ")
    assert _count(committed_engine, Account) == before


def _command(path: list[str]) -> Any:
    """The click command at ``path`` (typer builds on its own copy of click's classes)."""
    command: Any = typer.main.get_command(app)
    for name in path:
        command = command.commands[name]
    return command


def _commands() -> list[list[str]]:
    def walk(path: list[str]) -> Iterator[list[str]]:
        yield path
        for name in getattr(_command(path), "commands", {}):
            yield from walk([*path, name])

    return list(walk([]))


def test_the_walk_reaches_every_group() -> None:
    groups = {path[0] for path in _commands() if path}
    assert {"db", "firm", "user", "token", "report", "rate", "tag", "webhook", "time"} <= groups
    assert ["firm", "lock"] in _commands()


@pytest.mark.parametrize("path", _commands(), ids=lambda p: " ".join(p) or "timeledger")
def test_help_shows_flags_as_flags(path: list[str]) -> None:
    result = CliRunner(env={"COLUMNS": "200"}).invoke(app, [*path, "--help"])
    assert result.exit_code == 0, result.output
    assert "<bool>" not in result.output
    for param in _command(path).params:
        if getattr(param, "is_flag", False):
            names = [", ".join(param.opts)]
            if param.secondary_opts:
                names.append(", ".join(param.secondary_opts))
            shown = " / ".join(names)
            assert f"  {shown}  " in result.output or f"  {shown}\n" in result.output, shown


SOME = str(uuid.UUID(int=7))
NOT_FOUND = [
    (["rate", "update", SOME, "--hourly-rate", "100"], "billing rate"),
    (["rate", "archive", SOME], "billing rate"),
    (["rate", "reprice", SOME, "--from", "2026-01-01"], "billing rate"),
    (["tag", "rename", SOME, "New"], "tag"),
    (["tag", "archive", SOME], "tag"),
    (["token", "revoke", SOME], "token"),
    (["webhook", "update", SOME, "--disable"], "webhook subscription"),
    (["webhook", "delete", SOME], "webhook subscription"),
    (["webhook", "ping", SOME], "webhook subscription"),
    (["webhook", "rotate-secret", SOME], "webhook subscription"),
    (["webhook", "deliveries", SOME], "webhook subscription"),
    (["webhook", "retry", SOME], "delivery"),
    (["time", "log", "--on", "case", "--uuid", SOME, "--name", "x", "--minutes", "5"], "case"),
    (["time", "log", "--on", "client", "--uuid", SOME, "--name", "x", "--minutes", "5"], "client"),
]


@pytest.mark.parametrize(
    ("command", "kind"), NOT_FOUND, ids=[" ".join(c[:2]) + f" {k}" for c, k in NOT_FOUND]
)
def test_a_missing_record_is_named_with_its_uuid(
    cli: CliRunner, command: list[str], kind: str
) -> None:
    line = _one_error_line(_run(cli, *command))
    assert line.startswith(f"Error: no {kind} with UUID {SOME}"), line


HUGE = str(10**20)
# Every number an option takes, with values outside what it means: each is refused with
# typer's usage error (exit 2, naming the option and its range) or one line `Error: ...`
# (exit 1), never a traceback, never started or stored.
SERVE = ["serve"]
SUMMARY = ["report", "summary", "--from", "2026-03-01", "--to", "2026-03-31"]
DETAILED = ["report", "detailed", "--from", "2026-03-01", "--to", "2026-03-31"]
UP = ["--rounding", "up"]
LOG = ["time", "log", "--on", "firm", "--uuid", SOME, "--name", "x"]
RATE = ["rate", "create", "--from", "2026-01-01"]
NUMBERS: dict[tuple[str, ...], tuple[list[str], list[str]]] = {
    ("serve", "--port"): (SERVE, ["0", "-1", "65536", "99999", HUGE]),
    ("serve", "--workers"): (SERVE, ["0", "-1", "65", HUGE]),
    ("report summary", "--rounding-minutes"): ([*SUMMARY, *UP], ["0", "-1", "7", HUGE]),
    ("report detailed", "--rounding-minutes"): ([*DETAILED, *UP], ["0", "-1", "7", HUGE]),
    ("report detailed", "--per-page"): (DETAILED, ["0", "-1", "501", HUGE]),
    ("time log", "--minutes"): (LOG, ["0", "-1", HUGE]),
    ("rate create", "--hourly-rate"): (RATE, ["-1", HUGE]),
    ("rate update", "--hourly-rate"): (["rate", "update", "RATE"], ["-1", HUGE]),
}


def _numeric_options() -> set[tuple[str, ...]]:
    """Every (command, option) of the CLI whose value is a number (from the type hints of
    the command's function, so a new number option fails the test below until listed)."""
    found: set[tuple[str, ...]] = set()
    for path in _commands():
        command = _command(path)
        if command.callback is None:
            continue
        hints = get_type_hints(command.callback)
        for param in command.params:
            if hints.get(param.name) in (int, float, int | None, float | None):
                found.add((" ".join(path), param.opts[0]))
    return found


def test_every_number_option_is_checked_below() -> None:
    assert _numeric_options() == set(NUMBERS)


def _a_rate(cli: CliRunner) -> str:
    result = _run(cli, *RATE, "--hourly-rate", "15000")
    assert result.exit_code == 0, result.output
    rate: str = json.loads(result.output)["uuid"]
    return rate


@pytest.mark.parametrize(
    ("command", "option", "value"),
    [(c, o, v) for (c, o), (_, values) in NUMBERS.items() for v in values],
    ids=lambda part: str(part)[:12],
)
def test_a_number_out_of_range_is_refused_in_one_line(
    cli: CliRunner, monkeypatch: pytest.MonkeyPatch, command: str, option: str, value: str
) -> None:
    def started(*_: object, **__: object) -> None:
        raise AssertionError("the server started")

    monkeypatch.setattr(serve_module, "upgrade_database", started)
    monkeypatch.setattr(uvicorn, "run", started)
    args = NUMBERS[(command, option)][0]
    if "RATE" in args:
        args = [_a_rate(cli) if part == "RATE" else part for part in args]
    result = _run(cli, *args, option, value)
    assert "Traceback" not in result.output
    assert "the server started" not in result.output
    assert "This is a bug" not in result.output, result.output
    if result.exit_code == 2:
        assert f"Invalid value for '{option}'" in result.output, result.output
    else:
        line = _one_error_line(result)
        assert value in line or option.strip("-").replace("-", "_") in line, line
