"""Issue 10 (brief S, item 5): the five-year limit on a report's range, at its boundary
(docs/reports.md, "Parameters"). ``from`` and ``to`` are both included: a range may end
on the day before the fifth anniversary of ``from``; ending on the anniversary is 422."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from tests.factories import FirmWorld

# Every report (and export) that takes from and to; weekly takes one week.
PATHS = ["summary", "detailed", "summary.csv", "detailed.xlsx", "summary.pdf"]
REFUSAL = {"to": ["The range must not be longer than 5 years."]}


def _get(client: TestClient, world: FirmWorld, path: str, first: str, last: str) -> int:
    response = client.get(
        f"/api/v1/reports/{path}",
        params={"from": first, "to": last},
        headers=world.owner.headers(),
    )
    if response.status_code == 422:
        assert response.json()["errors"] == REFUSAL
    return response.status_code


@pytest.mark.parametrize("path", PATHS)
def test_five_whole_years_are_accepted_and_one_day_more_is_422(
    client: TestClient, world: FirmWorld, path: str
) -> None:
    assert _get(client, world, path, "2021-01-01", "2025-12-31") == 200
    assert _get(client, world, path, "2021-01-01", "2026-01-01") == 422


@pytest.mark.parametrize(
    ("first", "longest", "too_long"),
    [
        # Across the leap day 2024-02-29: still the day before the anniversary.
        ("2020-03-01", "2025-02-28", "2025-03-01"),
        # From 29 February the anniversary is 1 March (there is no 29 February then).
        ("2024-02-29", "2029-02-28", "2029-03-01"),
        # At the calendar's end every range is shorter than five years.
        ("9995-01-01", "9998-12-31", None),
    ],
)
def test_the_boundary_from_any_day(
    client: TestClient, world: FirmWorld, first: str, longest: str, too_long: str | None
) -> None:
    assert _get(client, world, "summary", first, longest) == 200
    if too_long is not None:
        assert _get(client, world, "summary", first, too_long) == 422
