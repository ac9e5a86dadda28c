"""Query plans of the list scenarios: ``python -m bench.plans --fixture FIXTURE``.

Sends the first request of each list scenario through the real app (in process), captures
every SQL statement it runs on ``time_entries``, and prints the database's plan for it:
``EXPLAIN QUERY PLAN`` on SQLite, ``EXPLAIN (ANALYZE, COSTS OFF)`` on PostgreSQL.
"""

from __future__ import annotations

import argparse
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy import Connection, Engine, event

from bench.generate import read_fixture
from bench.scenarios import Fixture, client_rollup, list_trackable, list_week, show
from timeledger.app import create_app
from timeledger.config import Settings
from timeledger.db import build_engine, build_session_factory, is_sqlite

LISTS = {
    "show": show,
    "list_week": list_week,
    "list_trackable": list_trackable,
    "client_rollup": client_rollup,
}


@dataclass
class _Captured:
    statements: list[tuple[str, Any]] = field(default_factory=list)

    def __call__(self, _conn: Any, _cursor: Any, sql: str, params: Any, *_rest: Any) -> None:
        if "time_entries" in sql and sql.lstrip().upper().startswith("SELECT"):
            self.statements.append((sql, params))


_COLUMNS = re.compile(r"SELECT (?:time_entries\.\w+(?: AS \w+)?, )+time_entries\.\w+(?: AS \w+)? ")


def _short(sql: str) -> str:
    """The statement on one line, with the entry's column list shown as ``…``."""
    return _COLUMNS.sub("SELECT time_entries.… ", " ".join(sql.split()))


def _explain(engine: Engine, sql: str, params: Any) -> list[str]:
    with engine.connect() as connection:
        cursor = _raw_cursor(connection)
        if is_sqlite(str(engine.url)):
            cursor.execute(f"EXPLAIN QUERY PLAN {sql}", params)
            return [f"{row[3]}" for row in cursor.fetchall()]
        cursor.execute(f"EXPLAIN (ANALYZE, COSTS OFF) {sql}", params)
        return [row[0] for row in cursor.fetchall()]


def _raw_cursor(connection: Connection) -> Any:
    return connection.connection.driver_connection.cursor()  # type: ignore[union-attr]


def plans(url: str, fixture: Fixture) -> str:
    """Markdown: each scenario's request, then each statement with its plan."""
    settings = Settings(database_url=url)
    engine = build_engine(settings)
    captured = _Captured()
    event.listen(engine, "before_cursor_execute", captured)
    app = create_app(settings, session_factory=build_session_factory(engine))
    out: list[str] = []
    with TestClient(app) as client:
        for name, plan in LISTS.items():
            method, path, account, _ = plan(fixture, 1, 0)[0].split("\t", 3)
            captured.statements.clear()
            headers = {"Authorization": f"Bearer {fixture.token}", "X-PLANNR-ACCOUNT-UUID": account}
            response = client.request(method, path, headers=headers)
            out.append(f"### {name}: `{method} {path.split('?')[0]}` ({response.status_code})\n")
            for sql, params in captured.statements:
                out.append("```sql\n" + _short(sql) + "\n```")
                out.append("```\n" + "\n".join(_explain(engine, sql, params)) + "\n```\n")
    event.remove(engine, "before_cursor_execute", captured)
    engine.dispose()
    return "\n".join(out)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--fixture", type=Path, required=True)
    parser.add_argument("--url", help="default: the fixture's database")
    args = parser.parse_args(argv)
    data = read_fixture(args.fixture)
    print(plans(args.url or data["url"], Fixture.read(data)))


if __name__ == "__main__":
    main()
