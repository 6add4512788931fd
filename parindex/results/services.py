"""Actions on a cycle's results: computing a snapshot, publishing it, and the preliminary
results sent when an appraisal round closes."""

from __future__ import annotations

import datetime
from typing import TYPE_CHECKING

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from parindex.assessments.models import Assessment, Cycle, CycleGroup, bands_to_json
from parindex.notify.services import notice_enqueue
from parindex.org.errors import Refused
from parindex.org.models import Unit, User
from parindex.scoring.engine import NodeResult

if TYPE_CHECKING:
    from .compute import ComputedCycle, Progress

from . import notices
from .models import ResultRow, ResultSnapshot
from .signals import results_published

# Computed results ---------------------------------------------------------------------


def results_compute(
    *, cycle: Cycle, by: User | None, reason: str = "", on_progress: Progress | None = None
) -> ResultSnapshot:
    """Compute the cycle from the database into a snapshot.

    The cycle's draft snapshot is replaced; once a snapshot is published, computing again
    starts a new revision, which needs a reason. The engine runs before the transaction
    that writes the snapshot, so that a large cycle holds no lock while it is scored and
    `on_progress` (a job's progress) is seen by others as it goes.
    """
    from .compute import load_and_compute

    _refuse_uncorrected(cycle, reason)
    computed = load_and_compute(cycle, on_progress=on_progress)
    if on_progress is not None:
        units = len(computed.results)
        on_progress(_("Writing the results"), units, units)
    return _snapshot_write(cycle=cycle, by=by, reason=reason, computed=computed)


def _refuse_uncorrected(cycle: Cycle, reason: str, *, lock: bool = False) -> ResultSnapshot | None:
    """The cycle's latest snapshot, refusing to replace a published one without a reason."""
    snapshots = ResultSnapshot.objects.filter(cycle=cycle).order_by("-revision")
    latest = (snapshots.select_for_update() if lock else snapshots).first()
    if (
        latest is not None
        and latest.status == ResultSnapshot.Status.PUBLISHED
        and not (reason.strip())
    ):
        raise Refused(_("The results are published: a correction needs its reason."))
    return latest


@transaction.atomic
def _snapshot_write(
    *, cycle: Cycle, by: User | None, reason: str, computed: ComputedCycle
) -> ResultSnapshot:
    from .compute import collection_paused

    latest = _refuse_uncorrected(cycle, reason, lock=True)
    bands = {
        str(cycle_group.group_id): bands_to_json(cycle_group.band_rules())
        for cycle_group in CycleGroup.objects.filter(cycle=cycle)
    }
    names = dict(Unit.objects.filter(assessments__cycle=cycle).values_list("pk", "name"))
    if latest is not None and latest.status == ResultSnapshot.Status.DRAFT:
        snapshot = latest
        snapshot.rows.all().delete()
        snapshot.computed_at = timezone.now()
        snapshot.computed_by = by
        snapshot.inputs_digest = computed.digest
        snapshot.reason = reason.strip() or snapshot.reason
        snapshot.bands = bands
        snapshot.save(
            update_fields=["computed_at", "computed_by", "inputs_digest", "reason", "bands"]
        )
    else:
        snapshot = ResultSnapshot.objects.create(
            cycle=cycle,
            revision=latest.revision + 1 if latest is not None else 1,
            computed_at=timezone.now(),
            computed_by=by,
            inputs_digest=computed.digest,
            reason=reason.strip(),
            bands=bands,
        )
    rows = []
    with collection_paused():  # thousands of model instances on top of the results
        for group_id, summary in computed.by_group.items():
            for ranked in summary.units:
                result = ranked.result
                rows.append(
                    ResultRow(
                        snapshot=snapshot,
                        unit_id=int(result.unit),
                        unit_name=names.get(int(result.unit), ""),
                        group_id=group_id,
                        max_points=result.max_points,
                        self_assessed=result.self_assessed,
                        survey_staff=result.survey_staff,
                        survey_sipas=result.survey_sipas,
                        index_pct=result.index_pct,
                        rank=ranked.rank,
                        rank_of=ranked.rank_of,
                        band=ranked.band,
                        provisional=result.provisional,
                        unappraised=result.unappraised,
                        missing_surveys=list(result.missing_surveys),
                        pending=result.pending,
                        short_samples=list(result.short_samples),
                        fields={code: _stored_field(result.nodes[code]) for code in result.fields},
                    )
                )
        ResultRow.objects.bulk_create(rows, batch_size=1000)
    return snapshot


def _stored_field(node: NodeResult) -> list[str | int]:
    """A field as a row stores it: points, maximum, adjustment; then, only where the field
    misses something, its pending survey points and its criteria not appraised."""
    stored: list[str | int] = [str(node.points), str(node.max_points), str(node.adjustment)]
    if node.pending or node.unappraised:
        stored += [str(node.pending), node.unappraised]
    return stored


@transaction.atomic
def results_publish(
    *,
    snapshot: ResultSnapshot,
    decision: str,
    decision_date: datetime.date,
    by: User | None,
    allow_provisional: bool = False,
) -> ResultSnapshot:
    """Freeze a draft snapshot as the published result, citing the decision.

    Results that still count self scores (provisional) are published only when the
    caller says so explicitly.
    """
    from parindex.assessments.models import Phase
    from parindex.assessments.services import cycle_advance

    snapshot = (
        ResultSnapshot.objects.select_for_update().select_related("cycle").get(pk=snapshot.pk)
    )
    if snapshot.status == ResultSnapshot.Status.PUBLISHED:
        raise Refused(_("These results are already published."))
    cycle = snapshot.cycle
    # A cycle run without the workflow (still in preparation) is published as it is, and
    # a correction leaves a published cycle where it is; otherwise publishing is the
    # phase table's last step, which waits for the council's approval.
    if cycle.phase not in (Phase.SETUP, Phase.PUBLISHED):
        if by is None:
            raise Refused(_("Only the administrator changes the cycle's phase."))
        cycle_advance(cycle=cycle, to=Phase.PUBLISHED, by=by)
    if not decision.strip():
        raise Refused(_("Give the decision that publishes the results."))
    provisional = snapshot.rows.filter(provisional=True).count()
    if provisional and not allow_provisional:
        raise Refused(
            ngettext(
                "%(count)s unit is provisional (criteria not appraised or survey results "
                "not in): confirm to publish it as it is.",
                "%(count)s units are provisional (criteria not appraised or survey results "
                "not in): confirm to publish them as they are.",
                provisional,
            )
            % {"count": provisional}
        )
    snapshot.status = ResultSnapshot.Status.PUBLISHED
    snapshot.decision = decision.strip()
    snapshot.decision_date = decision_date
    snapshot.published_at = timezone.now()
    snapshot.save(update_fields=["status", "decision", "decision_date", "published_at"])
    results_published.send(sender=ResultSnapshot, snapshot=snapshot, by=by)
    return snapshot


# Closing an appraisal round -----------------------------------------------------------


def preliminary_results(
    sender: object,
    *,
    cycle: Cycle,
    round_number: int,
    closed: list[Assessment],
    by: User,
    **kwargs: object,
) -> str:
    """When an appraisal round closes (`assessments.signals.round_closed`): compute the
    preliminary results and send each unit whose assessment closed its result (index and
    what it does not include yet, rank among the comparable units of its group, points
    lost and survey points pending per field) by e-mail and SMS."""
    snapshot = results_compute(cycle=cycle, by=by, reason=_("Preliminary results"))
    sent = _preliminary_messages(cycle, snapshot, closed, round_number)
    return _(
        "Round closed: %(units)s units appraised, preliminary results computed "
        "(revision %(revision)s), %(messages)s messages queued."
    ) % {"units": len(closed), "revision": snapshot.revision, "messages": sent}


def _preliminary_messages(
    cycle: Cycle, snapshot: ResultSnapshot, closed: list[Assessment], round_number: int
) -> int:
    from .selectors import year_results

    results = year_results(cycle.year, revision=snapshot.revision, drafts=True)
    if results is None:
        return 0
    sent = 0
    for assessment in closed:
        ranked = results.ranked(assessment.unit.code)
        if ranked is None:
            continue
        notice = notices.preliminary_result(
            year=cycle.year,
            round_number=round_number,
            unit=assessment.unit,
            ranked=ranked,
            summary=results.cycle.groups[ranked.result.group],
            group_name=results.groups[ranked.result.group].name,
        )
        sent += notice_enqueue(
            notice=notice,
            event=f"preliminary:{cycle.year}:{round_number}:{assessment.unit.code}",
            contacts=assessment.unit.contacts(),
        )
    return sent
