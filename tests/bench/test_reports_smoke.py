"""A smoke run of the reports benchmark (``python -m bench.reports``) at a tiny size, so it
cannot rot; its figures are in docs/performance.md, not asserted here."""

from __future__ import annotations

from pathlib import Path

import pytest

from bench.reports import run_size

pytestmark = pytest.mark.slow


def test_every_reports_scenario_runs(tmp_path: Path) -> None:
    results = run_size(f"sqlite:///{tmp_path / 'reports.db'}", 2_000, repeat=1)
    assert results["month"]["entries_counted"] > 0
    assert results["week"]["rows"] > 0
    assert results["export"]["bytes"] > 0
    assert results["export_all"]["bytes"] >= results["export"]["bytes"]
    assert "ix_time_entries_firm_start_live" in results["plan"]
