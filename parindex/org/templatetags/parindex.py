"""The one place numbers, dates and sizes are written for people: in templates, messages
and exports alike. Points are rounded only through `scoring.numbers.publish`; separators
and date formats are the active language's (`parindex/formats/`: 83,84%; 23/04/2020)."""

from __future__ import annotations

import datetime
from decimal import Decimal

from django import template
from django.utils import timezone
from django.utils.formats import date_format, number_format

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
def as_written(value: object) -> str:
    """A number with the decimals it was written with, in the language's separators: what
    a person typed, shown back (“0,50” stays “0,50”)."""
    number = _decimal(value)
    if number is None:
        return "–"
    exponent = number.as_tuple().exponent
    return number_format(number, decimal_pos=max(0, -exponent) if isinstance(exponent, int) else 0)


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
