"""The Reports page's filters (staff, client, billable) and rounding: what the form sends,
turned into the API's query keys, and the choices the form offers."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from sqlalchemy.orm import Session

from timeledger.accounts import service as accounts
from timeledger.auth.service import Actor
from timeledger.kit.listing import MAX_PER_PAGE, ListParams, Sort
from timeledger.models import AccountType
from timeledger.reports.rounding import STEPS_MINUTES, RoundingMode
from timeledger.web.pickers import BILLABLE_REFUSED, choice, record_uuid

# The form's own field names, kept short in the page's address.
FIELDS = ("staff", "client", "billable", "rounding", "rounding_minutes")
BILLABLE = {"": "Billable and not", "true": "Billable only", "false": "Non-billable only"}
_BILLABLE_KEYS = {value: value for value in BILLABLE}
ROUNDING = {
    RoundingMode.NONE.value: "No rounding",
    RoundingMode.UP.value: "Round up",
    RoundingMode.DOWN.value: "Round down",
    RoundingMode.NEAREST.value: "Round to nearest",
}
STEPS = [str(step) for step in STEPS_MINUTES]
DEFAULT_STEP = "15"
# A firm's staff or clients beyond this many are not offered in the picker (the API's
# filter[staff] and filter[clients] still take any of them).
MAX_CHOICES = 5000


@dataclass(frozen=True)
class Choices:
    """(uuid, name) pairs for the pickers, by name."""

    staff: list[tuple[str, str]]
    clients: list[tuple[str, str]]


def form_values(params: Mapping[str, str]) -> dict[str, str]:
    """What the form shows again: each field as sent, rounding ``none`` and a 15-minute
    step when absent."""
    values = {name: params.get(name, "") for name in FIELDS}
    values["rounding"] = values["rounding"] or RoundingMode.NONE.value
    values["rounding_minutes"] = values["rounding_minutes"] or DEFAULT_STEP
    return values


def filter_query(params: Mapping[str, str]) -> dict[str, str]:
    """The API's keys for the form's filters: ``staff`` as ``filter[staff]``, ``client`` as
    ``filter[clients]`` (the client's own time and its cases'), ``billable`` as
    ``filter[billable]``; ``rounding`` with ``rounding_minutes`` unless rounding is
    ``none`` (the step picker always sends a value, which then means nothing). An empty
    field is no filter. A staff member or client that is not a UUID, or a billable choice
    the list does not offer, is ``ValidationFailed`` in the form's words
    (``web.pickers``); other values go on as sent, so the service refuses a bad one in its
    own words."""
    query: dict[str, str] = {}
    for field, key, what in (
        ("staff", "filter[staff]", "a staff member"),
        ("client", "filter[clients]", "a client"),
    ):
        if value := params.get(field, "").strip():
            query[key] = record_uuid(field, value, what)
    if billable := params.get("billable", "").strip():
        query["filter[billable]"] = choice("billable", billable, _BILLABLE_KEYS, BILLABLE_REFUSED)
    rounding = params.get("rounding", "").strip()
    if rounding and rounding != RoundingMode.NONE.value:
        query["rounding"] = rounding
        query["rounding_minutes"] = params.get("rounding_minutes", "").strip()
    return query


def _names(session: Session, actor: Actor, *, clients: bool) -> list[tuple[str, str]]:
    found: list[tuple[str, str]] = []
    page = 1
    while len(found) < MAX_CHOICES:
        params = ListParams(
            filters={} if clients else {"type": [AccountType.EMPLOYEE.value]},
            sort=Sort(field="first_name", descending=False),
            page=page,
            per_page=MAX_PER_PAGE,
            url="/app/reports",
        )
        rows = accounts.account_choices(session, actor=actor, params=params, clients_only=clients)
        found += [(row.uuid, row.name) for row in rows]
        if len(rows) < MAX_PER_PAGE:
            break
        page += 1
    return sorted(found, key=lambda pair: (pair[1].casefold(), pair[0]))


def choices(session: Session, actor: Actor) -> Choices:
    """The firm's live staff and clients, through the accounts service (the API's list's
    filters, order and visibility, as uuid and name only)."""
    return Choices(
        staff=_names(session, actor, clients=False), clients=_names(session, actor, clients=True)
    )
