"""How ``timeledger serve`` runs uvicorn: every limit on a connection in one place
(docs/reliability.md, "Bounded resources").

uvicorn gives graceful shutdown, keep-alive and a cap on requests in flight; the HTTP
protocol below (uvicorn's httptools protocol, extended) adds what uvicorn leaves open: the
size of a request's headers, the time to send them and the body, the number of open
connections, and how long a response may wait for a client that does not read it. Each
limit is a ``TIMELEDGER_*`` setting:

- ``max_header_bytes`` (16 KiB): request line and headers together; past it, 431;
- ``header_timeout_seconds`` (10): from a connection's first byte (or its opening) to the
  end of the headers; past it, 408 and the connection is closed;
- ``body_timeout_seconds`` (30): from the end of the headers to the end of the body; past
  it the connection is closed and the request is not handled (nothing half-read is used);
- ``send_timeout_seconds`` (30): how long a response may wait for a client that stopped
  reading (the buffered rest of the answer is dropped with the connection);
- ``max_connections`` (1000): open connections; a new one past it gets 503 and is closed
  (uvicorn's ``limit_concurrency`` also answers 503 past that many requests in flight);
- ``keep_alive_seconds`` (5): an idle keep-alive connection is closed;
- ``shutdown_timeout_seconds`` (10): after SIGTERM, requests in flight get this long.
"""

from __future__ import annotations

import asyncio
import json
from dataclasses import dataclass
from typing import Any, ClassVar

from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol

from timeledger.config import Settings

_REASONS = {
    408: "Request Timeout",
    431: "Request Header Fields Too Large",
    503: "Service Unavailable",
}


# The web app's pages live under /app; a refusal made here, before the request is parsed,
# answers them a page (the app's stylesheet, a heading and an alert, as web/errors.py)
# rather than JSON. What a request starts with: enough to read the method and path.
PAGE_PREFIX = b"/app"
_START_BYTES = 64
_PAGE = """<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{reason} · timeledger</title><link rel="stylesheet" href="/app/static/app.css"></head>
<body><header class="bar"><span class="brand">timeledger</span></header>
<main id="main"><h1>{reason}</h1>
<p role="alert" class="error"><strong>Error:</strong> {message}</p>
<p><a href="/app">Go to the timer</a></p></main></body></html>
"""


def is_page_request(start: bytes) -> bool:
    """Whether a request whose first bytes are ``start`` asks for a page under /app."""
    _method, _, target = start.partition(b" ")
    return target == PAGE_PREFIX or target.startswith(
        tuple(PAGE_PREFIX + end for end in (b"/", b"?", b" "))
    )


def refusal(status: int, message: str, *, page: bool) -> bytes:
    """The whole response refusing a request at the connection: a Laravel-style JSON body,
    or for a page the app's error page (``_PAGE``); the connection is then closed."""
    reason = _REASONS[status]
    if page:
        body = _PAGE.format(reason=reason, message=message).encode()
        content_type = "text/html; charset=utf-8"
    else:
        body = json.dumps({"message": message}).encode()
        content_type = "application/json"
    head = (
        f"HTTP/1.1 {status} {reason}\r\n"
        f"content-type: {content_type}\r\n"
        f"content-length: {len(body)}\r\n"
        "cache-control: no-store\r\n"
        "connection: close\r\n\r\n"
    ).encode()
    return head + body


@dataclass(frozen=True, slots=True)
class ConnectionLimits:
    max_header_bytes: int
    header_timeout_seconds: float
    body_timeout_seconds: float
    send_timeout_seconds: float
    max_connections: int

    @classmethod
    def of(cls, settings: Settings) -> ConnectionLimits:
        return cls(
            max_header_bytes=settings.max_header_bytes,
            header_timeout_seconds=settings.header_timeout_seconds,
            body_timeout_seconds=settings.body_timeout_seconds,
            send_timeout_seconds=settings.send_timeout_seconds,
            max_connections=settings.max_connections,
        )


class BoundedHttpToolsProtocol(HttpToolsProtocol):
    """uvicorn's httptools protocol with the limits of ``ConnectionLimits`` (a subclass
    per set of limits: ``protocol_with``)."""

    limits: ClassVar[ConnectionLimits]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._in_headers = True
        self._header_bytes = 0
        self._tail = b""
        self._start = b""
        self._refused = False
        self._timers: dict[str, asyncio.TimerHandle] = {}

    # The connection ----------------------------------------------------------------

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        super().connection_made(transport)
        if len(self.connections) > self.limits.max_connections:
            self._refuse(503, "The server has too many open connections; try again shortly.")
            return
        self._arm("headers", self.limits.header_timeout_seconds, self._headers_too_slow)

    def connection_lost(self, exc: Exception | None) -> None:
        for timer in self._timers.values():
            timer.cancel()
        self._timers.clear()
        super().connection_lost(exc)

    # Receiving a request -------------------------------------------------------------

    def data_received(self, data: bytes) -> None:
        if self._refused:
            return
        if self._in_headers and len(self._start) < _START_BYTES:
            self._start += data[: _START_BYTES - len(self._start)]
        if self._in_headers and not self._headers_fit(data):
            self._refuse(
                431,
                f"The request's headers may not be larger than "
                f"{self.limits.max_header_bytes} bytes.",
            )
            return
        super().data_received(data)

    def _headers_fit(self, data: bytes) -> bool:
        """Count the bytes of the headers being received (before the parser buffers
        them); False when they cannot end within the limit."""
        room = self.limits.max_header_bytes - self._header_bytes
        window = self._tail + data[: max(room, 0) + 4]
        self._header_bytes += len(data)
        self._tail = data[-3:]
        return len(data) <= room or b"\r\n\r\n" in window

    def on_message_begin(self) -> None:
        super().on_message_begin()
        if "headers" not in self._timers:
            self._arm("headers", self.limits.header_timeout_seconds, self._headers_too_slow)

    def on_headers_complete(self) -> None:
        if self._refused:
            return
        self._in_headers = False
        self._cancel("headers")
        super().on_headers_complete()
        self._arm("body", self.limits.body_timeout_seconds, self._body_too_slow)

    def on_body(self, body: bytes) -> None:
        if not self._refused:
            super().on_body(body)

    def on_message_complete(self) -> None:
        if self._refused:
            return
        self._cancel("body")
        # What follows on this connection is the next request's headers.
        self._in_headers, self._header_bytes, self._tail, self._start = True, 0, b"", b""
        super().on_message_complete()

    # Sending the response ------------------------------------------------------------

    def pause_writing(self) -> None:
        super().pause_writing()
        self._arm("send", self.limits.send_timeout_seconds, self._client_not_reading)

    def resume_writing(self) -> None:
        super().resume_writing()
        self._cancel("send")

    # The limits ------------------------------------------------------------------------

    def _headers_too_slow(self) -> None:
        self._timers.pop("headers", None)
        self._refuse(
            408,
            f"The request's headers did not arrive within "
            f"{self.limits.header_timeout_seconds:g} seconds.",
        )

    def _body_too_slow(self) -> None:
        self._timers.pop("body", None)
        # The application may be reading the body: closing makes it see a disconnect, and
        # BodyLimitMiddleware then handles nothing.
        self._refused = True
        self.transport.close()

    def _client_not_reading(self) -> None:
        self._timers.pop("send", None)
        # Drops the buffered rest of the response with the connection.
        self.transport.abort()

    def _refuse(self, status: int, message: str) -> None:
        """Answer ``status`` (a page under /app, else a Laravel-style body), then close the
        connection."""
        self._refused = True
        for timer in self._timers.values():
            timer.cancel()
        self._timers.clear()
        if self.transport.is_closing():
            return
        self.transport.write(refusal(status, message, page=is_page_request(self._start)))
        self.transport.close()

    def _arm(self, name: str, seconds: float, callback: Any) -> None:
        self._cancel(name)
        self._timers[name] = self.loop.call_later(seconds, callback)

    def _cancel(self, name: str) -> None:
        timer = self._timers.pop(name, None)
        if timer is not None:
            timer.cancel()


def protocol_with(limits: ConnectionLimits) -> type[BoundedHttpToolsProtocol]:
    """The protocol class uvicorn instantiates per connection, with ``limits`` bound."""
    return type("TimeledgerHttpProtocol", (BoundedHttpToolsProtocol,), {"limits": limits})


# The worker processes of ``serve --workers N`` are started afresh (spawned): they import
# the protocol by name, and it reads its limits from the environment's settings there.
WORKER_HEALTHCHECK_SECONDS = 60
WORKER_PROTOCOL = "timeledger.http.worker_protocol:WorkerHttpProtocol"


def uvicorn_options(
    settings: Settings, *, host: str, port: int, workers: int = 1
) -> dict[str, Any]:
    """Keyword arguments for ``uvicorn.run`` (besides the app), with every limit set; with
    ``workers`` > 1, uvicorn supervises that many server processes on one socket."""
    http: type[BoundedHttpToolsProtocol] | str = (
        protocol_with(ConnectionLimits.of(settings)) if workers == 1 else WORKER_PROTOCOL
    )
    return {
        "host": host,
        "port": port,
        "workers": workers,
        # How long a worker may take to answer the supervisor's health check (uvicorn's
        # default, 5 s, kills workers still importing on a busy machine, over and over).
        "timeout_worker_healthcheck": WORKER_HEALTHCHECK_SECONDS,
        "http": http,
        # Our handler formats every line (request id, JSON); our middleware logs requests.
        "log_config": None,
        "access_log": False,
        "timeout_graceful_shutdown": settings.shutdown_timeout_seconds,
        "timeout_keep_alive": settings.keep_alive_seconds,
        "limit_concurrency": settings.max_connections,
    }
