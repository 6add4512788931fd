"""How a criterion is scored, in words, for the framework page."""

from __future__ import annotations

from django import template

from parindex.frameworks.models import Criterion
from parindex.frameworks.rules import rule_kind

register = template.Library()


@register.filter
def rule_summary(criterion: Criterion) -> str:
    if not criterion.rule_type:
        return ""
    return rule_kind(criterion.rule_type).summary(criterion.rule())
