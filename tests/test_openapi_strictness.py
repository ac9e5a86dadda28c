"""The published schema says what the server accepts (issue 10, class 9): a request valid
by the schema is not refused for its form. schemathesis proves it by generation
(tests/fuzz/test_schemathesis.py, slow tier); these are the rules it relies on, per
parameter of every operation, checked on the document itself."""

from __future__ import annotations

import re
from functools import cache
from typing import Any

import pytest

from timeledger.app import create_app

# Parameters that take any text, so need no pattern ("1" or anything else; any key).
# The search filters (filter[name], filter[search]) refuse NUL, so say so in a pattern.
FREE_TEXT = {"filter[archived]", "Idempotency-Key"}


@cache
def _parameters() -> tuple[tuple[str, dict[str, Any]], ...]:
    document = create_app().openapi()
    return tuple(
        (f"{method.upper()} {path} {parameter['name']}", parameter)
        for path, methods in document["paths"].items()
        for method, operation in methods.items()
        for parameter in operation.get("parameters", [])
    )


@pytest.mark.parametrize(("where", "parameter"), _parameters(), ids=lambda value: str(value))
def test_no_parameter_is_looser_than_the_server(where: str, parameter: dict[str, Any]) -> None:
    schema = parameter["schema"]
    # A query string or header is sent or absent: never JSON null.
    assert {"type": "null"} not in schema.get("anyOf", []), where
    if schema.get("type") == "string" and parameter["name"] not in FREE_TEXT:
        assert {"pattern", "enum", "format"} & schema.keys(), where
    if parameter["in"] in {"path", "header"} and parameter["name"].lower().endswith("uuid"):
        assert schema["format"] == "uuid", where


@pytest.mark.parametrize(
    ("value", "valid"),
    [
        ("2025-08-01,2025-08-31", True),
        ("1900-01-01,9998-12-31", True),
        ("2025-02-30,2025-03-01", False),
        ("2025-04-31,2025-05-01", False),
        ("1899-12-31,2025-01-01", False),
        ("2025-01-01,9999-01-01", False),
        ("2025-08-01", False),
    ],
)
def test_the_between_pattern_holds_only_real_days_in_range(value: str, valid: bool) -> None:
    parameter = next(p for where, p in _parameters() if where.endswith("filter[between]"))
    assert bool(re.match(parameter["schema"]["pattern"], value)) is valid


def _component(name: str) -> dict[str, Any]:
    schema: dict[str, Any] = create_app().openapi()["components"]["schemas"][name]
    return schema


@pytest.mark.parametrize(
    ("component", "field"),
    [
        ("TimeEntryPatch", "name"),
        ("TimeEntryPatch", "trackable_type"),
        ("AccountUpdate", "role"),
        ("AccountUpdate", "first_name"),
        ("CaseUpdate", "name"),
        ("CaseUpdate", "participants"),
        ("CircleUpdate", "name"),
        ("CircleUpdate", "account_uuids"),
        ("TaskUpdate", "priority"),
        ("TaskUpdate", "taskable_type"),
        ("BoardTaskUpdate", "case_uuid"),
    ],
)
def test_a_change_field_the_server_refuses_as_null_is_not_nullable(
    component: str, field: str
) -> None:
    assert {"type": "null"} not in _component(component)["properties"][field].get("anyOf", [])


def test_the_invoice_filter_takes_exactly_the_time_entry_list_filters() -> None:
    document = create_app().openapi()
    listed = {
        parameter["name"][len("filter[") : -1]: parameter["schema"]
        for parameter in document["paths"]["/api/v1/time-entry"]["get"]["parameters"]
        if parameter["name"].startswith("filter[")
    }
    body_filter = document["components"]["schemas"]["InvoiceRequest"]["properties"]["filter"]
    assert body_filter["properties"] == listed
    assert body_filter["additionalProperties"] is False
