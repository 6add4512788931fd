"""How a criterion is scored, in words, for the framework page and the leaves' inputs."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from django import template
from django.utils.translation import gettext as _

from parindex.frameworks.models import Criterion
from parindex.frameworks.rules import (
    CHANGE,
    PERCENT,
    InputsError,
    no_denominator_words,
    points_words,
    proportional_words,
    rule_kind,
    tiers_words,
)
from parindex.org.templatetags.parindex import compact_points
from parindex.scoring.rules import CappedRule, InputError, ProportionalRule, RatioRule, Tally, Tier

register = template.Library()


@register.filter
def rule_summary(criterion: Criterion) -> str:
    if not criterion.rule_type:
        return ""
    return rule_kind(criterion.rule_type).summary(criterion.rule())


@register.filter
def tiers_in_words(tiers: Sequence[Tier], scale: str = PERCENT) -> str:
    """{{ rule.tiers|tiers_in_words }}: “Dưới 80%: 0 điểm; từ 80% đến dưới 100%: …”;
    {{ rule.tiers|tiers_in_words:"change" }} for the change of the index."""
    return tiers_words(tiers, CHANGE if scale == CHANGE else PERCENT)


@register.filter
def ratio_rule_words(rule: RatioRule) -> str:
    """What a ratio rule gives besides its tiers: in proportion, and when nothing is
    counted."""
    words = [no_denominator_words(rule)]
    if isinstance(rule, ProportionalRule):
        words.insert(0, proportional_words(rule))
    return ". ".join(words)


@register.simple_tag
def capped_tally(rule: CappedRule, values: Mapping[str, Any]) -> Tally | None:
    """The engine's sum of the bonus or penalty items in a form's values, against the cap;
    None while there are none or they cannot be read."""
    try:
        inputs = rule_kind(rule.type).read(
            {"items": str(values.get("items") or "")} if isinstance(values, Mapping) else {}
        )
        return rule.tally(inputs) if inputs is not None else None
    except (InputsError, InputError):
        return None


@register.filter
def dom_id(code: object) -> str:
    """A criterion code as part of a page id a CSS selector can name: “1.2.3” → “1_2_3”."""
    return str(code).replace(".", "_")


@register.filter
def tally_words(tally: Tally) -> str:
    """“1 of 1,25 points counted” once the cap is reached, else “In all: 0,75 points”."""
    if tally.capped:
        return _("%(counted)s of %(entered)s counted") % {
            "counted": compact_points(tally.counted),
            "entered": points_words(tally.entered),
        }
    return _("In all: %(entered)s (at most %(cap)s)") % {
        "entered": points_words(tally.entered),
        "cap": points_words(tally.cap),
    }
