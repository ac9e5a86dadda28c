"""Billing rates (owners and admins): dated hourly rates at each level, through the same
services and rules as ``/api/v1/billing-rates``."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, Response
from sqlalchemy.orm import Session

from timeledger.accounts import service as accounts
from timeledger.auth.service import Actor
from timeledger.billing.schemas import BillingRateCreate, BillingRateUpdate
from timeledger.billing.service import rates
from timeledger.billing.service.overlap import RateOverlap
from timeledger.cases import service as cases
from timeledger.dependencies import ClockDep, SessionDep
from timeledger.errors import ValidationFailed
from timeledger.kit.listing import ListParams, Sort
from timeledger.models import AccountType
from timeledger.permissions import may_manage_billing
from timeledger.web.actions import attempt
from timeledger.web.amounts import format_minor, parse_major
from timeledger.web.deps import WebActorDep
from timeledger.web.firm_settings import refusal
from timeledger.web.paging import PageNumber, list_params
from timeledger.web.pickers import PICK_REFUSED, record_uuid, shown
from timeledger.web.templating import render

router = APIRouter(prefix="/app", include_in_schema=False)
# The pickers offer the first records by name; a firm with more uses the API for the rest.
PICKER_LIMIT = 500
LEVEL_LABELS = {
    "case_staff": "Case, one staff member",
    "case": "Case",
    "client_staff": "Client, one staff member",
    "client": "Client",
    "staff": "Staff member",
    "firm": "Firm default",
}


def _params(sort: str, **filters: list[str]) -> ListParams:
    return ListParams(
        filters=dict(filters),
        sort=Sort(field=sort.removeprefix("-"), descending=sort.startswith("-")),
        page=1,
        per_page=PICKER_LIMIT,
        url="/app/rates",
    )


def _names(session: Session, actor: Actor) -> dict[str, list[tuple[str, str]]]:
    """The staff, clients and cases a rate can be for, as (uuid, name) by name."""
    staff = accounts.account_choices(
        session, actor=actor, params=_params("first_name", type=[AccountType.EMPLOYEE.value])
    )
    clients = accounts.account_choices(
        session, actor=actor, params=_params("first_name"), clients_only=True
    )
    return {
        "staff": [(a.uuid, a.name) for a in staff],
        "clients": [(a.uuid, a.name) for a in clients],
        "cases": cases.case_choices(session, actor=actor, params=_params("name")),
    }


def rates_context(
    session: Session, actor: Actor, *, archived: bool = False, page: int = 1, **extra: Any
) -> dict[str, Any]:
    filters = {"archived": ["1"]} if archived else {}
    query = {"archived": "1"} if archived else {}
    sort = Sort(field="effective_from", descending=True)
    params = list_params("/app/rates", sort, page=page, query=query, **filters)
    listing = rates.list_rates(session, actor=actor, params=params)
    rules = listing.data
    names = _names(session, actor)
    known = {uuid: name for group in names.values() for uuid, name in group}
    return {
        "title": "Rates",
        "actor": actor,
        "rates": rules,
        "listing": listing,
        "names": names,
        "known": known,
        "levels": LEVEL_LABELS,
        "archived": archived,
        "money": format_minor,
        **extra,
    }


def rate_words(session: Session, actor: Actor, rate_uuid: str) -> str:
    """A rate named as the Rates table shows it: who, what, how much, from and to
    ("Priya Shah's rate for Acme Ltd, 150.00 GBP an hour, from 2026-01-01 to open")."""
    rate = rates.show_rate(session, actor=actor, raw_uuid=rate_uuid)
    known = {uuid: name for group in _names(session, actor).values() for uuid, name in group}
    target = rate.case_uuid or rate.client_uuid
    who = f"{known.get(str(rate.staff_uuid), 'a staff member')}'s rate" if rate.staff_uuid else ""
    what = known.get(str(target), "a record") if target else ""
    if who and what:
        named = f"{who} for {what}"
    elif who or what:
        named = who or f"the rate for {what}"
    else:
        named = "the firm default rate"
    money = format_minor(rate.hourly_rate, rate.currency)
    until = rate.effective_to.isoformat() if rate.effective_to else "open"
    return f"{named}, {money} an hour, from {rate.effective_from.isoformat()} to {until}"


def _overlap_in_words(session: Session, actor: Actor, exc: RateOverlap) -> ValidationFailed:
    """The API names the overlapping rate by UUID; the page names it in words."""
    named = rate_words(session, actor, str(exc.other))
    return ValidationFailed.field(
        "effective_from",
        f"The dates overlap another rate at the same level ({named}); end that one first.",
    )


@router.get("/rates", response_class=HTMLResponse)
def rates_page(
    request: Request,
    actor: WebActorDep,
    session: SessionDep,
    archived: str = "",
    page: PageNumber = 1,
) -> Response:
    verdict = may_manage_billing(actor)
    if not verdict:
        return refusal(request, actor, verdict)
    context = rates_context(session, actor, archived=archived == "1", page=page)
    return render(request, "rates.html", context)


def _rate_body(
    actor: Actor, *, staff: str, applies_to: str, amount: str, currency: str, dates: list[str]
) -> dict[str, Any]:
    """The ``POST /api/v1/billing-rates`` body the form describes."""
    kind, _, target = applies_to.partition(":")
    what = "what the rate applies to"
    if kind not in {"", "client", "case"}:
        message = PICK_REFUSED.format(what=what, value=shown(applies_to))
        raise ValidationFailed.field("applies_to", message)
    if kind:
        record_uuid("applies_to", target, what)
    if staff:
        record_uuid("staff", staff, "a staff member")
    chosen = currency.strip().upper() or actor.firm.currency
    return {
        "hourly_rate": parse_major(amount, chosen),
        "currency": chosen,
        "effective_from": dates[0].strip(),
        "effective_to": dates[1].strip() or None,
        "staff_uuid": staff or None,
        "client_uuid": target if kind == "client" else None,
        "case_uuid": target if kind == "case" else None,
    }


@router.post("/rates", response_class=HTMLResponse)
def add_rate(
    request: Request,
    actor: WebActorDep,
    session: SessionDep,
    clock: ClockDep,
    hourly_rate: Annotated[str, Form(max_length=30)],
    effective_from: Annotated[str, Form(max_length=20)],
    effective_to: Annotated[str, Form(max_length=20)] = "",
    staff: Annotated[str, Form(max_length=40)] = "",
    applies_to: Annotated[str, Form(max_length=60)] = "",
    currency: Annotated[str, Form(max_length=10)] = "",
) -> Response:
    """``POST /api/v1/billing-rates`` from a form: the amount in major units of the
    currency, parsed exactly to minor units; the level follows from staff and target."""
    verdict = may_manage_billing(actor)
    if not verdict:
        return refusal(request, actor, verdict)

    def add() -> None:
        body = _rate_body(
            actor,
            staff=staff,
            applies_to=applies_to,
            amount=hourly_rate,
            currency=currency,
            dates=[effective_from, effective_to],
        )
        data = BillingRateCreate.model_validate(body)
        try:
            rates.create_rate(session, actor=actor, data=data, now=clock.now())
        except RateOverlap as exc:
            raise _overlap_in_words(session, actor, exc) from None

    error = attempt(session, add)
    status = None if error else "Rate added. Time already recorded keeps its rate."
    # A refused rate keeps what was typed, so it can be corrected rather than retyped.
    typed = (
        {}
        if error is None
        else {
            "staff": staff,
            "applies_to": applies_to,
            "hourly_rate": hourly_rate,
            "currency": currency,
            "effective_from": effective_from,
            "effective_to": effective_to,
        }
    )
    context = rates_context(session, actor, error=error, status=status, typed=typed)
    return render(request, "rates.html", context)


@router.post("/rates/{rate_uuid}/end", response_class=HTMLResponse)
def end_rate(
    request: Request,
    rate_uuid: str,
    actor: WebActorDep,
    session: SessionDep,
    clock: ClockDep,
    effective_to: Annotated[str, Form(max_length=20)] = "",
) -> Response:
    """``PUT /api/v1/billing-rates/{uuid}`` with ``effective_to`` (its last day)."""
    verdict = may_manage_billing(actor)
    if not verdict:
        return refusal(request, actor, verdict)

    def end() -> None:
        data = BillingRateUpdate.model_validate({"effective_to": effective_to.strip() or None})
        try:
            rates.update_rate(session, actor=actor, raw_uuid=rate_uuid, data=data, now=clock.now())
        except RateOverlap as exc:
            raise _overlap_in_words(session, actor, exc) from None

    error = attempt(session, end)
    status = None
    if error is None:
        status = f"The rate now ends on {effective_to}." if effective_to else "The rate is open."
    context = rates_context(session, actor, error=error, status=status)
    return render(request, "rates.html", context)


@router.post("/rates/{rate_uuid}/archive", response_class=HTMLResponse)
def archive_rate(
    request: Request, rate_uuid: str, actor: WebActorDep, session: SessionDep, clock: ClockDep
) -> Response:
    """``DELETE /api/v1/billing-rates/{uuid}``: archived, it applies to no new entry."""
    verdict = may_manage_billing(actor)
    if not verdict:
        return refusal(request, actor, verdict)
    error = attempt(
        session,
        lambda: rates.archive_rate(session, actor=actor, raw_uuid=rate_uuid, now=clock.now()),
    )
    status = None if error else "Rate archived. Time that used it keeps its rate."
    context = rates_context(session, actor, error=error, status=status)
    return render(request, "rates.html", context)
