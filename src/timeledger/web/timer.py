"""The timer page: what runs now (ticking in the browser), and starting or stopping one."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, Response
from sqlalchemy.orm import Session

from timeledger.auth.service import Actor
from timeledger.billing.schemas import TagRead
from timeledger.billing.service.tags import list_tags
from timeledger.dependencies import ClockDep, SessionDep, SettingsDep
from timeledger.kit.listing import MAX_PER_PAGE, ListParams, Sort
from timeledger.time_entries import service as entries
from timeledger.time_entries.schemas import TimeEntryCreate
from timeledger.time_entries.service.read import recent_trackables, running_entries
from timeledger.trackables.service import search_live
from timeledger.web.actions import attempt
from timeledger.web.deps import WebActorDep
from timeledger.web.pickers import (
    BILLABLE_REFUSED,
    TAGS_REFUSED,
    choice,
    picked,
    trackable_words,
)
from timeledger.web.schemas import TrackableChoice
from timeledger.web.templating import render
from timeledger.web.timesheet import day_list, local_today

router = APIRouter(prefix="/app", include_in_schema=False)


def suggestions(session: Session, actor: Actor, text: str) -> list[TrackableChoice]:
    """Recent trackables first (those matching ``text``), then the firm's other matches."""
    needle = text.strip().lower()
    recent = [
        TrackableChoice.of(kind, record)
        for kind, record in recent_trackables(session, actor=actor)
        if needle in record.name.lower()
    ]
    seen = {choice.value for choice in recent}
    found = [] if not needle else search_live(session, firm=actor.firm, text=needle)
    more = [TrackableChoice.of(kind, record) for kind, record in found]
    return (recent + [choice for choice in more if choice.value not in seen])[:12]


def live_tags(session: Session, actor: Actor) -> list[TagRead]:
    """The firm's live tags by name (the API's ``GET /api/v1/tags``, first 500)."""
    params = ListParams(
        filters={}, sort=Sort("name", descending=False), page=1, per_page=MAX_PER_PAGE, url=""
    )
    return list(list_tags(session, actor=actor, params=params).data)


# The form's Billable choice: empty leaves it to the firm's default for the record's kind.
BILLABLE = {"": None, "1": True, "0": False}


def timer_context(session: Session, actor: Actor, now: datetime, **extra: Any) -> dict[str, Any]:
    running = running_entries(session, accounts=[(actor.account, actor.firm)], now=now).get(
        actor.account.id
    )
    today = day_list(session, actor=actor, last=local_today(actor, now), days=1, now=now)[0]
    return {
        "title": "Timer",
        "actor": actor,
        "running": running,
        "today": today,
        "choices": suggestions(session, actor, ""),
        "tags": live_tags(session, actor),
        **extra,
    }


@router.get("/timer", response_class=HTMLResponse)
def timer_page(
    request: Request, actor: WebActorDep, session: SessionDep, clock: ClockDep
) -> Response:
    return render(request, "timer.html", timer_context(session, actor, clock.now()))


@router.get("/trackables", response_class=HTMLResponse)
def trackable_choices(
    request: Request, actor: WebActorDep, session: SessionDep, q: str = ""
) -> Response:
    """The type-ahead's matches, as the radio list the timer and week pages show."""
    context = {"choices": suggestions(session, actor, q[:100])}
    return render(request, "_choices.html", context)


@router.post("/timer/start", response_class=HTMLResponse)
def start_timer(
    request: Request,
    actor: WebActorDep,
    session: SessionDep,
    clock: ClockDep,
    settings: SettingsDep,
    trackable: Annotated[str, Form()] = "",
    name: Annotated[str, Form(max_length=255)] = "",
    description: Annotated[str, Form(max_length=10_000)] = "",
    billable: Annotated[str, Form()] = "",
    tags: Annotated[list[str] | None, Form(max_length=50)] = None,
) -> Response:
    now = clock.now()
    kind, _, trackable_uuid = trackable.partition(":")

    def start() -> None:
        offered = {str(tag.uuid) for tag in live_tags(session, actor)}
        chosen_tags = picked("tags", tags or [], offered, TAGS_REFUSED)
        chosen_billable = choice("billable", billable, BILLABLE, BILLABLE_REFUSED)
        data = TimeEntryCreate.model_validate(
            {
                "trackable_type": kind or "",
                "trackable_uuid": trackable_uuid or None,
                "name": name.strip(),
                "description": description.strip() or None,
                "billable": chosen_billable,
                "tags": chosen_tags or None,
            }
        )
        entries.create_time_entry(
            session, actor=actor, data=data, now=now, clock_skew=settings.clock_skew
        )

    started = trackable_words(session, actor, trackable, start)
    error = attempt(session, started) if trackable else "Choose what to track time on."
    # Started: keyboard focus goes on to Stop timer (a refusal: to its message, app.js).
    context = timer_context(session, actor, now, error=error, focus_stop=error is None)
    return render(request, "timer.html", context)


@router.post("/timer/stop", response_class=HTMLResponse)
def stop_timer(
    request: Request,
    actor: WebActorDep,
    session: SessionDep,
    clock: ClockDep,
    entry: Annotated[str, Form()],
) -> Response:
    now = clock.now()
    error = attempt(
        session,
        lambda: entries.stop_time_entry(session, actor=actor, entry_uuid=entry, data=None, now=now),
    )
    # Stopped: keyboard focus goes on to Start timer (a refusal: to its message, app.js).
    context = timer_context(session, actor, now, error=error, focus_start=error is None)
    return render(request, "timer.html", context)
