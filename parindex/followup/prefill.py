"""Back into the next cycle: what the follow-up holds of a unit's year, counted for the
leaves of its self-assessment that name a source (frameworks.prefill).

For the cycle of year Y:
- inspection findings: the findings of the unit's inspections held in Y; a finding is
  fixed when it has remediation tasks and all are verified by the province;
- the province's tasks: the unit's directive tasks due in Y; done when the unit
  reported them done;
- initiatives recognised: those the unit submitted for Y, and the council's decisions;
- initiatives maintained: those recognised before Y, and the unit's report for Y on each
  (a report the administrator did not confirm does not count).

Read only: a proposal is shown, never saved; the unit and the appraisers decide.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.db.models import Prefetch
from django.urls import reverse
from django.utils.translation import gettext as _

from parindex.assessments.models import Assessment
from parindex.frameworks.models import Criterion
from parindex.frameworks.prefill import (
    FINDINGS,
    MAINTAINED,
    RECOGNISED,
    TASKS,
    Facts,
    Proposal,
    SourceLine,
    propose,
)
from parindex.org.models import Unit, User

from .initiatives import may_see
from .models import (
    Finding,
    Initiative,
    InitiativeFollowup,
    Inspection,
    RemediationTask,
    Status,
    TaskAssignment,
)


def on_proposals_wanted(
    sender: Any,
    assessment: Assessment,
    criteria: list[Criterion],
    viewer: User | None = None,
    **kwargs: Any,
) -> dict[str, Proposal]:
    """The receiver of assessments.signals.proposals_wanted."""
    year = assessment.cycle.year
    facts = unit_facts(assessment.unit, year, {c.prefill for c in criteria}, viewer)
    return {
        criterion.code: propose(
            criterion.rule(),
            facts[criterion.prefill],
            allow_not_applicable=criterion.allow_not_applicable,
        )
        for criterion in criteria
        if criterion.prefill in facts
    }


def unit_facts(
    unit: Unit, year: int, sources: set[str], viewer: User | None = None
) -> dict[str, Facts]:
    """What the follow-up counts of `unit` in `year`, for each of `sources` it knows; one
    or two queries a source. Shown to `viewer`: an initiative the viewer may not open
    (an appraiser, one not recognised) is counted, its title not given."""
    counters: dict[str, Callable[[Unit, int, User | None], Facts]] = {
        FINDINGS: _findings,
        TASKS: _tasks,
        RECOGNISED: _recognised,
        MAINTAINED: _maintained,
    }
    return {
        source: counters[source](unit, year, viewer) for source in sources if source in counters
    }


def _findings(unit: Unit, year: int, viewer: User | None) -> Facts:
    inspections = list(
        Inspection.objects.filter(unit=unit, held_on__year=year)
        .order_by("held_on", "pk")
        .prefetch_related(
            Prefetch(
                "findings",
                queryset=Finding.objects.order_by("position", "pk").prefetch_related(
                    Prefetch("tasks", queryset=RemediationTask.objects.order_by("pk"))
                ),
            )
        )
    )
    unit_page = reverse("followup:unit", args=[unit.code])
    lines = []
    for inspection in inspections:
        for finding in inspection.findings.all():
            tasks = list(finding.tasks.all())
            if not tasks:
                state = "no_task"
            elif all(task.status == Status.VERIFIED for task in tasks):
                state = "fixed"
            elif all(task.status in (Status.VERIFIED, Status.REPORTED) for task in tasks):
                state = "reported"
            else:
                state = "open"
            url = reverse("followup:task", args=[tasks[0].pk]) if tasks else unit_page
            text = f"{inspection.title}: {finding.text}"
            lines.append(SourceLine(text, url, state, state == "fixed"))
    return Facts(
        FINDINGS,
        year,
        done=sum(1 for line in lines if line.counts),
        of=len(lines),
        applies=bool(inspections),
        lines=tuple(lines),
    )


def _tasks(unit: Unit, year: int, viewer: User | None) -> Facts:
    assignments = list(
        TaskAssignment.objects.filter(unit=unit, task__due_on__year=year)
        .select_related("task__directive")
        .order_by("task__due_on", "task__directive__issued_on", "task__position", "pk")
    )
    page = reverse("followup:unit_tasks", args=[unit.code])
    lines = tuple(
        SourceLine(
            f"{a.task.directive.number} — {a.task.number}. {a.task.text}",
            f"{page}#a{a.pk}",
            a.status,
            a.status == TaskAssignment.Status.DONE,
        )
        for a in assignments
    )
    done = sum(1 for line in lines if line.counts)
    return Facts(TASKS, year, done=done, of=len(lines), applies=bool(lines), lines=lines)


_DECISION_STATES = {
    Initiative.Status.RECOGNISED: "recognised",
    Initiative.Status.NOT_RECOGNISED: "not_recognised",
    Initiative.Status.SUBMITTED: "submitted",
}


def _recognised(unit: Unit, year: int, viewer: User | None) -> Facts:
    initiatives = list(Initiative.objects.filter(unit=unit, year=year).order_by("position", "pk"))
    lines = tuple(
        SourceLine(
            initiative.title if shown else _("An initiative of the unit"),
            initiative.get_absolute_url() if shown else "",
            _DECISION_STATES[Initiative.Status(initiative.status)],
            initiative.status == Initiative.Status.RECOGNISED,
        )
        for initiative in initiatives
        for shown in [viewer is None or may_see(viewer, initiative)]
    )
    done = sum(1 for line in lines if line.counts)
    pending = sum(1 for line in lines if line.state == "submitted")
    return Facts(
        RECOGNISED,
        year,
        done=done,
        of=len(lines),
        applies=bool(lines),
        pending=pending,
        lines=lines,
    )


def _maintained(unit: Unit, year: int, viewer: User | None) -> Facts:
    initiatives = list(
        Initiative.objects.filter(unit=unit, year__lt=year, status=Initiative.Status.RECOGNISED)
        .order_by("year", "position", "pk")
        .prefetch_related(
            Prefetch(
                "followups",
                queryset=InitiativeFollowup.objects.filter(year=year),
                to_attr="this_year",
            )
        )
    )
    lines = []
    better = 0
    for initiative in initiatives:
        this_year: list[InitiativeFollowup] = getattr(initiative, "this_year", [])
        report = this_year[0] if this_year else None
        counted = (
            report is not None
            and report.maintained
            and report.status != InitiativeFollowup.Status.NOT_CONFIRMED
        )
        if report is None:
            state = "no_report"
        elif not counted:
            state = "not_maintained"
        else:
            assert report is not None
            state = "extended" if report.extended else "maintained"
            better += report.extended
        lines.append(
            SourceLine(
                f"{initiative.title} ({initiative.year})",
                initiative.get_absolute_url(),
                state,
                counted,
            )
        )
    return Facts(
        MAINTAINED,
        year,
        done=sum(1 for line in lines if line.counts),
        of=len(lines),
        applies=bool(lines),
        better=better,
        lines=tuple(lines),
    )
