"""The published request bodies state the rules the server keeps (issue 10, class 9):
each listed value is one the server accepts, and each pattern refuses what the server
refuses. schemathesis relies on them (tests/fuzz/test_schemathesis.py)."""

from __future__ import annotations

import re
from functools import cache
from typing import Any

import pytest

from timeledger.app import create_app
from timeledger.dates import is_iana_zone
from timeledger.kit.money import is_currency
from timeledger.webhooks.events import is_known_pattern


@cache
def _bodies() -> dict[str, Any]:
    schemas: dict[str, Any] = create_app().openapi()["components"]["schemas"]
    return schemas


def _field(body: str, name: str) -> dict[str, Any]:
    """A field's schema, without null: the one branch of ``anyOf: [X, null]``."""
    schema: dict[str, Any] = _bodies()[body]["properties"][name]
    branches = [branch for branch in schema.get("anyOf", [schema]) if branch != {"type": "null"}]
    assert len(branches) == 1, schema
    return branches[0]


CURRENCIES = [("FirmUpdate", "currency"), ("BillingRateCreate", "currency")]
CURRENCIES += [("BillingRateUpdate", "currency")]


@pytest.mark.parametrize(("body", "name"), CURRENCIES)
def test_currencies_are_the_iso_codes_the_server_accepts(body: str, name: str) -> None:
    codes = _field(body, name)["enum"]
    assert "GBP" in codes
    assert len(codes) > 150
    assert all(is_currency(code) for code in codes)


def test_time_zones_are_the_iana_names_the_server_accepts() -> None:
    names = _field("FirmUpdate", "time_zone")["enum"]
    assert "Europe/London" in names
    assert "localtime" not in names
    assert all(is_iana_zone(name) for name in names)


@pytest.mark.parametrize("body", ["WebhookSubscriptionCreate", "WebhookSubscriptionUpdate"])
def test_event_names_are_the_ones_a_subscription_may_list(body: str) -> None:
    names = _field(body, "events")["items"]["enum"]
    assert {"*", "time-entry.*", "time-entry.stopped"} <= set(names)
    assert all(is_known_pattern(name) for name in names)


LOCAL_DATES = [
    ("BillingRateCreate", "effective_from"),
    ("BillingRateCreate", "effective_to"),
    ("BillingRateUpdate", "effective_from"),
    ("BillingRateUpdate", "effective_to"),
    ("RepriceRequest", "from"),
    ("RepriceRequest", "to"),
    ("LockUpdate", "locked_before"),
]


@pytest.mark.parametrize(("body", "name"), LOCAL_DATES)
@pytest.mark.parametrize(
    ("value", "valid"),
    [
        ("1900-01-01", True),
        ("9998-12-31", True),
        ("2025-04-30", True),
        ("1899-12-31", False),
        ("9999-01-01", False),
        ("0039-09-01", False),
        ("2025-04-31", False),
    ],
)
def test_local_dates_are_days_in_the_writable_years(
    body: str, name: str, value: str, valid: bool
) -> None:
    schema = _field(body, name)
    assert schema["format"] == "date"
    assert bool(re.search(schema["pattern"], value)) is valid


@pytest.mark.parametrize(
    ("body", "name"),
    [
        ("FirmUpdate", "name"),
        ("FirmUpdate", "time_zone"),
        ("FirmUpdate", "currency"),
        ("FirmUpdate", "week_start"),
        ("FirmUpdate", "billable_default"),
        ("FirmUpdate", "members_see_amounts"),
        ("BillingRateUpdate", "hourly_rate"),
        ("BillingRateUpdate", "currency"),
        ("BillingRateUpdate", "effective_from"),
    ],
)
def test_fields_refused_as_null_are_not_nullable(body: str, name: str) -> None:
    assert "anyOf" not in _bodies()[body]["properties"][name]


def test_a_rate_names_a_client_or_a_case_not_both() -> None:
    assert set(_bodies()["BillingRateCreate"]["not"]["required"]) == {"client_uuid", "case_uuid"}


@pytest.mark.parametrize("body", ["TagCreate", "TagUpdate"])
def test_a_tag_name_is_not_only_spaces(body: str) -> None:
    pattern = _field(body, "name")["pattern"]
    assert re.search(pattern, "Fees")
    assert not re.search(pattern, " \t\u000b")
