"""The follow-up's models, one module per part: the initiatives register, directives,
weaknesses and their remediation."""

from .initiatives import Initiative, InitiativeQuerySet
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
    "TRANSITIONS",
    "Finding",
    "Initiative",
    "InitiativeQuerySet",
    "Inspection",
    "RemediationTask",
    "Status",
    "TaskEvent",
    "TaskQuerySet",
    "Transition",
    "Weakness",
]
