from __future__ import annotations

import re
from pathlib import Path

import pytest
from sqlalchemy import Engine, func, select
from typer.testing import CliRunner, Result

from timeledger.cli import app
from timeledger.models import Account, PersonalAccessToken


@pytest.fixture
def cli(committed_engine: Engine, database_url: str) -> CliRunner:
    return CliRunner(env={"TIMELEDGER_DATABASE_URL": database_url})


def invoke(cli: CliRunner, *args: str) -> Result:
    return cli.invoke(app, list(args))


def ok(cli: CliRunner, *args: str) -> str:
    result = invoke(cli, *args)
    assert result.exit_code == 0, result.output
    return result.output


@pytest.fixture
def firm(cli: CliRunner) -> str:
    ok(cli, "firm", "create", "Cli Firm")
    return "cli-firm"


def add_user(cli: CliRunner, firm: str, email: str, *extra: str) -> Result:
    return invoke(
        cli, "user", "create", "--firm", firm, "--email", email, "--first-name", "Sam", *extra
    )


def count(engine: Engine, model: type[Account] | type[PersonalAccessToken]) -> int:
    with engine.connect() as connection:
        return connection.scalar(select(func.count()).select_from(model)) or 0


class TestFirmCreate:
    def test_refuses_a_zone_that_is_not_iana(self, cli: CliRunner) -> None:
        result = invoke(cli, "firm", "create", "Lost", "--time-zone", "Atlantis/Capital")
        assert result.exit_code == 1
        assert "Error: time_zone: The time zone must be an IANA zone name" in result.output

    def test_a_second_firm_of_the_same_name_gets_its_own_slug(self, cli: CliRunner) -> None:
        assert "slug twin" in ok(cli, "firm", "create", "Twin")
        assert "slug twin-2" in ok(cli, "firm", "create", "Twin")


class TestUserCreate:
    def test_needs_a_known_firm_and_a_long_password(
        self, cli: CliRunner, firm: str, committed_engine: Engine
    ) -> None:
        unknown = add_user(cli, "nowhere", "a@example.com", "--password", "long enough")
        assert unknown.exit_code == 1
        assert "Error: No firm with the UUID or slug nowhere." in unknown.output
        short = add_user(cli, firm, "a@example.com", "--password", "short")
        assert short.exit_code == 1
        assert "Error: password: The password must be at least 8 characters." in short.output
        assert count(committed_engine, Account) == 0

    def test_prompts_for_the_password(self, cli: CliRunner, firm: str) -> None:
        result = cli.invoke(
            app,
            ["user", "create", "--firm", firm, "--email", "p@example.com", "--first-name", "P"],
            input="hunter2hunter2\nhunter2hunter2\n",
        )
        assert result.exit_code == 0, result.output
        assert "User p@example.com (created); member account P" in result.output

    def test_an_existing_user_gains_a_login_and_keeps_the_password(
        self, cli: CliRunner, firm: str
    ) -> None:
        ok(cli, "firm", "create", "Second Firm")
        first = add_user(cli, firm, "both@example.com", "--password", "first password")
        assert first.exit_code == 0
        second = add_user(cli, "second-firm", "both@example.com", "--password", "ignored!")
        assert second.exit_code == 0
        assert "existing user, password unchanged" in second.output
        again = add_user(cli, firm, "both@example.com", "--password", "first password")
        assert again.exit_code == 1
        assert "already has a login on this firm" in again.output

    def test_refuses_a_role_that_is_not_staff(self, cli: CliRunner, firm: str) -> None:
        result = add_user(cli, firm, "c@example.com", "--role", "individual", "--password", "x" * 8)
        assert result.exit_code == 2
        assert result.output == (
            "Error: Invalid value for '--role': 'individual' is not a staff role; use one of "
            "owner, admin, member. See `timeledger --help`.\n"
        )


class TestTokens:
    def test_lists_and_revokes(self, cli: CliRunner, firm: str) -> None:
        assert add_user(cli, firm, "t@example.com", "--password", "p" * 10).exit_code == 0
        ok(cli, "token", "create", "--email", "t@example.com", "--name", "laptop")
        listed = ok(cli, "token", "list", "--email", "t@example.com")
        found = re.match(r"([0-9a-f-]{36})  laptop  active", listed)
        assert found, listed
        revoked = ok(cli, "token", "revoke", found.group(1))
        assert revoked.strip() == f"Revoked token {found.group(1)} (laptop)."
        assert " revoked 20" in ok(cli, "token", "list", "--email", "t@example.com")

    def test_unknown_user_and_token(self, cli: CliRunner) -> None:
        nobody = invoke(cli, "token", "list", "--email", "nobody@example.com")
        assert nobody.exit_code == 1
        assert "Error: No user with the email nobody@example.com." in nobody.output
        missing = invoke(cli, "token", "revoke", "00000000-0000-0000-0000-000000000000")
        assert missing.exit_code == 1
        assert "Error: no token with UUID 00000000-0000-0000-0000-000000000000." in missing.output


class TestImportRecords:
    def test_a_bad_line_loads_nothing_and_names_the_line(
        self, cli: CliRunner, firm: str, tmp_path: Path, committed_engine: Engine
    ) -> None:
        path = tmp_path / "bad.csv"
        path.write_text("kind,first_name,role\nclient,Ann,\nclient,Bob,wizard\nclient,,\n")
        result = invoke(cli, "import", "records", str(path), "--firm", firm)
        assert result.exit_code == 1
        assert "Nothing was imported" in result.output
        assert result.output.splitlines()[1:] == [
            "line 3: role 'wizard' is not a client role; use one of business, individual, "
            "joint, trust.",
            "line 4: first_name is required.",
        ]
        assert count(committed_engine, Account) == 0

    def test_the_refs_file_has_unix_line_ends_and_no_live_formulas(
        self, cli: CliRunner, firm: str, tmp_path: Path
    ) -> None:
        path = tmp_path / "refs-in.csv"
        path.write_text("kind,ref,first_name\nclient,=HYPERLINK(1),Ann\nclient,+c2,Bob\n")
        refs = tmp_path / "refs.csv"
        result = invoke(cli, "import", "records", str(path), "--firm", firm, "--refs", str(refs))
        assert result.exit_code == 0, result.output
        written = refs.read_bytes()
        assert b"\r" not in written
        lines = written.decode().splitlines()
        assert lines[0] == "ref,kind,uuid"
        assert [line.rsplit(",", 2)[:2] for line in lines[1:]] == [
            ["'=HYPERLINK(1)", "client"],
            ["'+c2", "client"],
        ]

    def test_shows_progress_when_asked(self, cli: CliRunner, firm: str, tmp_path: Path) -> None:
        path = tmp_path / "few.csv"
        path.write_text("kind,first_name\nclient,Ann\nclient,Bob\n")
        result = invoke(cli, "import", "records", str(path), "--firm", firm, "--progress")
        assert result.exit_code == 0, result.output
        assert "Checking" in result.output
        assert "Importing" in result.output
        assert "Imported 2 records: 2 clients, 0 cases, 0 tasks." in result.output
