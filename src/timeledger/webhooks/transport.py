"""One POST of a delivery: httpx with a connect and a total timeout, no redirects, and
at most ``MAX_READ_BYTES`` of the answer read, so a receiver that hangs, drips, answers a
huge body or closes mid-answer costs one worker thread at most the timeout."""

from __future__ import annotations

import time
from dataclasses import dataclass
from datetime import timedelta

import httpx

from timeledger.webhooks.schedule import parse_retry_after

MAX_READ_BYTES = 64 * 1024
EXCERPT_CHARS = 1024
CONNECT_TIMEOUT_SECONDS = 5.0


@dataclass(frozen=True, slots=True)
class Outcome:
    """What one attempt got: a status code (None when no answer came) or an error."""

    status: int | None
    error: str | None
    excerpt: str | None
    retry_after: timedelta | None
    duration_ms: int

    @property
    def succeeded(self) -> bool:
        return self.status is not None and 200 <= self.status < 300


def post(
    client: httpx.Client, url: str, *, body: bytes, headers: dict[str, str], timeout: float
) -> Outcome:
    """POST ``body`` to ``url``; never raises for anything the receiver or network does."""
    started = time.monotonic()
    deadline = started + timeout
    limits = httpx.Timeout(timeout, connect=min(CONNECT_TIMEOUT_SECONDS, timeout))
    try:
        with client.stream(
            "POST", url, content=body, headers=headers, timeout=limits, follow_redirects=False
        ) as response:
            data = _read_capped(response, deadline)
            status = response.status_code
            retry_after = parse_retry_after(response.headers.get("Retry-After"))
            location = response.headers.get("Location")
    except httpx.TimeoutException:
        return _failure(f"Timed out after {timeout:g} s.", started)
    except (httpx.HTTPError, OSError, ValueError) as exc:
        return _failure(f"{type(exc).__name__}: {exc}"[:500], started)
    except _Deadline:
        return _failure(f"Timed out after {timeout:g} s (reading the answer).", started)
    error = None
    if 300 <= status < 400:
        error = f"Redirects are not followed (Location: {location})."[:500]
    elif not 200 <= status < 300:
        error = f"HTTP {status}."
    return Outcome(
        status=status,
        error=error,
        excerpt=data.decode("utf-8", errors="replace")[:EXCERPT_CHARS] or None,
        retry_after=retry_after if status in (429, 503) else None,
        duration_ms=_ms(started),
    )


class _Deadline(Exception):
    pass


def _read_capped(response: httpx.Response, deadline: float) -> bytes:
    data = bytearray()
    for chunk in response.iter_raw():
        data += chunk
        if len(data) >= MAX_READ_BYTES:
            break
        if time.monotonic() > deadline:
            raise _Deadline
    return bytes(data[:MAX_READ_BYTES])


def _failure(error: str, started: float) -> Outcome:
    return Outcome(
        status=None, error=error, excerpt=None, retry_after=None, duration_ms=_ms(started)
    )


def _ms(started: float) -> int:
    return int((time.monotonic() - started) * 1000)
