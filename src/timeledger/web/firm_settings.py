"""Firm admin (owners and admins): the firm's settings and its lock date, through the
same services and rules as ``PUT /api/v1/firm/{uuid}`` and ``PUT /api/v1/firm/{uuid}/lock``."""

from __future__ import annotations

from datetime import date, datetime
from functools import cache
from typing import Annotated, Any

import pycountry
from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, Response

from timeledger.auth.service import Actor
from timeledger.billing.schemas import LockUpdate
from timeledger.billing.service import locks
from timeledger.dates import format_api_datetime, iana_zone_names
from timeledger.dependencies import ClockDep, SessionDep
from timeledger.firms import service as firms
from timeledger.firms.schemas import FirmRead, FirmUpdate
from timeledger.permissions import (
    Verdict,
    may_change_firm,
    may_manage_billing,
    may_override_lock,
)
from timeledger.web.actions import attempt
from timeledger.web.deps import WebActorDep
from timeledger.web.pickers import BILLABLE_KINDS_REFUSED
from timeledger.web.templating import render
from timeledger.web.words import counted

router = APIRouter(prefix="/app", include_in_schema=False)
WEEK_DAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
KIND_LABELS = {
    "client": "Clients",
    "case": "Cases",
    "task": "Tasks",
    "board_task": "Board tasks",
    "circle": "Circles",
    "firm": "The firm itself",
}


def refusal(request: Request, actor: Actor, verdict: Verdict) -> Response:
    """The API's 403 for this rule, as a page: its own message in an alert."""
    context = {
        "title": "Not allowed",
        "actor": actor,
        "error": verdict.reason or "This action is unauthorized.",
    }
    return render(request, "base.html", context, status_code=403)


def _zones() -> list[str]:
    return list(iana_zone_names())


@cache
def _currencies() -> list[tuple[str, str]]:
    return sorted((c.alpha_3, c.name) for c in pycountry.currencies)


def settings_context(actor: Actor, **extra: Any) -> dict[str, Any]:
    firm = actor.firm
    return {
        "title": "Firm settings",
        "actor": actor,
        "firm": FirmRead.build(firm, time_zone=firm.time_zone),
        "owner": bool(may_change_firm(actor)),
        "zones": _zones(),
        "currencies": _currencies(),
        "week_days": WEEK_DAYS,
        "kinds": KIND_LABELS,
        **extra,
    }


@router.get("/settings", response_class=HTMLResponse)
def settings_page(request: Request, actor: WebActorDep) -> Response:
    verdict = may_manage_billing(actor)
    if not verdict:
        return refusal(request, actor, verdict)
    return render(request, "firm_settings.html", settings_context(actor))


def _changes(actor: Actor, form: dict[str, Any]) -> dict[str, Any]:
    """The fields whose value differs from the firm's (``PUT`` changes only the fields
    sent); name and time zone only for owners, who alone may change them."""
    current = FirmRead.build(actor.firm, time_zone=actor.firm.time_zone).model_dump()
    if not may_change_firm(actor):
        form = {key: value for key, value in form.items() if key not in {"name", "time_zone"}}
    return {key: value for key, value in form.items() if value != current[key]}


@router.post("/settings", response_class=HTMLResponse)
def save_settings(
    request: Request,
    actor: WebActorDep,
    session: SessionDep,
    clock: ClockDep,
    currency: Annotated[str, Form(max_length=10)],
    week_start: Annotated[str, Form(max_length=10)],
    name: Annotated[str, Form(max_length=300)] = "",
    time_zone: Annotated[str, Form(max_length=100)] = "",
    billable: Annotated[list[str] | None, Form()] = None,
    members_see_amounts: Annotated[str | None, Form()] = None,
) -> Response:
    """``PUT /api/v1/firm/{uuid}`` with the fields the form changed."""
    verdict = may_manage_billing(actor)
    if not verdict:
        return refusal(request, actor, verdict)
    chosen = set(billable or [])
    unknown = sorted(chosen - set(KIND_LABELS))
    if unknown:
        message = BILLABLE_KINDS_REFUSED.format(value=repr(unknown[0][:40]))
        return render(request, "firm_settings.html", settings_context(actor, error=message))
    form = {
        "name": name,
        "time_zone": time_zone.strip(),
        "currency": currency.strip(),
        "week_start": week_start,
        "billable_default": {kind: kind in chosen for kind in KIND_LABELS},
        "members_see_amounts": members_see_amounts is not None,
    }
    changes = _changes(actor, form)

    def save() -> None:
        data = FirmUpdate.model_validate(changes)
        firms.update_firm(
            session, actor=actor, raw_uuid=str(actor.firm.uuid), data=data, now=clock.now()
        )

    error = attempt(session, save) if changes else None
    status = None if error else "Settings saved." if changes else "Nothing to change."
    return render(
        request, "firm_settings.html", settings_context(actor, error=error, status=status)
    )


# The lock date ----------------------------------------------------------------------------


def lock_date(actor: Actor) -> date | None:
    """The local date whose midnight (the firm's zone) is the lock boundary, or None."""
    firm = actor.firm
    if firm.locked_before is None:
        return None
    return datetime.fromisoformat(format_api_datetime(firm.locked_before, firm.time_zone)).date()


def lock_context(actor: Actor, **extra: Any) -> dict[str, Any]:
    firm = actor.firm
    return {
        "title": "Lock date",
        "actor": actor,
        "lock_date": lock_date(actor),
        "boundary": (
            None
            if firm.locked_before is None
            else format_api_datetime(firm.locked_before, firm.time_zone)
        ),
        "may_override": bool(may_override_lock(actor)),
        **extra,
    }


@router.get("/lock", response_class=HTMLResponse)
def lock_page(request: Request, actor: WebActorDep) -> Response:
    verdict = may_manage_billing(actor)
    if not verdict:
        return refusal(request, actor, verdict)
    return render(request, "lock.html", lock_context(actor))


def _set_lock(
    request: Request,
    actor: Actor,
    session: SessionDep,
    now: datetime,
    body: dict[str, Any],
) -> Response:
    verdict = may_manage_billing(actor)
    if not verdict:
        return refusal(request, actor, verdict)
    if body["locked_before"] == "":
        context = lock_context(actor, error="The lock date is required: choose a day.")
        return render(request, "lock.html", context)
    stopped: list[object] = []

    def apply() -> None:
        data = LockUpdate.model_validate(body)
        answer = locks.set_lock(
            session, actor=actor, raw_uuid=str(actor.firm.uuid), data=data, now=now
        )
        stopped.extend(answer.stopped)

    error = attempt(session, apply)
    if error is not None:
        # The API's words name its JSON field; the page names its checkbox.
        error = error.replace(
            "send stop_running: true to stop them now.",
            "tick “Stop running timers that started before it, now” to stop them.",
        )
    status = None
    if error is None:
        day = lock_date(actor)
        status = "The lock is removed." if day is None else f"Time before {_long(day)} is locked."
        if stopped:
            status += f" Stopped {counted(len(stopped), 'running timer')}."
    return render(request, "lock.html", lock_context(actor, error=error, status=status))


def _long(day: date) -> str:
    return f"{day:%A} {day.day} {day:%B %Y}"


@router.post("/lock", response_class=HTMLResponse)
def set_lock(
    request: Request,
    actor: WebActorDep,
    session: SessionDep,
    clock: ClockDep,
    locked_before: Annotated[str, Form(max_length=20)] = "",
    stop_running: Annotated[str | None, Form()] = None,
) -> Response:
    """``PUT /api/v1/firm/{uuid}/lock`` with a date (and ``stop_running``)."""
    body = {"locked_before": locked_before.strip(), "stop_running": stop_running is not None}
    return _set_lock(request, actor, session, clock.now(), body)


@router.post("/lock/remove", response_class=HTMLResponse)
def remove_lock(
    request: Request, actor: WebActorDep, session: SessionDep, clock: ClockDep
) -> Response:
    """``PUT /api/v1/firm/{uuid}/lock`` with ``locked_before: null`` (owners only)."""
    return _set_lock(request, actor, session, clock.now(), {"locked_before": None})
