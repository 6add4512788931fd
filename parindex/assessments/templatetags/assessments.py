"""Assessment words in templates: states, the audit's values, a criterion's page anchors.
Numbers and dates are written by the project's library (`org/templatetags/parindex.py`)."""

from __future__ import annotations

import hashlib
import json
from decimal import Decimal
from functools import lru_cache
from pathlib import Path
from typing import Any

from django import template
from django.conf import settings
from django.core.cache import caches
from django.urls import get_script_prefix, reverse
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language
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
def as_json(value: object) -> str:
    """A value as JSON, for a data attribute (the template escapes it)."""
    return json.dumps(value, ensure_ascii=False)


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


# A leaf as its unit sees it, rendered once for what it shows: the key holds everything
# the leaf's template reads (its criterion, its item, the engine's points, its evidence
# and requests, the page's flags); each page's own CSRF token is put in afterwards.
LEAF_TEMPLATE = "assessments/_leaf.html"
CSRF_PLACEHOLDER = "csrf-placeholder-for-the-leaf"
LEAF_SECONDS = 3600


@lru_cache(maxsize=1)
def _rendering_version() -> str:
    """The code a leaf is rendered with: its templates, the rule partials and the tags and
    translations they use. A cache shared by several servers (the database's) then never
    serves a leaf rendered by an earlier release."""
    package = Path(__file__).resolve().parents[2]
    sources = sorted(
        [
            *(package / "assessments" / "templates").rglob("*.html"),
            *(package / "frameworks" / "templates").rglob("*.html"),
            *(package / "assessments" / "templatetags").glob("*.py"),
            *(package / "org" / "templatetags").glob("*.py"),
            *(package / "locale").rglob("*.mo"),
        ]
    )
    digest = hashlib.sha256()
    for source in sources:
        digest.update(source.read_bytes())
    return digest.hexdigest()[:16]


def _leaf_key(context: template.Context, row: Any) -> str | None:
    item = row.item
    code = row.criterion.code
    if (
        item is None
        or not context.get("is_unit")
        or (context.get("errors") or {}).get(code)
        or context.get("evidence_message")
        or context.get("appraise")
        or context.get("revision")
    ):
        return None
    answered = context.get("answered") or {}
    assessment = context["assessment"]
    parts = (
        _rendering_version(),
        get_language(),
        assessment.cycle.year,
        assessment.unit.code,
        [context.get(flag) for flag in ("may_edit", "show_appraisal", "may_read_evidence")],
        context.get("evidence_max_bytes"),
        row.criterion.pk,
        row.criterion.framework_id,
        [
            getattr(item, name)
            for name in (
                "pk",
                "version",
                "updated_at",
                "self_inputs",
                "appraised_inputs",
                "note",
                "appraisal_note",
                "not_applicable_claimed",
                "not_applicable_reason",
                "not_applicable_accepted",
            )
        ],
        row.own,
        row.appraised,
        row.proposal,
        sorted(row.self_values.items()),
        sorted(row.appraisal_values.items()),
        [
            (f.pk, f.name, f.kind, f.size, f.previewable, sorted((f.document or {}).items()))
            for f in row.files
        ],
        [(u.pk, u.url, u.title) for u in row.urls],
        [(r.pk, r.message, r.requested_at, answered.get(r.pk)) for r in row.requests],
        [(f.pk, f.name) for f in context.get("files") or ()],
    )
    return "assessments:leaf:" + hashlib.sha256(repr(parts).encode()).hexdigest()


@register.simple_tag(takes_context=True)
def leaf(context: template.Context, row: Any) -> SafeString:
    """`{% include "assessments/_leaf.html" with show_requests=True %}`, from the cache
    when the same leaf was shown the same way (rendering a leaf's forms is most of the
    page)."""
    assert context.template is not None  # a tag renders inside a template
    leaf_template = context.template.engine.get_template(LEAF_TEMPLATE)
    key = _leaf_key(context, row) if settings.ASSESSMENT_LEAF_CACHE else None
    if key is None:
        with context.push(row=row, show_requests=True):
            return mark_safe(leaf_template.render(context))  # noqa: S308 - a template's output
    html: str | None = caches["pages"].get(key)
    if html is None:
        with context.push(row=row, show_requests=True, csrf_token=CSRF_PLACEHOLDER):
            html = str(leaf_template.render(context))
        caches["pages"].set(key, html, LEAF_SECONDS)
    token = str(context.get("csrf_token") or "")
    return mark_safe(html.replace(CSRF_PLACEHOLDER, token))  # noqa: S308 - a template's output
