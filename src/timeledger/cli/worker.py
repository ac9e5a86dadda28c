"""``timeledger worker``: deliver webhooks until stopped; ``serve`` runs one in-process."""

from __future__ import annotations

import logging
import signal
import threading
from types import FrameType

import typer

from timeledger.clock import SystemClock
from timeledger.config import Settings
from timeledger.db import build_engine, build_session_factory
from timeledger.logs import configure_logging
from timeledger.webhooks.dispatcher import Dispatcher, start_in_background


def _quiet_httpx() -> None:
    """httpx logs every request at INFO with its full URL, which may hold a receiver's
    secret; the delivery log keeps what matters."""
    logging.getLogger("httpx").setLevel(logging.WARNING)


def worker(
    once: bool = typer.Option(False, "--once", help="One round of due deliveries, then exit."),
) -> None:
    """Deliver webhooks: claim due deliveries, POST them, record each attempt, retry on
    the schedule. Run as many as you like against PostgreSQL (they share the work); one
    is enough on SQLite. Stops on SIGTERM or Ctrl-C after the round in flight."""
    settings = Settings()
    configure_logging(settings)
    _quiet_httpx()
    engine = build_engine(settings)
    dispatcher = Dispatcher(build_session_factory(engine), settings, SystemClock())
    try:
        if once:
            sent = dispatcher.run_once()
            dispatcher.purge()
            typer.echo(f"Attempted {sent} deliveries.")
            return
        stop = threading.Event()

        def _stop(_signum: int, _frame: FrameType | None) -> None:
            stop.set()

        signal.signal(signal.SIGTERM, _stop)
        signal.signal(signal.SIGINT, _stop)
        dispatcher.run(stop)
    finally:
        dispatcher.close()
        engine.dispose()


def start_in_process(settings: Settings) -> threading.Event | None:
    """The dispatcher ``serve`` runs beside the API, unless
    ``TIMELEDGER_WEBHOOK_WORKER_IN_SERVE=false``; returns the event that stops it."""
    if not settings.webhook_worker_in_serve:
        return None
    _quiet_httpx()
    engine = build_engine(settings)
    dispatcher = Dispatcher(build_session_factory(engine), settings, SystemClock())
    _thread, stop = start_in_background(dispatcher)
    return stop
