"""The one place numbers, dates and sizes are written for people: in templates, messages
and exports alike. Points are rounded only through `scoring.numbers.publish`; separators
and date formats are the active language's (`parindex/formats/`: 83,84%; 23/04/2020)."""

from __future__ import annotations

import datetime
from decimal import Decimal

from django import template
from django.utils import timezone
from django.utils.formats import date_format, number_format
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
def day(value: object) -> str:
    """A date as officials write it: 23/04/2020."""
    if isinstance(value, datetime.datetime):
        value = timezone.localtime(value).date()
    if not isinstance(value, datetime.date):
        return ""
    return date_format(value, "SHORT_DATE_FORMAT")


@register.filter
def moment(value: object) -> str:
    """A moment in local time: 14:05 23/04/2020 (vi), 23/04/2020 14:05 (en)."""
    if not isinstance(value, datetime.datetime):
        return ""
    return date_format(timezone.localtime(value), "SHORT_DATETIME_FORMAT")


@register.filter
def clock(value: object) -> str:
    """The local time of a moment: 14:05."""
    if not isinstance(value, datetime.datetime):
        return ""
    return date_format(timezone.localtime(value), "TIME_FORMAT")


@register.filter
def megabytes(size: object) -> str:
    """A file size in MB with one decimal: 20,0."""
    if not isinstance(size, int):
        return "–"
    return number_format(Decimal(size) / (1024 * 1024), decimal_pos=1)


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
