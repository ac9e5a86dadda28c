"""A small HTTP/1.1 load driver in Python, for where ``wrk`` is absent (the test suite's
smoke run). Same plan format, same bounds and the same result keys as ``wrk/replay.lua``.

Keep-alive connections, each sending its next request when the previous answer arrived
(closed loop, as wrk does). Python parsing every response costs more per request than
wrk's C does, so the figures in ``docs/performance.md`` are wrk's; this one keeps the
benchmark runnable, and tested, where wrk is not installed.
"""

from __future__ import annotations

import asyncio
import json
import statistics
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any


@dataclass(frozen=True)
class Request:
    method: str
    path: str
    account: str
    body: str


def read_plan(path: Path) -> list[Request]:
    requests = []
    for line in path.read_text().splitlines():
        method, target, account, body = line.split("\t", 3)
        requests.append(Request(method, target, account, body))
    return requests


def encode(request: Request, *, host: str, token: str) -> bytes:
    lines = [
        f"{request.method} {request.path} HTTP/1.1",
        f"Host: {host}",
        f"Authorization: Bearer {token}",
    ]
    if request.account:
        lines.append(f"X-PLANNR-ACCOUNT-UUID: {request.account}")
    body = request.body.encode()
    if body:
        lines.append("Content-Type: application/json")
    lines.append(f"Content-Length: {len(body)}")
    return ("\r\n".join(lines) + "\r\n\r\n").encode() + body


@dataclass
class _Tally:
    budget: int
    deadline: float
    sent: int = 0
    latencies: list[float] = field(default_factory=list)
    ok: int = 0
    bad: int = 0
    first_bad: str = ""
    socket_errors: int = 0

    def take(self) -> int | None:
        if self.sent >= self.budget or time.perf_counter() >= self.deadline:
            return None
        self.sent += 1
        return self.sent - 1


async def _read_response(reader: asyncio.StreamReader) -> tuple[int, bytes]:
    head = await reader.readuntil(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    status = int(lines[0].split(" ", 2)[1])
    length = 0
    for line in lines[1:]:
        name, _, value = line.partition(":")
        if name.strip().lower() == "content-length":
            length = int(value)
    return status, await reader.readexactly(length)


async def _connection(host: str, port: int, payloads: list[bytes], tally: _Tally) -> None:
    try:
        reader, writer = await asyncio.open_connection(host, port)
    except OSError:
        tally.socket_errors += 1
        return
    try:
        while (index := tally.take()) is not None:
            started = time.perf_counter()
            writer.write(payloads[index % len(payloads)])
            status, body = await _read_response(reader)
            tally.latencies.append(time.perf_counter() - started)
            if 200 <= status < 300:
                tally.ok += 1
            else:
                tally.bad += 1
                tally.first_bad = tally.first_bad or f"{status} {body[:200]!r}"
    except (OSError, asyncio.IncompleteReadError):
        tally.socket_errors += 1
    finally:
        writer.close()


def _percentile(ordered: list[float], share: float) -> float:
    if not ordered:
        return 0.0
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))] * 1000


async def _run(
    host: str, port: int, payloads: list[bytes], connections: int, tally: _Tally
) -> float:
    started = time.perf_counter()
    await asyncio.gather(*(_connection(host, port, payloads, tally) for _ in range(connections)))
    return time.perf_counter() - started


def drive(
    *,
    host: str,
    port: int,
    plan: Path,
    token: str,
    connections: int,
    seconds: float,
    budget: int,
) -> dict[str, Any]:
    """Replay ``plan`` with ``connections`` connections until ``budget`` requests or
    ``seconds`` have passed; the result has the keys ``wrk/replay.lua`` prints."""
    payloads = [encode(r, host=f"{host}:{port}", token=token) for r in read_plan(plan)]
    tally = _Tally(budget=budget, deadline=time.perf_counter() + seconds)
    elapsed = asyncio.run(_run(host, port, payloads, connections, tally))
    ordered = sorted(tally.latencies)
    return {
        "requests": len(ordered),
        "seconds": round(elapsed, 4),
        "ok": tally.ok,
        "bad": tally.bad,
        "first_bad": tally.first_bad,
        "socket_errors": tally.socket_errors,
        "p50_ms": _percentile(ordered, 0.50),
        "p90_ms": _percentile(ordered, 0.90),
        "p99_ms": _percentile(ordered, 0.99),
        "max_ms": ordered[-1] * 1000 if ordered else 0.0,
        "mean_ms": statistics.fmean(ordered) * 1000 if ordered else 0.0,
    }


if __name__ == "__main__":
    import argparse

    parser = argparse.ArgumentParser(description="Replay a plan against host:port.")
    parser.add_argument("plan", type=Path)
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--token", default="")
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--seconds", type=float, default=5)
    parser.add_argument("--budget", type=int, default=10_000)
    args = parser.parse_args()
    result = drive(
        host="127.0.0.1",
        port=args.port,
        plan=args.plan,
        token=args.token,
        connections=args.connections,
        seconds=args.seconds,
        budget=args.budget,
    )
    print(json.dumps(result))
