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
from .initiatives import Initiative, InitiativeQuerySet

__all__ = [
    "REPORT_TRANSITIONS",
    "Directive",
    "DirectiveQuerySet",
    "DirectiveTask",
    "Initiative",
    "InitiativeQuerySet",
    "TaskAssignment",
    "TaskAssignmentQuerySet",
]
