"""Group keys: the hashable identity of a bucket while summing, and the object the API shows
(``{"type": "client", "uuid": ..., "name": ...}``), with names loaded once per report."""

from __future__ import annotations

from collections.abc import Collection, Iterable
from datetime import date, timedelta
from typing import Any

from sqlalchemy.orm import Session

from timeledger.models import Account, BoardTask, Case, Circle, Task, TrackableType
from timeledger.reports import repository
from timeledger.reports.calendar import (
    Weekday,
    month_first,
    next_month_first,
    tax_year_first,
    tax_year_last,
    week_first,
)
from timeledger.reports.params import Dimension
from timeledger.reports.repository import Named
from timeledger.reports.schemas import GroupKey
from timeledger.reports.service.facts import EntryFacts, Piece

# (dimension, ...): ("day", date), ("staff", id), ("client", "client"|"without", id|reason),
# ("case", id|None), ("trackable", type, id), ("trackable_type", type)...
Ident = tuple[Any, ...]

_MODELS: dict[TrackableType, type[Account | Case | Circle | Task | BoardTask]] = {
    TrackableType.CLIENT: Account,
    TrackableType.CASE: Case,
    TrackableType.CIRCLE: Circle,
    TrackableType.TASK: Task,
    TrackableType.BOARD_TASK: BoardTask,
}


NO_TAG: Ident = ("tag", None, None, None)


def idents(
    dimension: Dimension, facts: EntryFacts, piece: Piece, week_start: Weekday
) -> tuple[Ident, ...]:
    """Every bucket of ``dimension`` that holds the piece: one, except for ``tag``, where an
    entry with several tags counts in each tag's group (and one without any in "no tag")."""
    if dimension is Dimension.TAG:
        return tuple(("tag", *tag) for tag in facts.tags) or (NO_TAG,)
    return (ident(dimension, facts, piece, week_start),)


def ident(dimension: Dimension, facts: EntryFacts, piece: Piece, week_start: Weekday) -> Ident:
    if dimension is Dimension.BILLABLE:
        return ("billable", facts.row.billable)
    if dimension is Dimension.DAY:
        return ("day", piece.day)
    if dimension is Dimension.WEEK:
        return ("week", week_first(piece.day, week_start))
    if dimension is Dimension.MONTH:
        return ("month", month_first(piece.day))
    if dimension is Dimension.TAX_YEAR:
        return ("tax_year", tax_year_first(piece.day))
    if dimension is Dimension.STAFF:
        return ("staff", facts.row.account_id)
    if dimension is Dimension.CLIENT:
        return ("client", *facts.client)
    if dimension is Dimension.CASE:
        return ("case", facts.case_id)
    if dimension is Dimension.TRACKABLE:
        return ("trackable", facts.row.trackable_type, facts.row.trackable_id)
    return ("trackable_type", facts.row.trackable_type)


class Namer:
    """Names and UUIDs of the records behind keys, loaded in one batch per kind."""

    def __init__(self, session: Session, firm: Named, *, firm_id: int) -> None:
        self._session = session
        self._firm_id = firm_id
        self._firm = firm
        self._names: dict[type, dict[int, Named]] = {}

    def load(self, idents: Iterable[Ident]) -> None:
        wanted: dict[type[Account | Case | Circle | Task | BoardTask], set[int]] = {}
        for key in idents:
            for model, record_id in _records(key):
                wanted.setdefault(model, set()).add(record_id)
        for model, ids in wanted.items():
            known = self._names.setdefault(model, {})
            known.update(
                repository.named(self._session, model, ids - known.keys(), firm_id=self._firm_id)
            )

    def _named(self, model: type, record_id: int | None) -> Named | None:
        if record_id is None:
            return None
        return self._names.get(model, {}).get(record_id)

    def _record(self, kind: str, model: type, record_id: int | None) -> GroupKey:
        found = self._named(model, record_id)
        return {
            "type": kind,
            "uuid": None if found is None else str(found.uuid),
            "name": None if found is None else found.name,
        }

    def render(self, key: Ident) -> GroupKey:
        kind = key[0]
        if kind == "day":
            return {"type": "day", "date": key[1].isoformat()}
        if kind in {"week", "month", "tax_year"}:
            first, last = _time_span(kind, key[1])
            if kind == "month":
                return {"type": "month", "month": first.isoformat()[:7]}
            return {"type": kind, "start": first.isoformat(), "end": last.isoformat()}
        if kind == "staff":
            return self._record("staff", Account, key[1])
        if kind == "client":
            if key[1] == "client":
                return self._record("client", Account, key[2])
            return {"type": "client", "uuid": None, "name": None, "without": key[2]}
        if kind == "case":
            return self._record("case", Case, key[1])
        if kind == "billable":
            return {"type": "billable", "billable": bool(key[1])}
        if kind == "tag":
            if key[1] is None:
                return {"type": "tag", "uuid": None, "name": None, "without": "no_tag"}
            return {"type": "tag", "uuid": key[2], "name": key[3]}
        if kind == "trackable":
            return self.trackable(key[1], key[2])
        return {"type": "trackable_type", "trackable_type": key[1].value}

    def trackable(self, kind: TrackableType, record_id: int) -> GroupKey:
        if kind is TrackableType.FIRM:
            found: Named | None = self._firm
        else:
            found = self._named(_MODELS[kind], record_id)
        return {
            "type": "trackable",
            "trackable_type": kind.value,
            "uuid": None if found is None else str(found.uuid),
            "name": None if found is None else found.name,
        }

    def sort_key(self, key: Ident) -> tuple[Any, ...]:
        """Time keys in calendar order; records by name then UUID; buckets without a record
        last."""
        kind = key[0]
        if kind in {"day", "week", "month", "tax_year"}:
            return (0, key[1].isoformat(), "")
        if kind == "trackable_type":
            return (0, key[1].value, "")
        if kind == "billable":
            return (0, "0" if key[1] else "1", "")  # billable first
        rendered = self.render(key)
        if rendered.get("uuid") is None:
            return (1, rendered.get("without") or "", rendered.get("trackable_type") or "")
        return (0, str(rendered["name"] or "").casefold(), rendered["uuid"])


def _time_span(kind: str, first: date) -> tuple[date, date]:
    if kind == "week":
        return first, first + timedelta(days=6)
    if kind == "month":
        return first, next_month_first(first) - timedelta(days=1)
    return first, tax_year_last(first)


def _records(
    key: Ident,
) -> Collection[tuple[type[Account | Case | Circle | Task | BoardTask], int]]:
    kind = key[0]
    if kind == "staff":
        return [(Account, key[1])]
    if kind == "client" and key[1] == "client":
        return [(Account, key[2])]
    if kind == "case" and key[1] is not None:
        return [(Case, key[1])]
    if kind == "trackable" and key[1] is not TrackableType.FIRM:
        return [(_MODELS[key[1]], key[2])]
    return []
