"""Fingerprints keyed writes, then stores the response and commits before sending it."""

from __future__ import annotations

import logging
import sys

from starlette.concurrency import run_in_threadpool
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from timeledger.errors import AppError, error_response
from timeledger.http.middleware import header, read_body, replaying, scope_state
from timeledger.idempotency import service
from timeledger.idempotency.schemas import (
    HEADER,
    STATE_KEY,
    WRITE_METHODS,
    PendingKey,
    StoredResponse,
)

logger = logging.getLogger(__name__)
_HEADER = HEADER.lower().encode()
# The body was read (and limited) by BodyLimitMiddleware already; this only re-reads it.
_NO_LIMIT = 1 << 62


class IdempotencyMiddleware:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        key = header(scope, _HEADER) if scope["type"] == "http" else None
        if key is None or scope["method"] not in WRITE_METHODS:
            await self.app(scope, receive, send)
            return
        body = await read_body(receive, _NO_LIMIT)
        pending = PendingKey(
            key=key,
            fingerprint=service.fingerprint(
                method=scope["method"],
                path=scope["path"],
                query=bytes(scope.get("query_string", b"")).decode("latin-1"),
                body=body,
            ),
        )
        scope_state(scope)[STATE_KEY] = pending
        messages: list[Message] = []

        async def buffer(message: Message) -> None:
            messages.append(message)

        try:
            await self.app(scope, replaying(body, receive), buffer)
        except BaseException:
            if pending.transaction is not None:
                pending.transaction.__exit__(*sys.exc_info())
            raise
        if pending.transaction is not None:
            messages = await _commit_with_response(pending, messages)
        for message in messages:
            await send(message)


def _stored(messages: list[Message]) -> StoredResponse:
    start = next(m for m in messages if m["type"] == "http.response.start")
    content_type = "application/json"
    for name, value in start.get("headers", []):
        if name.lower() == b"content-type":
            content_type = bytes(value).decode("latin-1")
    body = b"".join(m.get("body", b"") for m in messages if m["type"] == "http.response.body")
    return StoredResponse(status_code=start["status"], content_type=content_type, body=body)


def _finish(pending: PendingKey, response: StoredResponse) -> None:
    transaction = pending.transaction
    assert transaction is not None
    assert pending.session is not None
    assert pending.record is not None
    pending.transaction = None
    try:
        service.remember(pending.session, pending.record, response)
    except BaseException:
        transaction.__exit__(*sys.exc_info())
        raise
    transaction.close()  # commits the write and its key together


async def _commit_with_response(pending: PendingKey, messages: list[Message]) -> list[Message]:
    try:
        await run_in_threadpool(_finish, pending, _stored(messages))
    except Exception:
        logger.exception("could not commit an idempotent write")
        collected: list[Message] = []

        async def collect(message: Message) -> None:
            collected.append(message)

        async def nothing() -> Message:
            return {"type": "http.disconnect"}

        await error_response(AppError())(
            {"type": "http", "method": "POST", "headers": []}, nothing, collect
        )
        return collected
    return messages
