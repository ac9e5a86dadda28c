"""Webhook costs (issue 14): write throughput with 0 and with 3 subscriptions, the rows
and statements the outbox adds per change, and the dispatcher's deliveries per second to
a local receiver.

    .venv/bin/python -m bench.webhooks --url sqlite:////tmp/wh-bench.db --entries 2000
    .venv/bin/python -m bench.webhooks --url postgresql+psycopg://postgres@127.0.0.1/wh_bench

The database is emptied and migrated first (a PostgreSQL URL's ``public`` schema is
dropped). Writes go through the same service and unit of work as the API (one transaction
per entry, committed), without HTTP, so the figures isolate the outbox's share.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import time
from collections import Counter
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, event, func, select, text
from sqlalchemy.engine import make_url

from tests.factories import make_world
from timeledger import migrations
from timeledger.auth.service import Actor, authenticate
from timeledger.clock import SystemClock
from timeledger.config import Settings
from timeledger.db import build_engine, build_session_factory, is_sqlite, unit_of_work
from timeledger.models import DeliveryStatus, WebhookDelivery
from timeledger.time_entries import service as time_entries
from timeledger.time_entries.schemas import TimeEntryCreate
from timeledger.webhooks import service as webhooks
from timeledger.webhooks.dispatcher import Dispatcher
from timeledger.webhooks.schemas import WebhookSubscriptionCreate
from timeledger.webhooks.ssrf import AllowList


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    request_queue_size = 128  # the default 5 drops connections under 8 senders


class _Ok(BaseHTTPRequestHandler):
    def do_POST(self) -> None:
        self.rfile.read(int(self.headers.get("Content-Length", "0")))
        self.send_response(200)
        self.send_header("Content-Length", "2")
        self.end_headers()
        self.wfile.write(b"ok")

    def log_message(self, *_args: Any) -> None:
        pass


def _reset(url: str, settings: Settings) -> None:
    if is_sqlite(url):
        Path(make_url(url).database or "").unlink(missing_ok=True)
    else:
        engine = build_engine(settings, url)
        with engine.begin() as connection:
            connection.execute(text("DROP SCHEMA public CASCADE"))
            connection.execute(text("CREATE SCHEMA public"))
        engine.dispose()
    migrations.upgrade(url)


class _Counter:
    """INSERT statements and rows into the webhook tables."""

    def __init__(self, engine: Engine) -> None:
        self.statements = 0
        self.rows = 0
        event.listen(engine, "before_cursor_execute", self._count)

    def _count(
        self, _c: Any, _cur: Any, statement: str, params: Any, _ctx: Any, many: bool
    ) -> None:
        if statement.lstrip().upper().startswith("INSERT INTO WEBHOOK_"):
            self.statements += 1
            self.rows += len(params) if many else 1


def _write(engine: Engine, token: str, client_uuid: str, entries: int) -> float:
    """Entries per second, one committed transaction each."""
    factory = build_session_factory(engine)
    clock = SystemClock()
    body = TimeEntryCreate.model_validate(
        {
            "trackable_type": "client",
            "trackable_uuid": client_uuid,
            "name": "bench",
            "total_time_in_minutes": 15,
        }
    )
    started = time.perf_counter()
    for _ in range(entries):
        with unit_of_work(factory) as session:
            now = clock.now()
            actor = authenticate(session, bearer=token, account_header=None, now=now)
            time_entries.create_time_entry(
                session, actor=actor, data=body, now=now, clock_skew=timedelta(0)
            )
    return entries / (time.perf_counter() - started)


def _subscribe(engine: Engine, token: str, url: str, count: int) -> None:
    now = datetime.now(UTC)
    with unit_of_work(build_session_factory(engine)) as session:
        actor: Actor = authenticate(session, bearer=token, account_header=None, now=now)
        for _ in range(count):
            webhooks.create_subscription(
                session,
                actor=actor,
                data=WebhookSubscriptionCreate(url=url, events=["*"]),
                allow=AllowList.parse("127.0.0.1"),
                now=now,
            )


def _dispatch(engine: Engine, settings: Settings) -> tuple[int, float]:
    dispatcher = Dispatcher(build_session_factory(engine), settings, SystemClock())
    started = time.perf_counter()
    sent = 0
    try:
        while (n := dispatcher.run_once()) > 0:
            sent += n
    finally:
        dispatcher.close()
    elapsed = time.perf_counter() - started
    with build_session_factory(engine)() as session:
        states = Counter(session.scalars(select(WebhookDelivery.status)))
        total = session.scalar(select(func.count()).select_from(WebhookDelivery))
    assert states[DeliveryStatus.SUCCEEDED] == total, states
    return sent, sent / elapsed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--url", default="sqlite:////tmp/timeledger-webhooks-bench.db")
    parser.add_argument("--entries", type=int, default=2000)
    parser.add_argument("--port", type=int, default=8118)
    parser.add_argument("--concurrency", type=int, default=8)
    parser.add_argument("--receiver", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.receiver:
        _Server(("127.0.0.1", args.receiver), _Ok).serve_forever()
        return
    settings = Settings(
        database_url=args.url,
        webhook_allow_hosts="127.0.0.1",
        webhook_concurrency=args.concurrency,
    )
    _reset(args.url, settings)
    engine = build_engine(settings)
    # The receiver runs in its own process, as a real one would: in this one it would
    # compete with the sending threads for the GIL.
    receiver = subprocess.Popen(
        [sys.executable, "-m", "bench.webhooks", "--receiver", str(args.port)]
    )
    time.sleep(1.0)
    try:
        with unit_of_work(build_session_factory(engine)) as session:
            world = make_world(session, now=datetime.now(UTC).replace(microsecond=0))
        token, client_uuid = world.owner.token, str(world.client.uuid)
        counter = _Counter(engine)
        bare = _write(engine, token, client_uuid, args.entries)
        bare_rows = counter.rows
        _subscribe(engine, token, f"http://127.0.0.1:{args.port}/hook", 3)
        counter.statements = counter.rows = 0
        with_three = _write(engine, token, client_uuid, args.entries)
        statements, rows = counter.statements, counter.rows
        sent, per_second = _dispatch(engine, settings)
    finally:
        receiver.terminate()
        receiver.wait()
        engine.dispose()
    backend = make_url(args.url).get_backend_name()
    print(f"| {backend} | entries/s, 0 subscriptions | {bare:.0f} |")
    print(f"| {backend} | entries/s, 3 subscriptions | {with_three:.0f} |")
    print(
        f"| {backend} | webhook rows per change, 0 / 3 subscriptions "
        f"| {bare_rows / args.entries:.0f} / {rows / args.entries:.0f} |"
    )
    print(
        f"| {backend} | webhook INSERT statements per change, 3 subscriptions "
        f"| {statements / args.entries:.0f} |"
    )
    print(
        f"| {backend} | deliveries/s ({sent} sent, {args.concurrency} threads) | {per_second:.0f} |"
    )


if __name__ == "__main__":
    main()
