"""Every row but the time entries: firms, staff with users, logins and tokens, clients,
cases, circles, tasks and board tasks. Small (thousands of rows), so these go through
SQLAlchemy Core with the model's own column types; ids are assigned here.
"""

from __future__ import annotations

import random
import secrets
import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from bench.dataset import Shape, new_uuid
from timeledger.auth.service import TOKEN_PREFIX, hash_password, hash_token
from timeledger.models import TrackableType

Row = dict[str, Any]


@dataclass
class FirmIds:
    """One firm's ids, so entries can point at its records."""

    id: int
    uuid: str
    employees: list[int] = field(default_factory=list)
    trackables: dict[TrackableType, list[int]] = field(default_factory=dict)


@dataclass
class World:
    rows: dict[str, list[Row]]
    firms: list[FirmIds]
    # (table, id) -> uuid hex, for the records the benchmark addresses.
    uuids: dict[tuple[str, int], str]
    token: str = ""


class _Builder:
    def __init__(self, shape: Shape, now: datetime, rng: random.Random) -> None:
        self.shape = shape
        self.now = now
        self.rng = rng
        self.rows: dict[str, list[Row]] = {}
        self.uuids: dict[tuple[str, int], str] = {}
        # One hash for every user: hashing is slow and nobody logs in with a password here.
        self.password_hash = hash_password("bench-password")

    def add(self, table: str, **values: Any) -> int:
        """Append a row with the next id of ``table``, its own uuid and timestamps."""
        rows = self.rows.setdefault(table, [])
        row_id = len(rows) + 1
        hex_uuid = new_uuid(self.rng)
        self.uuids[(table, row_id)] = hex_uuid
        rows.append(
            {
                "id": row_id,
                "uuid": uuid.UUID(hex_uuid),
                "created_at": self.now,
                "updated_at": self.now,
                **values,
            }
        )
        return row_id

    def link(self, table: str, **values: Any) -> None:
        self.rows.setdefault(table, []).append(values)

    def account(self, firm_id: int, kind: str, role: str, n: int) -> int:
        return self.add(
            "accounts",
            firm_id=firm_id,
            type=kind,
            role=role,
            first_name=f"{kind.capitalize()}{n}",
            last_name=f"Firm{firm_id}",
            email=f"{kind}{n}.firm{firm_id}@bench.example",
            archived_at=None,
        )

    def login(self, firm_id: int, user_id: int, account_id: int) -> None:
        self.add(
            "logins",
            firm_id=firm_id,
            user_id=user_id,
            account_id=account_id,
            has_write_permission=True,
            has_delete_permission=True,
        )

    def token(self, user_id: int, plain: str) -> None:
        self.add(
            "personal_access_tokens",
            user_id=user_id,
            account_id=None,
            name="bench",
            token_hash=hash_token(plain),
            expires_at=self.now + timedelta(days=365),
            last_used_at=None,
            revoked_at=None,
        )


def _staff(builder: _Builder, firm: FirmIds) -> None:
    for n in range(builder.shape.employees):
        account_id = builder.account(firm.id, "employee", "owner" if n == 0 else "member", n)
        user_id = builder.add(
            "users",
            email=f"staff{n}.firm{firm.id}@bench.example",
            password_hash=builder.password_hash,
        )
        builder.login(firm.id, user_id, account_id)
        builder.token(user_id, TOKEN_PREFIX + secrets.token_urlsafe(32))
        firm.employees.append(account_id)


def _clients(builder: _Builder, firm: FirmIds) -> list[int]:
    return [
        builder.account(firm.id, "client", "individual", n) for n in range(builder.shape.clients)
    ]


def _cases_and_circles(builder: _Builder, firm: FirmIds, clients: list[int]) -> None:
    shape, rng = builder.shape, builder.rng
    cases, circles = [], []
    for n in range(shape.cases):
        case_id = builder.add(
            "cases", firm_id=firm.id, name=f"Case {n}", slug=f"case-{n}", archived_at=None
        )
        cases.append(case_id)
        for client in rng.sample(clients, min(len(clients), rng.randint(1, 2))):
            builder.link("case_participants", firm_id=firm.id, case_id=case_id, account_id=client)
    for n in range(shape.circles):
        circle_id = builder.add("circles", firm_id=firm.id, name=f"Household {n}", archived_at=None)
        circles.append(circle_id)
        for client in rng.sample(clients, min(len(clients), rng.randint(2, 4))):
            builder.link("circle_members", firm_id=firm.id, circle_id=circle_id, account_id=client)
    firm.trackables[TrackableType.CASE] = cases
    firm.trackables[TrackableType.CIRCLE] = circles


def _tasks(builder: _Builder, firm: FirmIds, clients: list[int]) -> None:
    shape, rng = builder.shape, builder.rng
    cases = firm.trackables[TrackableType.CASE]
    tasks, board_tasks = [], []
    for n in range(shape.tasks):
        on_client = n % 2 == 0
        task = {
            "account_id": rng.choice(clients) if on_client else None,
            "case_id": None if on_client else rng.choice(cases),
        }
        tasks.append(
            builder.add(
                "tasks",
                firm_id=firm.id,
                name=f"Task {n}",
                description=None,
                priority="medium",
                due_at=None,
                archived_at=None,
                **task,
            )
        )
    for n in range(shape.board_tasks):
        board_tasks.append(
            builder.add(
                "board_tasks",
                firm_id=firm.id,
                case_id=rng.choice(cases),
                name=f"Card {n}",
                description=None,
                archived_at=None,
            )
        )
    firm.trackables[TrackableType.TASK] = tasks
    firm.trackables[TrackableType.BOARD_TASK] = board_tasks


def _bench_user(builder: _Builder, firm: FirmIds) -> str:
    """The load driver's caller: a user with a login on every employee of the first firm, so
    it can act as any of them with the account header."""
    user_id = builder.add("users", email="bench@bench.example", password_hash=builder.password_hash)
    for account_id in firm.employees:
        builder.login(firm.id, user_id, account_id)
    plain = TOKEN_PREFIX + secrets.token_urlsafe(32)
    builder.token(user_id, plain)
    return plain


def build_world(shape: Shape, *, now: datetime, rng: random.Random) -> World:
    builder = _Builder(shape, now.astimezone(UTC), rng)
    firms = []
    for n in range(shape.firms):
        firm_id = builder.add(
            "firms", name=f"Bench Firm {n}", slug=f"bench-firm-{n}", time_zone="Europe/London"
        )
        firm = FirmIds(id=firm_id, uuid=builder.uuids[("firms", firm_id)])
        _staff(builder, firm)
        clients = _clients(builder, firm)
        firm.trackables[TrackableType.CLIENT] = clients
        firm.trackables[TrackableType.FIRM] = [firm_id]
        _cases_and_circles(builder, firm, clients)
        _tasks(builder, firm, clients)
        firms.append(firm)
    token = _bench_user(builder, firms[0])
    return World(rows=builder.rows, firms=firms, uuids=builder.uuids, token=token)
