"""Benchmark the reports service: ``python -m bench.reports --url URL --sizes 10k,100k,1M``.

For each size, generates the benchmark database (``bench.generate``: one firm per 100k
entries, 20 staff each, entries going back from now), then times, through
``timeledger.reports.service`` on one session (no HTTP):

- ``month``: the summary of the last full month, grouped by client then staff;
- ``week``: the weekly grid of the last full week;
- ``export``: the detailed CSV export of that month (with Python's heap peak);
- ``export_all``: the detailed CSV of the firm's whole history, once, with its heap peak.

Each is run ``--repeat`` times after one warm-up; the median and the best are printed, with
the entries counted and the query plan of the firm-wide range.
"""

from __future__ import annotations

import argparse
import json
import statistics
import time
import tracemalloc
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import text
from sqlalchemy.orm import Session

from bench.dataset import Shape, default_firms
from bench.generate import count, generate
from timeledger.auth.service import authenticate
from timeledger.config import Environment, Settings
from timeledger.db import build_engine
from timeledger.reports import service


def _timed(action: Callable[[], Any], repeat: int) -> tuple[list[float], Any]:
    action()  # warm-up: caches, plans
    times = []
    result = None
    for _ in range(repeat):
        started = time.perf_counter()
        result = action()
        times.append(time.perf_counter() - started)
    return times, result


def _plan(session: Session, firm_id: int, lo: datetime, hi: datetime) -> str:
    sqlite = session.get_bind().dialect.name == "sqlite"
    prefix = "EXPLAIN QUERY PLAN" if sqlite else "EXPLAIN"
    started = lo.strftime("%Y-%m-%d %H:%M:%S")
    ended = hi.strftime("%Y-%m-%d %H:%M:%S")
    query = (
        f"{prefix} SELECT id FROM time_entries WHERE firm_id = {firm_id} AND deleted_at IS NULL"
        f" AND started_at >= '{started}' AND started_at < '{ended}' ORDER BY started_at, id"
    )
    rows = session.execute(text(query)).all()
    return " | ".join(str(row[-1]) for row in rows)


def run_size(url: str, entries: int, repeat: int) -> dict[str, Any]:
    shape = Shape(entries=entries, firms=default_firms(entries))
    generated = generate(url, shape)
    settings = Settings(environment=Environment.TEST, database_url=url)
    engine = build_engine(settings)
    now = datetime.fromtimestamp(generated.generated_at, UTC)
    this_month = now.date().replace(day=1)
    last_month_end = this_month - timedelta(days=1)
    month = {
        "from": last_month_end.replace(day=1).isoformat(),
        "to": last_month_end.isoformat(),
        "group_by": "client,staff",
    }
    week = {"week_of": (now.date() - timedelta(days=7)).isoformat()}
    results: dict[str, Any] = {
        "entries": entries,
        "firms": shape.firms,
        "generate": generated.seconds,
    }
    try:
        with Session(engine) as session:
            # The firm's first employee is its owner: the whole firm's time.
            owner = next(iter(generated.accounts.values()))
            actor = authenticate(session, bearer=generated.token, account_header=owner, now=now)

            def summary() -> Any:
                return service.summary(session, actor=actor, query=month, now=now)

            def weekly() -> Any:
                return service.weekly(session, actor=actor, query=week, now=now)

            def export() -> int:
                exported = service.export(
                    session,
                    actor=actor,
                    report="detailed",
                    file_format="csv",
                    query={k: v for k, v in month.items() if k != "group_by"},
                    now=now,
                )
                with exported.file:
                    return len(exported.file.read())

            times, report = _timed(summary, repeat)
            results["month"] = _figures(times) | {"entries_counted": report.totals.entries}
            times, grid = _timed(weekly, repeat)
            results["week"] = _figures(times) | {"rows": len(grid.rows)}
            times, size = _timed(export, repeat)
            tracemalloc.start()
            export()
            peak = tracemalloc.get_traced_memory()[1]
            tracemalloc.stop()
            results["export"] = _figures(times) | {
                "bytes": size,
                "heap_peak_mib": round(peak / 2**20, 1),
            }
            results["export_all"] = _export_all(session, actor, now)
            firm_id = actor.firm.id
            lo = datetime.combine(last_month_end.replace(day=1), datetime.min.time(), UTC)
            results["plan"] = _plan(session, firm_id, lo, lo + timedelta(days=31))
    finally:
        engine.dispose()
    return results


def _export_all(session: Session, actor: Any, now: datetime) -> dict[str, Any]:
    """The detailed CSV of the firm's whole history (the last five years): one run, its
    time, size and Python heap peak: memory must not grow with the entries."""
    query = {
        "from": (now.date() - timedelta(days=5 * 365 - 1)).isoformat(),
        "to": now.date().isoformat(),
    }
    tracemalloc.start()
    started = time.perf_counter()
    exported = service.export(
        session, actor=actor, report="detailed", file_format="csv", query=query, now=now
    )
    elapsed = time.perf_counter() - started
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    with exported.file:
        size = len(exported.file.read())
    return {"ms": round(elapsed * 1000, 1), "bytes": size, "heap_peak_mib": round(peak / 2**20, 1)}


def _figures(times: list[float]) -> dict[str, float]:
    return {
        "median_ms": round(statistics.median(times) * 1000, 1),
        "best_ms": round(min(times) * 1000, 1),
    }


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--url", required=True, help="SQLAlchemy URL of the database to fill")
    parser.add_argument("--sizes", default="10k,100k", help="Comma-separated entry counts")
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args(argv)
    for size in args.sizes.split(","):
        print(json.dumps(run_size(args.url, count(size), args.repeat)), flush=True)


if __name__ == "__main__":
    main()
