"""POST /api/v1/time-entry: every 422 and 400, in Laravel's shape."""

from __future__ import annotations

from typing import Any

import pytest

from tests.factories import FirmWorld

URL = "/api/v1/time-entry"


def body(world: FirmWorld, **fields: Any) -> dict[str, Any]:
    sent: dict[str, Any] = {
        "trackable_type": "client",
        "trackable_uuid": str(world.client.uuid),
        "name": "Research",
        "total_time_in_minutes": 30,
    }
    sent.update(fields)
    return {key: value for key, value in sent.items() if value is not ...}


class TestRequiredFields:
    def test_a_missing_name(self, client, world):
        response = client.post(URL, json=body(world, name=...), headers=world.owner.headers())
        assert response.status_code == 422
        assert response.json() == {
            "message": "The name field is required.",
            "errors": {"name": ["The name field is required."]},
        }

    def test_several_errors_are_counted_in_the_message(self, client, world):
        response = client.post(URL, json={}, headers=world.owner.headers())
        assert response.status_code == 422
        assert (
            response.json()["message"]
            == "The trackable type field is required. (and 2 more errors)"
        )
        assert set(response.json()["errors"]) == {"trackable_type", "trackable_uuid", "name"}

    def test_two_errors_say_one_more_error(self, client, world):
        response = client.post(
            URL, json=body(world, name=..., trackable_uuid=...), headers=world.owner.headers()
        )
        assert response.json()["message"].endswith("(and 1 more error)")


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("name", "", "The name field is required."),
        ("name", "x" * 256, "The name field must not be greater than 255 characters."),
        ("name", 42, "The name field must be a string."),
        (
            "description",
            "x" * 10_001,
            "The description field must not be greater than 10000 characters.",
        ),
        ("total_time_in_minutes", 0, "The total time in minutes field must be at least 1."),
        (
            "total_time_in_minutes",
            527_041,
            "The total time in minutes field must not be greater than 527040.",
        ),
        ("total_time_in_minutes", 30.5, "The total time in minutes field must be an integer."),
        (
            "total_time_in_minutes",
            "half an hour",
            "The total time in minutes field must be an integer.",
        ),
        ("total_time_in_minutes", True, "The total time in minutes field must be an integer."),
        ("start_date", "yesterday", "The start date field must be a valid date."),
        ("start_date", "2025-02-30", "The start date field must be a valid date."),
        ("start_date", "0000-01-01", "The start date field must be a valid date."),
        ("start_date", "10000-01-01", "The start date field must be a valid date."),
        ("start_date", 1754570202, "The start date field must be a date string."),
        ("end_date", "2025-13-01T00:00:00Z", "The end date field must be a valid date."),
        ("trackable_uuid", 12, "The trackable uuid field must be a valid UUID."),
    ],
)
def test_invalid_field(client, world, field, value, message):
    response = client.post(URL, json=body(world, **{field: value}), headers=world.owner.headers())
    assert response.status_code == 422
    assert response.json()["errors"][field] == [message]
    assert response.json()["message"] == message


def test_a_date_before_1900_is_refused(client, world):
    response = client.post(
        URL,
        json=body(world, start_date="0001-01-01T00:00:00+14:00", end_date="0001-01-02"),
        headers=world.owner.headers(),
    )
    assert response.status_code == 422
    assert set(response.json()["errors"]) == {"start_date", "end_date"}


def test_unicode_and_quotes_are_kept_exactly(client, world):
    name = 'Réunion "annuelle" — 年次レビュー 🚀'
    response = client.post(
        URL, json=body(world, name=name, description="  spaced  "), headers=world.owner.headers()
    )
    assert response.status_code == 200
    assert response.json()["name"] == name
    assert response.json()["description"] == "  spaced  "


def test_unknown_keys_are_ignored(client, world):
    response = client.post(URL, json=body(world, billable=True), headers=world.owner.headers())
    assert response.status_code == 200


class TestMalformedBodies:
    def test_broken_json_is_a_400(self, client, world):
        response = client.post(
            URL,
            content=b'{"name": ',
            headers={**world.owner.headers(), "Content-Type": "application/json"},
        )
        assert response.status_code == 400
        assert response.json() == {"message": "The request body is not valid JSON."}

    @pytest.mark.parametrize("payload", [[], "text", 12, None])
    def test_a_body_that_is_not_an_object(self, client, world, payload):
        response = client.post(URL, json=payload, headers=world.owner.headers())
        assert response.status_code == 422
        assert response.json()["message"] == "The request body must be a JSON object."

    def test_an_empty_body(self, client, world):
        response = client.post(URL, headers=world.owner.headers())
        assert response.status_code == 422
        assert response.json()["message"] == "The request body must be a JSON object."


class TestRoutingErrors:
    def test_an_unknown_route_is_a_404_with_a_message(self, client):
        response = client.get("/api/v1/nothing-here")
        assert response.status_code == 404
        assert response.json() == {"message": "The route api/v1/nothing-here could not be found."}

    def test_a_wrong_method_is_a_405_with_a_message(self, client):
        response = client.request("PATCH", URL)
        assert response.status_code == 405
        assert response.json()["message"] == "The PATCH method is not supported for this route."
