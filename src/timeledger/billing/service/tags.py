"""The firm's tags, and the tags of an entry. Names are unique per firm ignoring case;
archived tags stay on the entries that carry them but cannot be added to more."""

from __future__ import annotations

import uuid
from collections.abc import Collection, Sequence
from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session

from timeledger.audit import service as audit
from timeledger.auth.service import Actor
from timeledger.billing import repository
from timeledger.billing.schemas import TagCreate, TagRead, TagUpdate
from timeledger.billing.tags import repository as tag_repository
from timeledger.errors import NotFound, ValidationFailed
from timeledger.kit.ids import uuid_or_not_found
from timeledger.kit.listing import ListParams, text_filter, uuids_of_filter
from timeledger.kit.paging import Page, build_page, page_of
from timeledger.models import Tag, TimeEntry
from timeledger.permissions import (
    may_create_tags,
    may_manage_tags,
    may_use_time_entries,
    require,
)

MAX_TAGS_PER_ENTRY = 50
# As every record route: a UUID of another firm looks exactly like one that exists nowhere.
NOT_FOUND = "Not Found."


def tag_ids_for_entry(session: Session, *, actor: Actor, uuids: Sequence[uuid.UUID]) -> list[int]:
    """The ids of the live tags of the caller's firm these UUIDs name; 422 on ``tags`` for
    one that is unknown, of another firm or archived."""
    if len(set(uuids)) > MAX_TAGS_PER_ENTRY:
        raise ValidationFailed.field(
            "tags", f"The tags field must not have more than {MAX_TAGS_PER_ENTRY} items."
        )
    found = tag_repository.tags_by_uuid(session, firm_id=actor.firm.id, uuids=set(uuids))
    errors = [
        f"The selected tags.{n} is invalid."
        for n, tag_uuid in enumerate(uuids)
        if tag_uuid not in found or found[tag_uuid].archived_at is not None
    ]
    if errors:
        raise ValidationFailed({"tags": errors})
    return sorted({found[tag_uuid].id for tag_uuid in uuids})


def set_entry_tags(session: Session, entry: TimeEntry, tag_ids: Sequence[int]) -> None:
    tag_repository.set_entry_tags(session, entry, tag_ids)


def tags_of(
    session: Session, entry_ids: Sequence[int], *, firm_ids: Collection[int]
) -> dict[int, list[Tag]]:
    return tag_repository.tags_of_entries(session, entry_ids, firm_ids=firm_ids)


def _name(name: str) -> tuple[str, str]:
    clean = " ".join(name.split())
    if not clean:
        raise ValidationFailed.field("name", "The name field is required.")
    return clean, clean.casefold()


def _unique(session: Session, firm_id: int, key: str, *, except_id: int | None = None) -> None:
    same = tag_repository.tag_by_key(session, firm_id=firm_id, name_key=key)
    if same is not None and same.id != except_id:
        raise ValidationFailed.field("name", "The name has already been taken.")


def _snapshot(tag: Tag) -> dict[str, object]:
    return {
        "name": tag.name,
        "archived_at": tag.archived_at.isoformat() if tag.archived_at else None,
    }


def create_tag(session: Session, *, actor: Actor, data: TagCreate, now: datetime) -> TagRead:
    require(may_create_tags(actor))
    name, key = _name(data.name)
    repository.lock_firm(session, actor.firm.id)
    _unique(session, actor.firm.id, key)
    tag = Tag(firm_id=actor.firm.id, name=name, name_key=key, created_at=now, updated_at=now)
    repository.add(session, tag)
    _audit(session, actor, tag, "created", None, now)
    return TagRead.build(tag, time_zone=actor.firm.time_zone)


def find_tag(session: Session, *, actor: Actor, raw_uuid: str) -> Tag:
    require(may_use_time_entries(actor))
    tag = tag_repository.tag_by_uuid(
        session, firm_id=actor.firm.id, tag_uuid=uuid_or_not_found(raw_uuid, NOT_FOUND)
    )
    if tag is None:
        raise NotFound(NOT_FOUND)
    return tag


def show_tag(session: Session, *, actor: Actor, raw_uuid: str) -> TagRead:
    tag = find_tag(session, actor=actor, raw_uuid=raw_uuid)
    return TagRead.build(tag, time_zone=actor.firm.time_zone)


def rename_tag(
    session: Session, *, actor: Actor, raw_uuid: str, data: TagUpdate, now: datetime
) -> TagRead:
    tag = find_tag(session, actor=actor, raw_uuid=raw_uuid)
    require(may_manage_tags(actor))
    name, key = _name(data.name)
    repository.lock_firm(session, actor.firm.id)
    _unique(session, actor.firm.id, key, except_id=tag.id)
    before = _snapshot(tag)
    tag.name, tag.name_key, tag.updated_at = name, key, now
    repository.flush(session)
    _audit(session, actor, tag, "updated", before, now)
    return TagRead.build(tag, time_zone=actor.firm.time_zone)


def archive_tag(session: Session, *, actor: Actor, raw_uuid: str, now: datetime) -> TagRead:
    """Archive: the tag stays on its entries and in filters, but cannot be added again."""
    tag = find_tag(session, actor=actor, raw_uuid=raw_uuid)
    require(may_manage_tags(actor))
    if tag.archived_at is None:
        before = _snapshot(tag)
        tag.archived_at = tag.updated_at = now
        repository.flush(session)
        _audit(session, actor, tag, "archived", before, now)
    return TagRead.build(tag, time_zone=actor.firm.time_zone)


def list_tags(session: Session, *, actor: Actor, params: ListParams) -> Page[TagRead]:
    """Live tags by name; ``filter[archived]=1`` lists archived ones too,
    ``filter[search]`` matches part of the name ignoring case."""
    require(may_use_time_entries(actor))
    statement = tag_repository.firm_tags(actor.firm.id)
    if (params.filters.get("archived") or ["0"])[0] not in {"1", "true"}:
        statement = statement.where(tag_repository.not_archived())
    search = text_filter(params, "search")  # a comma is part of the text; NUL is 422
    if search:
        statement = statement.where(tag_repository.name_contains(search))
    order = tag_repository.tag_order(params.sort.descending)
    rows, total = page_of(session, statement, params=params, order_by=order)
    items = [TagRead.build(tag, time_zone=actor.firm.time_zone) for tag in rows]
    return build_page(items, total=total, params=params)


def _audit(
    session: Session,
    actor: Actor,
    tag: Tag,
    action: str,
    before: dict[str, object] | None,
    now: datetime,
) -> None:
    audit.record_change(
        session,
        firm_id=actor.firm.id,
        subject_type="tag",
        subject_uuid=tag.uuid,
        action=action,
        actor=actor,
        before=before,
        after=_snapshot(tag),
        now=now,
    )


def tag_condition(actor: Actor, filters: dict[str, list[str]]) -> Any | None:
    """The ``filter[tags]`` condition on time entries (any of the tags; all of them with
    ``filter[tag_match]=all``), or None when the filter is absent. Tags of another firm
    match nothing."""
    match = filters.get("tag_match") or ["any"]
    if len(match) != 1 or match[0] not in {"any", "all"}:
        raise ValidationFailed.field(
            "filter[tag_match]", "The selected filter[tag_match] is invalid: use any or all."
        )
    if not filters.get("tags"):
        return None
    return tag_repository.tagged(
        actor.firm.id, uuids_of_filter(filters["tags"], "tags"), match_all=match[0] == "all"
    )
