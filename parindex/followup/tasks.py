"""The follow-up's background work: the weaknesses of a published revision (the whole
cycle through the engine) and the tasks' daily reminders (JOBS_PERIODIC)."""

from __future__ import annotations

from django.utils.translation import gettext as _

from parindex.jobs.tasks import task


@task()
def weaknesses_record_task(*, snapshot_id: int) -> str:
    from parindex.results.models import ResultSnapshot

    from .services import weaknesses_record

    snapshot = ResultSnapshot.objects.get(pk=snapshot_id)
    return _("%(count)s weaknesses recorded.") % {"count": weaknesses_record(snapshot=snapshot)}


@task()
def task_reminders_queue() -> str:
    from .services import task_reminders

    return _("%(count)s reminders queued.") % {"count": task_reminders()}
