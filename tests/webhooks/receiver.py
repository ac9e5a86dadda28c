"""A real HTTP receiver on 127.0.0.1 for the webhook tests (ports 8110-8119), recording
every request; what it answers is set per test."""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

PORTS = range(8110, 8120)


@dataclass
class Received:
    path: str
    headers: dict[str, str]
    body: bytes


@dataclass
class Behaviour:
    """What the receiver answers: a status, headers and a body; ``delay`` seconds of
    silence first; ``redirect`` a Location."""

    status: int = 200
    headers: dict[str, str] = field(default_factory=dict)
    body: bytes = b"ok"
    delay: float = 0.0
    # Promise a longer body than is sent, then close: an answer cut off mid-way.
    truncate: bool = False


class Receiver:
    def __init__(self) -> None:
        self.requests: list[Received] = []
        self.behaviour = Behaviour()
        self.lock = threading.Lock()
        self.server = _bind()
        self.server.receiver = self  # type: ignore[attr-defined]
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}/hook"

    def wait_for(self, count: int, timeout: float = 20.0) -> list[Received]:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            with self.lock:
                if len(self.requests) >= count:
                    return list(self.requests)
            time.sleep(0.05)
        with self.lock:
            return list(self.requests)

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    request_queue_size = 128  # the default 5 drops connections from concurrent senders


def _bind() -> ThreadingHTTPServer:
    last: OSError | None = None
    for port in PORTS:
        try:
            server = _Server(("127.0.0.1", port), _Handler)
        except OSError as exc:
            last = exc
            continue
        return server
    raise RuntimeError(f"no free port in 8110-8119: {last}")


class _Handler(BaseHTTPRequestHandler):
    def do_POST(self) -> None:
        receiver: Receiver = self.server.receiver  # type: ignore[attr-defined]
        length = int(self.headers.get("Content-Length", "0"))
        body = self.rfile.read(length)
        with receiver.lock:
            receiver.requests.append(Received(self.path, dict(self.headers.items()), body))
            behaviour = receiver.behaviour
        if behaviour.delay:
            time.sleep(behaviour.delay)
        try:
            self.send_response(behaviour.status)
            for name, value in behaviour.headers.items():
                self.send_header(name, value)
            length = len(behaviour.body) + (1000 if behaviour.truncate else 0)
            self.send_header("Content-Length", str(length))
            self.end_headers()
            self.wfile.write(behaviour.body)
            if behaviour.truncate:
                self.close_connection = True
        except OSError:
            pass  # the sender gave up first

    def log_message(self, *_args: Any) -> None:
        pass
