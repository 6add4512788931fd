"""The follow-up's models, one module per part: the initiatives register, directives,
weaknesses and their remediation."""

from .directives import (
    REPORT_TRANSITIONS,
    Directive,
    DirectiveQuerySet,
    DirectiveTask,
    TaskAssignment,
    TaskAssignmentQuerySet,
)
from .initiatives import Initiative, InitiativeFollowup, InitiativeQuerySet
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
    "Initiative",
    "InitiativeFollowup",
    "InitiativeQuerySet",
    "Inspection",
    "RemediationTask",
    "Status",
    "TaskAssignment",
    "TaskAssignmentQuerySet",
    "TaskEvent",
    "TaskQuerySet",
    "Transition",
    "Weakness",
]
