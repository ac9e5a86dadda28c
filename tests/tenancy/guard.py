"""Watch every SQL statement the application sends and keep those on firm data that do not
name their firm (``firm_filter.unconfined``).

A statement is the application's when one of the Python frames that sent it is in the
``timeledger`` package: a test's own set-up or assertions (``session.scalars(...)`` in a
test) are not checked, the services a factory calls are. Work that is cross-firm by design
is in ``ALLOWED``, keyed by the function that sends it, each with its reason.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass, field
from types import FrameType
from typing import Any

from sqlalchemy import Engine, event

from tests.tenancy.firm_filter import firm_tables, unconfined

# "module:function" of the application code that is cross-firm by design -> why. Keep it
# short: each entry is a multi-shard query on Citus (docs/scaling.md).
ALLOWED: dict[str, str] = {
    "timeledger.auth.repository:token_with_logins": (
        "token authentication: the firm is not known until the token (per user) is found;"
        " it reads the user's logins and accounts in every firm"
    ),
    "timeledger.auth.repository:logins_of_user": (
        "a user's own logins span firms by design (/me, choosing a firm, a new token)"
    ),
    "timeledger.webhooks.repository:claim_due": (
        "the dispatcher's scan for due deliveries covers every firm (docs/scaling.md: on"
        " Citus it must claim per firm or per shard)"
    ),
    "timeledger.webhooks.repository:purge": (
        "retention: old finished deliveries and orphan events of every firm"
    ),
    "timeledger.web.repository:live_login_count": (
        "a user's own logins span firms by design (the page header's firm switch)"
    ),
    "timeledger.tokens.repository:bound_accounts": (
        "a user's tokens (per user) may be bound to accounts in several firms"
    ),
    "timeledger.time_entries.repository:running_entries": (
        "a user's running timers in each of their firms (/me): one firm per request otherwise"
    ),
    "timeledger.idempotency.repository:purge_expired": (
        "retention: expired idempotency keys of every firm"
    ),
    "timeledger.migrations:upgrade": "migrations rewrite whole tables, every firm at once",
    "timeledger.migrations:downgrade": "migrations rewrite whole tables, every firm at once",
}


@dataclass
class Violation:
    tables: list[str]
    statement: str
    sites: list[str]

    def __str__(self) -> str:
        where = " < ".join(self.sites[:4])
        return f"{', '.join(self.tables)} unconfined, sent from {where}:\n    {self.statement}"


@dataclass
class FirmFilterGuard:
    """Listens on every engine while installed; ``violations`` grows as it goes."""

    packages: tuple[str, ...] = ("timeledger.",)
    allowed: dict[str, str] = field(default_factory=lambda: dict(ALLOWED))
    violations: list[Violation] = field(default_factory=list)
    checked: int = 0
    _tables: frozenset[str] = field(default_factory=firm_tables)

    def install(self) -> None:
        event.listen(Engine, "before_cursor_execute", self._on_statement)

    def remove(self) -> None:
        event.remove(Engine, "before_cursor_execute", self._on_statement)

    def _on_statement(self, conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        sites = _sites(self.packages)
        if not sites:
            return
        self.checked += 1
        dialect = "sqlite" if conn.dialect.name == "sqlite" else "postgres"
        tables = unconfined(statement, dialect, self._tables)
        if tables and not any(site in self.allowed for site in sites):
            self.violations.append(Violation(tables, " ".join(statement.split()), sites))

    def report(self) -> str:
        seen: dict[str, Violation] = {}
        for violation in self.violations:
            seen.setdefault(violation.sites[0] + violation.statement, violation)
        return "\n".join(str(violation) for violation in seen.values())


def _sites(packages: tuple[str, ...]) -> list[str]:
    """The ``module:function`` of each frame in ``packages`` on the stack, innermost first."""
    sites = []
    frame: FrameType | None = sys._getframe(2)
    while frame is not None:
        module = frame.f_globals.get("__name__", "")
        if module.startswith(packages):
            sites.append(f"{module}:{frame.f_code.co_name}")
        frame = frame.f_back
    return sites
