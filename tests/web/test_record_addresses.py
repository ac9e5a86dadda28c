"""Every page whose address names a record (``/app/<thing>/<uuid>``) answers the same
way (issue 13, a newcomer's try-out: ``/app/webhooks/garbage`` said "Not Found." while
``/app/staff/garbage`` said what was wrong): a value that is not a UUID is a 400 page
naming it and the kind of record; a UUID of no such record is a 404 page naming both.
The routes are read from the app, so a new record page is covered as soon as it exists."""

from __future__ import annotations

import html
import re
import uuid

import httpx
import pytest
from fastapi.routing import APIRoute
from sqlalchemy.orm import Session

from tests.conftest import FROZEN_NOW
from tests.factories import FirmWorld
from tests.web.conftest import Browser
from timeledger.models import WebhookSubscription
from timeledger.web.install import PAGES
from timeledger.web.records import RECORDS

UNKNOWN = str(uuid.UUID(int=7))


def _record_routes() -> list[tuple[str, str, str]]:
    """(method, path template, path parameter) of every page naming a record."""
    found = []
    for route in (route for pages in PAGES for route in pages.routes):
        if not isinstance(route, APIRoute) or not route.path.startswith("/app/"):
            continue
        if route.path.startswith("/app/reports/export/"):
            continue  # /app/reports/export/{report}.{file_format}: names no record
        for name in route.param_convertors:
            for method in sorted(route.methods or ()):
                found.append((method, route.path, name))
    return found


ROUTES = _record_routes()


def test_every_record_address_is_known() -> None:
    assert len(ROUTES) >= 18
    assert {name for _method, _path, name in ROUTES} <= set(RECORDS)


@pytest.fixture
def others(session: Session, world: FirmWorld) -> dict[str, str]:
    """Values for a route's other parameters (a real subscription for its deliveries)."""
    subscription = WebhookSubscription(
        firm_id=world.firm.id,
        url="https://hooks.example.com/timeledger",
        events=["*"],
        secret="x" * 60,
        enabled=True,
        created_by_account_id=world.owner.account.id,
        created_at=FROZEN_NOW,
        updated_at=FROZEN_NOW,
    )
    session.add(subscription)
    session.flush()
    # A delivery's subscription is checked first: the delivery may be any UUID then.
    return {"subscription_uuid": str(subscription.uuid), "delivery_uuid": UNKNOWN}


def _address(path: str, name: str, value: str, others: dict[str, str]) -> str:
    for param in re.findall(r"{(\w+)}", path):
        path = path.replace("{" + param + "}", value if param == name else others[param])
    return path


def _send(browser: Browser, method: str, path: str) -> httpx.Response:
    # Without HX-Request: the status a plain browser or a program sees.
    if method == "GET":
        return browser.get(path)
    return browser.post(path, headers={"HX-Request": ""})


def _alert(answer: httpx.Response) -> str:
    found = re.search(r'role="alert"[^>]*>(.*?)</p>', answer.text, re.S)
    assert found, answer.text
    return html.unescape(re.sub(r"<[^>]+>", "", found[1])).strip()


@pytest.mark.parametrize(("method", "path", "name"), ROUTES, ids=lambda v: str(v))
def test_a_value_that_is_not_a_uuid_is_a_400_page_naming_it(
    signed_in: Browser, others: dict[str, str], method: str, path: str, name: str
) -> None:
    answer = _send(signed_in, method, _address(path, name, "garbage", others))
    assert answer.status_code == 400, answer.text
    assert answer.headers["content-type"].startswith("text/html")
    message = _alert(answer)
    assert f"“garbage” in this address is not a {RECORDS[name]}'s UUID" in message, message


@pytest.mark.parametrize(("method", "path", "name"), ROUTES, ids=lambda v: str(v))
def test_an_unknown_uuid_is_a_404_page_naming_the_record(
    signed_in: Browser, others: dict[str, str], method: str, path: str, name: str
) -> None:
    answer = _send(signed_in, method, _address(path, name, UNKNOWN, others))
    assert answer.status_code == 404, answer.text
    assert answer.headers["content-type"].startswith("text/html")
    message = _alert(answer)
    assert f"There is no {RECORDS[name]} with UUID {UNKNOWN}" in message, message


def test_a_signed_out_browser_is_sent_to_sign_in_first(web: Browser) -> None:
    answer = web.get("/app/webhooks/garbage")
    assert answer.status_code in (302, 303), answer.text
    assert answer.headers["location"].startswith("/app/sign-in")


def test_a_record_that_exists_still_opens(signed_in: Browser, world: FirmWorld) -> None:
    page = signed_in.get(f"/app/staff/{world.owner.account.uuid}")
    assert page.status_code == 200
    assert world.owner.account.name in page.text
