from __future__ import annotations

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from tests.conftest import FROZEN_NOW
from tests.factories import FirmWorld, make_staff
from timeledger.models import AccountRole, AccountType


class TestGetFirm:
    def test_shows_the_callers_firm(self, client: TestClient, world: FirmWorld) -> None:
        response = client.get(f"/api/v1/firm/{world.firm.uuid}", headers=world.owner.headers())
        assert response.status_code == 200
        assert response.json() == {
            "uuid": str(world.firm.uuid),
            "name": "Acme Planning",
            "slug": world.firm.slug,
            "time_zone": "Europe/London",
            "created_at": "2025-08-07T13:41:42+01:00",
            "updated_at": "2025-08-07T13:41:42+01:00",
            "currency": "GBP",
            "week_start": "monday",
            "billable_default": {
                "client": True,
                "case": True,
                "task": True,
                "board_task": True,
                "circle": True,
                "firm": False,
            },
            "members_see_amounts": False,
            "locked_before": None,
        }

    def test_clients_read_their_firm_too(
        self, client: TestClient, session: Session, world: FirmWorld
    ) -> None:
        carla = make_staff(
            session,
            world.firm,
            now=FROZEN_NOW,
            role=AccountRole.INDIVIDUAL,
            account_type=AccountType.CLIENT,
        )
        response = client.get(f"/api/v1/firm/{world.firm.uuid}", headers=carla.headers())
        assert response.status_code == 200

    def test_any_other_uuid_is_404(self, client: TestClient, world: FirmWorld) -> None:
        for raw in ("00000000-0000-0000-0000-000000000000", "acme"):
            response = client.get(f"/api/v1/firm/{raw}", headers=world.owner.headers())
            assert response.status_code == 404
            assert response.json() == {"message": "Not Found."}


class TestUpdateFirm:
    def test_an_owner_sets_name_and_time_zone(self, client: TestClient, world: FirmWorld) -> None:
        headers = world.owner.headers()
        response = client.put(
            f"/api/v1/firm/{world.firm.uuid}",
            json={"name": "Acme Wealth", "time_zone": "America/New_York"},
            headers=headers,
        )
        assert response.status_code == 200
        body = response.json()
        assert (body["name"], body["time_zone"], body["slug"]) == (
            "Acme Wealth",
            "America/New_York",
            world.firm.slug,
        )
        assert body["updated_at"] == "2025-08-07T08:41:42-04:00"
        # Every date is now shown in the new zone.
        account = client.get(f"/api/v1/account/{world.client.uuid}", headers=headers).json()
        assert account["created_at"] == "2025-08-07T08:41:42-04:00"

    def test_refuses_a_zone_that_is_not_iana(self, client: TestClient, world: FirmWorld) -> None:
        for zone in ("Mars/Olympus", "+01:00", "", "../../etc/passwd", "localtime"):
            response = client.put(
                f"/api/v1/firm/{world.firm.uuid}",
                json={"time_zone": zone},
                headers=world.owner.headers(),
            )
            assert response.status_code == 422, zone
            assert response.json()["errors"] == {
                "time_zone": ["The time zone must be an IANA zone name, such as Europe/London."]
            }

    @pytest.mark.parametrize(
        "field",
        ["name", "time_zone", "currency", "week_start", "billable_default", "members_see_amounts"],
    )
    def test_a_field_sent_as_null_is_422(
        self, client: TestClient, world: FirmWorld, field: str
    ) -> None:
        # Left out keeps the setting; null is refused (the schema has no null for them).
        response = client.put(
            f"/api/v1/firm/{world.firm.uuid}", json={field: None}, headers=world.owner.headers()
        )
        assert response.status_code == 422, response.text
        label = field.replace("_", " ")
        assert response.json()["errors"] == {field: [f"The {label} field is required."]}

    def test_a_wrong_type_names_the_field_alone(self, client: TestClient, world: FirmWorld) -> None:
        response = client.put(
            f"/api/v1/firm/{world.firm.uuid}",
            json={"time_zone": 5, "members_see_amounts": "yes"},
            headers=world.owner.headers(),
        )
        assert response.status_code == 422, response.text
        assert response.json()["errors"] == {
            "time_zone": ["The time zone field must be a string."],
            "members_see_amounts": ["The members see amounts field must be true or false."],
        }

    def test_only_owners(self, client: TestClient, session: Session, world: FirmWorld) -> None:
        admin = make_staff(session, world.firm, now=FROZEN_NOW, role=AccountRole.ADMIN)
        response = client.put(
            f"/api/v1/firm/{world.firm.uuid}", json={"name": "Coup"}, headers=admin.headers()
        )
        assert response.status_code == 403
        assert response.json() == {"message": "This action is unauthorized."}
