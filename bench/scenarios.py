"""The benchmark's scenarios, each a plan of concrete requests built from the generator's
fixture. A plan is one request a line, ``METHOD<TAB>PATH<TAB>ACCOUNT<TAB>BODY``, replayed by
``wrk/replay.lua`` or ``bench.driver``.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import quote

ENTRY = "/api/v1/time-entry"


@dataclass(frozen=True)
class Fixture:
    """What the generator wrote for the driver (see ``bench.generate.Generated``)."""

    token: str
    generated_at: int
    firm_uuid: str
    accounts: dict[int, str]
    trackables: dict[str, str]
    client_uuid: str
    sample: list[tuple[str, str]]

    @classmethod
    def read(cls, data: dict[str, Any]) -> Fixture:
        return cls(
            token=data["token"],
            generated_at=data["generated_at"],
            firm_uuid=data["firm_uuid"],
            accounts={int(key): value for key, value in data["accounts"].items()},
            trackables=data["trackables"],
            client_uuid=data["client_uuid"],
            sample=[(entry, account) for entry, account in data["sample"]],
        )

    @property
    def staff(self) -> list[str]:
        return list(self.accounts.values())

    @property
    def readable(self) -> list[tuple[str, str]]:
        """Entries to show and update: the first part of the sample."""
        return self.sample[: max(1, len(self.sample) // 4)]

    @property
    def deletable(self) -> list[tuple[str, str]]:
        """Entries to delete, each once: the rest of the sample."""
        return self.sample[max(1, len(self.sample) // 4) :]


def _line(method: str, path: str, account: str = "", body: dict[str, Any] | None = None) -> str:
    return f"{method}\t{path}\t{account}\t{json.dumps(body) if body is not None else ''}"


def _iso(instant: int) -> str:
    return datetime.fromtimestamp(instant, UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _filters(**filters: str) -> str:
    return "&".join(
        f"filter%5B{name}%5D={quote(value, safe=',')}" for name, value in filters.items()
    )


def create_finished(fixture: Fixture, count: int, offset: int) -> list[str]:
    """Finished entries a month back, across every trackable type and every staff account."""
    return _finished(fixture, count, offset, days_back=30)


def create_webhooks(fixture: Fixture, count: int, offset: int) -> list[str]:
    """``create_finished``'s requests three months back, run while the firm has three
    webhook subscriptions (``bench.subscriptions``): each write also fills the outbox."""
    return _finished(fixture, count, offset, days_back=90)


def _finished(fixture: Fixture, count: int, offset: int, *, days_back: int) -> list[str]:
    staff, kinds = fixture.staff, sorted(fixture.trackables)
    base = fixture.generated_at - days_back * 86_400
    lines = []
    for n in range(offset, offset + count):
        kind = kinds[n % len(kinds)]
        start = base + n * 37
        body = {
            "trackable_type": kind,
            "trackable_uuid": fixture.trackables[kind],
            "name": "Benchmark entry",
            "description": "Written by the load driver.",
            "start_date": _iso(start),
            "end_date": _iso(start + 1800),
        }
        lines.append(_line("POST", ENTRY, staff[n % len(staff)], body))
    return lines


def create_running(fixture: Fixture, count: int, start_at: int) -> list[str]:
    """Timers: each starts a second after the one before it, so each stops the account's
    running timer. The runner stops every staff timer before the run (``start_at`` is
    ``count`` seconds or more before now)."""
    staff = fixture.staff
    client = fixture.trackables["client"]
    return [
        _line(
            "POST",
            ENTRY,
            staff[n % len(staff)],
            {
                "trackable_type": "client",
                "trackable_uuid": client,
                "name": "Timer",
                "start_date": _iso(start_at + n),
            },
        )
        for n in range(count)
    ]


def show(fixture: Fixture, count: int, offset: int) -> list[str]:
    pool = fixture.readable
    return [
        _line("GET", f"{ENTRY}/{entry}", account)
        for entry, account in (pool[n % len(pool)] for n in range(offset, offset + count))
    ]


def update(fixture: Fixture, count: int, offset: int) -> list[str]:
    """PUT, as upstream clients send it: the trackable (here the firm) and a new name."""
    pool = fixture.readable
    lines = []
    for n in range(offset, offset + count):
        entry, account = pool[n % len(pool)]
        body = {
            "trackable_type": "firm",
            "trackable_uuid": fixture.firm_uuid,
            "name": f"Updated {n}",
        }
        lines.append(_line("PUT", f"{ENTRY}/{entry}", account, body))
    return lines


def delete(fixture: Fixture, count: int, offset: int) -> list[str]:
    pool = fixture.deletable[offset : offset + count]
    return [_line("DELETE", f"{ENTRY}/{entry}", account) for entry, account in pool]


def list_week(fixture: Fixture, count: int, offset: int) -> list[str]:
    """The last seven days of one staff account's own entries (a timesheet view)."""
    last = datetime.fromtimestamp(fixture.generated_at, UTC).date()
    first = last - timedelta(days=6)
    query = _filters(between=f"{first.isoformat()},{last.isoformat()}")
    staff = fixture.staff
    return [_line("GET", f"{ENTRY}?{query}", staff[n % len(staff)]) for n in range(count)]


def list_trackable(fixture: Fixture, count: int, offset: int) -> list[str]:
    """The first page of every staff member's entries on one client."""
    query = _filters(accounts=",".join(fixture.staff))
    path = f"{ENTRY}/client/{fixture.client_uuid}?{query}"
    staff = fixture.staff
    return [_line("GET", path, staff[n % len(staff)]) for n in range(count)]


def client_rollup(fixture: Fixture, count: int, offset: int) -> list[str]:
    """The first page of a client's roll-up: its entries, its cases', tasks' and cards'."""
    query = _filters(account_uuids=",".join(fixture.staff))
    path = f"/api/v1/client/{fixture.client_uuid}/all-time-entries?{query}"
    staff = fixture.staff
    return [_line("GET", path, staff[n % len(staff)]) for n in range(count)]


Plan = Callable[[Fixture, int, int], list[str]]
# In the order they run: reads first, on the data as generated; writes after.
SCENARIOS: dict[str, Plan] = {
    "show": show,
    "list_week": list_week,
    "list_trackable": list_trackable,
    "client_rollup": client_rollup,
    "update": update,
    "create_finished": create_finished,
    "create_webhooks": create_webhooks,
    "create_running": create_running,
    "delete": delete,
}
# Scenarios run while the firm has this many webhook subscriptions (issue 14's writes).
WITH_WEBHOOKS = {"create_webhooks": 3}
# Scenarios whose every request needs an entry of its own.
CONSUMING = frozenset({"delete"})
