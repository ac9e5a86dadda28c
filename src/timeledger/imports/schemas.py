"""The CSV format of ``timeledger import records`` and the rows it reads into.

UTF-8 (a byte-order mark is allowed), a header row, one record a line. Columns, in any
order (unknown ones are refused, empty cells are as good as absent):

- ``kind``: ``client``, ``case`` or ``task`` (required);
- ``ref``: a key, unique in the file, by which other lines can name this one;
- clients: ``first_name`` (required), ``last_name``, ``email``, ``role`` (individual, joint,
  trust or business; default individual);
- cases: ``name`` (required), ``participants``: refs of clients in the file or UUIDs of
  the firm's accounts, separated by ``;``, at least one a client;
- tasks: ``name`` (required), ``description``, ``priority`` (low, medium, high or highest;
  default medium), ``due_at`` (as the API reads it, in the firm's time zone), ``on``: the
  ref of a client or case in the file, or the UUID of one of the firm's.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import datetime

from timeledger.models import AccountRole, TaskPriority

COLUMNS = (
    "kind",
    "ref",
    "first_name",
    "last_name",
    "email",
    "role",
    "name",
    "participants",
    "description",
    "priority",
    "due_at",
    "on",
)
KINDS = ("client", "case", "task")
MAX_NAME = 255
MAX_TEXT = 10_000


@dataclass
class ClientRow:
    line: int
    ref: str | None
    first_name: str
    last_name: str
    email: str | None
    role: AccountRole


@dataclass
class CaseRow:
    line: int
    ref: str | None
    name: str
    participants: list[str]


@dataclass
class TaskRow:
    line: int
    ref: str | None
    name: str
    description: str | None
    priority: TaskPriority
    due_at: datetime | None
    on: str


@dataclass
class ParsedFile:
    clients: list[ClientRow] = field(default_factory=list)
    cases: list[CaseRow] = field(default_factory=list)
    tasks: list[TaskRow] = field(default_factory=list)

    @property
    def count(self) -> int:
        return len(self.clients) + len(self.cases) + len(self.tasks)


@dataclass(frozen=True)
class ImportSummary:
    clients: int
    cases: int
    tasks: int
    # (ref, kind, UUID) of each imported line that had a ref.
    refs: list[tuple[str, str, uuid.UUID]] = field(default_factory=list)

    @property
    def total(self) -> int:
        return self.clients + self.cases + self.tasks
