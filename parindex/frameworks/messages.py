"""Sentences for the engine's issue codes, in the user's language."""

from __future__ import annotations

from decimal import Decimal

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from parindex.org.templatetags.parindex import compact_points
from parindex.scoring.rules import Issue


def _messages() -> dict[str, str]:
    return {
        "not_a_framework": _("The file does not describe a framework."),
        "yaml_syntax": _("The YAML file cannot be read (line %(line)s)."),
        "yaml_too_large": _("The file holds far more than a framework does; it was not read."),
        "yaml_too_deep": _(
            "Line %(line)s: the entries nest more than %(depth)s levels deep; a framework "
            "needs far fewer."
        ),
        "yaml_alias": _(
            "Line %(line)s: “*%(name)s” repeats another part of the file. References of this "
            "kind are not accepted: write the part out."
        ),
        "number_too_large": _(
            "Line %(line)s: the number is too large or too long for a framework."
        ),
        "not_a_number": _("Line %(line)s: the value is not a number."),
        "unknown_key": _("unknown entry “%(name)s”"),
        "missing_key": _("“%(name)s” is missing"),
        "bad_value": _("“%(name)s” has a value that is not allowed"),
        "bad_node": _("an entry is not a criterion"),
        "empty_framework": _("The framework has no fields."),
        "bad_code": _("the code must be numbers separated by dots, e.g. 1.2.3"),
        "code_not_under_parent": _("the code does not start with its parent's code %(parent)s"),
        "duplicate_code": _("the code is used twice"),
        "missing_title": _("the title is missing"),
        "negative_points": _("negative points (%(value)s)"),
        "points_too_large": _("%(value)s points is more than a framework holds (at most %(most)s)"),
        "too_long": _("“%(name)s” is longer than %(most)s characters"),
        "too_deep": _("the criteria nest more than %(most)s levels deep"),
        "too_many_places": _("%(value)s has more than two decimals"),
        "rule_on_inner_node": _("a criterion with sub-criteria cannot have a scoring rule"),
        "leaf_without_rule": _("a criterion without sub-criteria needs a scoring rule"),
        "not_applicable_on_inner_node": _(
            "only a criterion without sub-criteria can be declared not applicable"
        ),
        "not_applicable_on_adjustment": _("bonus and penalty points cannot be not applicable"),
        "max_mismatch": _(
            "the stated maximum %(stated)s differs from the sum of its parts, %(sum)s"
        ),
        "leaf_without_points": _("a scored criterion must be worth more than 0 points"),
        "adjustment_has_max": _(
            "bonus and penalty criteria have a maximum of 0: their points are outside the "
            "maximum; give their limit as “cap”"
        ),
        "bad_rule": _("the scoring rule is not readable"),
        "unknown_rule_type": _("unknown scoring rule “%(type)s”"),
        "unknown_parameter": _("the scoring rule has an unknown parameter “%(name)s”"),
        "missing_parameter": _("the scoring rule needs the parameter “%(name)s”"),
        "bad_parameter": _("the scoring rule's parameter “%(name)s” is not valid"),
        "bad_tier": _("tier %(tier)s is not valid"),
        "tier_empty": _("tier %(tier)s is empty"),
        "tier_out_of_range": _("tier %(tier)s lies outside %(low)s – %(high)s"),
        "tier_points": _("tier %(tier)s gives points outside 0 – %(max)s"),
        "tier_overlap": _("tiers %(first)s and %(second)s overlap"),
        "tier_gap": _("the tiers leave a gap between %(between)s and %(and)s"),
        "best_not_max": _("the best tier or level must be worth the maximum, %(max)s"),
        "too_few_levels": _("a rule with levels needs at least two levels"),
        "level_labels": _("each level needs its own, non-empty label"),
        "level_points": _("level “%(level)s” gives points outside 0 – %(max)s"),
        "unknown_prefill": _(
            "unknown proposal source “%(name)s”: write inspection_findings_fixed, "
            "province_tasks_done, initiatives_recognised or initiatives_maintained"
        ),
        "prefill_on_inner_node": _(
            "only a criterion without sub-criteria can be proposed from the follow-up"
        ),
        "prefill_rule": _(
            "the follow-up cannot propose an answer from “%(name)s” for a “%(type)s” rule"
        ),
        "excel_too_large": _(
            "The Excel file unpacks into far more than a framework's template; it was not read."
        ),
        "excel_layout": _("The Excel file does not follow the template (%(detail)s)."),
        "excel_row": _("row %(row)s: %(detail)s"),
        "survey_indicator_missing": _(
            "the survey leaf reads “%(key)s”, but no %(year)s questionnaire of that survey "
            "has the indicator “%(indicator)s”"
        ),
    }


# A file's problems are shown on one page: the first MAX_PROBLEMS of them, each one's
# quoted names and codes cut at MAX_QUOTED characters (a file may name a key of 100 KB).
MAX_PROBLEMS = 50
MAX_QUOTED = 80


def _format(value: object) -> object:
    if isinstance(value, Decimal):
        return compact_points(value)
    return _cut(value) if isinstance(value, str) else value


def _cut(text: str) -> str:
    return text if len(text) <= MAX_QUOTED else text[: MAX_QUOTED - 1] + "…"


def describe(issue: Issue) -> str:
    """One sentence naming the node, e.g. “Criterion 1.2: tiers … overlap”."""
    template = _messages().get(issue.code, issue.code)
    params = {key: _format(value) for key, value in issue.params.items()}
    try:
        text = template % params
    except (KeyError, TypeError, ValueError):
        text = template
    if issue.node:
        return _("Criterion %(code)s: %(problem)s") % {"code": _cut(issue.node), "problem": text}
    return text[:1].upper() + text[1:]


def describe_all(issues: list[Issue]) -> list[str]:
    """The sentences of a file's problems, at most MAX_PROBLEMS and a last line counting
    those left out."""
    shown = [describe(issue) for issue in issues[:MAX_PROBLEMS]]
    left = len(issues) - len(shown)
    if left > 0:
        shown.append(
            ngettext(
                "… and %(count)s more problem; correct these first.",
                "… and %(count)s more problems; correct these first.",
                left,
            )
            % {"count": left}
        )
    return shown
