"""Fixtures of the time-entry tests: staff of every kind, and entries written directly."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

import pytest
from sqlalchemy.orm import Session

from tests.conftest import FROZEN_NOW
from tests.factories import FirmWorld, Staff, make_staff
from tests.factories.time_entries import make_entry
from timeledger.models import AccountRole, AccountType, TimeEntry

MakeStaff = Callable[..., Staff]
MakeEntry = Callable[..., TimeEntry]


@pytest.fixture
def staff(session: Session, world: FirmWorld) -> MakeStaff:
    """``staff(role=AccountRole.MEMBER, write=False, ...)``: another login of the world's firm."""

    def make(**kwargs: Any) -> Staff:
        return make_staff(session, world.firm, now=FROZEN_NOW, **kwargs)

    return make


@pytest.fixture
def member(staff: MakeStaff) -> Staff:
    return staff(role=AccountRole.MEMBER, first_name="Mia")


@pytest.fixture
def client_login(staff: MakeStaff) -> Staff:
    return staff(account_type=AccountType.CLIENT, role=AccountRole.INDIVIDUAL)


@pytest.fixture
def external_login(staff: MakeStaff) -> Staff:
    return staff(account_type=AccountType.EXTERNAL, role=AccountRole.INTRODUCER)


@pytest.fixture
def entry(session: Session) -> MakeEntry:
    """``entry(account=..., on=..., start=..., minutes=...)``; minutes=None is running."""

    def make(**kwargs: Any) -> TimeEntry:
        return make_entry(session, **kwargs)

    return make


def utc(
    year: int, month: int, day: int, hour: int = 0, minute: int = 0, second: int = 0
) -> datetime:
    return datetime(year, month, day, hour, minute, second, tzinfo=UTC)
