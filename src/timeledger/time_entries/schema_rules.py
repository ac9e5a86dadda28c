"""The rules between a time-entry body's fields that its published JSON Schema states
(``anyOf``/``allOf``), next to the checks that enforce them (intervals.py, write.py,
schemas.InvoiceRequest). Only the document changes: pydantic and the services validate."""

from __future__ import annotations

from typing import Any

# An end date alone says nothing of when the entry began: it comes with a start date or a
# length (intervals.py), or is left out or null (a timer starting now).
END_NEEDS_START_OR_LENGTH: dict[str, Any] = {
    "anyOf": [
        {"properties": {"end_date": {"type": "null"}}},
        {"required": ["start_date"], "properties": {"start_date": {"type": "string"}}},
        {
            "required": ["total_time_in_minutes"],
            "properties": {"total_time_in_minutes": {"type": "integer"}},
        },
    ]
}


# What a change may send together, as the service reads it (write.py, intervals.py): the
# trackable's type and UUID both or neither; no total for an entry made running again.
CHANGE_RULES: dict[str, Any] = {
    "allOf": [
        {
            "anyOf": [
                {"required": ["trackable_type", "trackable_uuid"]},
                {"properties": {"trackable_type": False, "trackable_uuid": False}},
            ]
        },
        {
            "anyOf": [
                {"properties": {"end_date": {"type": "string"}}},
                {"properties": {"total_time_in_minutes": {"type": "null"}}},
            ]
        },
    ]
}


# Either a non-empty list of UUIDs, or a non-empty filter (InvoiceRequest._one_way).
ONE_WAY: dict[str, Any] = {
    "anyOf": [
        {
            "required": ["uuids"],
            "properties": {
                "uuids": {"type": "array", "minItems": 1},
                "filter": {"maxProperties": 0},
            },
        },
        {
            "required": ["filter"],
            "properties": {"filter": {"minProperties": 1}, "uuids": {"type": "null"}},
        },
    ]
}
