"""No row of an admin list is out of reach: past 100 rows a list page says how many there
are and links to the next page, which shows the rest."""

from __future__ import annotations

import re
from collections.abc import Callable

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from tests.conftest import FROZEN_NOW
from tests.factories import FirmWorld
from tests.web.conftest import Browser
from timeledger.accounts import service as accounts
from timeledger.cases.service import create_case
from timeledger.models import AccountRole, AccountType

EXTRA = 105  # more than one page of 100, whatever the world holds already
Maker = Callable[[Session, FirmWorld, TestClient, int], None]


def _account(account_type: AccountType, role: AccountRole) -> Maker:
    def make(session: Session, world: FirmWorld, _client: TestClient, n: int) -> None:
        accounts.create_account(
            session,
            firm=world.firm,
            account_type=account_type,
            role=role,
            first_name="Zed",
            last_name=f"Pagetest{n:03}",
            now=FROZEN_NOW,
        )

    return make


def _cases(session: Session, world: FirmWorld, _client: TestClient, n: int) -> None:
    create_case(
        session, firm=world.firm, name=f"Zed Pagetest{n:03}", participants=[], now=FROZEN_NOW
    )


def _tags(_session: Session, world: FirmWorld, client: TestClient, n: int) -> None:
    made = client.post(
        "/api/v1/tags", json={"name": f"Zed Pagetest{n:03}"}, headers=world.owner.headers()
    )
    assert made.status_code in (200, 201), made.text


MAKERS: dict[str, Maker] = {
    "/app/staff": _account(AccountType.EMPLOYEE, AccountRole.MEMBER),
    "/app/clients": _account(AccountType.CLIENT, AccountRole.INDIVIDUAL),
    "/app/cases": _cases,
    "/app/tags": _tags,
}


def _shown(page: str) -> set[str]:
    return set(re.findall(r"Pagetest\d{3}", page))


@pytest.mark.parametrize("path", sorted(MAKERS))
def test_every_row_is_on_some_page(
    signed_in: Browser, session: Session, world: FirmWorld, client: TestClient, path: str
):
    for n in range(EXTRA):
        MAKERS[path](session, world, client, n)
    session.flush()
    first = signed_in.get(path)
    assert first.status_code == 200
    assert re.search(r"Showing 1\u2013100 of \d+\.", first.text), first.text
    following = re.search(r'<a href="([^"]+)" rel="next">Next page</a>', first.text)
    assert following, "no link to the next page"
    second = signed_in.get(following[1].replace("&amp;", "&"))
    assert second.status_code == 200
    assert 'rel="prev">Previous page</a>' in second.text
    assert _shown(first.text).isdisjoint(_shown(second.text))
    assert len(_shown(first.text) | _shown(second.text)) == EXTRA


def test_a_page_number_that_is_not_one_is_a_400_page(signed_in: Browser):
    answer = signed_in.get("/app/staff", params={"page": "0"})
    assert answer.status_code == 400
    assert answer.headers["content-type"].startswith("text/html")
