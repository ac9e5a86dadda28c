"""Memory of a detailed export of a firm's whole history: ``python -m bench.export_memory``.

    .venv/bin/python -m bench.generate --url URL --entries 1M --firms 1 --employees 200 \\
        --fixture bench/results/export-1m.json
    .venv/bin/python -m bench.export_memory --url URL --fixture bench/results/export-1m.json \\
        --format csv

Runs, in this process, ``timeledger.reports.service.export`` of the detailed report over
the last five years (the longest range a report takes) as the fixture's firm owner, after a
one-day warm-up export, and prints one JSON line: entries and bytes written, seconds, the
resident set size (RSS) before, every 50,000 entries and at the end, and the peak
RSS of the process (``ru_maxrss``). Memory is bounded when the peak does not grow with the
entries: compare a 100k and a 1M run (each in its own process: the peak is per process).
``--tracemalloc`` adds Python's heap peak (and makes the run several times slower).
"""

from __future__ import annotations

import argparse
import json
import resource
import time
import tracemalloc
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy.orm import Session

from bench.generate import read_fixture
from timeledger.auth.service import authenticate
from timeledger.config import Environment, Settings
from timeledger.db import build_engine
from timeledger.reports import service

MIB = 2**20


def rss_mib() -> float:
    """The current resident set size, from ``/proc/self/statm`` (Linux)."""
    pages = int(Path("/proc/self/statm").read_text().split()[1])
    return round(pages * resource.getpagesize() / MIB, 1)


def peak_rss_mib() -> float:
    return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)  # KiB on Linux


def _export(
    session: Session,
    actor: Any,
    file_format: str,
    query: dict[str, str],
    now: datetime,
    marks: list[tuple[int, float]],
) -> tuple[int, int]:
    counted = [0]

    def progress(done: int) -> None:
        counted[0] = done
        if done % 50_000 == 0:
            marks.append((done, rss_mib()))

    exported = service.export(
        session,
        actor=actor,
        report="detailed",
        file_format=file_format,
        query=query,
        now=now,
        progress=progress,
    )
    with exported.file as file:
        size = sum(len(chunk) for chunk in iter(lambda: file.read(1 << 20), b""))
    return counted[0], size


def run(url: str, fixture: dict[str, Any], file_format: str, traced: bool) -> dict[str, Any]:
    engine = build_engine(Settings(environment=Environment.TEST, database_url=url))
    now = datetime.fromtimestamp(fixture["generated_at"], UTC)
    today = now.date()
    whole = {"from": (today - timedelta(days=5 * 365)).isoformat(), "to": today.isoformat()}
    try:
        with Session(engine) as session:
            owner = next(iter(fixture["accounts"].values()))
            actor = authenticate(session, bearer=fixture["token"], account_header=owner, now=now)
            day = {"from": today.isoformat(), "to": today.isoformat()}
            _export(session, actor, file_format, day, now, [])  # warm-up: imports, caches
            before = rss_mib()
            marks: list[tuple[int, float]] = []
            if traced:
                tracemalloc.start()
            started = time.perf_counter()
            entries, size = _export(session, actor, file_format, whole, now, marks)
            seconds = time.perf_counter() - started
            heap = tracemalloc.get_traced_memory()[1] / MIB if traced else None
            tracemalloc.stop()
            return {
                "format": file_format,
                "entries": entries,
                "bytes": size,
                "seconds": round(seconds, 1),
                "rss_before_mib": before,
                "rss_every_50k_mib": marks,
                "rss_after_mib": rss_mib(),
                "peak_rss_mib": peak_rss_mib(),
                "heap_peak_mib": None if heap is None else round(heap, 1),
            }
    finally:
        engine.dispose()


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--url", required=True)
    parser.add_argument("--fixture", type=Path, required=True)
    parser.add_argument("--format", choices=("csv", "xlsx"), default="csv")
    parser.add_argument("--tracemalloc", action="store_true")
    args = parser.parse_args(argv)
    result = run(args.url, read_fixture(args.fixture), args.format, args.tracemalloc)
    print(json.dumps(result), flush=True)


if __name__ == "__main__":
    main()
