"""Assessment words in templates: states, the audit's values, a criterion's page anchors.
Numbers and dates are written by the project's library (`org/templatetags/parindex.py`)."""

from __future__ import annotations

from decimal import Decimal
from functools import lru_cache

from django import template
from django.urls import get_script_prefix, reverse
from django.utils.translation import gettext_lazy as _

from parindex.assessments.models import State
from parindex.frameworks.models import Criterion
from parindex.org.templatetags.parindex import as_written
from parindex.scoring.numbers import to_decimal

register = template.Library()


@register.filter
def state_label(value: object) -> str:
    """A state as recorded in the audit (a code, or {"state": code, …}) in words."""
    code = value.get("state") if isinstance(value, dict) else value
    try:
        return str(State(str(code)).label)
    except ValueError:
        return str(code or "–")


@register.filter
def dom(value: object) -> str:
    """A criterion code as a page id a CSS selector can name: “1.2.3” → “1_2_3”."""
    return str(value).replace(".", "_")


@register.filter
def next_field(fields: object, current: object) -> object:
    """The field after the current one in a list of fields (with a `code`), or None."""
    if not isinstance(fields, list):
        return None
    codes = [getattr(f, "code", None) for f in fields]
    if current not in codes:
        return None
    position = codes.index(current)
    return fields[position + 1] if position + 1 < len(fields) else None


@register.filter
def field_of(code: object) -> str:
    """The field a criterion belongs to: “1.2.3” → “1”."""
    return Criterion.field_of(str(code))


@register.filter
def deadline_of(cycle: object, phase: object) -> object:
    """A cycle's last day of a phase, in a template: {{ cycle|deadline_of:phase }}."""
    deadline = getattr(cycle, "deadline", None)
    return deadline(str(phase)) if callable(deadline) else None


AUDIT_LABELS = {
    "score": _("score"),
    "yes": _("done"),
    "level": _("level"),
    "numerator": _("numerator"),
    "denominator": _("denominator"),
    "occurrences": _("occurrences"),
    "items": _("items"),
    "claimed": _("does not apply"),
    "reason": _("reason"),
    "note": _("comment"),
    "state": _("state"),
    "until": _("until"),
    "name": _("file"),
    "phase": _("phase"),
}
AUDIT_HIDDEN = ("action", "file", "sha256")


@register.filter
def audit_value(value: object) -> str:
    """A value of the audit as a person reads it: “numerator: 12; denominator: 10”."""
    if value is None or value == "":
        return "–"
    if isinstance(value, bool):
        return str(_("yes") if value else _("no"))
    if isinstance(value, list):
        return ", ".join(audit_value(item) for item in value)
    if isinstance(value, dict):
        return (
            "; ".join(
                f"{AUDIT_LABELS.get(key, key)}: {audit_value(item)}"
                for key, item in value.items()
                if key not in AUDIT_HIDDEN
            )
            or "–"
        )
    return as_written(value) if _is_number(value) else str(value)


def _is_number(value: object) -> bool:
    if not isinstance(value, str | int | float | Decimal):
        return False
    try:
        to_decimal(value)
    except ValueError:
        return False
    return True


# A leaf's URLs differ only by its code: each is reversed once per unit (reversing is the
# dearest part of a leaf's forms, a dozen times per leaf), then the code put in.
LEAF = "__leaf__"


@lru_cache(maxsize=4096)
def _leaf_pattern(name: str, year: int, unit: str, prefix: str) -> str:
    return reverse(name, args=[year, unit, LEAF])


@register.simple_tag
def leaf_url(name: str, year: int, unit: str, code: str) -> str:
    """`{% url name year unit code %}` for the URLs of a leaf (`…/items/<code>/…`)."""
    return _leaf_pattern(name, int(year), str(unit), get_script_prefix()).replace(
        LEAF, str(code), 1
    )
