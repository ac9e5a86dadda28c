"""How ``timeledger serve`` runs uvicorn: every limit on a connection in one place
(docs/reliability.md, "Bounded resources").

The limits come from settings (``TIMELEDGER_*``):

- ``shutdown_timeout_seconds``: after SIGTERM, requests in flight get this long, then the
  server closes their connections and exits (uvicorn's ``timeout_graceful_shutdown``);
- ``keep_alive_seconds``: an idle keep-alive connection is closed after this long
  (``timeout_keep_alive``);
- ``max_connections``: past this many open connections or requests in flight, a new
  request is answered 503 (uvicorn's ``limit_concurrency``).
"""

from __future__ import annotations

from typing import Any

from timeledger.config import Settings


def uvicorn_options(settings: Settings, *, host: str, port: int) -> dict[str, Any]:
    """Keyword arguments for ``uvicorn.run`` (besides the app), with every limit set."""
    return {
        "host": host,
        "port": port,
        # Our handler formats every line (request id, JSON); our middleware logs requests.
        "log_config": None,
        "access_log": False,
        "timeout_graceful_shutdown": settings.shutdown_timeout_seconds,
        "timeout_keep_alive": settings.keep_alive_seconds,
        "limit_concurrency": settings.max_connections,
    }
