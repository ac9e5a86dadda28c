"""Dated hourly-rate rules: create, change, archive, list, and the explicit reprice.

A rule changes no entry by itself: entries keep the rate snapshot they were written with
(unlike solidtime, which rewrites history). ``reprice`` re-resolves the unlocked entries
of a date range on purpose, and the audit trail records it.
"""

from __future__ import annotations

import uuid
from collections.abc import Collection, Iterable
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy.orm import Session

from timeledger.audit import service as audit
from timeledger.auth.service import Actor
from timeledger.billing import repository
from timeledger.billing.schemas import (
    BillingRateCreate,
    BillingRateRead,
    BillingRateUpdate,
    RepriceRequest,
    RepriceResult,
)
from timeledger.billing.service import announce, locks, resolve
from timeledger.billing.service.overlap import RateOverlap
from timeledger.dates import MAX_YEAR
from timeledger.errors import NotFound, ValidationFailed
from timeledger.kit.ids import uuid_or_not_found
from timeledger.kit.listing import ListParams, uuids_of_filter
from timeledger.kit.paging import Page, build_page, page_of
from timeledger.models import (
    Account,
    AccountType,
    BillingRate,
    Case,
    Firm,
    TimeEntry,
    TimeEntryAction,
)
from timeledger.permissions import may_manage_billing, require

# As every record route: a UUID of another firm looks exactly like one that exists nowhere.
NOT_FOUND = "Not Found."
RATE_FILTERS = ("level", "staff_uuid", "client_uuid", "case_uuid", "on", "archived")
LEVELS = ("case_staff", "case", "client_staff", "client", "staff", "firm")


def rate_uuids(
    session: Session, ids: Iterable[int], *, firm_ids: Collection[int]
) -> dict[int, uuid.UUID]:
    rules = repository.rates_by_id(session, ids, firm_ids=firm_ids)
    return {rule_id: rule.uuid for rule_id, rule in rules.items()}


def create_rate(
    session: Session, *, actor: Actor, data: BillingRateCreate, now: datetime
) -> BillingRateRead:
    """A new rule; 422 when it overlaps a live rule of the same level and scope."""
    require(may_manage_billing(actor))
    errors: dict[str, list[str]] = {}
    staff = _account(session, actor, data.staff_uuid, AccountType.EMPLOYEE, "staff_uuid", errors)
    client = _account(session, actor, data.client_uuid, AccountType.CLIENT, "client_uuid", errors)
    case = _case(session, actor, data.case_uuid, errors)
    if data.client_uuid is not None and data.case_uuid is not None:
        errors.setdefault("case_uuid", []).append("A rate is for a client or for a case, not both.")
    if errors:
        raise ValidationFailed(errors)
    rule = BillingRate(
        firm_id=actor.firm.id,
        staff_account_id=staff.id if staff else None,
        client_account_id=client.id if client else None,
        case_id=case.id if case else None,
        hourly_rate_minor=data.hourly_rate,
        currency=data.currency or actor.firm.currency,
        effective_from=data.effective_from,
        effective_to=data.effective_to,
        created_by_account_id=actor.account.id,
        created_at=now,
        updated_at=now,
    )
    _check_dates(rule)
    repository.lock_firm(session, actor.firm.id)
    _check_overlap(session, actor, rule)
    repository.add(session, rule)
    _audit(session, actor, rule, "created", None, now)
    return _present(session, actor, rule)


def update_rate(
    session: Session, *, actor: Actor, raw_uuid: str, data: BillingRateUpdate, now: datetime
) -> BillingRateRead:
    """Change a rule's rate, currency or dates. Entries already written keep their
    snapshot; ``reprice`` applies the change to them on purpose."""
    rule = find_rate(session, actor=actor, raw_uuid=raw_uuid)
    if rule.archived_at is not None:
        raise ValidationFailed.field("uuid", "An archived billing rate cannot be changed.")
    sent = data.model_fields_set
    for name in ("hourly_rate", "currency", "effective_from"):
        if name in sent and getattr(data, name) is None:
            raise ValidationFailed.field(name, f"The {name.replace('_', ' ')} field is required.")
    before = _snapshot(rule)
    if data.hourly_rate is not None:
        rule.hourly_rate_minor = data.hourly_rate
    if data.currency is not None:
        rule.currency = data.currency
    if data.effective_from is not None:
        rule.effective_from = data.effective_from
    if "effective_to" in sent:
        rule.effective_to = data.effective_to
    _check_dates(rule)
    repository.lock_firm(session, actor.firm.id)
    _check_overlap(session, actor, rule)
    rule.updated_at = now
    repository.flush(session)
    _audit(session, actor, rule, "updated", before, now)
    return _present(session, actor, rule)


def archive_rate(
    session: Session, *, actor: Actor, raw_uuid: str, now: datetime
) -> BillingRateRead:
    """Archive: the rule applies to no new entry; entries that used it keep their rate."""
    rule = find_rate(session, actor=actor, raw_uuid=raw_uuid)
    if rule.archived_at is None:
        before = _snapshot(rule)
        rule.archived_at = rule.updated_at = now
        repository.flush(session)
        _audit(session, actor, rule, "archived", before, now)
    return _present(session, actor, rule)


def find_rate(session: Session, *, actor: Actor, raw_uuid: str) -> BillingRate:
    require(may_manage_billing(actor))
    rule = repository.rate_by_uuid(
        session, firm_id=actor.firm.id, rate_uuid=uuid_or_not_found(raw_uuid, NOT_FOUND)
    )
    if rule is None:
        raise NotFound(NOT_FOUND)
    return rule


def show_rate(session: Session, *, actor: Actor, raw_uuid: str) -> BillingRateRead:
    return _present(session, actor, find_rate(session, actor=actor, raw_uuid=raw_uuid))


def list_rates(session: Session, *, actor: Actor, params: ListParams) -> Page[BillingRateRead]:
    """Live rules, newest start first; filters: level, staff_uuid, client_uuid, case_uuid,
    on (a local date the rule is in effect on), archived=1 (archived ones too)."""
    require(may_manage_billing(actor))
    statement = repository.firm_rates(actor.firm.id)
    for condition in _filters(params.filters):
        statement = statement.where(condition)
    order = repository.rate_order(params.sort.descending)
    rows, total = page_of(session, statement, params=params, order_by=order)
    return build_page(_present_many(session, actor, rows), total=total, params=params)


def _filters(filters: dict[str, list[str]]) -> list[Any]:
    conditions: list[Any] = []
    if (filters.get("archived") or ["0"])[0] not in {"1", "true"}:
        conditions.append(repository.rate_not_archived())
    if filters.get("level"):
        unknown = [v for v in filters["level"] if v not in LEVELS]
        if unknown:
            raise ValidationFailed.field(
                "filter[level]", f"The selected filter[level] is invalid: use {', '.join(LEVELS)}."
            )
        conditions.append(repository.level_in(filters["level"]))
    for name in ("staff_uuid", "client_uuid", "case_uuid"):
        if filters.get(name):
            conditions.append(repository.rate_for(name, uuids_of_filter(filters[name], name)))
    if filters.get("on"):
        on = _date(filters["on"][0], "filter[on]")
        conditions.append(repository.in_effect_on(on))
    return conditions


def _date(value: str, field: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise ValidationFailed.field(field, f"The {field} must be a date, Y-m-d.") from None


def reprice(
    session: Session, *, actor: Actor, raw_uuid: str, data: RepriceRequest, now: datetime
) -> RepriceResult:
    """Re-resolve the rate snapshot of the unlocked entries that start in the local date
    range (inclusive; ``to`` defaults to the rule's end, or open), limited to the rule's
    staff member when it has one. Locked entries (period or invoiced) are skipped and
    counted. Each changed entry gets a ``repriced`` event and a ``time-entry.updated``
    webhook (issue 14); the reprice itself is audited."""
    rule = find_rate(session, actor=actor, raw_uuid=raw_uuid)
    to_date = data.to_date or rule.effective_to
    if to_date is not None and to_date < data.from_date:
        raise ValidationFailed.field("to", "The to date must be a date after or equal to from.")
    firm = actor.firm
    start = resolve.local_midnight(data.from_date, firm.time_zone, "from")
    end = (
        resolve.local_midnight(to_date + timedelta(days=1), firm.time_zone, "to")
        if to_date is not None
        else datetime.max.replace(year=MAX_YEAR, tzinfo=start.tzinfo)
    )
    entries = repository.entries_to_reprice(
        session, firm_id=firm.id, start=start, end=end, account_id=rule.staff_account_id
    )
    result = _reprice_all(session, actor, entries, now)
    audit.record_change(
        session,
        firm_id=firm.id,
        subject_type="billing_rate",
        subject_uuid=rule.uuid,
        action="repriced",
        actor=actor,
        before=None,
        after={
            "from": data.from_date.isoformat(),
            "to": to_date.isoformat() if to_date else None,
            **result.model_dump(),
        },
        now=now,
    )
    return result


def _reprice_all(
    session: Session, actor: Actor, entries: list[TimeEntry], now: datetime
) -> RepriceResult:
    """Reprice the unlocked ``entries``; each one changed is also a ``time-entry.updated``
    webhook (issue 14), presented before and after only if a subscription wants it."""
    unlocked = [entry for entry in entries if locks.lock_reason(entry, actor.firm) is None]
    told = announce.wanted(session, actor, announce.UPDATED)
    shown_before = announce.present(session, actor, unlocked, now) if told else []
    repriced = [n for n, entry in enumerate(unlocked) if _reprice_one(session, actor, entry, now)]
    if told and repriced:
        announce.changed(
            session,
            actor,
            announce.UPDATED,
            entries=[unlocked[n] for n in repriced],
            before=[shown_before[n] for n in repriced],
            now=now,
        )
    return RepriceResult(
        checked=len(unlocked), changed=len(repriced), skipped_locked=len(entries) - len(unlocked)
    )


def _reprice_one(session: Session, actor: Actor, entry: TimeEntry, now: datetime) -> bool:
    """Re-take one entry's rate snapshot; True (and a ``repriced`` event) if it changed."""
    before = audit.snapshot(entry)
    if not resolve.snapshot_rate(session, firm=actor.firm, entry=entry):
        return False
    entry.updated_at = now
    repository.flush(session)
    audit.record(
        session, entry=entry, action=TimeEntryAction.REPRICED, actor=actor, before=before, now=now
    )
    return True


def ensure_firm_default(
    session: Session, *, firm: Firm, hourly_rate: int, since: date, now: datetime
) -> None:
    """Give ``firm`` an open firm-default rate from ``since`` unless a rule overlaps it
    (the demo firm's; audited without an actor)."""
    rule = BillingRate(
        firm_id=firm.id,
        hourly_rate_minor=hourly_rate,
        currency=firm.currency,
        effective_from=since,
        created_at=now,
        updated_at=now,
    )
    if repository.overlapping(session, rule) is not None:
        return
    repository.add(session, rule)
    audit.record_change(
        session,
        firm_id=firm.id,
        subject_type="billing_rate",
        subject_uuid=rule.uuid,
        action="created",
        actor=None,
        before=None,
        after=_snapshot(rule),
        now=now,
    )


def _account(
    session: Session,
    actor: Actor,
    account_uuid: uuid.UUID | None,
    kind: AccountType,
    field: str,
    errors: dict[str, list[str]],
) -> Account | None:
    if account_uuid is None:
        return None
    found = repository.accounts_by_uuid(
        session, firm_id=actor.firm.id, uuids=[account_uuid], kind=kind
    ).get(account_uuid)
    if found is None:
        errors[field] = [f"The selected {field.replace('_', ' ')} is invalid."]
    return found


def _case(
    session: Session, actor: Actor, case_uuid: uuid.UUID | None, errors: dict[str, list[str]]
) -> Case | None:
    if case_uuid is None:
        return None
    found = repository.case_by_uuid(session, firm_id=actor.firm.id, case_uuid=case_uuid)
    if found is None:
        errors["case_uuid"] = ["The selected case uuid is invalid."]
    return found


def _check_dates(rule: BillingRate) -> None:
    if rule.effective_to is not None and rule.effective_to < rule.effective_from:
        raise ValidationFailed.field(
            "effective_to", "The effective to must be a date after or equal to effective from."
        )


def _check_overlap(session: Session, actor: Actor, rule: BillingRate) -> None:
    other = repository.overlapping(session, rule)
    if other is None:
        return
    raise RateOverlap(other)


def _snapshot(rule: BillingRate) -> dict[str, Any]:
    return {
        "hourly_rate": rule.hourly_rate_minor,
        "currency": rule.currency,
        "effective_from": rule.effective_from.isoformat(),
        "effective_to": rule.effective_to.isoformat() if rule.effective_to else None,
        "staff_account_id": rule.staff_account_id,
        "client_account_id": rule.client_account_id,
        "case_id": rule.case_id,
        "archived_at": rule.archived_at.isoformat() if rule.archived_at else None,
    }


def _audit(
    session: Session,
    actor: Actor,
    rule: BillingRate,
    action: str,
    before: dict[str, Any] | None,
    now: datetime,
) -> None:
    audit.record_change(
        session,
        firm_id=actor.firm.id,
        subject_type="billing_rate",
        subject_uuid=rule.uuid,
        action=action,
        actor=actor,
        before=before,
        after=_snapshot(rule),
        now=now,
    )


def _present(session: Session, actor: Actor, rule: BillingRate) -> BillingRateRead:
    return _present_many(session, actor, [rule])[0]


def _present_many(
    session: Session, actor: Actor, rules: list[BillingRate]
) -> list[BillingRateRead]:
    account_ids = {
        i for r in rules for i in (r.staff_account_id, r.client_account_id) if i is not None
    }
    accounts = repository.records_by_id(session, Account, account_ids, firm_id=actor.firm.id)
    cases = repository.records_by_id(
        session, Case, {r.case_id for r in rules if r.case_id}, firm_id=actor.firm.id
    )
    time_zone = actor.firm.time_zone
    return [
        BillingRateRead.build(
            r,
            staff=accounts.get(r.staff_account_id) if r.staff_account_id else None,
            client=accounts.get(r.client_account_id) if r.client_account_id else None,
            case=cases.get(r.case_id) if r.case_id else None,
            time_zone=time_zone,
        )
        for r in rules
    ]
