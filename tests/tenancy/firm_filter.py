"""Does a SQL statement confine every firm table it reads or writes to one firm?

Issue 15: to distribute the database by firm (Citus, docs/scaling.md) every statement on
firm data must name its firm, so the engine can send it to the one node that holds that
firm. This module parses a statement with sqlglot and answers which references to firm
tables are *not* constrained by an equality on their ``firm_id``: either with a value
(``time_entries.firm_id = ?``) or through a chain of ``firm_id = firm_id`` equalities (a
join or a correlated subquery) that reaches a table constrained by a value. Only
equalities joined by AND count: ``firm_id = ? OR ...`` confines nothing.

An INSERT with VALUES names the firm in its row (it must list ``firm_id``); an INSERT ...
SELECT is checked like its SELECT. SQLite's id allocation inside an INSERT (the largest id
of the table inserted into, ``models.base.NextId``) is not a read of firm data. Statements
that touch no table (BEGIN, SAVEPOINT, PRAGMA) are not checked.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import cast

import sqlglot
from sqlglot import exp

from timeledger.models import Base

FIRM_COLUMN = "firm_id"
# Tables with a firm_id column that are not distributed by it: a web session belongs to a
# user (who may sign in to several firms; its firm_id is the one currently chosen, or none).
PER_USER_TABLES = frozenset({"web_sessions"})
CHECKED_VERBS = ("SELECT", "INSERT", "UPDATE", "DELETE", "WITH")

_SCOPES = (exp.Select, exp.Update, exp.Delete)
_VALUES = (exp.Placeholder, exp.Literal, exp.Parameter)


def firm_tables() -> frozenset[str]:
    """The tables distributed by firm: those with a ``firm_id`` column, except per-user
    tables and any marked as reference tables (``info["distribution"]``)."""
    return frozenset(
        table.name
        for table in Base.metadata.tables.values()
        if FIRM_COLUMN in table.c
        and table.name not in PER_USER_TABLES
        and table.info.get("distribution", "firm") == "firm"
    )


def unconfined(sql: str, dialect: str, tables: Iterable[str]) -> list[str]:
    """The firm tables ``sql`` touches without confining them to one firm (empty when
    every reference is confined). Raises ``sqlglot.errors.ParseError`` on SQL it cannot
    read, so nothing passes unchecked."""
    if not sql.lstrip().upper().startswith(CHECKED_VERBS):
        return []
    tree = cast(exp.Expression, sqlglot.parse_one(sql, read=dialect))
    watched = frozenset(tables)
    links = _Links()
    for equality in _conjunctive_equalities(tree):
        left, right = equality.this, equality.expression
        left_key, right_key = _firm_column(left), _firm_column(right)
        if left_key and right_key:
            links.join(left_key, right_key)
        elif left_key and _is_value(right):
            links.join(left_key, _CONSTANT)
        elif right_key and _is_value(left):
            links.join(right_key, _CONSTANT)
    missing = []
    target = _insert_target(tree)
    for table in tree.find_all(exp.Table):
        if table.name not in watched:
            continue
        if table is target:
            columns = {column.name for column in tree.this.expressions}
            if FIRM_COLUMN not in columns:
                missing.append(table.name)
            continue
        if _is_id_allocation(table, target):
            continue
        scope = table.find_ancestor(*_SCOPES)
        if links.find((id(scope), table.alias_or_name)) != links.find(_CONSTANT):
            missing.append(table.name)
    return missing


_CONSTANT = (0, "")
_Key = tuple[int, str]


class _Links:
    """Union-find over ``(scope, alias)`` keys and the constant."""

    def __init__(self) -> None:
        self.parent: dict[_Key, _Key] = {}

    def find(self, key: _Key) -> _Key:
        while self.parent.get(key, key) != key:
            key = self.parent[key]
        return key

    def join(self, one: _Key, other: _Key) -> None:
        self.parent[self.find(one)] = self.find(other)


def _insert_target(tree: exp.Expression) -> exp.Table | None:
    if isinstance(tree, exp.Insert) and isinstance(tree.this, exp.Schema):
        target = tree.this.this
        return target if isinstance(target, exp.Table) else None
    return None


def _is_id_allocation(table: exp.Table, target: exp.Table | None) -> bool:
    """SQLite's id for a new row of a firm table (``timeledger.models.base.NextId``):
    ``(SELECT coalesce(max(id), 0) + 1 FROM <the table inserted into>)`` inside the
    INSERT's VALUES, with no WHERE. It reads no firm's rows, only the table's largest id,
    and never runs on PostgreSQL (or Citus), where the id comes from the table's sequence."""
    if target is None or table.name != target.name or table.find_ancestor(exp.Values) is None:
        return False
    select = table.find_ancestor(exp.Select)
    return (
        select is not None
        and select.args.get("where") is None
        and not select.args.get("joins")
        and len(select.expressions) == 1
        and select.expressions[0].find(exp.Max) is not None
    )


def _conjunctive_equalities(tree: exp.Expression) -> Iterable[exp.EQ]:
    """Every ``a = b`` that must hold for a row to match: reached from its WHERE, ON or
    HAVING through AND and parentheses only."""
    for equality in tree.find_all(exp.EQ):
        child: exp.Expression = equality
        node = equality.parent
        while isinstance(node, exp.And | exp.Paren):
            child, node = node, node.parent
        if isinstance(node, exp.Where | exp.Having) or (
            isinstance(node, exp.Join) and child.arg_key == "on"
        ):
            yield equality


def _is_value(node: exp.Expression) -> bool:
    while isinstance(node, exp.Cast):
        node = node.this
    return isinstance(node, _VALUES)


def _firm_column(node: exp.Expression) -> _Key | None:
    """The ``(scope, alias)`` a ``firm_id`` column belongs to, looking outwards from the
    column through the scopes it is nested in (correlated subqueries)."""
    if not isinstance(node, exp.Column) or node.name != FIRM_COLUMN:
        return None
    scope = node.find_ancestor(*_SCOPES)
    while scope is not None:
        sources = _sources(scope)
        if node.table and node.table in sources:
            return (id(scope), node.table)
        if not node.table and len(sources) == 1:
            return (id(scope), next(iter(sources)))
        scope = scope.find_ancestor(*_SCOPES)
    return None


def _sources(scope: exp.Expression) -> set[str]:
    """The names a scope's own FROM, JOIN, UPDATE or DELETE target make visible."""
    found: list[exp.Expression] = []
    if isinstance(scope, exp.Update | exp.Delete):
        found.append(scope.this)
    source = scope.args.get("from") or scope.args.get("from_")
    if source is not None:
        found.append(source.this)
    found.extend(join.this for join in scope.args.get("joins") or [])
    using = scope.args.get("using")
    if using:
        found.extend(using if isinstance(using, list) else [using])
    return {item.alias_or_name for item in found if isinstance(item, exp.Table | exp.Subquery)}
