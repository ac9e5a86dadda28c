"""What a form's pickers send, when it is not one of the choices the page offered (a
hand-made request, an old page, a tampered form): a message in the form's words
("Billable must be one of the choices in its list", "Pick tags from the list"), never
the API's field names (``tags 0``, ``filter[billable]``, ``participants 0``), and nothing
saved (issue 13, a newcomer's try-out)."""

from __future__ import annotations

import html
import re
import uuid

import httpx
import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from tests.factories import FirmWorld
from tests.web.conftest import Browser
from timeledger.models import BillingRate, Case, TimeEntry

OTHER = str(uuid.UUID(int=7))
API_WORDS = re.compile(r"tags[ .]0|filter\[|participants|uuid field|characters|true or false")


def _alert(answer: httpx.Response) -> str:
    found = re.search(r'role="alert"[^>]*>(.*?)</p>', answer.text, re.S)
    assert found, answer.text
    return html.unescape(re.sub(r"<[^>]+>", "", found[1])).strip()


def _count(session: Session, model: type[TimeEntry | Case | BillingRate]) -> int:
    return session.scalar(select(func.count()).select_from(model)) or 0


def _timer(world: FirmWorld, **fields: str | list[str]) -> dict[str, str | list[str]]:
    return {"trackable": f"client:{world.client.uuid}", "name": "Review", **fields}


TIMER = [
    ({"billable": "maybe"}, "Billable must be one of the choices in its list."),
    ({"billable": "x"}, "Billable must be one of the choices in its list."),
    ({"billable": "true"}, "Billable must be one of the choices in its list."),
    ({"tags": "nope"}, "Pick tags from the list: 'nope' is not one of the firm's tags"),
    ({"tags": OTHER}, f"Pick tags from the list: '{OTHER}' is not one of the firm's tags"),
    ({"tags": ["TAG", "nope"]}, "Pick tags from the list: 'nope' is not one"),
]


@pytest.mark.parametrize(("fields", "says"), TIMER, ids=lambda v: str(v)[:30])
def test_timer_form(
    signed_in: Browser, world: FirmWorld, session: Session, fields: dict[str, str], says: str
) -> None:
    signed_in.post("/app/tags", {"name": "Advice"})
    tag = re.search(r'name="tags" value="([^"]+)"', signed_in.get("/app/timer").text)
    assert tag, "the timer page offers the tag"
    sent = {
        key: [tag[1] if part == "TAG" else part for part in value]
        if isinstance(value, list)
        else value
        for key, value in fields.items()
    }
    before = _count(session, TimeEntry)
    message = _alert(signed_in.post("/app/timer/start", _timer(world, **sent)))
    assert message.startswith(f"Error: {says}"), message
    assert not API_WORDS.search(message), message
    assert _count(session, TimeEntry) == before


@pytest.mark.parametrize("billable", ["", "1", "0"])
def test_timer_form_takes_every_offered_choice(
    signed_in: Browser, world: FirmWorld, session: Session, billable: str
) -> None:
    signed_in.post("/app/tags", {"name": "Advice"})
    tag = re.search(r'name="tags" value="([^"]+)"', signed_in.get("/app/timer").text)
    assert tag
    page = signed_in.post("/app/timer/start", _timer(world, billable=billable, tags=tag[1]))
    assert 'role="alert"' not in page.text, _alert(page)
    entry = session.scalars(select(TimeEntry)).one()
    # A client's time is billable by the firm's default.
    assert entry.billable is {"": True, "1": True, "0": False}[billable]


@pytest.mark.parametrize(
    ("params", "says"),
    [
        ({"billable": "maybe"}, "Billable must be one of the choices in its list."),
        ({"billable": "1"}, "Billable must be one of the choices in its list."),
        ({"staff": "someone"}, "Pick a staff member from the list: 'someone' is not one."),
        ({"client": "nope"}, "Pick a client from the list: 'nope' is not one."),
    ],
)
def test_reports_form(signed_in: Browser, params: dict[str, str], says: str) -> None:
    answer = signed_in.get("/app/reports", params={"period": "this_week", **params})
    assert answer.status_code == 422
    message = _alert(answer)
    assert message == f"Error: {says}", message
    assert "Run report" in answer.text


def test_firm_settings_form(signed_in: Browser, world: FirmWorld, session: Session) -> None:
    before = dict(world.firm.billable_default)
    form = {"currency": "GBP", "week_start": "monday", "name": "Renamed", "billable": "maybe"}
    message = _alert(signed_in.post("/app/settings", form))
    assert message.startswith("Error: Billable by default is ticked or not for each kind"), message
    assert "'maybe' is not one of them." in message
    session.refresh(world.firm)
    assert world.firm.billable_default == before
    assert world.firm.name != "Renamed"


def test_cases_form(signed_in: Browser, world: FirmWorld, session: Session) -> None:
    before = _count(session, Case)
    for form, says in (
        ({}, "Tick at least one client: a case is always for one or more clients."),
        ({"clients": "nope"}, "Pick clients from the list: 'nope' is not one."),
        (
            {"clients": str(world.client.uuid), "billing_client": "nope"},
            "Pick the billing client from the list: 'nope' is not one.",
        ),
    ):
        message = _alert(signed_in.post("/app/cases", {"name": "Estate", **form}))
        assert message == f"Error: {says}", message
    assert _count(session, Case) == before


@pytest.mark.parametrize(
    ("form", "says"),
    [
        ({"staff": "nope"}, "Pick a staff member from the list: 'nope' is not one."),
        ({"applies_to": "nope"}, "Pick what the rate applies to from the list: 'nope' is not one."),
        (
            {"applies_to": "client:nope"},
            "Pick what the rate applies to from the list: 'nope' is not one.",
        ),
    ],
)
def test_rates_form(signed_in: Browser, session: Session, form: dict[str, str], says: str) -> None:
    before = _count(session, BillingRate)
    sent = {"hourly_rate": "150", "effective_from": "2025-01-01", **form}
    message = _alert(signed_in.post("/app/rates", sent))
    assert message == f"Error: {says}", message
    assert _count(session, BillingRate) == before
