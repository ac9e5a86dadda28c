"""Benchmark the reports service: ``python -m bench.reports --url URL --sizes 10k,100k,1M``.

For each size, uses (or first generates) the benchmark database (``bench.generate``: one
firm per 100k entries, 20 staff each, entries going back from now), then times, through
``timeledger.reports.service`` on one session per size (no HTTP):

- ``month``: the summary of the last full month, grouped by client then staff;
- ``week``: the weekly grid of the last full week;
- ``export``: the detailed CSV export of that month.

The sizes are measured **interleaved** (round 1 of every size, then round 2, ...), after
one warm-up each, so a shared machine's changing load falls on every size alike and the
ratios between sizes are from the same minutes. ``URL`` may hold ``{size}`` (a database
per size, e.g. ``.../bench_{size}``); a size's database is generated only when it does not
already hold that many entries with its fixture in ``--fixtures`` (``--regenerate``
forces it). Prints one JSON line per size, then a Markdown table with the 1M/10k ratios,
the load average before and after and the plan of the month's range at each size.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, text
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session

from bench.dataset import Shape, default_firms
from bench.generate import count, generate, read_fixture, save
from timeledger.auth.service import Actor, authenticate
from timeledger.config import Environment, Settings
from timeledger.db import build_engine
from timeledger.reports import service

SCENARIOS = ("month", "week", "export")


@dataclass
class Target:
    """One size's database, session and caller, and the times measured on it."""

    label: str
    entries: int
    engine: Engine
    session: Session
    actor: Actor
    now: datetime
    month: dict[str, str]
    week: dict[str, str]
    times: dict[str, list[float]] = field(default_factory=dict)
    facts: dict[str, Any] = field(default_factory=dict)

    def run(self, scenario: str) -> Any:
        session, actor, now = self.session, self.actor, self.now
        if scenario == "month":
            report = service.summary(session, actor=actor, query=self.month, now=now)
            return {"entries_counted": report.totals.entries}
        if scenario == "week":
            grid = service.weekly(session, actor=actor, query=self.week, now=now)
            return {"rows": len(grid.rows)}
        query = {k: v for k, v in self.month.items() if k != "group_by"}
        exported = service.export(
            session, actor=actor, report="detailed", file_format="csv", query=query, now=now
        )
        with exported.file:
            return {"bytes": len(exported.file.read())}


def _holds(url: str, entries: int) -> bool:
    engine = build_engine(Settings(environment=Environment.TEST, database_url=url))
    try:
        with engine.connect() as connection:
            found = connection.execute(text("SELECT count(*) FROM time_entries")).scalar()
    except DBAPIError:  # no table yet: not generated
        return False
    finally:
        engine.dispose()
    return found == entries


def _fixture(url: str, entries: int, path: Path, regenerate: bool) -> dict[str, Any]:
    """The size's fixture, generating the database first when it is not there yet."""
    if not regenerate and path.exists() and _holds(url, entries):
        fixture = read_fixture(path)
        if fixture["url"] == url:
            return fixture
    generated = generate(url, Shape(entries=entries, firms=default_firms(entries)))
    save(generated, path)
    print(f"generated {entries:,} entries in {generated.seconds}", flush=True)
    return read_fixture(path)


def make_target(label: str, url: str, entries: int, fixture: dict[str, Any]) -> Target:
    engine = build_engine(Settings(environment=Environment.TEST, database_url=url))
    session = Session(engine)
    now = datetime.fromtimestamp(fixture["generated_at"], UTC)
    last_month_end = now.date().replace(day=1) - timedelta(days=1)
    # The firm's first employee is its owner: the whole firm's time.
    owner = next(iter(fixture["accounts"].values()))
    actor = authenticate(session, bearer=fixture["token"], account_header=owner, now=now)
    return Target(
        label=label,
        entries=entries,
        engine=engine,
        session=session,
        actor=actor,
        now=now,
        month={
            "from": last_month_end.replace(day=1).isoformat(),
            "to": last_month_end.isoformat(),
            "group_by": "client,staff",
        },
        week={"week_of": (now.date() - timedelta(days=7)).isoformat()},
    )


def _interleaved(targets: list[Target], scenario: str, repeat: int) -> None:
    for target in targets:
        target.facts[scenario] = target.run(scenario)  # warm-up: caches, plans
        target.times[scenario] = []
    for _ in range(repeat):
        for target in targets:
            started = time.perf_counter()
            target.run(scenario)
            target.times[scenario].append(time.perf_counter() - started)


def plan(target: Target) -> list[str]:
    """The plan of the month's range as the report asks it (EXPLAIN ANALYZE on PostgreSQL)."""
    session = target.session
    sqlite = session.get_bind().dialect.name == "sqlite"
    prefix = "EXPLAIN QUERY PLAN" if sqlite else "EXPLAIN (ANALYZE, BUFFERS)"
    lo = datetime.fromisoformat(target.month["from"])
    hi = datetime.fromisoformat(target.month["to"]) + timedelta(days=1)
    query = (
        f"{prefix} SELECT id, account_id, trackable_type, trackable_id, started_at, ended_at,"
        " billable, hourly_rate_minor, currency FROM time_entries"
        f" WHERE firm_id = {target.actor.firm.id} AND deleted_at IS NULL"
        f" AND started_at >= '{lo:%Y-%m-%d}' AND started_at < '{hi:%Y-%m-%d}'"
        " ORDER BY started_at, id"
    )
    return [str(row[-1]) for row in session.execute(text(query))]


def figures(times: list[float]) -> dict[str, float]:
    return {
        "median_ms": round(statistics.median(times) * 1000, 1),
        "best_ms": round(min(times) * 1000, 1),
    }


def _table(targets: list[Target], loads: tuple[str, str]) -> str:
    head = "| ms, median / best | " + " | ".join(t.label for t in targets)
    lines = [head + " | 1st/last (median) |", "|---" * (len(targets) + 2) + "|"]
    for scenario in SCENARIOS:
        found = [figures(t.times[scenario]) for t in targets]
        cells = [f"{f['median_ms']:,.0f} / {f['best_ms']:,.0f}" for f in found]
        ratio = found[-1]["median_ms"] / found[0]["median_ms"]
        lines.append(f"| {scenario} | " + " | ".join(cells) + f" | {ratio:.2f}x |")
    lines.append(f"\nload average before: {loads[0]}; after: {loads[1]}")
    return "\n".join(lines)


def _load() -> str:
    return " ".join(f"{value:.2f}" for value in os.getloadavg())


def measure(targets: list[Target], repeat: int) -> str:
    before = _load()
    for scenario in SCENARIOS:
        _interleaved(targets, scenario, repeat)
    return _table(targets, (before, _load()))


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--url", required=True, help="SQLAlchemy URL; may hold {size}")
    parser.add_argument("--sizes", default="10k,100k", help="Comma-separated entry counts")
    parser.add_argument("--repeat", type=int, default=9)
    parser.add_argument("--fixtures", type=Path, default=Path("bench/results"))
    parser.add_argument("--regenerate", action="store_true", help="generate even if present")
    args = parser.parse_args(argv)
    targets = []
    for label in args.sizes.split(","):
        url = args.url.replace("{size}", label.lower())
        dialect = url.split(":", 1)[0].split("+", 1)[0]
        path = args.fixtures / f"reports-{dialect}-{label.lower()}.json"
        fixture = _fixture(url, count(label), path, args.regenerate)
        targets.append(make_target(label, url, count(label), fixture))
    try:
        table = measure(targets, args.repeat)
        for target in targets:
            line = {s: figures(target.times[s]) | target.facts[s] for s in SCENARIOS}
            print(json.dumps({"entries": target.entries} | line), flush=True)
        print(table)
        for target in targets:
            print(f"\nplan at {target.label}:\n  " + "\n  ".join(plan(target)))
    finally:
        for target in targets:
            target.session.close()
            target.engine.dispose()


if __name__ == "__main__":
    main()
