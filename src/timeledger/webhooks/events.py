"""The event names a subscription may ask for, and which subscriptions an event matches.

Names follow Plannr's ``entity.action`` kebab style (upstream-api.md §4). Plannr has no
time-entry events; ours are an extension. ``*`` matches every event and ``entity.*`` every
event of one entity.
"""

from __future__ import annotations

from collections.abc import Iterable

TIME_ENTRY_EVENTS = (
    "time-entry.created",
    "time-entry.updated",
    "time-entry.deleted",
    "time-entry.started",
    "time-entry.stopped",
    "time-entry.locked",
)
# Plannr's record events, for timeledger's own records.
RECORD_EVENTS = tuple(
    f"{entity}.{action}"
    for entity in ("account", "case", "circle", "task")
    for action in ("created", "updated", "deleted")
)
PING = "webhook.ping"
EVENT_TYPES: tuple[str, ...] = (*TIME_ENTRY_EVENTS, *RECORD_EVENTS)
ENTITIES = frozenset(name.split(".", 1)[0] for name in EVENT_TYPES)
# Every name a subscription may list, as the published schema enumerates them.
PATTERNS: tuple[str, ...] = ("*", *sorted(f"{entity}.*" for entity in ENTITIES), *EVENT_TYPES)


def is_known_pattern(pattern: str) -> bool:
    """A name a subscription may list: an event type, ``*`` or ``<entity>.*``."""
    return pattern in PATTERNS


def matches(patterns: Iterable[str], event_type: str) -> bool:
    """Whether a subscription listing ``patterns`` wants ``event_type``; a ping is sent
    only to the subscription it was asked for, never matched."""
    entity = event_type.split(".", 1)[0]
    return any(p in ("*", event_type, f"{entity}.*") for p in patterns)
