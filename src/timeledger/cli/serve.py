from __future__ import annotations

import os

import typer
import uvicorn

from timeledger.cli.context import upgrade_database
from timeledger.cli.demo import print_demo
from timeledger.cli.demo_firm import DEFAULT_FIRM_NAME
from timeledger.cli.worker import start_in_process
from timeledger.config import SecretKeyMissing, Settings, resolve_secret_key
from timeledger.http.server import uvicorn_options
from timeledger.logs import configure_logging


def workers_refusal(settings: Settings, workers: int) -> str | None:
    """Why ``serve`` cannot run ``workers`` processes with ``settings``, or None."""
    if workers == 1:
        return None
    if settings.database_url.startswith("sqlite"):
        return (
            "SQLite allows one writer process: serve it with --workers 1 (the default), "
            "or use PostgreSQL for several workers."
        )
    if not settings.redis_url:
        return (
            f"--workers {workers} needs TIMELEDGER_REDIS_URL: rate limits and failed-password "
            "counts must be shared between the worker processes."
        )
    return None


def _settings_or_exit(*, workers: int, worker: bool) -> Settings:
    """The environment's settings, with logging set up; one ``Error:`` line and exit 1 when
    they cannot serve."""
    settings = Settings()
    refusal = workers_refusal(settings, workers)
    if refusal is not None:
        typer.echo(f"Error: {refusal}", err=True)
        raise typer.Exit(code=1)
    if not worker:
        settings = settings.model_copy(update={"webhook_worker_in_serve": False})
    configure_logging(settings)
    try:
        resolve_secret_key(settings)  # before anything: production refuses to start without
    except (SecretKeyMissing, OSError) as exc:
        typer.echo(f"Error: {exc}", err=True)
        raise typer.Exit(code=1) from exc
    return settings


def serve(
    host: str = typer.Option("127.0.0.1", help="Address to listen on."),
    port: int = typer.Option(8000, min=1, max=65535, help="Port to listen on (1 to 65535)."),
    demo: bool = typer.Option(
        False,
        "--demo",
        help="First create (or reuse) the demo firm; print a token and the web app's "
        "sign-in (the demo owner's password is renewed on each start).",
    ),
    workers: int = typer.Option(
        1,
        "--workers",
        min=1,
        max=64,
        help="Server processes (PostgreSQL only; needs TIMELEDGER_REDIS_URL so rate limits "
        "are shared). SQLite stays one writer process.",
    ),
    worker: bool = typer.Option(
        True,
        "--worker/--no-worker",
        help="Deliver webhooks in this process too (default; also "
        "TIMELEDGER_WEBHOOK_WORKER_IN_SERVE=false). Use --no-worker when `timeledger worker` "
        "processes deliver.",
    ),
) -> None:
    """Apply pending migrations, then serve the API and the web app (/app), and deliver
    webhooks."""
    reachable = "127.0.0.1" if host in {"0.0.0.0", "::"} else host
    if "TIMELEDGER_PUBLIC_URL" not in os.environ:
        # Links in answers (pagination) point where this server listens, unless set; the
        # app is built by uvicorn's factory from the environment, so it is set there.
        os.environ["TIMELEDGER_PUBLIC_URL"] = f"http://{reachable}:{port}"
    settings = _settings_or_exit(workers=workers, worker=worker)
    upgrade_database(settings)
    if demo:
        print_demo(settings, firm=DEFAULT_FIRM_NAME, public_url=f"http://{reachable}:{port}")
    # One webhook dispatcher, in this (the supervising) process, however many workers.
    stop_worker = start_in_process(settings)
    uvicorn.run(
        "timeledger.app:create_app" if workers == 1 else "timeledger.worker_app:create_worker_app",
        factory=True,
        **uvicorn_options(settings, host=host, port=port, workers=workers),
    )
    if stop_worker is not None:
        stop_worker.set()
