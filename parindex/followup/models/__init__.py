"""The follow-up's models, one module per part: the initiatives register, directives,
weaknesses and their remediation."""

from .initiatives import Initiative, InitiativeQuerySet

__all__ = ["Initiative", "InitiativeQuerySet"]
