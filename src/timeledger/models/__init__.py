"""Every table, one module each. Alembic's env.py imports only this package."""

from timeledger.models.account import ROLES_BY_TYPE, Account, AccountRole, AccountType
from timeledger.models.base import Base
from timeledger.models.board_task import BoardTask
from timeledger.models.case import Case
from timeledger.models.case_participant import CaseParticipant
from timeledger.models.circle import Circle
from timeledger.models.circle_member import CircleMember
from timeledger.models.firm import Firm
from timeledger.models.idempotency_key import IdempotencyKey
from timeledger.models.login import Login
from timeledger.models.personal_access_token import PersonalAccessToken
from timeledger.models.task import Task, TaskPriority
from timeledger.models.time_entry import TimeEntry, TrackableType
from timeledger.models.time_entry_event import TimeEntryAction, TimeEntryEvent
from timeledger.models.user import User
from timeledger.models.web_session import WebSession

__all__ = [
    "ROLES_BY_TYPE",
    "Account",
    "AccountRole",
    "AccountType",
    "Base",
    "BoardTask",
    "Case",
    "CaseParticipant",
    "Circle",
    "CircleMember",
    "Firm",
    "IdempotencyKey",
    "Login",
    "PersonalAccessToken",
    "Task",
    "TaskPriority",
    "TimeEntry",
    "TimeEntryAction",
    "TimeEntryEvent",
    "TrackableType",
    "User",
    "WebSession",
]
