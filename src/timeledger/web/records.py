"""The record a page's address names (``/app/<thing>/<uuid>``), checked before the page
runs, the same way for every such page: a value that is not a UUID is a 400 page naming
it; a UUID of no such record (of this firm, or for sign-ins and tokens of this user) is a
404 page naming the kind of record and the UUID (docs/web.md, "Records in addresses").
Whether the caller may act on a record that exists stays the services' rule."""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from fastapi import Request
from fastapi.responses import Response

from timeledger.dependencies import SessionDep
from timeledger.web import repository
from timeledger.web.deps import WebActorDep
from timeledger.web.templating import error_page

# Each address's path parameter and the record it names, in the app's words.
RECORDS = {
    "session_uuid": "sign-in",
    "token_uuid": "personal access token",
    "case_uuid": "case",
    "entry_uuid": "time entry",
    "rate_uuid": "billing rate",
    "account_uuid": "staff member",
    "tag_uuid": "tag",
    "subscription_uuid": "webhook subscription",
    "delivery_uuid": "webhook delivery",
}
EXAMPLE = "6f1c2b1e-8a4d-4c3e-9a57-2f0b1c3d4e5f"


@dataclass
class RecordNotInPath(Exception):
    """The address names a record by a value that is not a UUID (400) or that no record
    of its kind has (404)."""

    kind: str
    value: str
    malformed: bool


def record_in_path(request: Request, actor: WebActorDep, session: SessionDep) -> None:
    """Raise ``RecordNotInPath`` for the route's record parameter (``RECORDS``) when it is
    not a UUID, or no record of that kind with it exists for the caller. Signing in comes
    first (``actor``): a signed-out browser is sent to sign in, as on every page."""
    for name, value in request.path_params.items():
        kind = RECORDS.get(name)
        if kind is None:
            continue
        try:
            record = uuid.UUID(str(value))
        except ValueError:
            raise RecordNotInPath(kind, str(value), malformed=True) from None
        if not repository.record_exists(session, name, record, actor):
            raise RecordNotInPath(kind, str(record), malformed=False)


def record_not_in_path_handler(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, RecordNotInPath)
    shown = exc.value if len(exc.value) <= 60 else exc.value[:60] + "…"
    if exc.malformed:
        message = (
            f"“{shown}” in this address is not a {exc.kind}'s UUID: a UUID looks like "
            f"{EXAMPLE}. Check the link, or go back to the list."
        )
        return error_page(request, 400, message)
    owner = "of yours" if exc.kind in ("sign-in", "personal access token") else "in this firm"
    message = (
        f"There is no {exc.kind} with UUID {shown} {owner}: it may have been deleted, or the "
        "link is mistyped."
    )
    return error_page(request, 404, message, title="Not found")
