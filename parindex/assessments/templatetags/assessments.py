"""Assessment words in templates."""

from __future__ import annotations

from django import template

from parindex.assessments.models import State

register = template.Library()


@register.filter
def state_label(value: object) -> str:
    """A state as recorded in the audit (a code, or {"state": code, …}) in words."""
    code = value.get("state") if isinstance(value, dict) else value
    try:
        return str(State(str(code)).label)
    except ValueError:
        return str(code or "–")
