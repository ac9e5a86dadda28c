"""The bad-input corpus: requests no client should send, and the 4xx each must get.

A case names what it sends and what comes back: the status, and either the fields a 422
names or the exact message. Placeholders in bodies and paths (``$CLIENT``) are filled
with the test firm's records. To cover a new route, add its cases to ``CASES``; list
routes (with ``per_page``) get the pagination cases of ``list_cases`` automatically.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

URL = "/api/v1/time-entry"
JSON = "application/json"
NOT_JSON = "The request body is not valid JSON."
NOT_OBJECT = "The request body must be a JSON object."
VALID: dict[str, Any] = {
    "trackable_type": "client",
    "trackable_uuid": "$CLIENT",
    "name": "Research",
    "total_time_in_minutes": 45,
}
_MISSING = object()


@dataclass(frozen=True)
class Case:
    id: str
    status: int
    method: str = "POST"
    path: str = URL
    json_body: Any = None
    raw: bytes | None = None
    content_type: str | None = JSON
    headers: dict[str, str] = field(default_factory=dict)
    # 422: the fields the errors must name (exactly these).
    fields: tuple[str, ...] = ()
    # Otherwise (or also): the exact message.
    message: str | None = None
    authenticated: bool = True


def body(**changes: Any) -> dict[str, Any]:
    """The valid body with some fields changed; ``_MISSING`` removes one."""
    changed = {**VALID, **changes}
    return {key: value for key, value in changed.items() if value is not _MISSING}


def _broken_json() -> list[Case]:
    raws = {
        "unclosed-object": b'{"name": "x"',
        "missing-value": b'{"name": }',
        "single-quotes": b"{'name': 'x'}",
        "trailing-comma": b'{"name": "x",}',
        "bare-word": b"nul",
        "extra-brace": b'{"name": "x"}}',
        "unterminated-string": b'{"name": "x}',
        "comment": b'{/* note */ "name": "x"}',
        "lone-brace": b"}",
        "deep-nesting": b"[" * 100_000 + b"]" * 100_000,
        "raw-control-char": b'{"name": "a\x01b"}',
        "two-documents": b'{"name": "a"} {"name": "b"}',
        "unquoted-key": b'{name: "x"}',
        "hex-number": b'{"total_time_in_minutes": 0x10}',
    }
    cases = [Case(f"broken-json-{k}", 400, raw=v, message=NOT_JSON) for k, v in raws.items()]
    # Issue 10, class 7: bytes that are not UTF-8 are refused before any JSON parser.
    cases.append(
        Case(
            "broken-json-invalid-utf8",
            400,
            raw=b'{"name": "\xff\xfe"}',
            message="The request body must be JSON encoded as UTF-8.",
        )
    )
    return cases


def _not_an_object() -> list[Case]:
    documents: dict[str, Any] = {
        "array": [VALID],
        "empty-array": [],
        "null": None,
        "string": "Research",
        "number": 45,
        "true": True,
    }
    cases = [
        Case(f"not-an-object-{k}", 422, raw=json.dumps(v).encode(), fields=("body",))
        for k, v in documents.items()
    ]
    cases.append(Case("not-an-object-empty-body", 422, raw=b"", fields=("body",)))
    return cases


def _wrong_content_types() -> list[Case]:
    types = {
        "text-plain": "text/plain",
        "form": "application/x-www-form-urlencoded",
        "multipart": "multipart/form-data; boundary=x",
        "xml": "application/xml",
        "octet-stream": "application/octet-stream",
        "html": "text/html",
    }
    # Issue 10, class 7: 415 naming the header (no Content-Type at all is read as JSON:
    # tests/test_bodies.py).
    return [
        Case(
            f"content-type-{k}",
            415,
            raw=json.dumps(body()).encode(),
            content_type=v,
            message="Send the request body as JSON with the header Content-Type: application/json.",
        )
        for k, v in types.items()
    ]


def _missing_fields() -> list[Case]:
    cases = [
        Case(f"missing-{name}", 422, json_body=body(**{name: _MISSING}), fields=(name,))
        for name in ("trackable_type", "trackable_uuid", "name")
    ]
    cases.append(
        Case(
            "missing-everything",
            422,
            json_body={},
            fields=("trackable_type", "trackable_uuid", "name"),
            message="The trackable type field is required. (and 2 more errors)",
        )
    )
    cases.append(
        Case(
            "missing-only-unknown-keys",
            422,
            json_body={"nombre": "x", "minutes": 5},
            fields=("trackable_type", "trackable_uuid", "name"),
        )
    )
    return cases


_WRONG_TYPES: dict[str, list[Any]] = {
    "trackable_type": [5, True, None, [], {}, "planet", "", "clients", "client_task"],
    "trackable_uuid": [5, True, None, [], {}, "nope", "123", "g" * 36, "", "$CLIENT-extra"],
    "name": [5, True, None, [], {}, "", "x" * 256, 1.5],
    "description": [5, True, [], {}, "x" * 10_001],
    "total_time_in_minutes": [0, -1, 1.5, "abc", True, [], {}, 527_041, 10**20, "", -(10**20)],
}


def _wrong_types() -> list[Case]:
    return [
        Case(
            f"{name}-{json.dumps(value)[:24]}", 422, json_body=body(**{name: value}), fields=(name,)
        )
        for name, values in _WRONG_TYPES.items()
        for value in values
    ]


_BAD_DATES: list[Any] = [
    5,
    True,
    [],
    {},
    "",
    "yesterday",
    "2025-13-01",
    "2025-02-30",
    "2025-01-01T25:00:00",
    "2025-01-01T10:00:00+25:00",
    "0000-01-01T00:00:00Z",
    "10000-01-01T00:00:00Z",
    "0001-01-01T00:00:00Z",
    "1899-12-31T23:59:59Z",
    "9999-12-31T23:59:59Z",
    "07/08/2025",
]


def _bad_dates() -> list[Case]:
    cases = []
    for value in _BAD_DATES:
        label = json.dumps(value)[:24]
        cases.append(
            Case(
                f"start_date-{label}", 422, json_body=body(start_date=value), fields=("start_date",)
            )
        )
        cases.append(
            Case(
                f"end_date-{label}",
                422,
                json_body=body(start_date="2025-08-07T09:00:00Z", end_date=value),
                fields=("end_date",),
            )
        )
    return cases


def _interval_rules() -> list[Case]:
    return [
        Case(
            "end-before-start",
            422,
            json_body=body(start_date="2025-08-07T10:00:00Z", end_date="2025-08-07T09:00:00Z"),
            fields=("end_date",),
            message="The end date must be after the start date.",
        ),
        Case(
            "end-equals-start",
            422,
            json_body=body(start_date="2025-08-07T10:00:00Z", end_date="2025-08-07T10:00:00Z"),
            fields=("end_date",),
        ),
        Case(
            "longer-than-366-days",
            422,
            json_body=body(start_date="2024-01-01T00:00:00Z", end_date="2025-01-02T00:00:01Z"),
            fields=("end_date",),
            message="A time entry may not be longer than 366 days: send an end date within "
            "366 days of its start.",
        ),
        Case(
            "end-only",
            422,
            json_body=body(total_time_in_minutes=_MISSING, end_date="2025-08-07T10:00:00Z"),
            fields=("end_date",),
        ),
        Case(
            "timer-in-the-future",
            422,
            json_body=body(total_time_in_minutes=_MISSING, start_date="2999-01-01T00:00:00Z"),
            fields=("start_date",),
        ),
        Case(
            "trackable-of-another-kind",
            422,
            json_body=body(trackable_type="case"),
            fields=("trackable_uuid",),
            message="The selected trackable uuid is invalid.",
        ),
        Case(
            "unknown-trackable",
            422,
            json_body=body(trackable_uuid="00000000-0000-4000-8000-000000000000"),
            fields=("trackable_uuid",),
        ),
        Case("nul-in-name", 422, raw=json.dumps(body(name="a\x00b")).encode(), fields=("name",)),
        Case(
            "lone-surrogate-in-description",
            422,
            raw=json.dumps(body(description="\ud800")).encode(),
            fields=("description",),
        ),
    ]


def _auth_and_headers() -> list[Case]:
    return [
        Case("no-token", 401, json_body=body(), authenticated=False, message="Unauthenticated."),
        Case(
            "junk-token",
            401,
            json_body=body(),
            authenticated=False,
            headers={"Authorization": "Bearer junk"},
            message="Unauthenticated.",
        ),
        Case(
            "basic-auth",
            401,
            json_body=body(),
            authenticated=False,
            headers={"Authorization": "Basic YTpi"},
            message="Unauthenticated.",
        ),
        Case(
            "empty-bearer",
            401,
            json_body=body(),
            authenticated=False,
            headers={"Authorization": "Bearer "},
            message="Unauthenticated.",
        ),
        Case(
            "account-header-not-a-uuid",
            400,
            json_body=body(),
            headers={"X-PLANNR-ACCOUNT-UUID": "nope"},
            message="The X-PLANNR-ACCOUNT-UUID header must be an account UUID.",
        ),
        Case(
            "account-header-foreign",
            403,
            json_body=body(),
            headers={"X-PLANNR-ACCOUNT-UUID": "00000000-0000-4000-8000-000000000000"},
        ),
        Case(
            "idempotency-key-too-long",
            400,
            json_body=body(),
            headers={"Idempotency-Key": "k" * 256},
            message="The Idempotency-Key header must be 1 to 255 printable ASCII characters.",
        ),
        Case(
            "idempotency-key-blank",
            400,
            json_body=body(),
            headers={"Idempotency-Key": "   "},
            message="The Idempotency-Key header must be 1 to 255 printable ASCII characters.",
        ),
    ]


def _routes_and_sizes() -> list[Case]:
    cases = [
        Case(
            f"method-{m}-on-collection",
            405,
            method=m,
            json_body=body(),
            message=f"The {m} method is not supported for this route.",
        )
        for m in ("PUT", "PATCH")
    ]
    cases += [
        Case(
            "unknown-route",
            404,
            path="/api/v1/time-entries",
            json_body=body(),
            message="The route api/v1/time-entries could not be found.",
        ),
        Case(
            "body-over-1-mib",
            413,
            json_body=body(description="x" * (1024 * 1024)),
            message="The request body may not be larger than 1048576 bytes.",
        ),
        Case(
            "body-over-1-mib-unauthenticated",
            413,
            authenticated=False,
            raw=b" " * (1024 * 1024 + 1),
            message="The request body may not be larger than 1048576 bytes.",
        ),
    ]
    return cases


CASES: list[Case] = [
    *_broken_json(),
    *_not_an_object(),
    *_wrong_content_types(),
    *_missing_fields(),
    *_wrong_types(),
    *_bad_dates(),
    *_interval_rules(),
    *_auth_and_headers(),
    *_routes_and_sizes(),
]


def list_cases(path: str) -> list[Case]:
    """What every Laravel-style list route must refuse (see pagination.py)."""
    return (
        [
            Case(
                f"{path}-per_page-{v}",
                422,
                method="GET",
                path=f"{path}?per_page={v}",
                json_body=_MISSING,
                fields=("per_page",),
            )
            for v in ("0", "-1", "501", "abc", "1.5", "99999999999999999999")
        ]
        + [
            Case(
                f"{path}-page-{v}",
                422,
                method="GET",
                path=f"{path}?page={v}",
                json_body=_MISSING,
                fields=("page",),
            )
            for v in ("0", "-1", "abc", "10000001")
        ]
        + [
            Case(
                f"{path}-unknown-filter",
                400,
                method="GET",
                path=f"{path}?filter[nope]=x",
                json_body=_MISSING,
            ),
            Case(
                f"{path}-unknown-sort",
                400,
                method="GET",
                path=f"{path}?sort=nope",
                json_body=_MISSING,
            ),
        ]
    )


def is_missing(value: Any) -> bool:
    return value is _MISSING
