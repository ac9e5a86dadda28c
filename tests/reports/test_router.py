from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from tests.conftest import FROZEN_NOW
from tests.factories import FirmWorld, make_client, make_staff
from tests.factories.time_entries import make_entry
from timeledger.cases.service import create_case
from timeledger.models import (
    Account,
    AccountRole,
    AccountType,
    BoardTask,
    Case,
    Circle,
    Firm,
    Task,
)

LONDON = ZoneInfo("Europe/London")


def local(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=LONDON).astimezone(UTC)


def get(client: TestClient, world: FirmWorld, path: str, **params: str) -> Any:
    response = client.get(f"/api/v1/reports/{path}", params=params, headers=world.owner.headers())
    assert response.status_code == 200, response.text
    return response.json()


def leaves(groups: list[dict[str, Any]] | None) -> int:
    return sum(group["seconds"] for group in groups or [])


class TestSummary:
    def test_totals_only_without_groups(
        self, client: TestClient, world: FirmWorld, session: Session
    ) -> None:
        make_entry(
            session, account=world.owner.account, on=world.client, start=local(2026, 3, 2, 9)
        )
        body = get(client, world, "summary", **{"from": "2026-03-01", "to": "2026-03-31"})
        assert body["totals"] == {
            "entries": 1,
            "seconds": 1800,
            "billable_seconds": 1800,
            "rounded_seconds": 1800,
            "amounts": [],
        }
        assert body["groups"] == []
        assert body["meta"]["time_zone"] == "Europe/London"
        assert body["meta"]["from"] == "2026-03-01"
        assert body["meta"]["week_start"] == "monday"

    def test_every_trackable_lands_in_one_client_bucket_and_groups_add_up(
        self, client: TestClient, world: FirmWorld, session: Session
    ) -> None:
        joint = create_case(
            session,
            firm=world.firm,
            name="Joint mortgage",
            participants=[world.client, world.other_client],
            now=FROZEN_NOW,
        )
        start = local(2026, 3, 2, 9)
        owner = world.owner.account
        on_each: list[Account | Case | Circle | Task | BoardTask | Firm] = [
            world.client,
            world.case,
            world.task,
            world.case_task,
            world.board_task,
            world.circle,
            world.firm,
            joint,
        ]
        for offset, record in enumerate(on_each):
            make_entry(session, account=owner, on=record, start=start + timedelta(hours=offset))
        body = get(
            client,
            world,
            "summary",
            **{"from": "2026-03-01", "to": "2026-03-31", "group_by": "client,staff"},
        )
        keys = {
            (g["key"]["name"], g["key"].get("without")): (g["entries"], g["seconds"])
            for g in body["groups"]
        }
        assert keys == {
            ("Gareth Thompson", None): (5, 5 * 1800),
            (None, "circle"): (1, 1800),
            (None, "firm"): (1, 1800),
            # The joint case counts once, in its own bucket: never once per client.
            (None, "several_clients"): (1, 1800),
        }
        assert body["totals"]["entries"] == 8
        assert leaves(body["groups"]) == body["totals"]["seconds"] == 8 * 1800
        for group in body["groups"]:
            assert leaves(group["groups"]) == group["seconds"]
            assert group["groups"][0]["key"]["type"] == "staff"
            assert group["groups"][0]["groups"] is None

    def test_filter_clients_rolls_up_cases_and_tasks(
        self, client: TestClient, world: FirmWorld, session: Session
    ) -> None:
        owner = world.owner.account
        start = local(2026, 3, 2, 9)
        records: list[Account | Task | BoardTask | Circle] = [
            world.client,
            world.case_task,
            world.board_task,
            world.circle,
        ]
        for record in records:
            make_entry(session, account=owner, on=record, start=start)
        body = get(
            client,
            world,
            "summary",
            **{"from": "2026-03-02", "to": "2026-03-02", "filter[clients]": str(world.client.uuid)},
        )
        assert body["totals"]["entries"] == 3

    def test_spring_change_week(
        self, client: TestClient, world: FirmWorld, session: Session
    ) -> None:
        # 00:30 to 03:30 local on the day clocks go forward: two real hours.
        make_entry(
            session,
            account=world.owner.account,
            on=world.client,
            start=local(2026, 3, 29, 0, 30),
            minutes=120,
        )
        body = get(
            client,
            world,
            "summary",
            **{"from": "2026-03-23", "to": "2026-03-29", "group_by": "week,day"},
        )
        week = body["groups"][0]
        assert week["key"] == {"type": "week", "start": "2026-03-23", "end": "2026-03-29"}
        assert week["seconds"] == 7200
        assert week["groups"][0]["key"] == {"type": "day", "date": "2026-03-29"}

    def test_across_midnight_under_both_attributions(
        self, client: TestClient, world: FirmWorld, session: Session
    ) -> None:
        make_entry(
            session,
            account=world.owner.account,
            on=world.client,
            start=local(2026, 3, 31, 22),
            minutes=240,
        )
        query = {"from": "2026-03-01", "to": "2026-04-30", "group_by": "month"}
        start = get(client, world, "summary", **query)
        assert [(g["key"]["month"], g["seconds"]) for g in start["groups"]] == [("2026-03", 14400)]
        split = get(client, world, "summary", **query, attribution="split")
        assert [(g["key"]["month"], g["seconds"]) for g in split["groups"]] == [
            ("2026-03", 7200),
            ("2026-04", 7200),
        ]
        assert split["totals"]["entries"] == 1
        april = get(
            client,
            world,
            "summary",
            **{"from": "2026-04-01", "to": "2026-04-30"},
            attribution="split",
        )
        assert april["totals"]["seconds"] == 7200
        april_start = get(client, world, "summary", **{"from": "2026-04-01", "to": "2026-04-30"})
        assert april_start["totals"]["entries"] == 0

    def test_rounding_per_entry_leaves_aligned_entries(
        self, client: TestClient, world: FirmWorld, session: Session
    ) -> None:
        owner = world.owner.account
        make_entry(session, account=owner, on=world.client, start=local(2026, 3, 2, 13), minutes=90)
        make_entry(session, account=owner, on=world.client, start=local(2026, 3, 3, 9), minutes=7)
        body = get(
            client,
            world,
            "summary",
            **{"from": "2026-03-01", "to": "2026-03-31"},
            rounding="up",
            rounding_minutes="15",
        )
        assert body["totals"]["seconds"] == 97 * 60
        assert body["totals"]["rounded_seconds"] == (90 + 15) * 60
        assert body["meta"]["rounding"] == {"mode": "up", "minutes": 15}

    def test_deleted_never_count_archived_always_do(
        self, client: TestClient, world: FirmWorld, session: Session
    ) -> None:
        owner = world.owner.account
        start = local(2026, 3, 2, 9)
        make_entry(session, account=owner, on=world.client, start=start, deleted_at=start)
        make_entry(session, account=owner, on=world.other_client, start=start)
        world.other_client.archived_at = start
        session.flush()
        body = get(client, world, "summary", **{"from": "2026-03-02", "to": "2026-03-02"})
        assert body["totals"]["entries"] == 1

    def test_running_entries_count_up_to_as_of(
        self, client: TestClient, world: FirmWorld, session: Session
    ) -> None:
        make_entry(
            session,
            account=world.owner.account,
            on=world.client,
            start=FROZEN_NOW - timedelta(hours=1),
            minutes=None,
        )
        day = FROZEN_NOW.astimezone(LONDON).date().isoformat()
        body = get(client, world, "summary", **{"from": day, "to": day})
        assert body["totals"]["seconds"] == 3600
        assert body["meta"]["as_of"] == "2025-08-07T13:41:42+01:00"
        later = get(
            client, world, "summary", **{"from": day, "to": day}, as_of="2025-08-07T14:11:42+01:00"
        )
        assert later["totals"]["seconds"] == 5400
        without = get(client, world, "summary", **{"from": day, "to": day}, include_running="false")
        assert without["totals"]["entries"] == 0

    def test_period_this_tax_year(
        self, client: TestClient, world: FirmWorld, session: Session
    ) -> None:
        owner = world.owner.account
        make_entry(session, account=owner, on=world.client, start=local(2025, 4, 5, 12))
        make_entry(session, account=owner, on=world.client, start=local(2025, 4, 6, 12))
        body = get(client, world, "summary", period="this_tax_year", group_by="tax_year")
        assert body["meta"]["from"] == "2025-04-06"
        assert body["meta"]["to"] == "2026-04-05"
        assert [g["key"] for g in body["groups"]] == [
            {"type": "tax_year", "start": "2025-04-06", "end": "2026-04-05"}
        ]
        assert body["totals"]["entries"] == 1


class TestVisibility:
    def test_members_see_their_own_time_unless_they_name_others(
        self, client: TestClient, world: FirmWorld, session: Session
    ) -> None:
        member = make_staff(session, world.firm, now=FROZEN_NOW, role=AccountRole.MEMBER)
        start = local(2026, 3, 2, 9)
        make_entry(session, account=world.owner.account, on=world.client, start=start)
        make_entry(session, account=member.account, on=world.client, start=start, minutes=10)
        params = {"from": "2026-03-02", "to": "2026-03-02"}
        own = client.get("/api/v1/reports/summary", params=params, headers=member.headers())
        assert own.json()["totals"]["seconds"] == 600
        named = client.get(
            "/api/v1/reports/summary",
            params={**params, "filter[staff]": str(world.owner.account.uuid)},
            headers=member.headers(),
        )
        assert named.json()["totals"]["seconds"] == 1800
        whole = get(client, world, "summary", **params)
        assert whole["totals"]["seconds"] == 2400

    def test_clients_may_not_run_reports(
        self, client: TestClient, world: FirmWorld, session: Session
    ) -> None:
        outsider = make_staff(
            session,
            world.firm,
            now=FROZEN_NOW,
            role=AccountRole.INDIVIDUAL,
            account_type=AccountType.CLIENT,
        )
        response = client.get(
            "/api/v1/reports/summary", params={"period": "today"}, headers=outsider.headers()
        )
        assert response.status_code == 403
        assert response.json()["message"] == "Only the firm's employees may run reports."

    def test_anonymous_is_401(self, client: TestClient) -> None:
        assert client.get("/api/v1/reports/summary?period=today").status_code == 401


class TestTheCalendarsLastDays:
    """The last documented dates (up to 9998-12-31) answer like any others: a range
    starting in 9995 or later is never 'too long', and every grouping and export works."""

    @pytest.mark.parametrize("group_by", ["day", "week", "month", "tax_year"])
    def test_summary(self, client: TestClient, world: FirmWorld, group_by: str) -> None:
        response = client.get(
            "/api/v1/reports/summary",
            params={"from": "9998-12-01", "to": "9998-12-31", "group_by": group_by},
            headers=world.owner.headers(),
        )
        assert response.status_code == 200, response.text
        assert response.json()["totals"]["seconds"] == 0

    @pytest.mark.parametrize(
        "path", ["detailed", "detailed.csv", "summary.xlsx", "summary.pdf", "weekly"]
    )
    def test_detailed_weekly_and_exports(
        self, client: TestClient, world: FirmWorld, path: str
    ) -> None:
        params = (
            {"week_of": "9998-12-31"}
            if path == "weekly"
            else {"from": "9995-01-01", "to": "9998-12-31"}
        )
        response = client.get(
            f"/api/v1/reports/{path}", params=params, headers=world.owner.headers()
        )
        assert response.status_code == 200, response.text


class TestBadInput:
    def refused(self, client: TestClient, world: FirmWorld, field: str, **params: str) -> None:
        response = client.get(
            "/api/v1/reports/summary", params=params, headers=world.owner.headers()
        )
        assert response.status_code == 422, response.text
        assert field in response.json()["errors"], response.json()

    def test_from_after_to(self, client: TestClient, world: FirmWorld) -> None:
        self.refused(client, world, "to", **{"from": "2026-03-02", "to": "2026-03-01"})

    def test_half_a_range(self, client: TestClient, world: FirmWorld) -> None:
        self.refused(client, world, "from", to="2026-03-01")
        self.refused(client, world, "to", **{"from": "2026-03-01"})

    @pytest.mark.parametrize("path", ["summary", "detailed"])
    def test_no_range_is_this_week(self, client: TestClient, world: FirmWorld, path: str) -> None:
        # The frozen now is Thursday 7 August 2025; the firm's weeks start on Monday.
        meta = get(client, world, path)["meta"]
        assert (meta["from"], meta["to"]) == ("2025-08-04", "2025-08-10")

    def test_over_five_years(self, client: TestClient, world: FirmWorld) -> None:
        self.refused(client, world, "to", **{"from": "2020-01-01", "to": "2025-01-01"})

    def test_unknown_period(self, client: TestClient, world: FirmWorld) -> None:
        self.refused(client, world, "period", period="fortnight")

    def test_unknown_group(self, client: TestClient, world: FirmWorld) -> None:
        self.refused(client, world, "group_by", period="today", group_by="planet")

    def test_four_groups(self, client: TestClient, world: FirmWorld) -> None:
        self.refused(client, world, "group_by", period="today", group_by="day,staff,client,case")

    def test_unknown_filter(self, client: TestClient, world: FirmWorld) -> None:
        self.refused(client, world, "filter[planets]", period="today", **{"filter[planets]": "x"})

    def test_bad_rounding_step(self, client: TestClient, world: FirmWorld) -> None:
        self.refused(
            client, world, "rounding_minutes", period="today", rounding="up", rounding_minutes="7"
        )

    def test_split_with_rounding(self, client: TestClient, world: FirmWorld) -> None:
        self.refused(
            client,
            world,
            "rounding",
            period="today",
            rounding="up",
            rounding_minutes="6",
            attribution="split",
        )

    def test_bad_date(self, client: TestClient, world: FirmWorld) -> None:
        self.refused(client, world, "from", **{"from": "2026-02-30", "to": "2026-03-01"})

    def test_another_firms_uuid_is_an_unknown_uuid(
        self, client: TestClient, world: FirmWorld, other_world: FirmWorld
    ) -> None:
        theirs = str(other_world.client.uuid)
        self.refused(
            client, world, "filter[clients]", period="today", **{"filter[clients]": theirs}
        )
        self.refused(
            client,
            world,
            "filter[staff]",
            period="today",
            **{"filter[staff]": str(other_world.owner.account.uuid)},
        )
        self.refused(
            client, world, "filter[cases]", period="today", **{"filter[cases]": "not-a-uuid"}
        )

    def test_bad_trackable_type(self, client: TestClient, world: FirmWorld) -> None:
        self.refused(
            client,
            world,
            "filter[trackable_type]",
            period="today",
            **{"filter[trackable_type]": "x"},
        )


class TestWeekly:
    def test_grid_of_the_firm_week(
        self, client: TestClient, world: FirmWorld, session: Session
    ) -> None:
        owner = world.owner.account
        make_entry(session, account=owner, on=world.client, start=local(2026, 3, 2, 9), minutes=60)
        make_entry(session, account=owner, on=world.client, start=local(2026, 3, 8, 9), minutes=30)
        make_entry(session, account=owner, on=world.case, start=local(2026, 3, 4, 9), minutes=15)
        make_entry(session, account=owner, on=world.case, start=local(2026, 3, 9, 9), minutes=15)
        body = get(client, world, "weekly", week_of="2026-03-04")
        assert body["dates"][0] == "2026-03-02"
        assert body["dates"][-1] == "2026-03-08"
        rows = {row["trackable"]["name"]: row["days"] for row in body["rows"]}
        assert rows == {
            "Gareth Thompson": [3600, 0, 0, 0, 0, 0, 1800],
            "Pension transfer": [0, 0, 900, 0, 0, 0, 0],
        }
        assert body["day_totals"] == [3600, 0, 900, 0, 0, 0, 1800]
        assert body["total"] == 6300

    def test_rounding_is_not_a_weekly_key(self, client: TestClient, world: FirmWorld) -> None:
        response = client.get(
            "/api/v1/reports/weekly",
            params={"rounding": "up", "rounding_minutes": "15"},
            headers=world.owner.headers(),
        )
        assert response.status_code == 422
        assert "rounding" in response.json()["errors"]

    def test_bad_week_of(self, client: TestClient, world: FirmWorld) -> None:
        response = client.get(
            "/api/v1/reports/weekly", params={"week_of": "soon"}, headers=world.owner.headers()
        )
        assert response.status_code == 422
        assert "week_of" in response.json()["errors"]


class TestDetailed:
    def test_keyset_pages_by_start_then_id(
        self, client: TestClient, world: FirmWorld, session: Session
    ) -> None:
        owner = world.owner.account
        start = local(2026, 3, 2, 9)
        made = [
            make_entry(session, account=owner, on=world.client, start=start + timedelta(minutes=m))
            for m in (30, 0, 0, 60, 90)
        ]
        query = {"from": "2026-03-02", "to": "2026-03-02", "per_page": "2"}
        seen: list[str] = []
        cursor = None
        while True:
            params = {**query, **({"cursor": cursor} if cursor else {})}
            body = get(client, world, "detailed", **params)
            seen += [entry["uuid"] for entry in body["data"]]
            cursor = body["next_cursor"]
            if cursor is None:
                break
        expected = sorted(made, key=lambda e: (e.started_at, e.id))
        assert seen == [str(entry.uuid) for entry in expected]
        first = get(client, world, "detailed", **query)["data"][0]
        assert first["local_date"] == "2026-03-02"
        assert first["start_date"] == "2026-03-02T09:00:00+00:00"
        assert first["client"]["name"] == "Gareth Thompson"
        assert first["staff"]["uuid"] == str(owner.uuid)

    def test_a_changed_cursor_is_422(
        self, client: TestClient, world: FirmWorld, session: Session
    ) -> None:
        owner = world.owner.account
        for minutes in (0, 10):
            make_entry(session, account=owner, on=world.client, start=local(2026, 3, 2, 9, minutes))
        query = {"from": "2026-03-02", "to": "2026-03-02", "per_page": "1"}
        cursor = get(client, world, "detailed", **query)["next_cursor"]
        for bad in [cursor[:-2] + "xx", "garbage", cursor]:
            changed = {**query, "cursor": bad}
            if bad == cursor:
                changed["to"] = "2026-03-03"  # the same cursor with other filters
            response = client.get(
                "/api/v1/reports/detailed", params=changed, headers=world.owner.headers()
            )
            assert response.status_code == 422, bad
            assert "cursor" in response.json()["errors"]


def test_new_client_names_sort_and_null_buckets_come_last(
    client: TestClient, world: FirmWorld, session: Session
) -> None:
    aaron = make_client(session, world.firm, now=FROZEN_NOW, first="Aaron", last="Abbot")
    owner = world.owner.account
    start = local(2026, 3, 2, 9)
    firsts: list[Firm | Account] = [world.firm, world.client, aaron]
    for record in firsts:
        make_entry(session, account=owner, on=record, start=start)
    body = get(
        client, world, "summary", **{"from": "2026-03-02", "to": "2026-03-02", "group_by": "client"}
    )
    assert [g["key"]["name"] for g in body["groups"]] == ["Aaron Abbot", "Gareth Thompson", None]


def test_filters_by_case_and_type_and_split_counts_open_timers(
    client: TestClient, world: FirmWorld, session: Session
) -> None:
    owner = world.owner.account
    make_entry(session, account=owner, on=world.case_task, start=local(2026, 3, 2, 9))
    make_entry(session, account=owner, on=world.client, start=local(2026, 3, 2, 10))
    # A timer started the day before the range and still running at as_of.
    make_entry(
        session, account=owner, on=world.board_task, start=local(2026, 3, 1, 23), minutes=None
    )
    query = {"from": "2026-03-02", "to": "2026-03-02", "as_of": "2026-03-02T01:00:00"}
    cases = get(client, world, "summary", **query, **{"filter[cases]": str(world.case.uuid)})
    assert cases["totals"]["entries"] == 1  # the timer started outside the range
    split = get(
        client,
        world,
        "summary",
        **query,
        attribution="split",
        group_by="case",
        **{"filter[trackable_type]": "board_task,task"},
    )
    assert split["totals"] == {
        "entries": 2,
        "seconds": 3600 + 1800,
        "billable_seconds": 5400,
        "rounded_seconds": 5400,
        "amounts": [],
    }
    assert [g["key"]["name"] for g in split["groups"]] == ["Pension transfer"]
