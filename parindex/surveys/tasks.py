"""Aggregating a campaign: seconds over millions of answers, so a job, never the request."""

from __future__ import annotations

from django.utils.translation import gettext as _

from parindex.jobs.tasks import progress, task
from parindex.org.models import User


@task()
def campaign_aggregate_job(*, campaign_id: int, by_id: int | None) -> str:
    from .aggregation import campaign_aggregate
    from .models import Campaign

    campaign = Campaign.objects.get(pk=campaign_id)
    by = User.objects.filter(pk=by_id).first() if by_id is not None else None

    def on_progress(step: str, done: int, total: int) -> None:
        progress(step=step, done=done, total=total)

    outcome = campaign_aggregate(campaign=campaign, by=by, on_progress=on_progress)
    progress(step=_("The figures are written"), done=outcome.units, total=outcome.units)
    return _(
        "%(responses)s responses counted for %(units)s units; %(short)s short of their target."
    ) % {"responses": outcome.responses, "units": outcome.units, "short": outcome.short}
