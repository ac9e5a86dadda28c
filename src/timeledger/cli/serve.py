from __future__ import annotations

import typer
import uvicorn

from timeledger.cli.context import upgrade_database
from timeledger.cli.demo import print_demo
from timeledger.cli.demo_firm import DEFAULT_FIRM_NAME
from timeledger.config import SecretKeyMissing, Settings, resolve_secret_key
from timeledger.http.server import uvicorn_options
from timeledger.logs import configure_logging


def serve(
    host: str = typer.Option("127.0.0.1", help="Address to listen on."),
    port: int = typer.Option(8000, help="Port to listen on."),
    demo: bool = typer.Option(
        False, "--demo", help="First create (or reuse) the demo firm and print a token."
    ),
) -> None:
    """Apply pending migrations, then serve the API."""
    settings = Settings()
    configure_logging(settings)
    try:
        resolve_secret_key(settings)  # before anything: production refuses to start without
    except (SecretKeyMissing, OSError) as exc:
        typer.echo(f"Error: {exc}", err=True)
        raise typer.Exit(code=1) from exc
    upgrade_database(settings)
    if demo:
        reachable = "127.0.0.1" if host in {"0.0.0.0", "::"} else host
        print_demo(settings, firm=DEFAULT_FIRM_NAME, public_url=f"http://{reachable}:{port}")
    uvicorn.run(
        "timeledger.app:create_app",
        factory=True,
        **uvicorn_options(settings, host=host, port=port),
    )
