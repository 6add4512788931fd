"""The messages the follow-up sends, in the province's language."""

from __future__ import annotations

from django.conf import settings
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

from parindex.notify.services import Notice, absolute_url
from parindex.org.templatetags.parindex import day

from .models import RemediationTask, TaskEvent


def task_reminder(task: RemediationTask, *, overdue: bool) -> Notice:
    """An open task whose due date is near, or past."""
    with translation.override(settings.LANGUAGE_CODE):
        values = {
            "unit": task.unit.name,
            "task": task.title,
            "date": day(task.due_on),
            "link": absolute_url(reverse("followup:task", args=[task.pk])),
        }
        if overdue:
            text = (
                _(
                    "[PAR follow-up] %(unit)s: the task “%(task)s” was due on %(date)s and is not "
                    "reported done. %(link)s"
                )
                % values
            )
        else:
            text = (
                _("[PAR follow-up] %(unit)s: the task “%(task)s” is due on %(date)s. %(link)s")
                % values
            )
        subject = _("Remediation task overdue") if overdue else _("Remediation task due soon")
        return Notice(subject=subject, detail=text, short=text)


def task_decided(task: RemediationTask, event: TaskEvent) -> Notice:
    """The administrator verified the reported task, or reopened it with a reason."""
    with translation.override(settings.LANGUAGE_CODE):
        values = {
            "unit": task.unit.name,
            "task": task.title,
            "reason": event.text,
            "link": absolute_url(reverse("followup:task", args=[task.pk])),
        }
        if event.action == "verify":
            text = (
                _("[PAR follow-up] %(unit)s: the task “%(task)s” is verified as done. %(link)s")
                % values
            )
            subject = _("Remediation task verified")
        else:
            text = (
                _("[PAR follow-up] %(unit)s: the task “%(task)s” is reopened: %(reason)s %(link)s")
                % values
            )
            subject = _("Remediation task reopened")
        return Notice(subject=subject, detail=text, short=text)
