"""The day list: today and the days before it with their totals; inline edit, continue
and delete of each entry."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Annotated, Any

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, Response
from sqlalchemy.orm import Session

from timeledger.auth.service import Actor
from timeledger.dependencies import ClockDep, SessionDep, SettingsDep
from timeledger.errors import ValidationFailed
from timeledger.time_entries import service as entries
from timeledger.time_entries.schemas import TimeEntryCreate, TimeEntryPatch
from timeledger.web.actions import attempt
from timeledger.web.deps import WebActorDep
from timeledger.web.durations import REFUSED, length_fields, parse_duration
from timeledger.web.pickers import trackable_words
from timeledger.web.query import read_day
from timeledger.web.templating import render
from timeledger.web.timer import suggestions
from timeledger.web.timesheet import day_list, local_today

router = APIRouter(prefix="/app", include_in_schema=False)
# How many days the list shows, ending with the day asked for (today by default).
DAYS_SHOWN = 7


def _day(value: str | None, actor: Actor, now: datetime) -> date:
    """The list's last day from a form's hidden ``last`` field (the page's own value)."""
    return read_day(value, actor, now).day


def days_context(
    session: Session, actor: Actor, now: datetime, last: date, **extra: Any
) -> dict[str, Any]:
    days = day_list(session, actor=actor, last=last, days=DAYS_SHOWN, now=now)
    today = local_today(actor, now)
    return {
        "title": "Days",
        "choices": suggestions(session, actor, ""),
        "actor": actor,
        "days": days,
        "last": last,
        "earlier": last - timedelta(days=DAYS_SHOWN),
        # The pager stops at today: later days hold no time yet (a future day can still be
        # opened by its address, for time logged ahead).
        "later": min(last + timedelta(days=DAYS_SHOWN), today) if last < today else None,
        **extra,
    }


@router.get("/days", response_class=HTMLResponse)
def days_page(
    request: Request,
    actor: WebActorDep,
    session: SessionDep,
    clock: ClockDep,
    day: str | None = None,
) -> Response:
    now = clock.now()
    asked = read_day(day, actor, now)
    context = days_context(session, actor, now, asked.day, error=asked.error)
    return render(request, "days.html", context, status_code=asked.status_code)


def _length_fields(
    session: Session,
    actor: Actor,
    entry_uuid: str,
    now: datetime,
    fields: dict[str, Any],
    typed: int | None,
) -> dict[str, Any]:
    """The fields that give the edited entry its length: the duration ``typed``, else,
    when only the start moves, the entry's own length to the second, so the end follows
    the start (docs/web.md); none for a running entry or an unmoved start."""
    if typed is None and "start_date" not in fields:
        return {}
    entry = entries.show_time_entry(session, actor=actor, entry_uuid=entry_uuid, now=now)
    start_at = datetime.fromisoformat(fields.get("start_date") or str(entry.start_date))
    if typed is not None:
        return length_fields(typed, start_at)
    if entry.end_date is None:
        return {}
    was = datetime.fromisoformat(str(entry.end_date)) - datetime.fromisoformat(
        str(entry.start_date)
    )
    return length_fields(int(was.total_seconds()), start_at)


@router.post("/entries/{entry_uuid}", response_class=HTMLResponse)
def edit_entry(
    request: Request,
    entry_uuid: str,
    actor: WebActorDep,
    session: SessionDep,
    clock: ClockDep,
    settings: SettingsDep,
    day: Annotated[str, Form()],
    name: Annotated[str, Form(max_length=255)],
    start: Annotated[str, Form(max_length=5)],
    duration: Annotated[str, Form(max_length=20)] = "",
    trackable: Annotated[str, Form(max_length=100)] = "",
    last: Annotated[str, Form()] = "",
    duration_was: Annotated[str, Form(max_length=20)] = "",
    start_was: Annotated[str, Form(max_length=5)] = "",
) -> Response:
    """Inline edit: trackable (``type:uuid``), name, start time (HH:MM, firm's zone) and
    duration (``1:30``, ``1.5``), sent as one PATCH of the API's service. A start or a
    duration left as the page showed it (``start_was``, ``duration_was``) is not sent, so
    the entry keeps its exact seconds (an entry under 30 s can be renamed as it is); a
    moved start keeps the entry's length to the second (the end follows it)."""
    now = clock.now()

    def change() -> None:
        fields: dict[str, Any] = {"name": name.strip()}
        if start != start_was:  # else the start keeps its seconds
            fields["start_date"] = f"{day} {start}:00"
        if trackable:
            kind, _, trackable_uuid = trackable.partition(":")
            fields |= {"trackable_type": kind, "trackable_uuid": trackable_uuid}
        typed = None
        if duration.strip() and duration.strip() != duration_was.strip():
            typed = parse_duration(duration)
            if not typed:
                raise ValidationFailed.field("duration", REFUSED)
        fields |= _length_fields(session, actor, entry_uuid, now, fields, typed)
        entries.change_time_entry(
            session,
            actor=actor,
            entry_uuid=entry_uuid,
            data=TimeEntryPatch.model_validate(fields),
            now=now,
            clock_skew=settings.clock_skew,
        )

    error = attempt(session, trackable_words(session, actor, trackable, change))
    context = days_context(session, actor, now, _day(last, actor, now), error=error)
    if error is None:
        context["status"] = "Entry saved."
    return render(request, "days.html", context)


@router.post("/entries/{entry_uuid}/continue", response_class=HTMLResponse)
def continue_entry(
    request: Request,
    entry_uuid: str,
    actor: WebActorDep,
    session: SessionDep,
    clock: ClockDep,
    settings: SettingsDep,
    last: Annotated[str, Form()] = "",
) -> Response:
    """Start a timer now with the entry's trackable, name and description."""
    now = clock.now()

    def again() -> None:
        entry = entries.show_time_entry(session, actor=actor, entry_uuid=entry_uuid, now=now)
        data = TimeEntryCreate.model_validate(
            {
                "trackable_type": entry.trackable_type,
                "trackable_uuid": str(entry.trackable.uuid),
                "name": entry.name,
                "description": entry.description,
            }
        )
        entries.create_time_entry(
            session, actor=actor, data=data, now=now, clock_skew=settings.clock_skew
        )

    error = attempt(session, again)
    context = days_context(session, actor, now, _day(last, actor, now), error=error)
    if error is None:
        context["status"] = "Timer started."
    return render(request, "days.html", context)


@router.post("/entries/{entry_uuid}/delete", response_class=HTMLResponse)
def delete_entry(
    request: Request,
    entry_uuid: str,
    actor: WebActorDep,
    session: SessionDep,
    clock: ClockDep,
    last: Annotated[str, Form()] = "",
) -> Response:
    now = clock.now()
    error = attempt(
        session,
        lambda: entries.delete_time_entry(session, actor=actor, entry_uuid=entry_uuid, now=now),
    )
    context = days_context(session, actor, now, _day(last, actor, now), error=error)
    if error is None:
        context["status"] = "Entry deleted."
    return render(request, "days.html", context)
