"""A smoke run of the benchmark at a tiny size, so that it cannot rot: the generator, the
floor app, every scenario against a served timeledger, the report. The real benchmark is
``python -m bench.run`` (docs/performance.md); it is not part of the suite."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from sqlalchemy import create_engine, func, select

from bench import run
from bench.dataset import Shape
from bench.generate import generate
from bench.scenarios import SCENARIOS
from timeledger.models import Account, AccountType, TimeEntry

pytestmark = pytest.mark.slow

TINY = ["--sizes", "400", "--seconds", "1", "--requests", "40"]
TINY += ["--latency-seconds", "1", "--latency-requests", "20"]


def test_generator_writes_the_shape_it_was_asked_for(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'gen.db'}"
    shape = Shape(
        entries=500,
        firms=2,
        employees=5,
        clients=10,
        cases=4,
        circles=2,
        tasks=6,
        board_tasks=3,
        running_share=1.0,
    )

    generated = generate(url, shape, now=1_764_331_200)

    engine = create_engine(url)
    with engine.connect() as connection:
        entries = connection.scalar(select(func.count()).select_from(TimeEntry))
        running = connection.scalar(select(func.count()).where(TimeEntry.ended_at.is_(None)))
        staff = connection.scalar(select(func.count()).where(Account.type == AccountType.EMPLOYEE))
        kinds = set(connection.scalars(select(TimeEntry.trackable_type).distinct()))
    engine.dispose()
    assert entries == 500
    assert staff == 10
    # Every account's newest entry runs (share 1.0); the database allows one each.
    assert running == 10
    assert len(kinds) == 6
    assert generated.token.startswith("tl_")
    assert set(generated.trackables) == {kind.value for kind in kinds}
    assert len(generated.accounts) == 5


@pytest.mark.parametrize("driver", ["python", "wrk"])
def test_a_tiny_benchmark_runs_every_scenario_without_errors(tmp_path: Path, driver: str) -> None:
    if driver == "wrk" and shutil.which("wrk") is None:
        pytest.skip("wrk is not installed (apt-get install -y wrk)")
    scenarios = list(SCENARIOS) if driver == "python" else ["show", "create_finished"]

    rows = run.main(
        [*TINY, "--driver", driver, "--out", str(tmp_path), "--scenarios", ",".join(scenarios)]
    )

    measured = {(row.scenario, row.connections): row for row in rows}
    for scenario in ["floor_create", *scenarios]:
        for connections in (16, 1):
            row = measured[(scenario, connections)]
            assert row.ok > 0, (scenario, connections)
            assert row.bad == 0, (scenario, connections, row.first_bad)
    table = (tmp_path / "results.md").read_text()
    assert "floor_create" in table
    assert all(scenario in table for scenario in scenarios)
    assert json.loads((tmp_path / "results.json").read_text())
