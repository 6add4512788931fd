"""Computing a cycle's results: seconds at 10,000 units, so a job, never the request."""

from __future__ import annotations

from django.utils.translation import gettext as _

from parindex.assessments.models import Cycle
from parindex.jobs.tasks import progress, task
from parindex.org.models import User


@task()
def results_compute_cycle(*, cycle_id: int, by_id: int | None, reason: str = "") -> str:
    from .services import results_compute

    cycle = Cycle.objects.get(pk=cycle_id)
    by = User.objects.filter(pk=by_id).first() if by_id is not None else None

    def on_progress(step: str, done: int, total: int) -> None:
        progress(step=step, done=done, total=total)

    snapshot = results_compute(cycle=cycle, by=by, reason=reason, on_progress=on_progress)
    computed = snapshot.rows.count()
    progress(step=_("The results are computed"), done=computed, total=computed)
    return _("Revision %(revision)s computed: %(units)s units.") % {
        "revision": snapshot.revision,
        "units": computed,
    }
