"""From lost points to fixed weaknesses: each criterion where a unit lost points becomes
a weakness when the results are published; inspections record what the province's
inspection found; a remediation task (from a weakness or a finding) is planned, reported
done with evidence, and verified by the administrator or reopened with a reason.

A task's statuses move only along `TRANSITIONS` (one table, as the assessment's)."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from parindex.org.models import Unit


class Weakness(models.Model):
    """A criterion where a unit lost points in a published year (tồn tại, hạn chế)."""

    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="weaknesses")
    year = models.PositiveIntegerField(_("year"))
    revision = models.PositiveIntegerField(_("revision"))  # of the results it came from
    field_code = models.CharField(_("field"), max_length=20)
    criterion_code = models.CharField(_("criterion"), max_length=40)
    criterion_title = models.CharField(_("criterion's title"), max_length=500)
    points_lost = models.DecimalField(_("points lost"), max_digits=7, decimal_places=2)
    comment = models.TextField(_("appraiser's comment"), blank=True)
    # The same criterion (code and title) was a weakness of the unit the year before.
    recurring = models.BooleanField(_("recurring"), default=False)
    # A correction of the results no longer loses points here; kept for its tasks.
    withdrawn = models.BooleanField(_("withdrawn by a correction"), default=False)

    class Meta:
        ordering = ["unit", "-year", "field_code", "criterion_code"]
        verbose_name = _("weakness")
        verbose_name_plural = _("weaknesses")
        constraints = [
            models.UniqueConstraint(
                fields=["unit", "year", "criterion_code"], name="one_weakness_per_criterion"
            )
        ]
        indexes = [models.Index(fields=["year", "unit"], name="weaknesses_year_unit")]

    def __str__(self) -> str:
        return f"{self.year} {self.criterion_code} {self.criterion_title}"

    @property
    def source_key(self) -> str:
        """How a task's form names it as its source."""
        return f"w:{self.pk}"


class Inspection(models.Model):
    """A PAR inspection of a unit (kiểm tra CCHC) and, in its findings, what it found."""

    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="inspections")
    held_on = models.DateField(_("held on"))
    title = models.CharField(_("inspection"), max_length=300)
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-held_on", "pk"]
        verbose_name = _("inspection")
        verbose_name_plural = _("inspections")

    def __str__(self) -> str:
        return self.title


class Finding(models.Model):
    inspection = models.ForeignKey(Inspection, on_delete=models.CASCADE, related_name="findings")
    text = models.TextField(_("finding"))
    position = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["inspection", "position", "pk"]
        verbose_name = _("inspection finding")
        verbose_name_plural = _("inspection findings")

    def __str__(self) -> str:
        return self.text[:80]

    @property
    def source_key(self) -> str:
        return f"f:{self.pk}"


class Status(models.TextChoices):
    OPEN = "open", pgettext_lazy("task", "Open")
    IN_PROGRESS = "in_progress", pgettext_lazy("task", "In progress")
    REPORTED = "reported", pgettext_lazy("task", "Reported done")
    VERIFIED = "verified", pgettext_lazy("task", "Verified")


@dataclass(frozen=True)
class Transition:
    action: str
    sources: tuple[str, ...]
    target: str
    by_unit: bool  # the unit's scorer or head takes it; else the administrator
    needs_text: bool  # a report's text, or a reason


TRANSITIONS: tuple[Transition, ...] = (
    Transition("start", (Status.OPEN,), Status.IN_PROGRESS, by_unit=True, needs_text=False),
    Transition(
        "report", (Status.OPEN, Status.IN_PROGRESS), Status.REPORTED, by_unit=True, needs_text=True
    ),
    Transition("verify", (Status.REPORTED,), Status.VERIFIED, by_unit=False, needs_text=False),
    Transition(
        "reopen",
        (Status.REPORTED, Status.VERIFIED),
        Status.IN_PROGRESS,
        by_unit=False,
        needs_text=True,
    ),
)
ACTIONS = {transition.action: transition for transition in TRANSITIONS}


class TaskQuerySet(models.QuerySet["RemediationTask"]):
    def overdue(self, today: datetime.date | None = None) -> TaskQuerySet:
        today = today or timezone.localdate()
        return self.filter(due_on__lt=today, status__in=[Status.OPEN, Status.IN_PROGRESS])

    def open(self) -> TaskQuerySet:
        return self.filter(status__in=[Status.OPEN, Status.IN_PROGRESS])


class RemediationTask(models.Model):
    """What a unit does to fix a weakness or an inspection finding (khắc phục)."""

    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="remediation_tasks")
    division = models.CharField(_("division in charge"), max_length=200, blank=True)
    title = models.CharField(_("what to do"), max_length=500)
    due_on = models.DateField(_("due on"))
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.OPEN
    )
    weakness = models.ForeignKey(
        Weakness, null=True, blank=True, on_delete=models.PROTECT, related_name="tasks"
    )
    finding = models.ForeignKey(
        Finding, null=True, blank=True, on_delete=models.PROTECT, related_name="tasks"
    )
    version = models.PositiveIntegerField(default=1)
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    objects = TaskQuerySet.as_manager()

    class Meta:
        ordering = ["due_on", "pk"]
        verbose_name = _("remediation task")
        verbose_name_plural = _("remediation tasks")
        constraints = [
            models.CheckConstraint(
                condition=~(models.Q(weakness__isnull=False) & models.Q(finding__isnull=False)),
                name="task_from_one_source",
            )
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def field_code(self) -> str:
        return self.weakness.field_code if self.weakness_id and self.weakness else ""

    def is_overdue(self, today: datetime.date | None = None) -> bool:
        today = today or timezone.localdate()
        return self.status in (Status.OPEN, Status.IN_PROGRESS) and self.due_on < today

    def allowed(self, *, by_unit: bool) -> list[Transition]:
        """The transitions open from the task's status to that side."""
        return [t for t in TRANSITIONS if self.status in t.sources and t.by_unit == by_unit]


class TaskEvent(models.Model):
    """A step of a task: a transition, with the report's text or the reason, and the
    evidence files (the assessment's store) a report cites."""

    task = models.ForeignKey(RemediationTask, on_delete=models.CASCADE, related_name="events")
    action = models.CharField(max_length=20)
    from_status = models.CharField(max_length=20)
    to_status = models.CharField(max_length=20)
    text = models.TextField(blank=True)
    evidence = models.ManyToManyField("assessments.EvidenceFile", blank=True, related_name="+")
    at = models.DateTimeField(default=timezone.now)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["task", "at", "pk"]

    def __str__(self) -> str:
        return f"{self.task_id} {self.action}"
