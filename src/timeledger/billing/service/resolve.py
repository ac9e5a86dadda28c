"""What an entry bills to, and at which rate.

The billing-client rule: an entry resolves to at most one client, so that time summed per
client never counts twice:

- on a client: that client;
- on a task: the task's client, or else the rule for the task's case;
- on a board task: the rule for its case;
- on a case: the case's ``billing_client`` when set, or else its only client participant;
  a case with several client participants and no billing client bills to none ("several
  clients");
- on a circle or the firm: none.

Rates, most specific first: case + staff, case, client + staff, client, staff, firm
default (wave2-design.md section 5.2). A rule applies when its dates (local, inclusive)
contain the entry's local start date.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy.orm import Session

from timeledger.billing import repository
from timeledger.dates import to_utc, zone
from timeledger.errors import ValidationFailed
from timeledger.models import BillingRate, Firm, TimeEntry, TrackableType
from timeledger.models.firm import DEFAULT_BILLABLE


@dataclass(frozen=True, slots=True)
class BillingScope:
    """The case and the billing client an entry's trackable stands for (ids, or None)."""

    case_id: int | None
    client_id: int | None


def billing_scope(
    session: Session, trackable_type: TrackableType, trackable_id: int, *, firm_id: int
) -> BillingScope:
    """The case and billing client of time on this trackable (the rule above)."""
    if trackable_type is TrackableType.CLIENT:
        return BillingScope(case_id=None, client_id=trackable_id)
    case_id: int | None = None
    if trackable_type is TrackableType.CASE:
        case_id = trackable_id
    elif trackable_type is TrackableType.TASK:
        task = repository.task(session, trackable_id, firm_id=firm_id)
        if task is not None and task.account_id is not None:
            return BillingScope(case_id=None, client_id=task.account_id)
        case_id = task.case_id if task is not None else None
    elif trackable_type is TrackableType.BOARD_TASK:
        board_task = repository.board_task(session, trackable_id, firm_id=firm_id)
        case_id = board_task.case_id if board_task is not None else None
    if case_id is None:
        return BillingScope(case_id=None, client_id=None)
    return BillingScope(
        case_id=case_id, client_id=case_billing_client(session, case_id, firm_id=firm_id)
    )


def case_billing_client(session: Session, case_id: int, *, firm_id: int) -> int | None:
    """The case's billing client, or its only client participant, or None."""
    case = repository.case(session, case_id, firm_id=firm_id)
    if case is not None and case.billing_client_id is not None:
        return case.billing_client_id
    clients = repository.client_participants(session, case_id, firm_id=firm_id, limit=2)
    return _only(clients)


def case_billing_clients(
    session: Session, case_ids: Collection[int], *, firm_id: int
) -> dict[int, int | None]:
    """``case_billing_client`` of many cases in a few queries (reports), by case id."""
    chosen = repository.case_billing_client_ids(session, case_ids, firm_id=firm_id)
    rest = [case_id for case_id in case_ids if chosen.get(case_id) is None]
    participants = repository.client_participants_of(session, rest, firm_id=firm_id, limit=2)
    return {
        case_id: chosen.get(case_id) or _only(participants.get(case_id, [])) for case_id in case_ids
    }


def _only(clients: Sequence[int]) -> int | None:
    # Several client participants and no chosen billing client bill to none.
    return clients[0] if len(clients) == 1 else None


def billing_client_id(session: Session, entry: TimeEntry) -> int | None:
    """The one client ``entry``'s time bills to, or None (for reports, issue 12)."""
    return billing_scope(
        session, entry.trackable_type, entry.trackable_id, firm_id=entry.firm_id
    ).client_id


def level(rule: BillingRate) -> int:
    """How specific a rule is: 6 case + staff ... 1 firm default."""
    staff = 1 if rule.staff_account_id is not None else 0
    if rule.case_id is not None:
        return 5 + staff
    if rule.client_account_id is not None:
        return 3 + staff
    return 2 if staff else 1


def local_midnight(day: date, time_zone: str, field: str) -> datetime:
    """The UTC instant of local midnight starting ``day`` in ``time_zone``; 422 on
    ``field`` when it falls outside the years every instant can be written in."""
    try:
        return to_utc(datetime.combine(day, datetime.min.time()), time_zone)
    except (ValueError, OverflowError):
        raise ValidationFailed.field(
            field, f"The {field.replace('_', ' ')} must be between the years 1900 and 9998."
        ) from None


def local_date(instant: datetime, time_zone: str) -> date:
    return instant.astimezone(zone(time_zone)).date()


def resolve_rate(session: Session, *, firm: Firm, entry: TimeEntry) -> BillingRate | None:
    """The most specific live rule in effect on the entry's local start date, or None."""
    scope = billing_scope(session, entry.trackable_type, entry.trackable_id, firm_id=firm.id)
    rules = repository.rules_in_effect(
        session,
        firm_id=firm.id,
        account_id=entry.account_id,
        client_id=scope.client_id,
        case_id=scope.case_id,
        on=local_date(entry.started_at, firm.time_zone),
    )
    return max(rules, key=level, default=None)


def snapshot_rate(session: Session, *, firm: Firm, entry: TimeEntry) -> bool:
    """Write the resolved rate onto ``entry`` (amount, currency, rule); whether it changed."""
    rule = resolve_rate(session, firm=firm, entry=entry)
    new = (
        (rule.hourly_rate_minor, rule.currency, rule.id) if rule is not None else (None, None, None)
    )
    if new == (entry.hourly_rate_minor, entry.currency, entry.rate_id):
        return False
    entry.hourly_rate_minor, entry.currency, entry.rate_id = new
    return True


def default_billable(firm: Firm, trackable_type: TrackableType) -> bool:
    """The firm's billable default for new time on this trackable type."""
    value = firm.billable_default.get(trackable_type.value)
    if value is None:
        return DEFAULT_BILLABLE[trackable_type.value]
    return bool(value)
