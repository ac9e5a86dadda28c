"""Every table, one module each. Alembic's env.py imports only this package."""

from timeledger.models.account import ROLES_BY_TYPE, Account, AccountRole, AccountType
from timeledger.models.audit_event import AuditEvent
from timeledger.models.base import Base
from timeledger.models.billing_rate import BillingRate
from timeledger.models.board_task import BoardTask
from timeledger.models.case import Case
from timeledger.models.case_participant import CaseParticipant
from timeledger.models.circle import Circle
from timeledger.models.circle_member import CircleMember
from timeledger.models.firm import Firm
from timeledger.models.idempotency_key import IdempotencyKey
from timeledger.models.login import Login
from timeledger.models.permission_change import PermissionChange
from timeledger.models.personal_access_token import PersonalAccessToken
from timeledger.models.tag import Tag
from timeledger.models.task import Task, TaskPriority
from timeledger.models.time_entry import TimeEntry, TrackableType
from timeledger.models.time_entry_event import TimeEntryAction, TimeEntryEvent
from timeledger.models.time_entry_tag import TimeEntryTag
from timeledger.models.user import User
from timeledger.models.web_session import WebSession
from timeledger.models.webhook_delivery import DeliveryStatus, WebhookDelivery
from timeledger.models.webhook_event import WebhookEvent
from timeledger.models.webhook_subscription import WebhookSubscription

__all__ = [
    "ROLES_BY_TYPE",
    "Account",
    "AccountRole",
    "AccountType",
    "AuditEvent",
    "Base",
    "BillingRate",
    "BoardTask",
    "Case",
    "CaseParticipant",
    "Circle",
    "CircleMember",
    "DeliveryStatus",
    "Firm",
    "IdempotencyKey",
    "Login",
    "PermissionChange",
    "PersonalAccessToken",
    "Tag",
    "Task",
    "TaskPriority",
    "TimeEntry",
    "TimeEntryAction",
    "TimeEntryEvent",
    "TimeEntryTag",
    "TrackableType",
    "User",
    "WebSession",
    "WebhookDelivery",
    "WebhookEvent",
    "WebhookSubscription",
]
