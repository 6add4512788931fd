"""Formatting published figures: rounding through scoring.numbers.publish, locale separators."""

from __future__ import annotations

from decimal import Decimal

from django import template
from django.utils.formats import number_format
from django.utils.translation import gettext_lazy as _

from parindex.scoring.numbers import publish, to_decimal

register = template.Library()


def _decimal(value: object) -> Decimal | None:
    if value is None or value == "":
        return None
    try:
        return to_decimal(value)
    except ValueError:
        return None


@register.filter
def points(value: object) -> str:
    """94 → “94,00” (vi) or “94.00” (en)."""
    number = _decimal(value)
    if number is None:
        return "–"
    return number_format(publish(number), decimal_pos=2)


@register.filter
def percent(value: object) -> str:
    """83.8404 → “83,84%”."""
    number = _decimal(value)
    if number is None:
        return "–"
    return number_format(publish(number), decimal_pos=2) + "%"


@register.filter
def compact_points(value: object) -> str:
    """Points of a criterion as officials write them: 0,25; 1; 1,5."""
    number = _decimal(value)
    if number is None:
        return "–"
    normalized = number.normalize()
    places = max(0, -int(normalized.as_tuple().exponent))
    return number_format(normalized, decimal_pos=places)


@register.filter
def get(mapping: object, key: object) -> object:
    """A dictionary's value in a template: {{ results.units|get:code }}."""
    if isinstance(mapping, dict):
        return mapping.get(key)
    return None


@register.filter
def signed_points(value: object) -> str:
    """A change: “+1,50”, “−0,25”, “0,00”."""
    number = _decimal(value)
    if number is None:
        return "–"
    text = number_format(publish(abs(number)), decimal_pos=2)
    if number > 0:
        return "+" + text
    if number < 0:
        return "−" + text
    return text


@register.filter
def magnitude(value: object) -> object:
    """The size of a change without its sign (a rank moved down 3 → 3)."""
    if isinstance(value, int | Decimal):
        return abs(value)
    return value


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
    return str(code).split(".")[0]


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
    return str(value).replace(".", ",") if _is_number(value) else str(value)


def _is_number(value: object) -> bool:
    try:
        to_decimal(value)
    except ValueError:
        return False
    return isinstance(value, str | int | float | Decimal)
