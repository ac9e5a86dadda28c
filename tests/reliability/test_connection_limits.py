"""Issue 10, class 3: every connection limit of ``timeledger serve`` on a real server
(``http.server``): header size, the time to send headers and body, keep-alive, open
connections, and a response a client never reads. The limits are set small so each
test takes seconds; the bounds asserted are the limit plus a wide margin."""

from __future__ import annotations

import asyncio
import socket
import time
from collections.abc import Iterator

import httpx
import pytest
from uvicorn.config import Config
from uvicorn.server import ServerState

from tests.reliability.faults import server_process
from timeledger import migrations
from timeledger.http.server import ConnectionLimits, protocol_with

LIMITS = {
    "TIMELEDGER_HEADER_TIMEOUT_SECONDS": "1",
    "TIMELEDGER_BODY_TIMEOUT_SECONDS": "1",
    "TIMELEDGER_KEEP_ALIVE_SECONDS": "1",
    "TIMELEDGER_MAX_CONNECTIONS": "8",
}
MARGIN = 3.0


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, int]]:
    folder = tmp_path_factory.mktemp("limits")
    database = f"sqlite:///{folder / 'limits.db'}"
    migrations.upgrade(database)
    env = {"TIMELEDGER_DATABASE_URL": database, **LIMITS}
    with server_process(env, folder / "server.log") as (_process, url):
        yield url, int(url.rsplit(":", 1)[1])


@pytest.fixture(scope="module")
def patient_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The same limits but a long header timeout: building and sending a 32 MiB header
    takes a loaded machine more than the 1 s the other tests use, and the size limit,
    not the clock, is what the header-size test is about."""
    folder = tmp_path_factory.mktemp("patient")
    database = f"sqlite:///{folder / 'patient.db'}"
    migrations.upgrade(database)
    env = {"TIMELEDGER_DATABASE_URL": database, **LIMITS}
    env["TIMELEDGER_HEADER_TIMEOUT_SECONDS"] = "60"
    with server_process(env, folder / "server.log") as (_process, url):
        yield url


def _connect(port: int) -> socket.socket:
    connection = socket.create_connection(("127.0.0.1", port), timeout=10)
    return connection


def _read_until_closed(connection: socket.socket) -> tuple[bytes, float]:
    """Everything the server sends until it closes, and the seconds that took."""
    started = time.monotonic()
    received = b""
    while chunk := connection.recv(65536):
        received += chunk
    return received, time.monotonic() - started


def test_headers_over_16_kib_get_431_and_smaller_ones_are_served(patient_server: str) -> None:
    with httpx.Client(base_url=patient_server, timeout=60) as client:
        huge = client.get("/healthz", headers={"X-Padding": "a" * (32 * 1024 * 1024)})
        large = client.get("/healthz", headers={"X-Padding": "a" * (8 * 1024)})
    assert huge.status_code == 431
    assert huge.json() == {"message": "The request's headers may not be larger than 16384 bytes."}
    assert large.status_code == 200


def test_headers_that_never_finish_get_408_and_the_connection_closes(
    server: tuple[str, int],
) -> None:
    _, port = server
    with _connect(port) as connection:
        connection.sendall(b"GET /healthz HTTP/1.1\r\nHost: x\r\nX-Slow: ")
        received, seconds = _read_until_closed(connection)
    assert received.startswith(b"HTTP/1.1 408 Request Timeout\r\n")
    assert seconds < 1 + MARGIN


def test_a_connection_that_sends_nothing_is_closed(server: tuple[str, int]) -> None:
    _, port = server
    with _connect(port) as connection:
        received, seconds = _read_until_closed(connection)
    assert received.startswith(b"HTTP/1.1 408")
    assert seconds < 1 + MARGIN


def test_a_body_that_never_finishes_is_dropped_unhandled(server: tuple[str, int]) -> None:
    _, port = server
    with _connect(port) as connection:
        connection.sendall(
            b"POST /api/v1/time-entry HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
            b'Content-Length: 100\r\n\r\n{"name": '
        )
        received, seconds = _read_until_closed(connection)
    # Nothing was handled (no 401 for the missing token): the connection was just closed.
    assert received == b""
    assert seconds < 1 + MARGIN


def test_an_idle_keep_alive_connection_is_closed(server: tuple[str, int]) -> None:
    _, port = server
    with _connect(port) as connection:
        connection.sendall(b"GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n")
        received, seconds = _read_until_closed(connection)
    assert received.startswith(b"HTTP/1.1 200")
    assert seconds < 1 + MARGIN


def test_connections_past_the_limit_get_503(server: tuple[str, int]) -> None:
    url, port = server
    held = [_connect(port) for _ in range(8)]
    try:
        time.sleep(0.2)
        with _connect(port) as extra:
            received, _ = _read_until_closed(extra)
    finally:
        for connection in held:
            connection.close()
    assert received.startswith(b"HTTP/1.1 503 Service Unavailable\r\n")
    assert b"too many open connections" in received
    time.sleep(0.2)
    assert httpx.get(url + "/healthz", timeout=10).status_code == 200


class _Transport(asyncio.Transport):
    """A transport that records what the protocol does to it."""

    def __init__(self) -> None:
        super().__init__()
        self.aborted = self.closed = False

    def get_extra_info(self, name: str, default: object = None) -> object:
        return {"peername": ("127.0.0.1", 5000), "sockname": ("127.0.0.1", 8000)}.get(name, default)

    def abort(self) -> None:
        self.aborted = True

    def close(self) -> None:
        self.closed = True

    def is_closing(self) -> bool:
        return self.closed or self.aborted

    def write(self, data: bytes | bytearray | memoryview) -> None:
        self.written += bytes(data)

    written = b""

    def pause_reading(self) -> None:
        pass

    def resume_reading(self) -> None:
        pass


def test_a_response_the_client_does_not_read_is_dropped_after_the_send_timeout() -> None:
    """The transport tells the protocol when its buffer is full (``pause_writing``); the
    client not reading for ``send_timeout_seconds`` then costs it the connection and the
    buffered answer, instead of holding the memory for as long as it likes."""
    limits = ConnectionLimits(
        max_header_bytes=16384,
        header_timeout_seconds=10,
        body_timeout_seconds=10,
        send_timeout_seconds=0.2,
        max_connections=10,
    )

    async def scenario() -> tuple[bool, bool]:
        config = Config(app=lambda scope, receive, send: None, http=protocol_with(limits))
        config.load()
        reading, stalled = _Transport(), _Transport()
        for transport in (reading, stalled):
            protocol = config.http_protocol_class(  # type: ignore[call-arg]
                config=config, server_state=ServerState(), app_state={}
            )
            protocol.connection_made(transport)
            protocol.pause_writing()
            if transport is reading:
                await asyncio.sleep(0.1)
                protocol.resume_writing()
        await asyncio.sleep(0.5)
        return reading.aborted, stalled.aborted

    reading_aborted, stalled_aborted = asyncio.run(scenario())
    assert stalled_aborted
    assert not reading_aborted


async def _ok(scope: dict[str, object], receive: object, send: object) -> None:
    """A stand-in app: reads the body, answers 200 with its size."""
    body = b""
    more = True
    while more:
        message = await receive()  # type: ignore[operator]
        body += message.get("body", b"")
        more = message.get("more_body", False)
    await send({"type": "http.response.start", "status": 200, "headers": []})  # type: ignore[operator]
    await send({"type": "http.response.body", "body": str(len(body)).encode()})  # type: ignore[operator]


SMALL = ConnectionLimits(
    max_header_bytes=1024,
    header_timeout_seconds=0.2,
    body_timeout_seconds=0.2,
    send_timeout_seconds=0.2,
    max_connections=2,
)


def _in_process(*chunks: bytes, wait: float = 0.4, others: int = 0) -> _Transport:
    """Drive one connection of the protocol in this process (so coverage sees it): open
    ``others`` connections first, send ``chunks``, wait, and return the transport."""

    async def scenario() -> _Transport:
        config = Config(app=_ok, http=protocol_with(SMALL), log_config=None)
        config.load()
        state = ServerState()
        for _ in range(others):
            config.http_protocol_class(  # type: ignore[call-arg]
                config=config, server_state=state, app_state={}
            ).connection_made(_Transport())
        transport = _Transport()
        protocol = config.http_protocol_class(  # type: ignore[call-arg]
            config=config, server_state=state, app_state={}
        )
        protocol.connection_made(transport)
        for chunk in chunks:
            protocol.data_received(chunk)
            await asyncio.sleep(0.01)
        await asyncio.sleep(wait)
        protocol.connection_lost(None)
        return transport

    return asyncio.run(scenario())


class TestTheProtocolInProcess:
    """The same limits as above, driven without a server (fast, and measured)."""

    def test_a_request_within_the_limits_is_answered(self) -> None:
        sent = _in_process(b"POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\n\r\n", b"abc")
        assert sent.written.startswith(b"HTTP/1.1 200 OK\r\n")
        # Chunked: one chunk of one byte, "3" (the body read whole).
        assert b"\r\n1\r\n3\r\n" in sent.written

    def test_headers_past_the_limit_in_pieces_get_431(self) -> None:
        head = b"GET / HTTP/1.1\r\nX-Pad: " + b"a" * 700
        sent = _in_process(head, b"b" * 700, b"\r\n\r\n")
        assert sent.written.startswith(b"HTTP/1.1 431 Request Header Fields Too Large\r\n")
        assert sent.written.endswith(
            b'{"message": "The request\'s headers may not be larger than 1024 bytes."}'
        )
        assert sent.closed

    def test_a_body_in_the_same_piece_as_the_headers_does_not_count_as_headers(self) -> None:
        request = b"POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 2000\r\n\r\n" + b"x" * 2000
        sent = _in_process(request)
        assert sent.written.startswith(b"HTTP/1.1 200 OK\r\n")

    def test_slow_headers_get_408(self) -> None:
        sent = _in_process(b"GET / HTTP/1.1\r\nHost")
        assert sent.written.startswith(b"HTTP/1.1 408 Request Timeout\r\n")
        assert sent.closed

    def test_a_slow_body_closes_the_connection_unanswered(self) -> None:
        sent = _in_process(b"POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 9\r\n\r\nab")
        assert sent.closed
        assert b"HTTP/1.1 200" not in sent.written

    def test_a_connection_past_the_cap_gets_503(self) -> None:
        sent = _in_process(b"GET / HTTP/1.1\r\nHost: x\r\n\r\n", others=2)
        assert sent.written.startswith(b"HTTP/1.1 503 Service Unavailable\r\n")
        assert sent.closed
