from __future__ import annotations

import typer
import uvicorn

from timeledger.cli.context import upgrade_database
from timeledger.cli.demo import print_demo
from timeledger.cli.demo_firm import DEFAULT_FIRM_NAME
from timeledger.config import Settings
from timeledger.logs import configure_logging


def serve(
    host: str = typer.Option("127.0.0.1", help="Address to listen on."),
    port: int = typer.Option(8000, help="Port to listen on."),
    demo: bool = typer.Option(
        False,
        "--demo",
        help="First create (or reuse) the demo firm; print a token and the web app's "
        "sign-in (the demo owner's password is renewed on each start).",
    ),
) -> None:
    """Apply pending migrations, then serve the API and the web app (/app)."""
    settings = Settings()
    configure_logging(settings)
    upgrade_database(settings)
    if demo:
        reachable = "127.0.0.1" if host in {"0.0.0.0", "::"} else host
        print_demo(
            settings,
            firm=DEFAULT_FIRM_NAME,
            public_url=f"http://{reachable}:{port}",
            reset_password=True,
        )
    # Our handler formats every line (request id, JSON); our middleware logs each request.
    uvicorn.run(
        "timeledger.app:create_app",
        factory=True,
        host=host,
        port=port,
        log_config=None,
        access_log=False,
    )
