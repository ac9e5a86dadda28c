"""The one unit of work: it commits or rolls back, and runs ``after_commit`` callbacks only
once a commit has succeeded."""

from __future__ import annotations

import logging
from collections.abc import Callable

import pytest
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, sessionmaker

from tests.conftest import FROZEN_NOW
from timeledger.db import UnitOfWork, after_commit, unit_of_work
from timeledger.firms.service import create_firm
from timeledger.models import Firm, User


def _firms(session: Session) -> int:
    return session.scalar(select(func.count()).select_from(Firm)) or 0


class Calls:
    def __init__(self) -> None:
        self.seen: list[tuple[str, bool]] = []

    def recorder(self, name: str, session: Session) -> Callable[[], None]:
        # Records whether the work was still in an open transaction when called.
        return lambda: self.seen.append((name, session.in_transaction()))


def test_callbacks_run_after_the_commit_in_order(
    session_factory: sessionmaker[Session], session: Session
) -> None:
    calls = Calls()
    with unit_of_work(session_factory) as work:
        create_firm(work, name="Callback & Co", now=FROZEN_NOW)
        after_commit(work, calls.recorder("first", work))
        after_commit(work, calls.recorder("second", work))
        assert calls.seen == []
    assert calls.seen == [("first", False), ("second", False)]
    assert _firms(session) == 1


def test_a_rolled_back_unit_runs_no_callback_and_keeps_nothing(
    session_factory: sessionmaker[Session], session: Session
) -> None:
    calls = Calls()

    def failing_request() -> None:
        with unit_of_work(session_factory) as work:
            create_firm(work, name="Never & Co", now=FROZEN_NOW)
            after_commit(work, calls.recorder("never", work))
            raise RuntimeError("the request failed")

    with pytest.raises(RuntimeError):
        failing_request()
    assert calls.seen == []
    assert _firms(session) == 0


def test_a_commit_that_fails_runs_no_callback(
    session_factory: sessionmaker[Session], session: Session
) -> None:
    """The flush at commit breaks a constraint: nothing was stored, so nothing is announced."""
    calls = Calls()

    def duplicate_users() -> None:
        with unit_of_work(session_factory) as work:
            for _ in range(2):
                work.add(
                    User(
                        email="same@example.com",
                        password_hash="x",
                        created_at=FROZEN_NOW,
                        updated_at=FROZEN_NOW,
                    )
                )
            after_commit(work, calls.recorder("never", work))

    with pytest.raises(IntegrityError):
        duplicate_users()
    assert calls.seen == []
    assert session.scalar(select(func.count()).select_from(User)) == 0


def test_a_failing_callback_is_logged_and_the_others_still_run(
    session_factory: sessionmaker[Session], session: Session, caplog: pytest.LogCaptureFixture
) -> None:
    calls = Calls()

    def broken() -> None:
        raise RuntimeError("receiver down")

    with (
        caplog.at_level(logging.ERROR, logger="timeledger.db"),
        unit_of_work(session_factory) as work,
    ):
        create_firm(work, name="Stands & Co", now=FROZEN_NOW)
        after_commit(work, broken)
        after_commit(work, calls.recorder("after", work))
    assert calls.seen == [("after", False)]
    assert "after-commit callback failed" in caplog.text
    assert _firms(session) == 1


def test_a_checkpoint_commits_and_the_unit_carries_on(
    session_factory: sessionmaker[Session], session: Session
) -> None:
    open_after_checkpoint: list[bool] = []

    def half_done() -> None:
        with unit_of_work(session_factory) as work:
            create_firm(work, name="Early & Co", now=FROZEN_NOW)
            UnitOfWork.of(work).checkpoint()
            open_after_checkpoint.append(work.in_transaction())
            create_firm(work, name="Late & Co", now=FROZEN_NOW)
            raise RuntimeError("the rest fails")

    with pytest.raises(RuntimeError):
        half_done()
    assert open_after_checkpoint == [False]
    names = session.scalars(select(Firm.name)).all()
    assert names == ["Early & Co"]


def test_a_session_outside_any_unit_has_none(session: Session) -> None:
    with pytest.raises(LookupError):
        UnitOfWork.of(session)
