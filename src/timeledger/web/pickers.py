"""What a form's pickers send (a select's option, ticked checkboxes), read against the
choices the page offered. A value that is not one of them is refused in the form's own
words ("Billable must be one of the choices in its list", "Pick tags from the list"),
never in the API's field names (``tags.0``, ``filter[billable]``), which a person using
the page never typed (docs/web.md, "Form fields")."""

from __future__ import annotations

import uuid
from collections.abc import Collection, Mapping, Sequence
from typing import TypeVar

from timeledger.errors import ValidationFailed

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
