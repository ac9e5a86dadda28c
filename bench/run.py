"""Run the benchmark: ``python -m bench.run --db sqlite,postgresql --sizes 10k,100k,1M``.

For each database and size: generate the data, serve the floor app and measure its create
at 16 connections (throughput) and 1 connection (latency), then serve timeledger and run
every scenario the same two ways, and read the server's peak RSS. Servers run on core 0,
the driver on core 1. Results go to ``OUT/results.json`` and a table to ``OUT/results.md``.
"""

from __future__ import annotations

import argparse
import json
import shutil
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import create_engine, select, update
from sqlalchemy.exc import DBAPIError

from bench.dataset import Shape, default_firms
from bench.generate import count, generate, read_fixture, save
from bench.processes import Load, Server, run_load, start_server
from bench.report import Row, markdown, size_label
from bench.scenarios import CONSUMING, SCENARIOS, WITH_WEBHOOKS, Fixture, create_finished
from bench.subscriptions import subscribe, unsubscribe
from timeledger.auth.service import ACCOUNT_HEADER, hash_token
from timeledger.models import PersonalAccessToken, TimeEntry

DEFAULT_PG = "postgresql+psycopg://postgres@127.0.0.1:5432/timeledger_bench"


@dataclass
class Options:
    out: Path
    driver: str
    seconds: float
    budget: int
    latency_seconds: float
    latency_budget: int
    scenarios: list[str]
    pg_url: str
    reuse: bool = False
    repeat: int = 1
    rows: list[Row] = field(default_factory=list)


def database_url(options: Options, db: str, size: int) -> str:
    """The group's database: ``--pg-url`` (``{size}`` in it becomes ``10k``, ``1m``, ...,
    a database per size) or an SQLite file per size in ``--out``."""
    if db == "postgresql":
        return options.pg_url.replace("{size}", size_label(size).lower())
    return f"sqlite:///{(options.out / f'bench-{size}.db').resolve()}"


def _fixture(options: Options, url: str, db: str, size: int) -> tuple[Fixture, dict[str, Any]]:
    path = options.out / f"fixture-{db}-{size}.json"
    if options.reuse and path.exists():
        data = read_fixture(path)
        if data["url"] == url and holds_token(url, data["token"]):
            return Fixture.read(data), data["seconds"]
        print(f"not reusing {url}: it no longer holds {path}'s data", flush=True)
    shape = Shape(entries=size, firms=default_firms(size))
    generated = generate(url, shape)
    save(generated, path)
    _consumed_path(options, db, size).unlink(missing_ok=True)  # every entry is there again
    print(f"generated {db} {size:,}: {generated.seconds}", flush=True)
    return Fixture.read(read_fixture(path)), generated.seconds


def holds_token(url: str, token: str) -> bool:
    """Whether the database still has the fixture's token (another generation, say
    ``bench.reports`` on the same database, replaces every row)."""
    engine = create_engine(url)
    try:
        with engine.connect() as connection:
            found = select(PersonalAccessToken.id).where(
                PersonalAccessToken.token_hash == hash_token(token)
            )
            return connection.scalar(found) is not None
    except DBAPIError:  # no tables: never generated, or dropped
        return False
    finally:
        engine.dispose()


def stop_timers(url: str, account_ids: list[int]) -> int:
    """Stop the staff's running timers, so a run of timer starts begins from none."""
    now = datetime.now(UTC).replace(microsecond=0)
    engine = create_engine(url)
    try:
        with engine.begin() as connection:
            statement = (
                update(TimeEntry)
                .where(TimeEntry.account_id.in_(account_ids), TimeEntry.ended_at.is_(None))
                .values(ended_at=now)
            )
            return connection.execute(statement).rowcount
    finally:
        engine.dispose()


@dataclass
class _Group:
    """One database at one size: its fixture, where to write plans, what each pool used."""

    db: str
    size: int
    url: str
    fixture: Fixture
    consumed: dict[str, int] = field(default_factory=dict)


def _plan(options: Options, group: _Group, scenario: str, budget: int) -> Path:
    if scenario == "create_running":
        lines = SCENARIOS[scenario](group.fixture, budget, int(time.time()) - budget - 5)
    else:
        offset = group.consumed.get(scenario, 0)
        lines = SCENARIOS[scenario](group.fixture, budget, offset)
        group.consumed[scenario] = offset + len(lines)
    path = options.out / "plans" / f"{group.db}-{group.size}-{scenario}.txt"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("\n".join(lines) + "\n")
    return path


def _median(results: list[dict[str, Any]], connections: int) -> dict[str, Any]:
    """The run in the middle: by p50 at one connection, by rate at sixteen. ``samples``
    keeps every run's figure, so the spread can be shown."""

    def rate(result: dict[str, Any]) -> float:
        return float(result["requests"]) / max(float(result["seconds"]), 1e-9)

    key = (lambda r: float(r["p50_ms"])) if connections == 1 else rate
    ordered = sorted(results, key=key)
    return {**ordered[len(ordered) // 2], "samples": [round(key(r), 3) for r in results]}


def _measure(
    options: Options,
    group: _Group,
    server: Server,
    scenario: str,
    connections: int,
    runs_left: int,
) -> dict[str, Any]:
    single = connections == 1
    budget = options.latency_budget if single else options.budget
    if scenario in CONSUMING:
        left = len(group.fixture.deletable) - group.consumed.get(scenario, 0)
        budget = min(budget, left // runs_left)
    if scenario == "create_running":
        stop_timers(group.url, list(group.fixture.accounts))
    plan = _plan(options, group, scenario, budget)
    seconds = options.latency_seconds if single else options.seconds
    load = Load(plan, group.fixture.token, connections, seconds, budget)
    return run_load(options.driver, server.port, load)


def _record(
    options: Options, group: _Group, scenario: str, result: dict[str, Any], conns: int, rss: float
) -> None:
    options.rows.append(
        Row(
            db=group.db,
            size=group.size,
            scenario=scenario,
            connections=conns,
            rss_mib=rss,
            **{key: result[key] for key in Row.RESULT_KEYS},
        )
    )
    rate = result["requests"] / max(result["seconds"], 1e-9)
    print(
        f"  {group.db} {group.size:>9,} {scenario:<16} c={conns:<2} {rate:8.0f} req/s "
        f"p50 {result['p50_ms']:7.2f} ms p99 {result['p99_ms']:7.2f} ms "
        f"ok {result['ok']} bad {result['bad']} {result['first_bad'][:80]}",
        flush=True,
    )


def _floor(options: Options, group: _Group) -> None:
    """The floor app's create, with the same bodies, in this run."""
    db_file = options.out / f"floor-{group.db}-{group.size}.db"
    for suffix in ("", "-wal", "-shm"):
        Path(f"{db_file}{suffix}").unlink(missing_ok=True)
    server = start_server(
        "bench.floor_app:create_app",
        env={"BENCH_FLOOR_DB": str(db_file)},
        log=options.out / "logs" / f"floor-{group.db}-{group.size}.log",
    )
    try:
        for connections in (16, 1):
            budget = options.latency_budget if connections == 1 else options.budget
            lines = create_finished(group.fixture, budget, 0)
            plan = options.out / "plans" / f"{group.db}-{group.size}-floor.txt"
            plan.parent.mkdir(parents=True, exist_ok=True)
            plan.write_text("\n".join(lines) + "\n")
            seconds = options.latency_seconds if connections == 1 else options.seconds
            load = Load(plan, group.fixture.token, connections, seconds, budget)
            runs = [run_load(options.driver, server.port, load) for _ in range(options.repeat)]
            result = _median(runs, connections)
            _record(options, group, "floor_create", result, connections, server.peak_rss_mib())
    finally:
        server.stop()


def _timeledger(options: Options, group: _Group) -> None:
    server = start_server(
        "timeledger.app:create_app",
        # One user sends every request: the per-user limit (500 a minute) would refuse most.
        # At its maximum it still counts each request, so its cost stays in the figures.
        env={"TIMELEDGER_DATABASE_URL": group.url, "TIMELEDGER_RATE_LIMIT_PER_MINUTE": "1000000"},
        log=options.out / "logs" / f"timeledger-{group.db}-{group.size}.log",
    )
    try:
        # Warm up: imports, the connection, the first plans compiled.
        run_load(
            options.driver,
            server.port,
            Load(_plan(options, group, "show", 200), group.fixture.token, 4, 2.0, 200),
        )
        group.consumed.pop("show", None)
        entry, account = group.fixture.readable[0]
        probe = f"/api/v1/time-entry/{entry}"
        headers = {"Authorization": f"Bearer {group.fixture.token}", ACCOUNT_HEADER: account}
        for scenario in options.scenarios:
            hooks = subscribe(group.url, group.fixture, WITH_WEBHOOKS.get(scenario, 0))
            try:
                _scenario(options, group, server, scenario, (probe, headers))
            finally:
                unsubscribe(group.url, group.fixture, hooks)
    finally:
        server.stop()


def _scenario(
    options: Options,
    group: _Group,
    server: Server,
    scenario: str,
    settle: tuple[str, dict[str, str]],
) -> None:
    """One scenario at 16 connections then at 1, each ``--repeat`` times (median kept)."""
    for connections in (16, 1):
        runs = []
        for n in range(options.repeat):
            left = 2 * options.repeat - n - (0 if connections == 16 else options.repeat)
            runs.append(_measure(options, group, server, scenario, connections, left))
            server.settle(*settle)
        result = _median(runs, connections)
        _record(options, group, scenario, result, connections, server.peak_rss_mib())


def _consumed_path(options: Options, db: str, size: int) -> Path:
    return options.out / f"consumed-{db}-{size}.json"


def run_group(options: Options, db: str, size: int) -> None:
    url = database_url(options, db, size)
    fixture, seconds = _fixture(options, url, db, size)
    group = _Group(db=db, size=size, url=url, fixture=fixture)
    # Reused data: the entries earlier runs deleted are gone, so carry on after them.
    consumed = _consumed_path(options, db, size)
    if options.reuse and consumed.exists():
        earlier = json.loads(consumed.read_text())
        group.consumed = {key: value for key, value in earlier.items() if key in CONSUMING}
    options.rows.append(Row.generation_of(db, size, seconds))
    try:
        _floor(options, group)
        _timeledger(options, group)
    finally:
        consumed.write_text(json.dumps(group.consumed))


def parse(argv: list[str] | None) -> tuple[argparse.Namespace, Options]:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", default="sqlite", help="sqlite, postgresql or both (comma)")
    parser.add_argument("--sizes", default="10k,100k,1M")
    parser.add_argument("--scenarios", default=",".join(SCENARIOS))
    parser.add_argument("--driver", choices=("wrk", "python"), default="wrk")
    parser.add_argument("--seconds", type=float, default=5.0, help="per 16-connection run")
    parser.add_argument("--requests", type=int, default=20_000, help="per 16-connection run")
    parser.add_argument("--latency-seconds", type=float, default=3.0)
    parser.add_argument("--latency-requests", type=int, default=3_000)
    parser.add_argument("--pg-url", default=DEFAULT_PG, help="may hold {size}: one per size")
    parser.add_argument("--out", type=Path, default=Path("bench/results"))
    parser.add_argument("--reuse", action="store_true", help="reuse generated data")
    parser.add_argument("--repeat", type=int, default=1, help="runs of each; the median is kept")
    args = parser.parse_args(argv)
    options = Options(
        out=args.out,
        driver=args.driver,
        seconds=args.seconds,
        budget=args.requests,
        latency_seconds=args.latency_seconds,
        latency_budget=args.latency_requests,
        scenarios=[name for name in args.scenarios.split(",") if name],
        pg_url=args.pg_url,
        reuse=args.reuse,
        repeat=max(1, args.repeat),
    )
    return args, options


def main(argv: list[str] | None = None) -> list[Row]:
    args, options = parse(argv)
    if options.driver == "wrk" and shutil.which("wrk") is None:
        raise SystemExit("wrk not found: apt-get install -y wrk, or use --driver python")
    options.out.mkdir(parents=True, exist_ok=True)
    for db in args.db.split(","):
        for size in (count(text) for text in args.sizes.split(",")):
            run_group(options, db, size)
    (options.out / "results.json").write_text(
        json.dumps([row.as_dict() for row in options.rows], indent=1)
    )
    table = markdown(options.rows)
    (options.out / "results.md").write_text(table)
    print(table)
    return options.rows


if __name__ == "__main__":
    main()
