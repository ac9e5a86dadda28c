"""What the database itself refuses, whatever the code above it does."""

from __future__ import annotations

import pytest
from sqlalchemy.exc import IntegrityError

from tests.conftest import FROZEN_NOW
from timeledger.models import AccountRole, TimeEntry, TrackableType


def _entry(world, *, ended: bool, **overrides) -> TimeEntry:
    values = {
        "firm_id": world.firm.id,
        "account_id": world.owner.account.id,
        "trackable_type": TrackableType.CLIENT,
        "trackable_id": world.client.id,
        "name": "x",
        "started_at": FROZEN_NOW,
        "ended_at": FROZEN_NOW if ended else None,
        "created_at": FROZEN_NOW,
        "updated_at": FROZEN_NOW,
    }
    values.update(overrides)
    return TimeEntry(**values)


def test_a_second_running_entry_for_an_account_is_refused(session, world):
    session.add(_entry(world, ended=False))
    session.flush()
    session.add(_entry(world, ended=False))
    with pytest.raises(IntegrityError):
        session.flush()


def test_finished_and_deleted_entries_do_not_count_as_running(session, world):
    session.add_all(
        [
            _entry(world, ended=False, deleted_at=FROZEN_NOW),
            _entry(world, ended=True),
            _entry(world, ended=False),
        ]
    )
    session.flush()


def test_an_entry_of_an_unknown_account_is_refused(session, world):
    session.add(_entry(world, ended=True, account_id=987_654_321))
    with pytest.raises(IntegrityError):
        session.flush()


def test_a_role_must_match_the_account_type(session, world):
    world.client.role = AccountRole.OWNER
    with pytest.raises(IntegrityError):
        session.flush()
