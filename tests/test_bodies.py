"""Issue 10, class 7: bodies are read one way (JSON in UTF-8), names are not blank, and a
malformed filter value is 422; ``filter[accounts]=*`` lists every account's entries."""

from __future__ import annotations

import json
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from tests.conftest import FROZEN_NOW
from tests.factories import FirmWorld, make_staff
from tests.factories.time_entries import make_entry
from tests.time_entries.conftest import utc
from timeledger.models import AccountRole, TimeEntry

URL = "/api/v1/time-entry"


def _entry_body(world: FirmWorld, **fields: Any) -> dict[str, Any]:
    return {
        "trackable_type": "client",
        "trackable_uuid": str(world.client.uuid),
        "name": "Research",
        "total_time_in_minutes": 30,
        **fields,
    }


def _count(session: Session) -> int:
    return session.scalar(select(func.count()).select_from(TimeEntry)) or 0


class TestEncodings:
    @pytest.mark.parametrize(
        "encoding", ["utf-16", "utf-16-le", "utf-16-be", "utf-32", "utf-32-le"]
    )
    def test_json_in_another_encoding_is_refused_and_nothing_is_stored(
        self, client: TestClient, world: FirmWorld, session: Session, encoding: str
    ) -> None:
        raw = json.dumps(_entry_body(world)).encode(encoding)
        response = client.post(
            URL,
            content=raw,
            headers={**world.owner.headers(), "Content-Type": "application/json"},
        )
        assert response.status_code == 400
        assert response.json() == {
            "message": "The request body must be JSON encoded as UTF-8 (not UTF-16 or UTF-32)."
        }
        assert _count(session) == 0

    def test_bytes_that_are_not_utf_8_are_400(self, client: TestClient, world: FirmWorld) -> None:
        response = client.post(
            URL,
            content=b'{"name": "\xff\xfe"}',
            headers={**world.owner.headers(), "Content-Type": "application/json"},
        )
        assert response.status_code == 400
        assert "UTF-8" in response.json()["message"]

    def test_a_charset_other_than_utf_8_is_415(self, client: TestClient, world: FirmWorld) -> None:
        response = client.post(
            URL,
            content=json.dumps(_entry_body(world)).encode("utf-16"),
            headers={**world.owner.headers(), "Content-Type": "application/json; charset=utf-16"},
        )
        assert response.status_code == 415
        assert "Content-Type: application/json" in response.json()["message"]

    def test_utf_8_with_its_charset_is_read(self, client: TestClient, world: FirmWorld) -> None:
        response = client.post(
            URL,
            content=json.dumps(_entry_body(world, name="Café review")).encode(),
            headers={**world.owner.headers(), "Content-Type": "application/json; charset=UTF-8"},
        )
        assert response.status_code == 200, response.text
        assert response.json()["name"] == "Café review"


class TestContentType:
    def test_curls_default_form_type_is_415_naming_the_header(
        self, client: TestClient, world: FirmWorld, session: Session
    ) -> None:
        response = client.post(
            URL,
            content=json.dumps(_entry_body(world)),
            headers={
                **world.owner.headers(),
                "Content-Type": "application/x-www-form-urlencoded",
            },
        )
        assert response.status_code == 415
        assert response.json() == {
            "message": "Send the request body as JSON with the header "
            "Content-Type: application/json."
        }
        assert _count(session) == 0

    @pytest.mark.parametrize("kind", ["text/plain", "multipart/form-data; boundary=x"])
    def test_other_types_are_415(self, client: TestClient, world: FirmWorld, kind: str) -> None:
        response = client.post(
            URL,
            content=json.dumps(_entry_body(world)),
            headers={**world.owner.headers(), "Content-Type": kind},
        )
        assert response.status_code == 415

    def test_no_content_type_is_read_as_json(self, client: TestClient, world: FirmWorld) -> None:
        request = client.build_request(
            "POST", URL, content=json.dumps(_entry_body(world)), headers=world.owner.headers()
        )
        assert "content-type" not in request.headers
        response = client.send(request)
        assert response.status_code == 200, response.text

    def test_a_json_suffix_type_is_json(self, client: TestClient, world: FirmWorld) -> None:
        response = client.post(
            URL,
            content=json.dumps(_entry_body(world)),
            headers={**world.owner.headers(), "Content-Type": "application/vnd.api+json"},
        )
        assert response.status_code == 200, response.text

    def test_the_same_rule_holds_on_put_and_patch(
        self, client: TestClient, world: FirmWorld, session: Session
    ) -> None:
        entry = make_entry(
            session, account=world.owner.account, on=world.client, start=utc(2025, 8, 7, 8)
        )
        for method in ("PUT", "PATCH"):
            response = client.request(
                method,
                f"{URL}/{entry.uuid}",
                content=json.dumps({"name": "x"}).encode("utf-16"),
                headers={**world.owner.headers(), "Content-Type": "application/json"},
            )
            assert response.status_code == 400, method


BLANK_NAMES = [
    (
        "POST",
        "/api/v1/time-entry",
        "name",
        {"trackable_type": "client", "total_time_in_minutes": 5},
    ),
    ("POST", "/api/v1/personal-access-tokens", "name", {"password": "secret-pass"}),
    ("POST", "/api/v1/cases", "name", {}),
    ("POST", "/api/v1/circles", "name", {}),
    ("POST", "/api/v1/task", "name", {"taskable_type": "client"}),
    ("POST", "/api/v1/account", "first_name", {"type": "client", "role": "individual"}),
]


class TestBlankNames:
    @pytest.mark.parametrize(("method", "url", "field", "extra"), BLANK_NAMES)
    @pytest.mark.parametrize("blank", [" ", "   ", "\t\n"])
    def test_a_name_of_only_spaces_is_422(
        self,
        client: TestClient,
        world: FirmWorld,
        method: str,
        url: str,
        field: str,
        extra: dict[str, Any],
        blank: str,
    ) -> None:
        body = {**extra, field: blank}
        if "trackable_type" in body:
            body["trackable_uuid"] = str(world.client.uuid)
        if "taskable_type" in body:
            body["taskable_uuid"] = str(world.client.uuid)
        response = client.request(method, url, json=body, headers=world.owner.headers())
        assert response.status_code == 422, response.text
        label = field.replace("_", " ")
        assert response.json()["errors"][field] == [f"The {label} field is required."]

    def test_a_change_to_a_blank_name_is_422(
        self, client: TestClient, world: FirmWorld, session: Session
    ) -> None:
        entry = make_entry(
            session, account=world.owner.account, on=world.client, start=utc(2025, 8, 7, 8)
        )
        for url in (f"{URL}/{entry.uuid}", f"/api/v1/firm/{world.firm.uuid}"):
            response = client.patch(url, json={"name": "  "}, headers=world.owner.headers())
            if response.status_code == 405:
                response = client.put(url, json={"name": "  "}, headers=world.owner.headers())
            assert response.status_code == 422, (url, response.text)


class TestAccountsFilter:
    @pytest.mark.parametrize("value", ["all", "everyone", "me", "not-a-uuid"])
    def test_a_malformed_value_is_422_not_an_empty_list(
        self, client: TestClient, world: FirmWorld, value: str
    ) -> None:
        response = client.get(
            URL, params={"filter[accounts]": value}, headers=world.owner.headers()
        )
        assert response.status_code == 422
        assert list(response.json()["errors"]) == ["filter[accounts]"]

    def test_star_lists_every_accounts_entries_for_an_owner(
        self, client: TestClient, world: FirmWorld, other_world: FirmWorld, session: Session
    ) -> None:
        colleague = make_staff(session, world.firm, now=FROZEN_NOW, role=AccountRole.MEMBER)
        make_entry(
            session,
            account=world.owner.account,
            on=world.client,
            start=utc(2025, 8, 7, 8),
            name="mine",
        )
        make_entry(
            session,
            account=colleague.account,
            on=world.client,
            start=utc(2025, 8, 7, 9),
            name="theirs",
        )
        make_entry(
            session,
            account=other_world.owner.account,
            on=other_world.client,
            start=utc(2025, 8, 7, 9),
            name="rival",
        )
        for url, name in (
            (URL, "accounts"),
            (f"/api/v1/client/{world.client.uuid}/all-time-entries", "account_uuids"),
        ):
            response = client.get(
                url, params={f"filter[{name}]": "*"}, headers=world.owner.headers()
            )
            assert response.status_code == 200, response.text
            assert sorted(item["name"] for item in response.json()["data"]) == ["mine", "theirs"]

    def test_star_is_for_owners_and_admins_only(
        self, client: TestClient, world: FirmWorld, session: Session
    ) -> None:
        member = make_staff(session, world.firm, now=FROZEN_NOW, role=AccountRole.MEMBER)
        response = client.get(URL, params={"filter[accounts]": "*"}, headers=member.headers())
        assert response.status_code == 403
        admin = make_staff(session, world.firm, now=FROZEN_NOW, role=AccountRole.ADMIN)
        assert (
            client.get(URL, params={"filter[accounts]": "*"}, headers=admin.headers()).status_code
            == 200
        )

    def test_star_does_not_mix_with_uuids(self, client: TestClient, world: FirmWorld) -> None:
        value = f"*,{world.owner.account.uuid}"
        response = client.get(
            URL, params={"filter[accounts]": value}, headers=world.owner.headers()
        )
        assert response.status_code == 422


# Every filter that takes UUIDs reads them with the one parser (kit.listing.uuids_of_filter):
# a malformed value is 422 on the filter, never an empty answer or a database error.
UUID_FILTERS = [
    (URL, "tags"),
    (f"{URL}/client", "tags"),
    ("/api/v1/billing-rates", "staff_uuid"),
    ("/api/v1/billing-rates", "client_uuid"),
    ("/api/v1/billing-rates", "case_uuid"),
    ("/api/v1/audit-events", "subject_uuid"),
]


@pytest.mark.parametrize(("url", "name"), UUID_FILTERS)
@pytest.mark.parametrize("value", ["0.1.0", "not-a-uuid"])
def test_a_malformed_uuid_in_any_filter_is_422(
    client: TestClient, world: FirmWorld, url: str, name: str, value: str
) -> None:
    response = client.get(url, params={f"filter[{name}]": value}, headers=world.owner.headers())
    assert response.status_code == 422, response.text
    assert list(response.json()["errors"]) == [f"filter[{name}]"]
