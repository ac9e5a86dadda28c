"""Announcing the time entries a billing action changes (issue 14), through the webhook
outbox in the action's own transaction: ``time-entry.locked`` from the lock action,
``time-entry.stopped`` for the timers it stops, ``time-entry.updated`` for a reprice or an
unlock.

``data`` must be the entry exactly as GET shows it, and that presentation lives in
``time_entries``, a layer above billing. ``time_entries`` therefore registers its
presenter here when it is imported (``use_presenter``); the app and the CLI always import
it. Entries are presented only when a subscription wants the event.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session

from timeledger.auth.service import Actor
from timeledger.models import TimeEntry
from timeledger.webhooks import outbox

LOCKED = "time-entry.locked"
UPDATED = "time-entry.updated"
STOPPED = "time-entry.stopped"
CHUNK = 500

# (session, actor, entries, now) -> each entry as GET shows it to owners and admins.
Presenter = Callable[[Session, Actor, Sequence[TimeEntry], datetime], list[dict[str, Any]]]
_presenter: list[Presenter] = []


def use_presenter(presenter: Presenter) -> None:
    """Set how entries are presented (called once by ``time_entries`` at import)."""
    _presenter[:] = [presenter]


def wanted(session: Session, actor: Actor, event_type: str) -> bool:
    return outbox.wanted(session, firm_id=actor.firm.id, event_type=event_type)


def present(
    session: Session, actor: Actor, entries: Sequence[TimeEntry], now: datetime
) -> list[dict[str, Any]]:
    """The entries as GET shows them (JSON-ready). RuntimeError when no presenter is
    registered: a programming error, never silently an event without data."""
    if not _presenter:
        raise RuntimeError("timeledger.time_entries is not imported: no entry presenter")
    shown: list[dict[str, Any]] = []
    for at in range(0, len(entries), CHUNK):  # bounded IN lists (SQLite's variable limit)
        shown.extend(_presenter[0](session, actor, entries[at : at + CHUNK], now))
    return shown


def announce(
    session: Session,
    actor: Actor,
    event_type: str,
    *,
    shown: Sequence[Mapping[str, Any]],
    previous: Sequence[Mapping[str, Any] | None],
    now: datetime,
) -> None:
    """One ``event_type`` event per entry shown (``shown[i]``, with ``previous[i]``)."""
    for data, before in zip(shown, previous, strict=True):
        outbox.record(
            session,
            firm=actor.firm,
            event_type=event_type,
            data=data,
            previous=before,
            actor=actor,
            now=now,
        )


def changed(
    session: Session,
    actor: Actor,
    event_type: str,
    *,
    entries: Sequence[TimeEntry],
    before: Sequence[Mapping[str, Any]],
    now: datetime,
) -> None:
    """``event_type`` for each entry, ``previous`` being what changed since ``before``
    (from ``present`` before the change)."""
    shown = present(session, actor, entries, now)
    previous = [outbox.changed_fields(b, s) for b, s in zip(before, shown, strict=True)]
    announce(session, actor, event_type, shown=shown, previous=previous, now=now)
