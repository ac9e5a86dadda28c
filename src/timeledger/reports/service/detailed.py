"""The detailed report: the entries behind a summary, one page at a time (keyset cursor),
or all of them streamed for the exports."""

from __future__ import annotations

import base64
import binascii
import hashlib
import json
from collections.abc import Iterator, Mapping
from datetime import datetime

from sqlalchemy.orm import Session

from timeledger.auth.service import Actor
from timeledger.billing.service.locks import in_locked_period
from timeledger.dates import format_api_datetime, format_optional
from timeledger.errors import ValidationFailed
from timeledger.permissions import may_see_amounts
from timeledger.reports.params import COMMON_KEYS
from timeledger.reports.schemas import DetailedEntry, DetailedReport
from timeledger.reports.service.facts import EntryFacts
from timeledger.reports.service.keys import Ident
from timeledger.reports.service.selection import Selection, select_report, selected_facts
from timeledger.reports.service.summary import meta, namer_of, piece_amount

DETAILED_KEYS = COMMON_KEYS | {"cursor", "per_page"}
MAX_PER_PAGE = 500
DEFAULT_PER_PAGE = 50


def _fingerprint(query: Mapping[str, str]) -> str:
    kept = sorted((k, v) for k, v in query.items() if k not in {"cursor", "per_page"})
    return hashlib.sha256(json.dumps(kept).encode()).hexdigest()


def _cursor(query: Mapping[str, str], started_at: datetime, entry_id: int) -> str:
    position = [started_at.isoformat(), entry_id]
    check = hashlib.sha256((_fingerprint(query) + json.dumps(position)).encode()).hexdigest()
    raw = json.dumps({"p": position, "c": check[:24]}).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def _read_cursor(query: Mapping[str, str]) -> tuple[datetime, int] | None:
    raw = (query.get("cursor") or "").strip()
    if not raw:
        return None
    try:
        data = json.loads(base64.urlsafe_b64decode(raw + "=" * (-len(raw) % 4)))
        started, entry_id = data["p"]
        position = (datetime.fromisoformat(started), int(entry_id))
    except (ValueError, TypeError, KeyError, binascii.Error):
        position = None
    if position is None or _cursor(query, *position) != raw:
        raise ValidationFailed.field(
            "cursor", "The cursor is invalid: use the next_cursor of the same report."
        )
    return position


def _per_page(query: Mapping[str, str]) -> int:
    raw = (query.get("per_page") or "").strip()
    if not raw:
        return DEFAULT_PER_PAGE
    if not raw.isdigit() or not 1 <= int(raw) <= MAX_PER_PAGE:
        raise ValidationFailed.field(
            "per_page", f"The per_page field must be an integer from 1 to {MAX_PER_PAGE}."
        )
    return int(raw)


def detailed(
    session: Session, *, actor: Actor, query: Mapping[str, str], now: datetime
) -> DetailedReport:
    """One page of the entries behind a summary (same range and filters), ordered by start
    then id; ``cursor`` continues from ``next_cursor``. ``per_page`` 1-500 (default 50).
    Raises ``Forbidden`` (403) and ``ValidationFailed`` (422, also for a changed cursor)."""
    selection = select_report(session, actor=actor, query=query, now=now, allowed=DETAILED_KEYS)
    per_page = _per_page(query)
    after = _read_cursor(query)
    page: list[EntryFacts] = []
    more = False
    for facts in selected_facts(session, selection, after=after, with_tags=True, detailed=True):
        if len(page) == per_page:
            more = True
            break
        page.append(facts)
    entries = present_entries(session, actor=actor, selection=selection, facts=page)
    last = page[-1].row if page else None
    return DetailedReport(
        meta=meta(selection.params),
        data=entries,
        next_cursor=_cursor(query, last.started_at, last.id) if more and last else None,
        per_page=per_page,
    )


def detailed_rows(
    session: Session, *, actor: Actor, selection: Selection, batch: int = 1000
) -> Iterator[DetailedEntry]:
    """Every selected entry, presented, streamed in batches (for exports)."""
    chunk: list[EntryFacts] = []
    for facts in selected_facts(session, selection, with_tags=True, detailed=True):
        chunk.append(facts)
        if len(chunk) == batch:
            yield from present_entries(session, actor=actor, selection=selection, facts=chunk)
            chunk = []
    yield from present_entries(session, actor=actor, selection=selection, facts=chunk)


def present_entries(
    session: Session, *, actor: Actor, selection: Selection, facts: list[EntryFacts]
) -> list[DetailedEntry]:
    params = selection.params
    namer = namer_of(session, actor)
    keys: list[Ident] = []
    for entry in facts:
        keys += [
            ("staff", entry.row.account_id),
            ("client", *entry.client),
            ("trackable", entry.row.trackable_type, entry.row.trackable_id),
        ]
    namer.load(keys)
    visible = may_see_amounts(actor)
    # Locked as issue 11's ``lock_reason`` says: invoiced, or inside the lock period.
    return [
        DetailedEntry(
            uuid=str(entry.row.uuid),
            local_date=entry.pieces[0].day,
            start_date=format_api_datetime(entry.row.started_at, params.time_zone),
            end_date=format_optional(entry.row.ended_at, params.time_zone),
            is_running=entry.row.ended_at is None,
            name=entry.row.name,
            description=entry.row.description,
            staff=namer.render(("staff", entry.row.account_id)),
            trackable=namer.render(("trackable", entry.row.trackable_type, entry.row.trackable_id)),
            client=namer.render(("client", *entry.client)),
            seconds=entry.seconds,
            rounded_seconds=entry.rounded_seconds,
            billable=entry.row.billable,
            hourly_rate_minor=entry.row.hourly_rate_minor if visible else None,
            currency=entry.row.currency if visible else None,
            amount=_entry_amount(entry) if visible else None,
            tags=[{"type": "tag", "uuid": uuid, "name": name} for _, uuid, name in entry.tags],
            is_locked=entry.row.invoiced_at is not None
            or in_locked_period(entry.row.started_at, actor.firm),
        )
        for entry in facts
        if entry.pieces
    ]


def _entry_amount(entry: EntryFacts) -> int | None:
    amounts = [piece_amount(entry, piece) for piece in entry.pieces]
    if not amounts or amounts[0] is None:
        return None
    return sum(amount or 0 for amount in amounts)
