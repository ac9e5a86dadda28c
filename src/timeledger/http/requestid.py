"""``X-Request-Id`` on every response and in every log line, plus one access-log line."""

from __future__ import annotations

import logging
import re
import time
import uuid

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from timeledger.errors import AppError, error_response
from timeledger.http.middleware import header, scope_state, with_headers
from timeledger.logs import request_id_var

HEADER = "X-Request-Id"
STATE_KEY = "timeledger.request_id"
# An incoming id is kept when it looks like an id; anything else is replaced.
_SANE = re.compile(r"^[A-Za-z0-9._:\-]{1,128}$")
access_logger = logging.getLogger("timeledger.access")
logger = logging.getLogger(__name__)


def incoming_or_new(value: str | None) -> str:
    if value is not None and _SANE.match(value):
        return value
    return uuid.uuid4().hex


class RequestIdMiddleware:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        request_id = incoming_or_new(header(scope, b"x-request-id"))
        scope_state(scope)[STATE_KEY] = request_id
        token = request_id_var.set(request_id)
        started = time.perf_counter()
        status = 500
        started_response = False

        async def send_with_id(message: Message) -> None:
            nonlocal status
            nonlocal started_response
            if message["type"] == "http.response.start":
                started_response = True
                status = message["status"]
                message = with_headers(message, {HEADER: request_id})
            await send(message)

        try:
            await self.app(scope, receive, send_with_id)
        except Exception:
            # Answered here rather than by Starlette's outermost handler, so even a 500
            # carries the request id and its log line names it.
            logger.exception("unhandled error")
            if not started_response:
                await error_response(AppError())(scope, receive, send_with_id)
        finally:
            access_logger.info(
                "%s %s %s",
                scope["method"],
                scope["path"],
                status,
                extra={
                    "method": scope["method"],
                    "path": scope["path"],
                    "status": status,
                    "duration_ms": round((time.perf_counter() - started) * 1000, 1),
                },
            )
            request_id_var.reset(token)
