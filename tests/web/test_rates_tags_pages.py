"""Rates and tags pages (issue 13), checked against the API's answers, refusals and CSRF."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from tests.conftest import FROZEN_NOW
from tests.factories import FirmWorld, make_staff
from tests.web.conftest import Browser
from timeledger.errors import ValidationFailed
from timeledger.models import AccountRole, AccountType
from timeledger.web.amounts import format_minor, parse_major


def _api(client: TestClient, world: FirmWorld, path: str, **params: str) -> list[dict[str, Any]]:
    answer = client.get(path, params=params, headers=world.owner.headers())
    assert answer.status_code == 200
    return list(answer.json()["data"])


@pytest.fixture
def member(web: Browser, world: FirmWorld, session: Session) -> Browser:
    staff = make_staff(session, world.firm, now=FROZEN_NOW, role=AccountRole.MEMBER)
    session.flush()
    web.sign_in(staff)
    return web


class TestAmounts:
    @pytest.mark.parametrize(
        ("text", "currency", "minor"),
        [("150", "GBP", 15000), ("150.5", "GBP", 15050), ("150,55", "GBP", 15055),
         (" 0.01 ", "GBP", 1), ("1500", "JPY", 1500), ("1.234", "KWD", 1234)],
    )  # fmt: skip
    def test_major_units_to_minor(self, text: str, currency: str, minor: int):
        assert parse_major(text, currency) == minor

    # Arabic-Indic, Devanagari and full-width digits read as numbers by int(): refused.
    @pytest.mark.parametrize(
        "text",
        [
            "",
            "-5",
            "1.234",
            "1e3",
            "1,000.00",
            "abc",
            "1.5.0",
            "\u0661\u0665\u0660",
            "\u0967\u096b\u0966",
            "\uff11\uff15\uff10",
            "150.\u0665",
        ],
    )
    def test_anything_else_is_refused(self, text: str):
        with pytest.raises(ValidationFailed, match=r"must be an amount in GBP like 150\.50"):
            parse_major(text, "GBP")

    def test_a_currency_without_minor_units(self):
        with pytest.raises(ValidationFailed, match="like 150, with no decimal places"):
            parse_major("1.5", "JPY")
        assert format_minor(1500, "JPY") == "1500 JPY"
        assert format_minor(15050, "GBP") == "150.50 GBP"


class TestRates:
    def test_firm_default_rate_in_major_units(self, signed_in: Browser, world, client):
        page = signed_in.post(
            "/app/rates", {"hourly_rate": "150.50", "effective_from": "2025-01-01"}
        ).text
        assert "Rate added." in page
        assert "<td>Firm default</td>" in page
        assert '<td class="total">150.50 GBP</td>' in page
        [rate] = _api(client, world, "/api/v1/billing-rates")
        assert (rate["level"], rate["hourly_rate"], rate["currency"]) == ("firm", 15050, "GBP")
        assert rate["effective_to"] is None

    def test_client_rate_for_one_staff_member(self, signed_in: Browser, world, client):
        page = signed_in.post(
            "/app/rates",
            {
                "hourly_rate": "95",
                "effective_from": "2025-04-06",
                "effective_to": "2026-04-05",
                "staff": str(world.owner.account.uuid),
                "applies_to": f"client:{world.client.uuid}",
            },
        ).text
        assert "<td>Client, one staff member</td>" in page
        assert f"<td>{world.client.name}</td>" in page
        [rate] = _api(client, world, "/api/v1/billing-rates")
        assert rate["level"] == "client_staff"
        assert rate["client_uuid"] == str(world.client.uuid)
        assert (rate["hourly_rate"], rate["effective_to"]) == (9500, "2026-04-05")

    def test_overlap_shows_the_api_message(self, signed_in: Browser, world, client):
        case = {"applies_to": f"case:{world.case.uuid}", "hourly_rate": "120"}
        signed_in.post("/app/rates", {**case, "effective_from": "2025-01-01"})
        page = signed_in.post("/app/rates", {**case, "effective_from": "2025-06-01"}).text
        assert 'role="alert"' in page
        assert "The dates overlap another rate at the same level" in page
        assert len(_api(client, world, "/api/v1/billing-rates")) == 1

    def test_bad_amount_is_refused(self, signed_in: Browser, world, client):
        page = signed_in.post(
            "/app/rates", {"hourly_rate": "12.345", "effective_from": "2025-01-01"}
        ).text
        assert "The hourly rate must be an amount in GBP like 150.50" in page
        assert _api(client, world, "/api/v1/billing-rates") == []

    @pytest.mark.parametrize("currency", ["XXX", "XTS", "XAU", "ABC", "£"])
    def test_a_code_that_is_not_money_is_refused_as_by_the_api(
        self, signed_in: Browser, world, client, currency: str
    ):
        form = {"hourly_rate": "100", "currency": currency, "effective_from": "2025-01-01"}
        page = signed_in.post("/app/rates", form).text
        assert 'role="alert"' in page
        assert _api(client, world, "/api/v1/billing-rates") == []
        body = {"hourly_rate": 10000, "currency": currency, "effective_from": "2025-01-01"}
        api = client.post("/api/v1/billing-rates", json=body, headers=world.owner.headers())
        assert api.status_code == 422, api.text

    def test_a_lower_case_code_is_read_as_typed_in_capitals(
        self, signed_in: Browser, world, client
    ):
        form = {"hourly_rate": "100", "currency": "eur", "effective_from": "2025-01-01"}
        assert "Rate added." in signed_in.post("/app/rates", form).text
        (rate,) = _api(client, world, "/api/v1/billing-rates")
        assert rate["currency"] == "EUR"

    def test_end_then_archive(self, signed_in: Browser, world, client):
        signed_in.post("/app/rates", {"hourly_rate": "100", "effective_from": "2025-01-01"})
        [rate] = _api(client, world, "/api/v1/billing-rates")
        ended = signed_in.post(
            f"/app/rates/{rate['uuid']}/end", {"effective_to": "2025-12-31"}
        ).text
        assert "The rate now ends on 2025-12-31." in ended
        assert _api(client, world, "/api/v1/billing-rates")[0]["effective_to"] == "2025-12-31"
        before_start = signed_in.post(
            f"/app/rates/{rate['uuid']}/end", {"effective_to": "2024-12-31"}
        ).text
        assert 'role="alert"' in before_start
        archived = signed_in.post(f"/app/rates/{rate['uuid']}/archive").text
        assert "Rate archived." in archived
        assert "No rates yet" in archived
        assert _api(client, world, "/api/v1/billing-rates") == []
        listed = signed_in.get("/app/rates", params={"archived": "1"}).text
        assert '<span class="badge">archived</span>' in listed

    def test_member_is_refused(self, member: Browser, world, client):
        page = member.get("/app/rates")
        assert page.status_code == 403
        assert "Only owners and admins may manage billing." in page.text
        refused = member.post("/app/rates", {"hourly_rate": "1", "effective_from": "2025-01-01"})
        assert refused.status_code == 403
        assert _api(client, world, "/api/v1/billing-rates") == []

    def test_post_without_csrf_token_is_refused(self, signed_in: Browser, world, client):
        answer = signed_in.client.post(
            "/app/rates", data={"hourly_rate": "1", "effective_from": "2025-01-01"}
        )
        assert answer.status_code == 403
        assert _api(client, world, "/api/v1/billing-rates") == []


class TestTags:
    def test_create_rename_archive(self, signed_in: Browser, world, client):
        page = signed_in.post("/app/tags", {"name": "  advice  "}).text
        assert "Tag “advice” added." in page
        [tag] = _api(client, world, "/api/v1/tags")
        assert tag["name"] == "advice"
        renamed = signed_in.post(f"/app/tags/{tag['uuid']}/rename", {"name": "Advice work"}).text
        assert "Tag renamed to “Advice work”." in renamed
        assert _api(client, world, "/api/v1/tags")[0]["name"] == "Advice work"
        archived = signed_in.post(f"/app/tags/{tag['uuid']}/archive").text
        assert "Tag archived." in archived
        assert _api(client, world, "/api/v1/tags") == []
        assert "#Advice work" in signed_in.get("/app/tags", params={"archived": "1"}).text

    def test_duplicate_name_is_the_api_message(self, signed_in: Browser, world, client):
        signed_in.post("/app/tags", {"name": "Advice"})
        page = signed_in.post("/app/tags", {"name": "ADVICE"}).text
        assert "The name has already been taken." in page
        assert len(_api(client, world, "/api/v1/tags")) == 1

    def test_member_lists_and_creates_but_may_not_rename(self, member: Browser, world, client):
        page = member.get("/app/tags")
        assert page.status_code == 200
        assert 'href="/app/tags"' not in page.text  # no admin link in the nav
        created = member.post("/app/tags", {"name": "admin"}).text
        assert "Tag “admin” added." in created
        assert "Rename" not in created
        [tag] = _api(client, world, "/api/v1/tags")
        refused = member.post(f"/app/tags/{tag['uuid']}/rename", {"name": "x"}).text
        assert "Only owners and admins may rename or archive tags." in refused
        assert _api(client, world, "/api/v1/tags")[0]["name"] == "admin"

    def test_a_client_login_is_refused(self, web: Browser, world, client, session: Session):
        outsider = make_staff(
            session,
            world.firm,
            now=FROZEN_NOW,
            role=AccountRole.INDIVIDUAL,
            account_type=AccountType.CLIENT,
        )
        session.flush()
        web.sign_in(outsider)
        page = web.get("/app/tags")
        assert page.status_code == 403
        assert "Only the firm&#39;s employees may use time entries." in page.text
        assert web.post("/app/tags", {"name": "x"}).status_code == 403
        assert _api(client, world, "/api/v1/tags") == []

    def test_post_without_csrf_token_is_refused(self, signed_in: Browser, world, client):
        answer = signed_in.client.post("/app/tags", data={"name": "sneaky"})
        assert answer.status_code == 403
        assert _api(client, world, "/api/v1/tags") == []
