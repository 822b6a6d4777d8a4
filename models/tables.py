"""Every table, imported in one place so metadata (and Alembic) sees them all."""

from models.agencies import Agency, AgencyAlias, AgencyMember
from models.delivery import (
    DeliveryAttempt,
    MilestoneSnapshot,
    Notice,
    OutboxMessage,
    SweepRun,
    TaskAlarm,
)
from models.deltas import TaskDelta, TaskDeltaPruned
from models.followup import DeadlineChange, Extension, UsedLink
from models.generation import ChangeGeneration
from models.plans import Plan, PlanEvent, PlanSection, PlanWarning, Target
from models.tasks import Task, TaskEdge, TaskEvent, TaskPartner
from models.users import (
    Evidence,
    FeedToken,
    LoginAttempt,
    PasswordReset,
    PlanSource,
    User,
    WebSession,
)

__all__ = [
    "Agency",
    "AgencyAlias",
    "AgencyMember",
    "ChangeGeneration",
    "DeadlineChange",
    "DeliveryAttempt",
    "Evidence",
    "Extension",
    "FeedToken",
    "LoginAttempt",
    "MilestoneSnapshot",
    "Notice",
    "OutboxMessage",
    "PasswordReset",
    "Plan",
    "PlanEvent",
    "PlanSection",
    "PlanSource",
    "PlanWarning",
    "SweepRun",
    "Target",
    "Task",
    "TaskAlarm",
    "TaskDelta",
    "TaskDeltaPruned",
    "TaskEdge",
    "TaskEvent",
    "TaskPartner",
    "UsedLink",
    "User",
    "WebSession",
]
