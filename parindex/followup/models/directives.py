"""Directives (công văn chỉ đạo) of the province: numbered tasks given to named units or
whole groups, each assigned unit reporting on each of its tasks by a deadline.

A directive stays open until the administrator closes it; after that no report changes.
A task given to a group is assigned to the group's units active at the time, and each such
assignment remembers the group it came from."""

from __future__ import annotations

import datetime

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from parindex.assessments.models import EvidenceFile
from parindex.org.models import Unit, UnitGroup


class DirectiveQuerySet(models.QuerySet["Directive"]):
    def for_list(self) -> DirectiveQuerySet:
        """With the counts the list shows, in one query."""
        return self.annotate(
            task_count=models.Count("tasks", distinct=True),
            assignment_count=models.Count("tasks__assignments", distinct=True),
            done_count=models.Count(
                "tasks__assignments",
                filter=models.Q(tasks__assignments__status=TaskAssignment.Status.DONE),
                distinct=True,
            ),
        )


class Directive(models.Model):
    number = models.CharField(_("number"), max_length=50)
    issued_on = models.DateField(_("date"))
    issuer = models.CharField(_("issued by"), max_length=200)
    subject = models.CharField(_("subject"), max_length=500)
    link = models.URLField(_("link"), blank=True, max_length=500)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    objects = DirectiveQuerySet.as_manager()

    class Meta:
        ordering = ["-issued_on", "-pk"]
        verbose_name = _("directive")
        verbose_name_plural = _("directives")

    def __str__(self) -> str:
        return f"{self.number} ({self.subject})"

    def get_absolute_url(self) -> str:
        return reverse("followup:directive_detail", args=[self.pk])

    @property
    def is_closed(self) -> bool:
        return self.closed_at is not None


class DirectiveTask(models.Model):
    """A numbered task of a directive, as typed (“1.a”, “3.b”), with its deadline."""

    directive = models.ForeignKey(Directive, on_delete=models.CASCADE, related_name="tasks")
    number = models.CharField(_("number"), max_length=20)
    text = models.TextField(_("task"))
    due_on = models.DateField(_("due date"))
    # The deadline as the directive wrote it when it is a period (“quý IV/2021”).
    deadline_text = models.CharField(_("deadline as written"), max_length=40, blank=True)
    position = models.PositiveIntegerField(_("position"), default=0)

    class Meta:
        ordering = ["directive", "position", "pk"]
        verbose_name = _("directive's task")
        verbose_name_plural = _("directives' tasks")

    def __str__(self) -> str:
        return f"{self.number}. {self.text[:60]}"

    def is_overdue(self, today: datetime.date) -> bool:
        return self.due_on < today


class TaskAssignmentQuerySet(models.QuerySet["TaskAssignment"]):
    def for_unit(self, unit: Unit) -> TaskAssignmentQuerySet:
        """The unit's tasks across directives, newest directive first, with what they show."""
        return (
            self.filter(unit=unit)
            .select_related("task__directive", "unit", "via_group", "reported_by")
            .prefetch_related("evidence")
            .order_by("-task__directive__issued_on", "-task__directive_id", "task__position")
        )


class TaskAssignment(models.Model):
    """A task given to one unit, and that unit's report on it."""

    class Status(models.TextChoices):
        NOT_REPORTED = "not_reported", _("Not reported")
        IN_PROGRESS = "in_progress", _("In progress")
        DONE = "done", _("Done")
        NOT_POSSIBLE = "not_possible", _("Could not be done")

    task = models.ForeignKey(DirectiveTask, on_delete=models.CASCADE, related_name="assignments")
    unit = models.ForeignKey(
        Unit, on_delete=models.PROTECT, related_name="directive_tasks", verbose_name=_("unit")
    )
    via_group = models.ForeignKey(
        UnitGroup,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("assigned through the group"),
    )
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.NOT_REPORTED
    )
    text = models.TextField(_("report"), blank=True)
    reason = models.TextField(_("why it could not be done"), blank=True)
    link = models.URLField(_("link"), blank=True, max_length=500)
    evidence = models.ManyToManyField(
        EvidenceFile, blank=True, related_name="+", verbose_name=_("evidence files")
    )
    reported_at = models.DateTimeField(_("reported at"), null=True, blank=True)
    reported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    objects = TaskAssignmentQuerySet.as_manager()

    class Meta:
        ordering = ["task", "unit__group__position", "unit__position"]
        verbose_name = _("assigned task")
        verbose_name_plural = _("assigned tasks")
        constraints = [
            models.UniqueConstraint(fields=["task", "unit"], name="directive_task_once_per_unit")
        ]

    def __str__(self) -> str:
        return f"{self.task.number} → {self.unit}"


# A report moves between these statuses while its directive is open; it never goes back
# to “not reported” once something was reported.
REPORT_TRANSITIONS: dict[str, tuple[str, ...]] = {
    TaskAssignment.Status.NOT_REPORTED: (
        TaskAssignment.Status.IN_PROGRESS,
        TaskAssignment.Status.DONE,
        TaskAssignment.Status.NOT_POSSIBLE,
    ),
    TaskAssignment.Status.IN_PROGRESS: (
        TaskAssignment.Status.IN_PROGRESS,
        TaskAssignment.Status.DONE,
        TaskAssignment.Status.NOT_POSSIBLE,
    ),
    TaskAssignment.Status.DONE: (
        TaskAssignment.Status.IN_PROGRESS,
        TaskAssignment.Status.DONE,
        TaskAssignment.Status.NOT_POSSIBLE,
    ),
    TaskAssignment.Status.NOT_POSSIBLE: (
        TaskAssignment.Status.IN_PROGRESS,
        TaskAssignment.Status.DONE,
        TaskAssignment.Status.NOT_POSSIBLE,
    ),
}
