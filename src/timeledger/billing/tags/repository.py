"""The queries of tags (issue 11): the firm's tags, and the tags of time entries."""

from __future__ import annotations

import uuid
from collections.abc import Collection
from typing import Any, cast

from sqlalchemy import ColumnElement, Select, Table, and_, delete, func, insert, select
from sqlalchemy.orm import Session

from timeledger.kit.repository import in_firms
from timeledger.models import Tag, TimeEntry, TimeEntryTag


def tag_by_uuid(session: Session, *, firm_id: int, tag_uuid: uuid.UUID) -> Tag | None:
    return session.scalars(select(Tag).where(Tag.firm_id == firm_id, Tag.uuid == tag_uuid)).first()


def tag_by_key(session: Session, *, firm_id: int, name_key: str) -> Tag | None:
    return session.scalars(
        select(Tag).where(Tag.firm_id == firm_id, Tag.name_key == name_key)
    ).first()


def tags_by_uuid(
    session: Session, *, firm_id: int, uuids: Collection[uuid.UUID]
) -> dict[uuid.UUID, Tag]:
    rows = session.scalars(select(Tag).where(Tag.firm_id == firm_id, Tag.uuid.in_(uuids)))
    return {row.uuid: row for row in rows}


def firm_tags(firm_id: int) -> Select[Tag]:
    return select(Tag).where(Tag.firm_id == firm_id)


def tag_order(descending: bool) -> list[Any]:
    if descending:
        return [Tag.name_key.desc(), Tag.id.desc()]
    return [Tag.name_key.asc(), Tag.id.asc()]


def name_contains(text: str) -> ColumnElement[bool]:
    return Tag.name_key.contains(text.casefold(), autoescape=True)


def not_archived() -> ColumnElement[bool]:
    return Tag.archived_at.is_(None)


def tags_of_entries(
    session: Session, entry_ids: Collection[int], *, firm_ids: Collection[int]
) -> dict[int, list[Tag]]:
    """The tags of each entry, by entry id, in name order."""
    found: dict[int, list[Tag]] = {entry_id: [] for entry_id in entry_ids}
    if not entry_ids:
        return found
    rows = session.execute(
        select(TimeEntryTag.time_entry_id, Tag)
        .join(Tag, and_(Tag.firm_id == TimeEntryTag.firm_id, Tag.id == TimeEntryTag.tag_id))
        .where(in_firms(TimeEntryTag.firm_id, firm_ids), TimeEntryTag.time_entry_id.in_(entry_ids))
        .order_by(Tag.name_key, Tag.id)
    )
    for entry_id, tag in rows:
        found[entry_id].append(tag)
    return found


_LINKS = cast(Table, TimeEntryTag.__table__)


def set_entry_tags(session: Session, entry: TimeEntry, tag_ids: Collection[int]) -> None:
    """Make ``tag_ids`` exactly the entry's tags: SQL statements, not the unit of work (one
    to read the links, one DELETE for those removed, one INSERT for those added)."""
    wanted = set(tag_ids)
    of_entry = (_LINKS.c.firm_id == entry.firm_id, _LINKS.c.time_entry_id == entry.id)
    have = set(session.scalars(select(_LINKS.c.tag_id).where(*of_entry)))
    if have - wanted:
        session.execute(delete(_LINKS).where(*of_entry, _LINKS.c.tag_id.in_(have - wanted)))
    if wanted - have:
        session.execute(
            insert(_LINKS),
            [
                {"firm_id": entry.firm_id, "time_entry_id": entry.id, "tag_id": tag_id}
                for tag_id in sorted(wanted - have)
            ],
        )


def tagged(firm_id: int, tag_uuids: Collection[uuid.UUID], *, match_all: bool) -> Any:
    """Condition on ``TimeEntry``: it carries any (or every) one of these tags."""
    tag_ids = select(Tag.id).where(Tag.firm_id == firm_id, Tag.uuid.in_(tag_uuids))
    links = select(TimeEntryTag.time_entry_id).where(
        TimeEntryTag.firm_id == firm_id, TimeEntryTag.tag_id.in_(tag_ids)
    )
    if match_all:
        links = links.group_by(TimeEntryTag.time_entry_id).having(
            func.count(TimeEntryTag.tag_id) == len(set(tag_uuids))
        )
    return TimeEntry.id.in_(links)
