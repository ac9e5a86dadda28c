"""What the pages show: small view shapes built from the services' answers."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import date

from timeledger.models import Account, Firm, TrackableType
from timeledger.time_entries.schemas import TimeEntryRead
from timeledger.trackables.repository import Trackable

KIND_LABELS = {
    TrackableType.CLIENT: "Client",
    TrackableType.CASE: "Case",
    TrackableType.CIRCLE: "Circle",
    TrackableType.TASK: "Task",
    TrackableType.BOARD_TASK: "Board task",
    TrackableType.FIRM: "Firm",
}


def type_value(label: str) -> str:
    """The API's trackable label (``BoardTask``) as its type value (``board_task``)."""
    return "".join(f"_{c.lower()}" if c.isupper() else c for c in label).lstrip("_")


@dataclass(frozen=True, slots=True)
class TrackableChoice:
    """One suggestion of the timer's type-ahead; ``value`` is ``type:uuid``."""

    kind: TrackableType
    uuid: uuid.UUID
    name: str

    @property
    def value(self) -> str:
        return f"{self.kind.value}:{self.uuid}"

    @property
    def label(self) -> str:
        return f"{self.name} ({KIND_LABELS[self.kind]})"

    @classmethod
    def of(cls, kind: TrackableType, trackable: Trackable) -> TrackableChoice:
        name = trackable.name
        return cls(kind=kind, uuid=trackable.uuid, name=name)


def entry_choice(entry: TimeEntryRead) -> TrackableChoice:
    """What ``entry`` tracks time on, as a choice: the same ``value`` and ``label``
    ("Priya Shah (Client)") as every other option of the pages' pickers."""
    kind = TrackableType(type_value(entry.trackable_type))
    name = str(getattr(entry.trackable, "name", "") or "")
    return TrackableChoice(kind=kind, uuid=entry.trackable.uuid, name=name)


@dataclass(slots=True)
class Day:
    """One day of the day list: its entries (oldest first) and their total."""

    day: date
    entries: list[TimeEntryRead] = field(default_factory=list)

    @property
    def total_seconds(self) -> int:
        return sum(entry.computed_time_elapsed_in_seconds for entry in self.entries)


@dataclass(slots=True)
class WeekRow:
    """One row of the week grid: a trackable and an entry name; a cell per day."""

    kind: TrackableType
    trackable_uuid: uuid.UUID
    trackable_name: str
    name: str
    cells: list[list[TimeEntryRead]]

    @property
    def total_seconds(self) -> int:
        return sum(e.computed_time_elapsed_in_seconds for cell in self.cells for e in cell)

    @property
    def key(self) -> str:
        return f"{self.kind.value}:{self.trackable_uuid}"

    @property
    def kind_label(self) -> str:
        """The record's kind in words ("Client", "Board task"), as the pickers label it."""
        return KIND_LABELS[self.kind]


@dataclass(slots=True)
class Week:
    days: list[date]
    rows: list[WeekRow]

    def day_total(self, index: int) -> int:
        return sum(
            e.computed_time_elapsed_in_seconds for row in self.rows for e in row.cells[index]
        )

    @property
    def total_seconds(self) -> int:
        return sum(row.total_seconds for row in self.rows)


@dataclass(frozen=True, slots=True)
class Choice:
    """One login on the account picker."""

    account: Account
    firm: Firm
