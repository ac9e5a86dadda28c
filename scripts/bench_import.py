"""Time ``timeledger import records`` on 100,000 lines, as docs/performance.md reports it.

    .venv/bin/python scripts/bench_import.py sqlite:////tmp/bench.db
    .venv/bin/python scripts/bench_import.py postgresql+psycopg://postgres@127.0.0.1:5432/bench

Builds a fresh firm, imports 40,000 clients, 20,000 cases (two participants each) and 40,000
tasks in one transaction, and rolls it back: the database is left as it was (apart from the
migrations, which it applies).
"""

from __future__ import annotations

import sys
import time
from datetime import UTC, datetime

from timeledger import migrations
from timeledger.config import Settings
from timeledger.db import build_engine, build_session_factory
from timeledger.firms.service import create_firm
from timeledger.imports.service import import_records


def sample(clients: int = 40_000, cases: int = 20_000, tasks: int = 40_000) -> bytes:
    lines = ["kind,ref,first_name,last_name,email,name,participants,priority,due_at,on"]
    lines += [f"client,c{n},First{n},Last{n},person{n}@example.com,,,,," for n in range(clients)]
    lines += [f"case,k{n},,,,Case {n},c{n};c{n + cases},,," for n in range(cases)]
    lines += [
        f"task,,,,,Task {n},,high,2025-09-01,{f'c{n}' if n % 2 else f'k{n // 2}'}"
        for n in range(tasks)
    ]
    return ("\n".join(lines) + "\n").encode()


def main(url: str) -> None:
    migrations.upgrade(url)
    engine = build_engine(Settings(database_url=url))
    data = sample()
    now = datetime.now(UTC).replace(microsecond=0)
    with build_session_factory(engine)() as session, session.begin():
        firm = create_firm(session, name=f"Bench {time.time_ns()}", now=now)
        started = time.perf_counter()
        summary = import_records(session, firm=firm, data=data, now=now)
        session.flush()
        elapsed = time.perf_counter() - started
        session.rollback()
    engine.dispose()
    print(f"{summary.total} records ({len(data) / 1e6:.1f} MB) in {elapsed:.1f} s")


if __name__ == "__main__":
    main(sys.argv[1])
