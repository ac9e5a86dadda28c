"""Dependencies that misbehave, for the fault-injection tests: a port that accepts and
never answers (a hung Redis or PostgreSQL), a port that refuses, a SQLite file whose write
lock another process holds, and a server process to stop with SIGTERM."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx

LOCK_HOLDER = """
import sqlite3, sys, time
connection = sqlite3.connect(sys.argv[1], isolation_level=None)
connection.execute("BEGIN IMMEDIATE")
print("locked", flush=True)
time.sleep(float(sys.argv[2]))
"""


@contextmanager
def silent_port() -> Iterator[int]:
    """A TCP port whose server accepts every connection and never sends a byte."""
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(128)
    held: list[socket.socket] = []
    stop = threading.Event()

    def accept() -> None:
        listener.settimeout(0.1)
        while not stop.is_set():
            try:
                connection, _ = listener.accept()
            except OSError:
                continue
            held.append(connection)

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    try:
        yield listener.getsockname()[1]
    finally:
        stop.set()
        thread.join(timeout=5)
        for connection in held:
            connection.close()
        listener.close()


def refusing_port() -> int:
    """A TCP port nothing listens on: connecting is refused at once."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
    return port


@contextmanager
def sqlite_locked(path: Path, seconds: float = 60.0) -> Iterator[None]:
    """Another process holds ``path``'s write lock (``BEGIN IMMEDIATE``) while inside."""
    holder = subprocess.Popen(
        [sys.executable, "-c", LOCK_HOLDER, str(path), str(seconds)],
        stdout=subprocess.PIPE,
    )
    try:
        assert holder.stdout is not None
        assert holder.stdout.readline().strip() == b"locked"
        yield
    finally:
        holder.kill()
        holder.wait(timeout=10)


def timed(call: object) -> tuple[httpx.Response, float]:
    """The response of ``call()`` and the seconds it took."""
    started = time.monotonic()
    response = call()  # type: ignore[operator]
    return response, time.monotonic() - started


SERVER = """
import sys, uvicorn
from timeledger.config import Settings
from timeledger.http.server import uvicorn_options
options = uvicorn_options(Settings(), host="127.0.0.1", port=int(sys.argv[1]))
uvicorn.run("timeledger.asgi:app", **options)
"""


@contextmanager
def server_process(env: dict[str, str], log: Path) -> Iterator[tuple[subprocess.Popen[bytes], str]]:
    """The API served as ``timeledger serve`` serves it (same uvicorn options), without the
    migration step (the database may be down); yields once ``/healthz`` answers."""
    port = refusing_port()
    with log.open("ab") as out:
        process = subprocess.Popen(
            [sys.executable, "-c", SERVER, str(port)],
            env={**os.environ, "TIMELEDGER_LOG_LEVEL": "WARNING", **env},
            stdout=out,
            stderr=subprocess.STDOUT,
        )
        url = f"http://127.0.0.1:{port}"
        try:
            deadline = time.monotonic() + 60
            while time.monotonic() < deadline:
                assert process.poll() is None, log.read_text()
                try:
                    httpx.get(url + "/healthz", timeout=1.0)
                    break
                except httpx.TransportError:
                    time.sleep(0.05)
            yield process, url
        finally:
            if process.poll() is None:
                process.kill()
                process.wait(timeout=10)


def sigterm_exit_seconds(process: subprocess.Popen[bytes]) -> tuple[int, float]:
    """SIGTERM ``process``; its exit status and how long it took to exit."""
    started = time.monotonic()
    process.send_signal(signal.SIGTERM)
    status = process.wait(timeout=60)
    return status, time.monotonic() - started
