"""Pure ASGI middleware for every request: the body size limit, one way to read a body
(JSON in UTF-8), and unstorable text.

Reading the whole body here (it is at most ``max_body_bytes``) lets the limit hold for
chunked bodies too, and lets later layers fingerprint the body without consuming it.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, MutableMapping
from contextlib import asynccontextmanager
from typing import Any

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from timeledger.errors import (
    DATABASE_UNAVAILABLE,
    AppError,
    BadRequest,
    PayloadTooLarge,
    ServiceUnavailable,
    UnsupportedMediaType,
    ValidationFailed,
    error_response,
)
from timeledger.http.storable import unstorable_fields

_WITH_BODY = frozenset({"POST", "PUT", "PATCH"})
API_PREFIX = "/api/"


class BodyTooLarge(Exception):
    pass


class ClientGone(Exception):
    """The client went away before its whole body arrived."""


def header(scope: Scope, name: bytes) -> str | None:
    for key, value in scope.get("headers", []):
        if key.lower() == name:
            return bytes(value).decode("latin-1")
    return None


async def read_body(receive: Receive, limit: int) -> bytes:
    """The whole request body; stops reading as soon as it passes ``limit`` bytes
    (``BodyTooLarge``); ``ClientGone`` if the client leaves (or is timed out) first."""
    chunks: list[bytes] = []
    size = 0
    while True:
        message = await receive()
        if message["type"] != "http.request":
            raise ClientGone
        chunk = message.get("body", b"")
        size += len(chunk)
        if size > limit:
            raise BodyTooLarge
        chunks.append(chunk)
        if not message.get("more_body", False):
            return b"".join(chunks)


def body_format_error(content_type: str | None, body: bytes) -> AppError | None:
    """Why a request body cannot be read as the API reads every body, or None.

    A body is JSON in UTF-8. A ``Content-Type`` other than ``application/json`` (or
    ``application/*+json``), or a charset other than UTF-8, is 415 naming the header to
    send; no ``Content-Type`` at all is read as JSON. Bytes that are not UTF-8 (UTF-16 and
    UTF-32 JSON included, which hold NUL bytes) are 400, before any parser guesses an
    encoding from them.
    """
    if not body.strip():
        return None
    if content_type is not None:
        media, _, parameters = content_type.partition(";")
        media = media.strip().lower()
        if media != "application/json" and not (
            media.startswith("application/") and media.endswith("+json")
        ):
            return UnsupportedMediaType()
        for parameter in parameters.split(";"):
            name, _, value = parameter.partition("=")
            if name.strip().lower() == "charset" and value.strip().strip('"').lower() not in {
                "utf-8",
                "utf8",
            }:
                return UnsupportedMediaType(
                    "The request body must be JSON in UTF-8: send Content-Type: "
                    "application/json (charset=utf-8 or no charset)."
                )
    if b"\x00" in body:
        return BadRequest("The request body must be JSON encoded as UTF-8 (not UTF-16 or UTF-32).")
    try:
        body.decode("utf-8")
    except UnicodeDecodeError:
        return BadRequest("The request body must be JSON encoded as UTF-8.")
    return None


def replaying(body: bytes, receive: Receive) -> Receive:
    """A ``receive`` that hands the app the body already read, then the real events."""
    sent = False

    async def replay() -> Message:
        nonlocal sent
        if not sent:
            sent = True
            return {"type": "http.request", "body": body, "more_body": False}
        return await receive()

    return replay


def with_headers(message: Message, headers: dict[str, str]) -> Message:
    """A ``http.response.start`` message with ``headers`` set (replacing any of the same
    names, whatever their case)."""
    names = {name.lower().encode() for name in headers}
    kept = [(k, v) for k, v in message.get("headers", []) if bytes(k).lower() not in names]
    added = [(name.lower().encode(), value.encode()) for name, value in headers.items()]
    return {**message, "headers": kept + added}


def scope_state(scope: Scope) -> MutableMapping[str, Any]:
    state: MutableMapping[str, Any] = scope.setdefault("state", {})
    return state


async def _answer(error: AppError, scope: Scope, receive: Receive, send: Send) -> None:
    await error_response(error)(scope, receive, send)


async def checked_body(
    scope: Scope, receive: Receive, send: Send, limit: int
) -> tuple[Scope, Receive] | None:
    """The request with its whole body read and checked, or None when it has been answered
    (413 past ``limit``, read no further; 415 or 400 for a body that is not UTF-8 JSON,
    ``body_format_error``; 422 for text no database holds) or the client left."""
    too_large = PayloadTooLarge(f"The request body may not be larger than {limit} bytes.")
    length = header(scope, b"content-length")
    if length is not None and length.strip().isdigit() and int(length) > limit:
        await _answer(too_large, scope, receive, send)
        return None
    try:
        body = await read_body(receive, limit)
    except BodyTooLarge:
        await _answer(too_large, scope, receive, send)
        return None
    except ClientGone:
        # Half a body is never handled: nothing is written, nobody to answer.
        return None
    with_body = scope["method"] in _WITH_BODY
    # The API reads JSON only; the web app's pages (under /app) post HTML forms.
    api = scope["path"].startswith(API_PREFIX)
    if with_body and api:
        content_type = header(scope, b"content-type")
        wrong = body_format_error(content_type, body)
        if wrong is not None:
            await _answer(wrong, scope, receive, send)
            return None
        if content_type is None and body.strip():
            # No type claimed: read it as JSON, as every body is read.
            headers = [*scope.get("headers", []), (b"content-type", b"application/json")]
            scope = {**scope, "headers": headers}
    # An API route checks its own body (http/routing.py), knowing which keys it reads.
    unstorable = unstorable_fields(body) if with_body and not api else {}
    if unstorable:
        await _answer(ValidationFailed(unstorable), scope, receive, send)
        return None
    return scope, replaying(body, receive)


class BodyLimitMiddleware:
    """``checked_body`` alone, as a middleware (``http.edge.EdgeMiddleware`` runs it with
    the other per-request jobs in one layer)."""

    def __init__(self, app: ASGIApp, *, max_body_bytes: int) -> None:
        self.app = app
        self.limit = max_body_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        checked = await checked_body(scope, receive, send, self.limit)
        if checked is not None:
            await self.app(checked[0], checked[1], send)


GATE_KEY = "timeledger.http.gate"


class GateSlot:
    """One request's place in the concurrency gate (``http.edge.EdgeMiddleware``);
    ``outside_the_gate`` gives it up while the request does slow work that needs no
    database connection."""

    def __init__(self, gate: asyncio.Semaphore, wait_seconds: float) -> None:
        self.gate = gate
        self.wait_seconds = wait_seconds
        self.held = False

    async def enter(self) -> None:
        """Take a place, waiting at most ``wait_seconds`` (else ``ServiceUnavailable``)."""
        try:
            await asyncio.wait_for(self.gate.acquire(), self.wait_seconds)
        except TimeoutError:
            raise ServiceUnavailable(DATABASE_UNAVAILABLE) from None
        self.held = True

    def leave(self) -> None:
        if self.held:
            self.held = False
            self.gate.release()


@asynccontextmanager
async def outside_the_gate(scope: Scope) -> AsyncIterator[None]:
    """Run the block without the request's place in the gate (taken back after it), so
    CPU-heavy work such as a password hash does not stop other requests from using the
    database. The request must hold no database connection meanwhile."""
    slot = scope_state(scope).get(GATE_KEY)
    if not isinstance(slot, GateSlot) or not slot.held:
        yield
        return
    slot.leave()
    try:
        yield
    finally:
        await slot.enter()
