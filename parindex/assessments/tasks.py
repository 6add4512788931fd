"""The reminders' task: the workers run it once a day (JOBS_PERIODIC)."""

from __future__ import annotations

from django.utils.translation import gettext as _

from parindex.jobs.tasks import task


@task()
def reminders_queue() -> str:
    from .services import assessment_reminders

    return _("%(count)s reminders queued.") % {"count": assessment_reminders()}
