"""Tags: the firm's list, on entries by UUID, and the tag filters of every entry list."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import httpx
import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from tests.billing.conftest import ENTRIES
from tests.factories import FirmWorld, Staff
from timeledger.models import AuditEvent

TAGS = "/api/v1/tags"
Log = Callable[..., httpx.Response]


@pytest.fixture
def tag(client: TestClient, world: FirmWorld) -> Callable[[str], str]:
    def make(name: str) -> str:
        response = client.post(TAGS, json={"name": name}, headers=world.owner.headers())
        assert response.status_code == 200, response.text
        return str(response.json()["uuid"])

    return make


class TestTags:
    def test_names_are_unique_per_firm_ignoring_case(
        self, client: TestClient, world: FirmWorld, tag: Callable[[str], str]
    ) -> None:
        tag("Suitability report")
        again = client.post(
            TAGS, json={"name": "suitability  REPORT"}, headers=world.owner.headers()
        )
        assert again.status_code == 422
        assert again.json()["errors"] == {"name": ["The name has already been taken."]}

    @pytest.mark.parametrize("name", ["", "   ", "x" * 65, None, 5])
    def test_bad_names_are_422(self, client: TestClient, world: FirmWorld, name: Any) -> None:
        response = client.post(TAGS, json={"name": name}, headers=world.owner.headers())
        assert response.status_code == 422
        assert "name" in response.json()["errors"]

    def test_list_rename_archive_and_audit(
        self,
        client: TestClient,
        session: Session,
        world: FirmWorld,
        tag: Callable[[str], str],
    ) -> None:
        headers = world.owner.headers()
        research = tag("Research")
        meeting = tag("meeting")
        listed = client.get(TAGS, headers=headers).json()["data"]
        assert [row["name"] for row in listed] == ["meeting", "Research"]
        renamed = client.put(f"{TAGS}/{meeting}", json={"name": "Meeting"}, headers=headers)
        assert renamed.json()["name"] == "Meeting"
        taken = client.put(f"{TAGS}/{meeting}", json={"name": "RESEARCH"}, headers=headers)
        assert taken.status_code == 422
        archived = client.delete(f"{TAGS}/{research}", headers=headers)
        assert archived.json()["archived_at"] is not None
        assert [r["name"] for r in client.get(TAGS, headers=headers).json()["data"]] == ["Meeting"]
        everything = client.get(TAGS, params={"filter[archived]": "1"}, headers=headers).json()
        assert len(everything["data"]) == 2
        found = client.get(TAGS, params={"filter[search]": "EET"}, headers=headers).json()
        assert [r["uuid"] for r in found["data"]] == [meeting]
        assert client.get(f"{TAGS}/{research}", headers=headers).json()["name"] == "Research"
        actions = session.scalars(
            select(AuditEvent.action)
            .where(AuditEvent.subject_type == "tag")
            .order_by(AuditEvent.id)
        ).all()
        assert actions == ["created", "created", "updated", "archived"]

    def test_search_reads_the_whole_text_and_refuses_nul(
        self, client: TestClient, world: FirmWorld, tag: Callable[[str], str]
    ) -> None:
        headers = world.owner.headers()
        comma = tag("Fees,annual")
        tag("Fees")
        found = client.get(TAGS, params={"filter[search]": "FEES,A"}, headers=headers).json()
        assert [r["uuid"] for r in found["data"]] == [comma]
        nul = client.get(TAGS, params={"filter[search]": "a\x00b"}, headers=headers)
        assert nul.status_code == 422
        assert nul.json()["errors"] == {
            "filter[search]": ["The filter[search] must not contain the NUL character."]
        }

    def test_members_create_tags_but_only_managers_rename_or_archive(
        self, client: TestClient, member: Staff, tag: Callable[[str], str]
    ) -> None:
        made = client.post(TAGS, json={"name": "Admin"}, headers=member.headers())
        assert made.status_code == 200
        theirs = made.json()["uuid"]
        assert (
            client.put(f"{TAGS}/{theirs}", json={"name": "x"}, headers=member.headers()).status_code
            == 403
        )
        assert client.delete(f"{TAGS}/{theirs}", headers=member.headers()).status_code == 403
        assert client.get(TAGS, headers=member.headers()).status_code == 200


class TestOnEntries:
    def test_set_replaced_and_cleared(
        self, client: TestClient, world: FirmWorld, log: Log, tag: Callable[[str], str]
    ) -> None:
        research, meeting = tag("Research"), tag("Meeting")
        entry = log(tags=[research, meeting]).json()
        assert [t["name"] for t in entry["tags"]] == ["Meeting", "Research"]
        url = f"{ENTRIES}/{entry['uuid']}"
        headers = world.owner.headers()
        replaced = client.patch(url, json={"tags": [research]}, headers=headers).json()
        assert replaced["tags"] == [{"uuid": research, "name": "Research"}]
        kept = client.put(
            url,
            json={"trackable_type": "client", "trackable_uuid": str(world.client.uuid)},
            headers=headers,
        ).json()
        assert kept["tags"] == [{"uuid": research, "name": "Research"}]
        cleared = client.patch(url, json={"tags": []}, headers=headers).json()
        assert cleared["tags"] == []

    def test_unknown_or_archived_tags_are_422_and_nothing_is_written(
        self,
        client: TestClient,
        world: FirmWorld,
        log: Log,
        tag: Callable[[str], str],
    ) -> None:
        research, old = tag("Research"), tag("Old")
        client.delete(f"{TAGS}/{old}", headers=world.owner.headers())
        for tags in ([research, old], [research, "3f9c5a1e-0000-4000-8000-000000000000"]):
            response = log(tags=tags)
            assert response.status_code == 422
            assert response.json()["errors"] == {"tags": ["The selected tags.1 is invalid."]}
        listed = client.get(ENTRIES, headers=world.owner.headers()).json()
        assert listed["data"] == []

    def test_an_archived_tag_stays_on_its_entries(
        self, client: TestClient, world: FirmWorld, log: Log, tag: Callable[[str], str]
    ) -> None:
        old = tag("Old")
        entry = log(tags=[old]).json()
        client.delete(f"{TAGS}/{old}", headers=world.owner.headers())
        shown = client.get(f"{ENTRIES}/{entry['uuid']}", headers=world.owner.headers()).json()
        assert [t["uuid"] for t in shown["tags"]] == [old]


class TestFilters:
    @pytest.fixture
    def tagged(self, log: Log, tag: Callable[[str], str]) -> dict[str, Any]:
        research, meeting = tag("Research"), tag("Meeting")
        return {
            "research": research,
            "meeting": meeting,
            "both": log(tags=[research, meeting]).json()["uuid"],
            "only_research": log(tags=[research]).json()["uuid"],
            "only_meeting": log(tags=[meeting]).json()["uuid"],
            "none": log().json()["uuid"],
        }

    def uuids(
        self, client: TestClient, world: FirmWorld, url: str = ENTRIES, **params: str
    ) -> set[str]:
        response = client.get(url, params=params, headers=world.owner.headers())
        assert response.status_code == 200, response.text
        return {row["uuid"] for row in response.json()["data"]}

    def test_any_and_all(
        self, client: TestClient, world: FirmWorld, tagged: dict[str, Any]
    ) -> None:
        both = f"{tagged['research']},{tagged['meeting']}"
        assert self.uuids(client, world, **{"filter[tags]": tagged["research"]}) == {
            tagged["both"],
            tagged["only_research"],
        }
        assert self.uuids(client, world, **{"filter[tags]": both}) == {
            tagged["both"],
            tagged["only_research"],
            tagged["only_meeting"],
        }
        assert self.uuids(client, world, **{"filter[tags]": both, "filter[tag_match]": "all"}) == {
            tagged["both"]
        }

    def test_on_every_entry_list(
        self, client: TestClient, world: FirmWorld, tagged: dict[str, Any]
    ) -> None:
        expected = {tagged["both"], tagged["only_meeting"]}
        query = {"filter[tags]": tagged["meeting"]}
        client_uuid = world.client.uuid
        for url in (
            f"{ENTRIES}/client",
            f"{ENTRIES}/client/{client_uuid}",
            f"/api/v1/client/{client_uuid}/all-time-entries",
        ):
            assert self.uuids(client, world, url, **query) == expected, url

    def test_a_bad_match_is_422_and_unknown_tags_match_nothing(
        self, client: TestClient, world: FirmWorld, tagged: dict[str, Any]
    ) -> None:
        response = client.get(
            ENTRIES,
            params={"filter[tags]": tagged["research"], "filter[tag_match]": "some"},
            headers=world.owner.headers(),
        )
        assert response.status_code == 422
        # Issue 10, class 7: a malformed value is 422; a well-formed unknown one matches nothing.
        malformed = client.get(
            ENTRIES, params={"filter[tags]": "nonsense"}, headers=world.owner.headers()
        )
        assert malformed.status_code == 422
        unknown = "00000000-0000-4000-8000-000000000000"
        assert self.uuids(client, world, **{"filter[tags]": unknown}) == set()
        empty = {"filter[tags]": tagged["research"], "filter[tag_match]": ""}
        assert self.uuids(client, world, **empty) == {tagged["both"], tagged["only_research"]}
        listed = client.get(TAGS, params={"filter[archived]": ""}, headers=world.owner.headers())
        assert len(listed.json()["data"]) == 2
