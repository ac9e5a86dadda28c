"""What a form's pickers send (a select's option, ticked checkboxes), read against the
choices the page offered. A value that is not one of them is refused in the form's own
words ("Billable must be one of the choices in its list", "Pick tags from the list"),
never in the API's field names (``tags.0``, ``filter[billable]``), which a person using
the page never typed (docs/web.md, "Form fields")."""

from __future__ import annotations

import uuid
from collections.abc import Callable, Collection, Mapping, Sequence
from typing import TypeVar

from sqlalchemy.orm import Session

from timeledger.auth.service import Actor
from timeledger.errors import ValidationFailed
from timeledger.trackables.repository import find_trackable
from timeledger.trackables.service import parse_trackable_type
from timeledger.web.schemas import KIND_LABELS

_T = TypeVar("_T")

BILLABLE_REFUSED = "Billable must be one of the choices in its list."
BILLABLE_KINDS_REFUSED = (
    "Billable by default is ticked or not for each kind of record the form lists; "
    "{value} is not one of them."
)
TAGS_REFUSED = (
    "Pick tags from the list: {value} is not one of the firm's tags (a tag archived since "
    "the page was loaded is no longer offered; reload the page)."
)
PICK_REFUSED = "Pick {what} from the list: {value} is not one."
TRACKABLE_REFUSED = (
    "Choose what to track time on from the list: {value} is not one of the firm's records."
)
ARCHIVED = (
    "This {lower} is archived ({kind} “{name}”): it takes no new time. "
    "Choose another record to track time on."
)


def shown(value: str) -> str:
    """A refused value quoted back, cut short so a long one does not fill the page."""
    return repr(value if len(value) <= 40 else value[:40] + "…")


def choice(field: str, value: str, choices: Mapping[str, _T], message: str) -> _T:
    """``choices[value]``; ``ValidationFailed`` (422) on ``field`` with ``message`` when
    ``value`` is not one of the offered keys."""
    if value not in choices:
        raise ValidationFailed.field(field, message.format(value=shown(value)))
    return choices[value]


def picked(field: str, values: Sequence[str], offered: Collection[str], message: str) -> list[str]:
    """``values`` (ticked checkboxes, in order) when each is one of ``offered``; else
    ``ValidationFailed`` (422) on ``field`` naming the first that is not."""
    for value in values:
        if value not in offered:
            raise ValidationFailed.field(field, message.format(value=shown(value)))
    return list(values)


def record_uuid(field: str, value: str, what: str) -> str:
    """``value`` when it reads as a UUID (whether the record exists is the service's
    check, in its own words); else ``ValidationFailed`` on ``field``: "Pick <what> from
    the list"."""
    try:
        uuid.UUID(value)
    except ValueError:
        raise ValidationFailed.field(
            field, PICK_REFUSED.format(what=what, value=shown(value))
        ) from None
    return value


def trackable_refusal(session: Session, actor: Actor, value: str) -> str:
    """Why ``type:uuid`` (a "Track time on" / "On" choice) takes no time, in the form's
    words: an archived record is named as archived; anything else is not on the list."""
    kind_text, _, uuid_text = value.partition(":")
    kind = parse_trackable_type(kind_text)
    try:
        found_uuid = uuid.UUID(uuid_text)
    except ValueError:
        found_uuid = None
    found = None
    if kind is not None and found_uuid is not None:
        found = find_trackable(
            session,
            firm=actor.firm,
            trackable_type=kind,
            trackable_uuid=found_uuid,
            include_archived=True,
        )
    if kind is None or found is None:
        return TRACKABLE_REFUSED.format(value=shown(value))
    label = KIND_LABELS[kind]
    return ARCHIVED.format(kind=label, lower=label.lower(), name=getattr(found, "name", ""))


def in_form_words(
    session: Session, actor: Actor, exc: ValidationFailed, trackable: str
) -> ValidationFailed:
    """``exc`` with the API's trackable messages ("The selected trackable uuid is
    invalid.") said as the form says them (``trackable_refusal``)."""
    api_fields = ("trackable_uuid", "trackable_type")
    if not any(field in exc.errors for field in api_fields):
        return exc
    errors = {k: v for k, v in exc.errors.items() if k not in api_fields}
    return ValidationFailed({"trackable": [trackable_refusal(session, actor, trackable)], **errors})


def trackable_words(
    session: Session, actor: Actor, trackable: str, action: Callable[[], None]
) -> Callable[[], None]:
    """``action`` with its refusals about the trackable said in the form's words
    (``in_form_words``); for ``actions.attempt``."""

    def run() -> None:
        try:
            action()
        except ValidationFailed as exc:
            raise in_form_words(session, actor, exc, trackable) from None

    return run
