"""Service messages in the app's words: the API's messages stay as they are (the API is a
drop-in for Plannr, so they carry RFC 3339 instants and the API's field names); a page
shows every instant in them as the rest of the app shows times, in the firm's zone with
its offset (``2026-12-01 11:43 +00:00``), and every API field name as the form's label
("Rounding step", not ``rounding_minutes``)."""

from __future__ import annotations

import re
from datetime import datetime

from timeledger.dates import zone

# An RFC 3339 / ISO 8601 instant with an offset, as the services write them
# (``2026-12-01T11:43:02+00:00``, ``...Z``, with or without seconds and fractions).
INSTANT = re.compile(
    r"\b\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:\d{2})(?![\d:])"
)
# The API's field names a page's message can carry, as the forms label them.
FORM_WORDS = {
    "rounding_minutes": "Rounding step",
    "group_by": "Group by",
    "filter[staff]": "Staff member",
    "filter[clients]": "Client",
    "filter[billable]": "Billable",
    "filter[trackable_type]": "Kind of record",
    "locked_before": "Lock date",
    "stop_running": "Stop running timers",
    "effective_from": "Valid from",
    "effective_to": "Valid to",
    "hourly_rate": "Hourly rate",
    "start_date": "Start",
    "end_date": "End",
    "trackable_uuid": "Track time on",
    "trackable_type": "Track time on",
    "week_start": "Week start",
    "time_zone": "Time zone",
    "billable_default": "Billable by default",
    "members_see_amounts": "Members see amounts",
    "billing_client_uuid": "Billing client",
    "billing_client": "Billing client",
    "expires_at": "Expires",
}
_NAMES = "|".join(re.escape(name) for name in sorted(FORM_WORDS, key=len, reverse=True))
_THE_FIELD = re.compile(rf"\bThe ({_NAMES}) field\b")
_SELECTED = re.compile(rf"\bThe selected ({_NAMES}) is invalid\b")
# A bare name is a field's name, except as one of a list of accepted values ("use day,
# week, ..., trackable_type, ..."), which stays as the API spells the value.
_BARE = re.compile(rf"(?<![\w\[])(?<!, )(?<!use )({_NAMES})(?![\w\],])")
# The keys of a page's context that hold messages for people.
MESSAGE_KEYS = ("error", "status", "cell_error")


def local_text(moment: datetime, time_zone: str) -> str:
    """An aware instant as the app writes times: ``2025-08-07 13:41 +01:00``."""
    local = moment.astimezone(zone(time_zone))
    offset = local.strftime("%z")
    return f"{local:%Y-%m-%d %H:%M} {offset[:3]}:{offset[3:]}"


def _local_match(match: re.Match[str], time_zone: str) -> str:
    try:
        moment = datetime.fromisoformat(match.group(0).replace("Z", "+00:00"))
    except ValueError:
        return match.group(0)
    return local_text(moment, time_zone)


def form_words(message: str) -> str:
    """``message`` with the API's field names said as the forms label them: "The
    rounding_minutes field must be one of ..." reads "Rounding step must be one of ..."."""
    message = _THE_FIELD.sub(lambda match: FORM_WORDS[match.group(1)], message)
    message = _SELECTED.sub(
        lambda match: f"The {FORM_WORDS[match.group(1)]} chosen is invalid", message
    )
    return _BARE.sub(lambda match: f"“{FORM_WORDS[match.group(1)]}”", message)


def for_people(message: str, time_zone: str) -> str:
    """``message`` with every instant in it shown in ``time_zone`` as the app shows times,
    and the API's field names as the forms label them."""
    return form_words(INSTANT.sub(lambda match: _local_match(match, time_zone), message))


def page_messages(context: dict[str, object]) -> dict[str, object]:
    """The page's messages (``MESSAGE_KEYS``) in the app's words, in the zone of the
    signed-in firm (UTC on a page without one)."""
    actor = context.get("actor")
    firm = getattr(actor, "firm", None)
    time_zone = getattr(firm, "time_zone", None) or "UTC"
    shown = dict(context)
    for key in MESSAGE_KEYS:
        value = shown.get(key)
        if isinstance(value, str):
            shown[key] = for_people(value, time_zone)
    return shown
