"""The follow-up's models, one module per part: the initiatives register, directives,
weaknesses and their remediation, improvement plans."""

from .directives import (
    REPORT_TRANSITIONS,
    Directive,
    DirectiveQuerySet,
    DirectiveTask,
    TaskAssignment,
    TaskAssignmentQuerySet,
)
from .initiatives import Initiative, InitiativeFollowup, InitiativeQuerySet
from .plans import ImprovementPlan, PlanQuerySet, PlanTarget, PlanTask, TaskProgress
from .remediation import (
    ACTIONS,
    TRANSITIONS,
    Finding,
    Inspection,
    RemediationTask,
    Status,
    TaskEvent,
    TaskQuerySet,
    Transition,
    Weakness,
)

__all__ = [
    "ACTIONS",
    "REPORT_TRANSITIONS",
    "TRANSITIONS",
    "Directive",
    "DirectiveQuerySet",
    "DirectiveTask",
    "Finding",
    "ImprovementPlan",
    "Initiative",
    "InitiativeFollowup",
    "InitiativeQuerySet",
    "Inspection",
    "PlanQuerySet",
    "PlanTarget",
    "PlanTask",
    "RemediationTask",
    "Status",
    "TaskAssignment",
    "TaskAssignmentQuerySet",
    "TaskEvent",
    "TaskProgress",
    "TaskQuerySet",
    "Transition",
    "Weakness",
]
