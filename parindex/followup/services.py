"""The follow-up's actions, each in one transaction: weaknesses from a published revision,
inspections, remediation tasks and their transitions, the tasks' reminders."""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from typing import Any

from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from parindex.assessments.services import evidence_store
from parindex.org.errors import Refused
from parindex.org.models import UNIT_ROLES, Unit, User
from parindex.results.losses import criterion_losses
from parindex.results.models import ResultSnapshot

from .models import ACTIONS, Finding, Inspection, RemediationTask, TaskEvent, Weakness

# Days before a task's due date when its unit is reminded; and the overdue reminder.
REMIND_BEFORE_DAYS = 7
TITLE_MOST = 500
TEXT_MOST = 10_000
FILES_MOST = 10


class FollowupRefused(Refused):
    """A follow-up step refused: `message` says why, for people."""


# Weaknesses ------------------------------------------------------------------------


@transaction.atomic
def weaknesses_record(*, snapshot: ResultSnapshot) -> int:
    """The published revision's lost points as weaknesses of its units: each criterion
    where a unit lost points (a lowered one loses none), with the appraiser's comment,
    marked recurring when the unit lost points on the same criterion the year before.

    A correction replaces the year's weaknesses: a criterion no longer lost is deleted,
    or, when a task was made from it, kept and marked withdrawn."""
    snapshot = ResultSnapshot.objects.select_related("cycle").get(pk=snapshot.pk)
    if not snapshot.is_published:
        raise FollowupRefused(_("Weaknesses come from published results only."))
    year = snapshot.cycle.year
    detail = criterion_losses(snapshot.cycle)
    units = dict(Unit.objects.filter(code__in=list(detail.losses)).values_list("code", "pk"))
    before = set(
        Weakness.objects.filter(year=year - 1, withdrawn=False).values_list(
            "unit_id", "criterion_code", "criterion_title"
        )
    )
    existing = {(w.unit_id, w.criterion_code): w for w in Weakness.objects.filter(year=year)}
    kept: set[tuple[int, str]] = set()
    created: list[Weakness] = []
    updated: list[Weakness] = []
    for code, losses in detail.losses.items():
        unit_id = units[code]
        for loss in losses:
            key = (unit_id, loss.code)
            kept.add(key)
            values = {
                "revision": snapshot.revision,
                "field_code": loss.field,
                "criterion_title": loss.title[:500],
                "points_lost": loss.lost,
                "comment": loss.comment,
                "recurring": (unit_id, loss.code, loss.title[:500]) in before,
                "withdrawn": False,
            }
            found = existing.get(key)
            if found is None:
                created.append(
                    Weakness(unit_id=unit_id, year=year, criterion_code=loss.code, **values)
                )
            else:
                for name, value in values.items():
                    setattr(found, name, value)
                updated.append(found)
    gone = [w for key, w in existing.items() if key not in kept]
    with_tasks = set(
        RemediationTask.objects.filter(weakness__in=gone).values_list("weakness_id", flat=True)
    )
    Weakness.objects.filter(pk__in=[w.pk for w in gone if w.pk not in with_tasks]).delete()
    Weakness.objects.filter(pk__in=with_tasks).update(withdrawn=True, revision=snapshot.revision)
    Weakness.objects.bulk_create(created, batch_size=2000)
    fields = ["revision", "field_code", "criterion_title", "points_lost", "comment"]
    Weakness.objects.bulk_update(updated, [*fields, "recurring", "withdrawn"], batch_size=2000)
    return len(created) + len(updated)


def on_results_published(sender: Any, snapshot: ResultSnapshot, **kwargs: Any) -> None:
    """The results' signal: the weaknesses are recorded by a job once the publication is
    committed (the whole cycle goes through the engine again)."""
    from parindex.jobs.services import job_enqueue

    from .tasks import weaknesses_record_task

    def queue() -> None:
        job_enqueue(
            task=weaknesses_record_task,
            kind=_("Record the weaknesses of %(year)s") % {"year": snapshot.cycle.year},
            snapshot_id=snapshot.pk,
        )

    transaction.on_commit(queue)


# Inspections ----------------------------------------------------------------------


@transaction.atomic
def inspection_record(
    *, unit: Unit, held_on: datetime.date, title: str, findings: Sequence[str], by: User
) -> Inspection:
    """An inspection of the unit and what it found, one finding per entry."""
    _admin_only(by)
    texts = [text.strip() for text in findings if text.strip()]
    if not title.strip() or not texts:
        raise FollowupRefused(_("Give the inspection and at least one finding."))
    inspection = Inspection.objects.create(
        unit=unit, held_on=held_on, title=title.strip()[:300], created_by=by
    )
    Finding.objects.bulk_create(
        Finding(inspection=inspection, text=text[:TEXT_MOST], position=position)
        for position, text in enumerate(texts, start=1)
    )
    return inspection


# Tasks ---------------------------------------------------------------------------------


def may_act_for(user: User, unit_id: int) -> bool:
    """The administrator acts for every unit; a unit's scorer and head for their own."""
    if not user.is_active:
        return False
    return user.is_admin or (user.role in UNIT_ROLES and user.unit_id == unit_id)


@transaction.atomic
def task_create(
    *,
    unit: Unit,
    title: str,
    due_on: datetime.date,
    by: User,
    division: str = "",
    weakness: Weakness | None = None,
    finding: Finding | None = None,
) -> RemediationTask:
    """A remediation task of the unit, from one of its weaknesses or findings, or alone."""
    if not may_act_for(by, unit.pk):
        raise FollowupRefused(_("You may not plan this unit's tasks."))
    if weakness is not None and finding is not None:
        raise FollowupRefused(_("A task comes from one weakness or one finding."))
    if weakness is not None and weakness.unit_id != unit.pk:
        raise FollowupRefused(_("This weakness is another unit's."))
    if finding is not None and finding.inspection.unit_id != unit.pk:
        raise FollowupRefused(_("This finding is another unit's."))
    if not title.strip():
        raise FollowupRefused(_("Say what is to be done."))
    return RemediationTask.objects.create(
        unit=unit,
        title=title.strip()[:TITLE_MOST],
        division=division.strip()[:200],
        due_on=due_on,
        weakness=weakness,
        finding=finding,
        created_by=by,
    )


@transaction.atomic
def task_transition(
    *,
    task: RemediationTask,
    action: str,
    by: User,
    text: str = "",
    files: Sequence[UploadedFile[bytes]] = (),
    version: int | None = None,
) -> RemediationTask:
    """Take a step of the transitions table: its side (the unit or the administrator), its
    source status, its text (a report, a reason) checked first; a stale version (someone
    acted meanwhile) refused. A report's files go to the unit's evidence store."""
    task = RemediationTask.objects.select_for_update().get(pk=task.pk)
    transition = ACTIONS.get(action)
    if transition is None:
        raise FollowupRefused(_("Unknown action."))
    if transition.by_unit:
        allowed = by.is_active and by.role in UNIT_ROLES and by.unit_id == task.unit_id
    else:
        allowed = by.is_admin
    if not allowed:
        raise FollowupRefused(_("This step is not yours to take."))
    if task.status not in transition.sources:
        raise FollowupRefused(
            _("The task is “%(status)s”: this step is not open to it.")
            % {"status": task.get_status_display()}
        )
    if version is not None and version != task.version:
        raise FollowupRefused(
            _("Someone acted on this task meanwhile. Reload the page: your text is kept below.")
        )
    text = text.strip()
    if transition.needs_text and not text:
        raise FollowupRefused(
            _("Say what was done.") if action == "report" else _("Give the reason.")
        )
    if len(text) > TEXT_MOST or len(files) > FILES_MOST:
        raise FollowupRefused(_("The report is too long, or has too many files."))
    stored = [evidence_store(unit_id=task.unit_id, upload=upload, by=by) for upload in files]
    event = TaskEvent.objects.create(
        task=task,
        action=action,
        from_status=task.status,
        to_status=transition.target,
        text=text,
        by=by,
    )
    if stored:
        event.evidence.add(*stored)
    task.status = transition.target
    task.version += 1
    task.save(update_fields=["status", "version"])
    if action in ("verify", "reopen"):
        _tell_unit(task, event)
    return task


def _tell_unit(task: RemediationTask, event: TaskEvent) -> None:
    from parindex.notify.services import notice_enqueue

    from . import notices

    unit = Unit.objects.get(pk=task.unit_id)
    notice_enqueue(
        notice=notices.task_decided(task, event),
        event=f"remediation:{task.pk}:{event.pk}:{event.action}",
        contacts=unit.contacts(heads_only=False),
    )


def task_reminders(*, today: datetime.date | None = None) -> int:
    """Remind each unit of its open tasks REMIND_BEFORE_DAYS before the due date, and once
    when a task is overdue; each reminder once (its event holds the due date, so a new due
    date is reminded again)."""
    from parindex.notify.services import notice_enqueue

    from . import notices

    today = today or timezone.localdate()
    soon = today + datetime.timedelta(days=REMIND_BEFORE_DAYS)
    queued = 0
    tasks = RemediationTask.objects.open().filter(due_on__lte=soon).select_related("unit")
    for task in tasks:
        overdue = task.due_on < today
        kind = "overdue" if overdue else "due-soon"
        queued += notice_enqueue(
            notice=notices.task_reminder(task, overdue=overdue),
            event=f"remediation:{task.pk}:{kind}:{task.due_on.isoformat()}",
            contacts=task.unit.contacts(heads_only=False),
        )
    return queued


def _admin_only(by: User) -> None:
    if not by.is_admin:
        raise FollowupRefused(_("Only the administrator records this."))
