"""The messages the workflow sends, in the province's language."""

from __future__ import annotations

import datetime

from django.conf import settings
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

from parindex.notify.services import Notice, absolute_url
from parindex.org.templatetags.parindex import day

from .models import Assessment, Phase


def reminder(assessment: Assessment, phase: Phase, deadline: datetime.date) -> Notice:
    """The unit has not submitted its self-assessment (or its revision) yet."""
    with translation.override(settings.LANGUAGE_CODE):
        cycle, unit = assessment.cycle, assessment.unit
        text = _(
            "[PAR index %(year)s] %(unit)s has not submitted its %(what)s yet: the last day "
            "is %(date)s. %(link)s"
        ) % {
            "year": cycle.year,
            "unit": unit.name,
            "what": _("self-assessment") if phase == Phase.SELF_ASSESSMENT else _("revision"),
            "date": day(deadline),
            "link": absolute_url(reverse("assessments:detail", args=[cycle.year, unit.code])),
        }
        return Notice(
            subject=_("Reminder: PAR index %(year)s") % {"year": cycle.year},
            detail=text,
            short=text,
        )
