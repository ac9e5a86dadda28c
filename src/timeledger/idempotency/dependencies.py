"""The two hooks the request's dependencies call: claim after auth, hand over at commit."""

from __future__ import annotations

from contextlib import ExitStack
from datetime import datetime, timedelta

from fastapi import Request
from fastapi.responses import Response
from sqlalchemy.orm import Session

from timeledger.auth.service import Actor
from timeledger.idempotency import service
from timeledger.idempotency.schemas import REPLAYED_HEADER, STATE_KEY, PendingKey, Replay


def pending_key(request: Request) -> PendingKey | None:
    pending = request.scope.get("state", {}).get(STATE_KEY)
    return pending if isinstance(pending, PendingKey) else None


def claim_pending(
    request: Request, session: Session, actor: Actor, *, now: datetime, retention: timedelta
) -> None:
    pending = pending_key(request)
    if pending is None or pending.claimed:
        return
    pending.record = service.claim(
        session,
        actor=actor,
        key=pending.key,
        fingerprint=pending.fingerprint,
        now=now,
        retention=retention,
    )
    pending.session = session


def hand_over(request: Request, transaction: ExitStack) -> bool:
    """Give a claimed key's open transaction to the middleware, which commits it."""
    pending = pending_key(request)
    if pending is None or not pending.claimed:
        return False
    pending.transaction = transaction.pop_all()
    return True


def replay_response(_request: Request, exc: Exception) -> Response:
    assert isinstance(exc, Replay)
    stored = exc.response
    return Response(
        content=stored.body,
        status_code=stored.status_code,
        media_type=stored.content_type,
        headers={REPLAYED_HEADER: "true"},
    )
