"""A smoke run of the whole benchmark (``python -m bench.full``) on SQLite at two tiny
sizes, and of the web pages' budget, so they cannot rot. The figures go to
docs/performance.md; none is asserted here."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from sqlalchemy import create_engine, func, select

from bench import full, run, web_pages
from bench.generate import read_fixture
from bench.scenarios import SCENARIOS
from timeledger.models import WebhookDelivery, WebhookSubscription

pytestmark = pytest.mark.slow

TINY = ["--seconds", "1", "--requests", "30", "--latency-seconds", "1"]
TINY += ["--latency-requests", "15", "--driver", "python"]
QUICK = ["--page-repeat", "1", "--report-repeat", "1"]


def test_one_command_measures_every_scenario_report_and_page_at_each_size(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    argv = ["--db", "sqlite", "--sizes", "400,800", "--out", str(tmp_path), *TINY, *QUICK]

    status = full.main([*argv, "--budget-ms", "100000"])

    assert status == 0
    table = (tmp_path / "full.md").read_text()
    assert table.splitlines()[0] == "| figure | 400 | 800 | 800/400 |"
    for scenario in ["floor_create", *SCENARIOS]:
        assert f"| {scenario}: req/s, 16 conns |" in table
        assert f"| {scenario}: p50 ms, 1 conn |" in table
    for scenario in ("month", "week", "export"):
        assert f"| report {scenario}: median ms |" in table
    fixture = read_fixture(tmp_path / "fixture-sqlite-800.json")
    for name, _path in web_pages.pages(fixture):
        assert f"| page {name}: p50 ms |" in table
    assert "| peak RSS MiB, timeledger server |" in table
    summary = json.loads((tmp_path / "full.json").read_text())["summary"]
    assert summary[full.BAD] == {"400": 0, "800": 0}

    # The webhook scenario's subscriptions are gone again; its writes filled the outbox.
    engine = create_engine(f"sqlite:///{tmp_path / 'bench-800.db'}")
    with engine.connect() as connection:
        live = select(func.count()).where(WebhookSubscription.deleted_at.is_(None))
        assert connection.scalar(live) == 0
        deliveries = connection.scalar(select(func.count()).select_from(WebhookDelivery))
        assert deliveries is not None
        assert deliveries > 0
    engine.dispose()
    url = f"sqlite:///{tmp_path / 'bench-800.db'}"
    assert run.holds_token(url, fixture["token"])
    assert not run.holds_token(url, "tl_another_generation")
    assert not run.holds_token(f"sqlite:///{tmp_path / 'never.db'}", fixture["token"])

    # A second run keeps the data, and deletes only entries the first left.
    capsys.readouterr()
    status = full.main([*argv, "--reuse", "--scenarios", "delete", "--budget-ms", "100000"])

    assert status == 0
    assert "generated " not in capsys.readouterr().out
    summary = json.loads((tmp_path / "full.json").read_text())["summary"]
    assert summary[full.BAD] == {"400": 0, "800": 0}


def test_a_page_over_the_budget_is_flagged_and_fails_the_run(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    argv = ["--db", "sqlite", "--sizes", "400", "--out", str(tmp_path), *TINY, *QUICK]

    status = full.main([*argv, "--scenarios", "show", "--budget-ms", "0"])

    assert status == 1
    out = capsys.readouterr().out
    assert "over the page budget: page " in out
    assert "(over)**" in (tmp_path / "full.md").read_text()
    url = f"sqlite:///{tmp_path / 'bench-400.db'}"
    fixture = str(tmp_path / "fixture-sqlite-400.json")
    argv = ["--url", url, "--fixture", fixture, "--repeat", "1"]
    assert web_pages.main([*argv, "--budget-ms", "100000"]) == 0
    assert web_pages.main([*argv, "--budget-ms", "0"]) == 1
    assert "OVER 0 ms" in capsys.readouterr().out
