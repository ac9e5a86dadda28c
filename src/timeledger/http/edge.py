"""``EdgeMiddleware``: every per-request job that is not the route's, in one pure ASGI
layer (issue 15: each layer is one more coroutine and one more ``send`` wrapper on every
request). In the order a request meets them:

1. the request id (``X-Request-Id`` kept when sane, else made) and the access-log line;
   an unhandled error is answered 500 here, with the id;
2. the body: read whole, at most ``max_body_bytes`` (413), UTF-8 JSON on the API (415/400),
   storable text (422): ``middleware.checked_body``;
3. the concurrency gate: at most the connection pool's size of requests at once, waiting
   at most ``wait_seconds`` (503 with Retry-After); the health checks are exempt;
4. on the response: the request id, the security headers (``manners``) and, once the
   request's user was counted, the rate-limit headers, all added in one pass.
"""

from __future__ import annotations

import asyncio
import logging
import time

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from timeledger.errors import AppError, ServiceUnavailable
from timeledger.http.manners import HSTS, JSON_CSP, SECURITY_HEADERS
from timeledger.http.middleware import (
    GATE_KEY,
    GateSlot,
    answer_for,
    checked_body,
    header,
    scope_state,
)
from timeledger.http.ratelimit import LIMIT_HEADER, REMAINING_HEADER, Decision
from timeledger.http.ratelimit import STATE_KEY as RATE_LIMIT_KEY
from timeledger.http.requestid import HEADER as REQUEST_ID_HEADER
from timeledger.http.requestid import STATE_KEY as REQUEST_ID_KEY
from timeledger.http.requestid import incoming_or_new
from timeledger.logs import request_id_var

access_logger = logging.getLogger("timeledger.access")
logger = logging.getLogger("timeledger.http.requestid")

_CSP = b"content-security-policy"
_REQUEST_ID = REQUEST_ID_HEADER.lower().encode()
_RATE_LIMIT = (LIMIT_HEADER.lower().encode(), REMAINING_HEADER.lower().encode())


class EdgeMiddleware:
    def __init__(
        self,
        app: ASGIApp,
        *,
        https: bool,
        max_body_bytes: int,
        capacity: int,
        exempt: frozenset[str],
        wait_seconds: float,
    ) -> None:
        self.app = app
        self.max_body_bytes = max_body_bytes
        self.capacity = capacity
        self.exempt = exempt
        self.wait_seconds = wait_seconds
        self._gates: dict[int, asyncio.Semaphore] = {}
        security = {**SECURITY_HEADERS, **({"Strict-Transport-Security": HSTS} if https else {})}
        self._security = [
            (name.lower().encode(), value.encode()) for name, value in security.items()
        ]

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        state = scope_state(scope)
        request_id = incoming_or_new(header(scope, b"x-request-id"))
        state[REQUEST_ID_KEY] = request_id
        token = request_id_var.set(request_id)
        started = time.perf_counter()
        status = 500
        started_response = False

        async def send_with_headers(message: Message) -> None:
            nonlocal status, started_response
            if message["type"] == "http.response.start":
                started_response = True
                status = message["status"]
                message = self._with_headers(message, request_id, state.get(RATE_LIMIT_KEY))
            await send(message)

        try:
            await self._admit(scope, receive, send_with_headers)
        except Exception:
            # Answered here rather than by Starlette's outermost handler, so even a 500
            # carries the request id and its log line names it.
            logger.exception("unhandled error")
            if not started_response:
                await answer_for(scope, AppError())(scope, receive, send_with_headers)
        finally:
            self._log(scope, status, started)
            request_id_var.reset(token)

    async def _admit(self, scope: Scope, receive: Receive, send: Send) -> None:
        checked = await checked_body(scope, receive, send, self.max_body_bytes)
        if checked is None:
            return
        scope, receive = checked
        if scope["path"] in self.exempt:
            await self.app(scope, receive, send)
            return
        slot = GateSlot(self._gate(), self.wait_seconds)
        try:
            await slot.enter()
        except ServiceUnavailable as exc:
            await answer_for(scope, exc)(scope, receive, send)
            return
        scope_state(scope)[GATE_KEY] = slot
        try:
            await self.app(scope, receive, send)
        finally:
            slot.leave()

    def _gate(self) -> asyncio.Semaphore:
        """The gate of the running event loop (tests run several loops in one process)."""
        loop = id(asyncio.get_running_loop())
        if loop not in self._gates:
            self._gates[loop] = asyncio.Semaphore(self.capacity)
        return self._gates[loop]

    def _with_headers(self, message: Message, request_id: str, decision: object) -> Message:
        """The response's headers with the request id, the security headers the response
        did not set itself (a JSON answer also gets a do-nothing Content-Security-Policy;
        HTML pages set their own) and the rate-limit headers, in one pass."""
        replaced = {_REQUEST_ID}
        added = [(_REQUEST_ID, request_id.encode())]
        if isinstance(decision, Decision):
            replaced.update(_RATE_LIMIT)
            added += [
                (_RATE_LIMIT[0], str(decision.limit).encode()),
                (_RATE_LIMIT[1], str(decision.remaining).encode()),
            ]
        kept = []
        present = set()
        content_type = b""
        for name, value in message.get("headers", []):
            lowered = bytes(name).lower()
            if lowered in replaced:
                continue
            present.add(lowered)
            if lowered == b"content-type":
                content_type = bytes(value)
            kept.append((name, value))
        kept += [(name, value) for name, value in self._security if name not in present]
        if _CSP not in present and b"html" not in content_type:
            kept.append((_CSP, JSON_CSP.encode()))
        return {**message, "headers": kept + added}

    @staticmethod
    def _log(scope: Scope, status: int, started: float) -> None:
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
