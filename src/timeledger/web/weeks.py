"""The week timesheet: rows of trackable + name, a cell per day that takes a duration,
totals per row, per day and for the week."""

from __future__ import annotations

import uuid
from datetime import date, datetime, timedelta
from typing import Annotated, Any

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, Response
from sqlalchemy.orm import Session

from timeledger.auth.service import Actor
from timeledger.dependencies import ClockDep, SessionDep, SettingsDep
from timeledger.errors import ValidationFailed
from timeledger.trackables.service import find_live, parse_trackable_type
from timeledger.web.actions import attempt, for_htmx
from timeledger.web.deps import WebActorDep
from timeledger.web.durations import REFUSED, parse_duration
from timeledger.web.pickers import trackable_words
from timeledger.web.query import read_day
from timeledger.web.schemas import Week
from timeledger.web.templating import render, short_day
from timeledger.web.timer import suggestions
from timeledger.web.timesheet import set_cell, week_grid, week_start

router = APIRouter(prefix="/app", include_in_schema=False)


def _first_day(value: str | None, actor: Actor, now: datetime) -> date:
    """The first day (the firm's ``week_start``) of the week holding ``value`` (a day the
    page can show, ``web.query.read_day``), else of this week."""
    return week_start(actor, read_day(value, actor, now).day)


def week_context(
    session: Session, actor: Actor, now: datetime, first: date, **extra: Any
) -> dict[str, Any]:
    return {
        "title": "Week",
        "actor": actor,
        "week": week_grid(session, actor=actor, first=first, now=now),
        "first_day": first,
        "previous": first - timedelta(days=7),
        "next": first + timedelta(days=7),
        "choices": suggestions(session, actor, ""),
        **extra,
    }


@router.get("/week", response_class=HTMLResponse)
def week_page(
    request: Request,
    actor: WebActorDep,
    session: SessionDep,
    clock: ClockDep,
    day: str | None = None,
) -> Response:
    now = clock.now()
    asked = read_day(day, actor, now)
    first = week_start(actor, asked.day)
    context = week_context(session, actor, now, first, error=asked.error)
    return render(request, "week.html", context, status_code=asked.status_code)


@router.post("/week/cell", response_class=HTMLResponse)
def set_week_cell(
    request: Request,
    actor: WebActorDep,
    session: SessionDep,
    clock: ClockDep,
    settings: SettingsDep,
    trackable: Annotated[str, Form()],
    name: Annotated[str, Form(max_length=255)],
    day: Annotated[str, Form()],
    duration: Annotated[str, Form(max_length=20)] = "",
) -> Response:
    """One cell (or the add-a-row form): the row's entry on ``day`` lasts ``duration``."""
    now = clock.now()

    def apply() -> None:
        kind_text, _, uuid_text = trackable.partition(":")
        kind = parse_trackable_type(kind_text)
        seconds = parse_duration(duration)
        errors: dict[str, list[str]] = {}
        if kind is None:
            errors["trackable"] = ["Choose what to track time on."]
        if seconds is None:
            errors["duration"] = [REFUSED]
        if not name.strip():
            errors["name"] = ["The name field is required."]
        if errors or kind is None or seconds is None:
            raise ValidationFailed(errors)
        set_cell(
            session,
            actor=actor,
            kind=kind,
            trackable_uuid=uuid.UUID(uuid_text),
            name=name.strip(),
            day=date.fromisoformat(day),
            seconds=seconds,
            now=now,
            clock_skew=settings.clock_skew,
        )

    try:
        error = attempt(session, trackable_words(session, actor, trackable, apply))
    except ValueError:
        error = "That cell does not exist."
    context = week_context(session, actor, now, _first_day(day, actor, now))
    if error is None:
        return render(request, "week.html", context)
    label = _trackable_label(session, actor, trackable)
    context |= cell_error(context["week"], trackable, name.strip(), day, duration, error, label)
    return for_htmx(request, render(request, "week.html", context, status_code=422))


def _trackable_label(session: Session, actor: Actor, trackable: str) -> str:
    """The name of what ``type:uuid`` tracks time on, or "" when it names nothing."""
    kind_text, _, uuid_text = trackable.partition(":")
    kind = parse_trackable_type(kind_text)
    try:
        found_uuid = uuid.UUID(uuid_text)
    except ValueError:
        return ""
    if kind is None:
        return ""
    found = find_live(session, firm=actor.firm, trackable_type=kind, trackable_uuid=found_uuid)
    return str(getattr(found, "name", "") or "")


def cell_error(
    week: Week,
    trackable: str,
    name: str,
    day: str,
    typed: str,
    error: str,
    trackable_label: str = "",
) -> dict[str, Any]:
    """The page's message naming the cell (its trackable, row name and day) and, when that
    cell is on the grid, which one to mark ``aria-invalid``, focus and show ``typed`` in
    again. A new row (Add time) is named by ``trackable_label`` and the name typed."""
    row = next((r for r in week.rows if r.key == trackable and r.name == name), None)
    try:
        when = short_day(date.fromisoformat(day))
    except ValueError:
        when = day[:20]
    new_row = ", ".join(part for part in (trackable_label, name) if part) or "New row"
    place = f"{row.trackable_name}, {row.name}" if row else new_row
    cell = (trackable, name, day) if row else None
    return {
        "error": f"{place}, {when}: {error}",
        "cell_error": error,
        "bad_cell": cell,
        "typed": typed,
    }
