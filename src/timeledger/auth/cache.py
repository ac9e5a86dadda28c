"""A short, bounded cache of who a bearer token is (issue 15): token hash and account
header -> the token, user, login, account and firm rows ``auth.authenticate`` resolved.

The bound (docs/security.md, "Token cache"):

- an entry lives ``auth_cache_seconds`` (5 by default; 0 turns the cache off), measured on
  the monotonic clock, so a token revoked, a role changed or an account archived **by
  another process** (another worker, the CLI, another machine) applies within that many
  seconds;
- **in this process** any write to those five tables (ORM flush or bulk statement)
  empties the cache at once, before and again after its commit: a revocation or role
  change through the API, the web app or an in-process job applies to the next request;
- expiry is checked on every hit against the request's clock: an expired token is
  refused the moment it expires, cached or not;
- at most ``MAX_ENTRIES`` entries; the oldest is dropped first.

A hit runs no SQL: the cached rows are detached copies, merged into the request's session
without loading (``Session.merge(load=False)``), so the request can change them as usual.
"""

from __future__ import annotations

import threading
import time
import uuid
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import event, inspect
from sqlalchemy.orm import ORMExecuteState, Session, UOWTransaction
from sqlalchemy.orm.attributes import set_committed_value
from sqlalchemy.orm.session import make_transient_to_detached

from timeledger.models import Account, Firm, Login, PersonalAccessToken, User

MAX_ENTRIES = 4096
IDENTITY_MODELS: tuple[type[Any], ...] = (PersonalAccessToken, User, Login, Account, Firm)
_IDENTITY_TABLES = frozenset(model.__tablename__ for model in IDENTITY_MODELS)
_FLAG = "timeledger.auth.cache.touched"

CacheKey = tuple[str, uuid.UUID | None]


@dataclass(frozen=True, slots=True)
class CachedCaller:
    token: PersonalAccessToken
    user: User
    login: Login
    account: Account
    firm: Firm


class _Generation:
    """Bumped by every in-process write to the identity tables; an entry filled under an
    older generation is not used."""

    value = 0
    lock = threading.Lock()

    @classmethod
    def bump(cls) -> None:
        with cls.lock:
            cls.value += 1


def invalidate_all() -> None:
    """Forget every cached caller in this process (every ``ActorCache``)."""
    _Generation.bump()


class ActorCache:
    def __init__(
        self, ttl_seconds: float, *, monotonic: Callable[[], float] = time.monotonic
    ) -> None:
        self.ttl_seconds = ttl_seconds
        self._monotonic = monotonic
        self._entries: OrderedDict[CacheKey, tuple[float, int, CachedCaller]] = OrderedDict()
        self._lock = threading.Lock()

    @property
    def enabled(self) -> bool:
        return self.ttl_seconds > 0

    def get(self, key: CacheKey) -> CachedCaller | None:
        """The cached caller, if filled less than ``ttl_seconds`` ago and since the last
        in-process write to the identity tables."""
        if not self.enabled:
            return None
        with self._lock:
            found = self._entries.get(key)
            if found is None:
                return None
            filled, generation, caller = found
            if generation != _Generation.value or self._monotonic() - filled >= self.ttl_seconds:
                del self._entries[key]
                return None
            return caller

    def put(self, key: CacheKey, rows: CachedCaller, *, generation: int) -> None:
        """Remember ``rows`` (copied, detached) for ``key``; ``generation`` is the one read
        before the rows were queried, so rows read before a write are never kept after it."""
        if not self.enabled:
            return
        copied = CachedCaller(*(_detached_copy(row) for row in _fields(rows)))
        with self._lock:
            self._entries[key] = (self._monotonic(), generation, copied)
            self._entries.move_to_end(key)
            while len(self._entries) > MAX_ENTRIES:
                self._entries.popitem(last=False)

    def discard(self, key: CacheKey) -> None:
        with self._lock:
            self._entries.pop(key, None)

    def __len__(self) -> int:
        return len(self._entries)


def current_generation() -> int:
    return _Generation.value


def attach(session: Session, cached: CachedCaller) -> CachedCaller:
    """The cached rows as the request session's own instances, without a query."""
    return CachedCaller(*(session.merge(row, load=False) for row in _fields(cached)))


def _fields(rows: CachedCaller) -> tuple[Any, ...]:
    return (rows.token, rows.user, rows.login, rows.account, rows.firm)


def _detached_copy(row: Any) -> Any:
    """A detached instance with ``row``'s column values and identity, shared by no session."""
    mapper = inspect(row).mapper
    copy = mapper.class_manager.new_instance()
    for attribute in mapper.column_attrs:
        set_committed_value(copy, attribute.key, getattr(row, attribute.key))
    make_transient_to_detached(copy)
    return copy


# In-process invalidation: every session, whoever built it (the API, the web app, the CLI,
# the webhook worker, tests).


@event.listens_for(Session, "after_flush")
def _after_flush(session: Session, _flush: UOWTransaction) -> None:
    changed = (*session.new, *session.dirty, *session.deleted)
    if any(isinstance(row, IDENTITY_MODELS) and not _only_stamped(row) for row in changed):
        session.info[_FLAG] = True
        invalidate_all()


@event.listens_for(Session, "do_orm_execute")
def _bulk_write(state: ORMExecuteState) -> None:
    if not (state.is_update or state.is_delete or state.is_insert):
        return
    table = getattr(state.statement, "table", None)
    if getattr(table, "name", None) in _IDENTITY_TABLES:
        state.session.info[_FLAG] = True
        invalidate_all()


@event.listens_for(Session, "after_commit")
def _after_commit(session: Session) -> None:
    # Again after the commit: a request that filled its entry between the flush and the
    # commit read the rows as they were before.
    if session.info.pop(_FLAG, False):
        invalidate_all()


@event.listens_for(Session, "after_rollback")
def _after_rollback(session: Session) -> None:
    session.info.pop(_FLAG, None)


# A token's last-use stamp (once a minute, ``auth.service``) changes nothing the cache
# decides on; the entry that stamped is discarded instead of the whole cache.
_STAMPS = frozenset({"last_used_at", "updated_at"})


def _only_stamped(row: Any) -> bool:
    if not isinstance(row, PersonalAccessToken):
        return False
    state = inspect(row)
    if state.pending or state.deleted or state.was_deleted:
        return False
    changed = {attr.key for attr in state.attrs if attr.history.has_changes()}
    return changed <= _STAMPS
