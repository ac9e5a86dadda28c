"""The token cache (auth/cache.py): a cached caller never outlives its bound, and what
this process changes applies to the very next request. Time is a fake monotonic clock."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import Engine, event, select, text, update
from sqlalchemy.orm import Session, sessionmaker

from tests.factories import FirmWorld
from timeledger.auth import cache as auth_cache
from timeledger.auth.cache import ActorCache
from timeledger.auth.service import Actor, authenticate
from timeledger.errors import Unauthenticated
from timeledger.models import Login, PersonalAccessToken

TTL = 5.0


class FakeMonotonic:
    def __init__(self) -> None:
        self.now = 1_000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def ticks() -> FakeMonotonic:
    return FakeMonotonic()


@pytest.fixture
def cache(ticks: FakeMonotonic) -> ActorCache:
    return ActorCache(TTL, monotonic=ticks)


@pytest.fixture
def statements(engine: Engine) -> Iterator[list[str]]:
    seen: list[str] = []

    def record(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        seen.append(statement)

    event.listen(engine, "before_cursor_execute", record)
    yield seen
    event.remove(engine, "before_cursor_execute", record)


def call(
    session_factory: sessionmaker[Session], world: FirmWorld, cache: ActorCache, now: datetime
) -> Actor:
    """One request: its own session, as the API gives each request."""
    with session_factory() as session:
        return authenticate(
            session, bearer=world.owner.token, account_header=None, now=now, cache=cache
        )


def _token(session: Session, world: FirmWorld) -> PersonalAccessToken:
    return session.scalars(
        select(PersonalAccessToken).where(PersonalAccessToken.user_id == world.owner.user.id)
    ).one()


def test_a_hit_sends_no_sql_and_gives_the_same_caller(
    session, session_factory, world, cache, clock, statements
):
    session.flush()
    first = call(session_factory, world, cache, clock.now())
    statements.clear()
    second = call(session_factory, world, cache, clock.now())
    assert statements == []
    assert (second.user.id, second.account.id, second.login.id, second.firm.id) == (
        first.user.id,
        first.account.id,
        first.login.id,
        first.firm.id,
    )


def test_a_token_revoked_by_another_process_is_refused_within_the_bound(
    session, session_factory, world, cache, clock, ticks
):
    session.flush()
    call(session_factory, world, cache, clock.now())
    # Another process writes the revocation: no event of this process sees it.
    session.connection().execute(
        text("UPDATE personal_access_tokens SET revoked_at = :now WHERE user_id = :user"),
        {"now": clock.now(), "user": world.owner.user.id},
    )
    ticks.now += TTL - 0.1
    call(session_factory, world, cache, clock.now())  # still inside the documented bound
    ticks.now += 0.1
    with pytest.raises(Unauthenticated):
        call(session_factory, world, cache, clock.now())


def test_a_token_revoked_in_this_process_is_refused_at_once(
    session, session_factory, world, cache, clock
):
    session.flush()
    call(session_factory, world, cache, clock.now())
    _token(session, world).revoked_at = clock.now()
    session.flush()
    with pytest.raises(Unauthenticated):
        call(session_factory, world, cache, clock.now())


def test_an_expired_token_is_refused_the_moment_it_expires_even_cached(
    session, session_factory, world, cache, clock
):
    session.flush()
    expires_at = _token(session, world).expires_at
    call(session_factory, world, cache, expires_at - timedelta(seconds=1))
    assert len(cache) == 1
    with pytest.raises(Unauthenticated):
        call(session_factory, world, cache, expires_at)


def test_a_permission_change_applies_to_the_next_request(
    session, session_factory, world, cache, clock
):
    session.flush()
    assert call(session_factory, world, cache, clock.now()).login.write_override is not False
    login = session.scalars(select(Login).where(Login.user_id == world.owner.user.id)).one()
    login.write_override = False
    login.updated_at = clock.now()
    session.flush()
    assert call(session_factory, world, cache, clock.now()).login.write_override is False


def test_a_bulk_role_change_applies_to_the_next_request(
    session, session_factory, world, cache, clock
):
    session.flush()
    call(session_factory, world, cache, clock.now())
    session.execute(
        update(Login)
        .where(Login.user_id == world.owner.user.id)
        .values(delete_override=False, updated_at=clock.now())
    )
    assert call(session_factory, world, cache, clock.now()).login.delete_override is False


def test_the_last_use_stamp_does_not_empty_the_cache(session, session_factory, world, clock):
    session.flush()
    before = auth_cache.current_generation()
    token = _token(session, world)
    token.last_used_at = token.updated_at = clock.now() - timedelta(hours=1)
    session.flush()
    assert auth_cache.current_generation() == before


def test_the_cache_is_bounded(session, session_factory, world, cache, clock, monkeypatch):
    session.flush()
    monkeypatch.setattr(auth_cache, "MAX_ENTRIES", 1)
    call(session_factory, world, cache, clock.now())
    with session_factory() as other:
        authenticate(
            other,
            bearer=world.owner.token,
            account_header=str(world.owner.account.uuid),
            now=clock.now(),
            cache=cache,
        )
    assert len(cache) == 1


def test_zero_seconds_turns_the_cache_off(session, session_factory, world, clock, statements):
    session.flush()
    off = ActorCache(0)
    call(session_factory, world, off, clock.now())
    statements.clear()
    call(session_factory, world, off, clock.now())
    assert statements
    assert len(off) == 0
