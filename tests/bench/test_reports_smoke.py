"""A smoke run of the reports benchmarks (``python -m bench.reports`` and
``python -m bench.export_memory``) at tiny sizes, so they cannot rot; their figures are in
docs/performance.md, not asserted here."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from bench import export_memory, reports
from bench.generate import read_fixture

pytestmark = pytest.mark.slow


def test_every_reports_scenario_runs_and_reuses_its_databases(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    argv = [
        "--url",
        f"sqlite:///{tmp_path}/reports-{{size}}.db",
        "--sizes",
        "1k,2k",
        "--repeat",
        "1",
        "--fixtures",
        str(tmp_path),
    ]
    reports.main(argv)
    first = capsys.readouterr().out
    assert first.count("generated ") == 2
    lines = [json.loads(line) for line in first.splitlines() if line.startswith("{")]
    assert [line["entries"] for line in lines] == [1_000, 2_000]
    for line in lines:
        assert line["month"]["entries_counted"] > 0
        assert line["week"]["rows"] > 0
        assert line["export"]["bytes"] > 0
    assert "| month |" in first
    assert "ix_time_entries_firm_start_live" in first

    reports.main(argv)
    assert "generated " not in capsys.readouterr().out  # the databases were reused


def test_export_memory_counts_every_entry(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path}/reports-1k.db"
    reports.main(["--url", url, "--sizes", "1k", "--repeat", "1", "--fixtures", str(tmp_path)])
    fixture = read_fixture(tmp_path / "reports-sqlite-1k.json")
    result = export_memory.run(url, fixture, "xlsx", traced=True)
    assert result["entries"] > 900  # 1k entries, less the deleted ones
    assert result["bytes"] > 0
    assert result["peak_rss_mib"] >= result["rss_before_mib"] > 0
    assert result["heap_peak_mib"] is not None
