"""How a criterion is scored, in words, for the framework page."""

from __future__ import annotations

from django import template
from django.utils.translation import gettext as _

from parindex.frameworks.models import Criterion
from parindex.org.templatetags.parindex import compact_points
from parindex.scoring.rules import (
    CappedRule,
    DeductionRule,
    HistoryRule,
    LevelsRule,
    ManualRule,
    RatioTiersRule,
    SurveyRule,
    Tier,
)

register = template.Library()


def _tier(tier: Tier, unit: str) -> str:
    low, high = compact_points(tier.lower), compact_points(tier.upper)
    if tier.lower == tier.upper:
        span = f"{low}{unit}"
    else:
        left = "" if tier.lower_inclusive else ">"
        right = "≤" if tier.upper_inclusive else "<"
        span = f"{left}{low} – {right}{high}{unit}"
    return _("%(span)s: %(points)s") % {"span": span, "points": compact_points(tier.points)}


@register.filter
def rule_summary(criterion: Criterion) -> str:
    if not criterion.rule_type:
        return ""
    rule = criterion.rule()
    if isinstance(rule, ManualRule):
        return _("Scored from 0 to the maximum in steps of %(step)s") % {
            "step": compact_points(rule.step)
        }
    if isinstance(rule, LevelsRule):
        return _("One of: %(levels)s") % {
            "levels": "; ".join(
                f"{level.label} ({compact_points(level.points)})" for level in rule.levels
            )
        }
    if isinstance(rule, RatioTiersRule):
        return _("%(numerator)s / %(denominator)s — %(tiers)s") % {
            "numerator": rule.numerator,
            "denominator": rule.denominator,
            "tiers": "; ".join(_tier(t, "%") for t in rule.tiers),
        }
    if isinstance(rule, DeductionRule):
        return _("Minus %(points)s per occurrence (%(what)s), never below 0") % {
            "points": compact_points(rule.per_occurrence),
            "what": rule.occurrence_label or _("occurrence"),
        }
    if isinstance(rule, SurveyRule):
        source = _("citizen satisfaction (SIPAS)") if rule.source == "sipas" else _("staff survey")
        if rule.mode == "share":
            return _("From the %(source)s: satisfied share × maximum") % {"source": source}
        return _("From the %(source)s: %(tiers)s") % {
            "source": source,
            "tiers": "; ".join(_tier(t, "%") for t in rule.tiers),
        }
    if isinstance(rule, HistoryRule):
        return _("Change of the unit's index between the two previous years: %(tiers)s") % {
            "tiers": "; ".join(_tier(t, "") for t in rule.tiers)
        }
    if isinstance(rule, CappedRule):
        template_text = (
            _("Bonus points, at most %(cap)s")
            if rule.type == "bonus"
            else _("Penalty points, at most %(cap)s")
        )
        return template_text % {"cap": compact_points(rule.cap)}
    return _("Yes: the maximum; no: 0")
