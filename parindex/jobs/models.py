"""Each background job as people see it: what it is, who started it, how far it got, how
it ended. The queue itself is django-tasks-db's table; a job points at its current task
there (a retry or a recovery gives it a new one)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class JobQuerySet(models.QuerySet["Job"]):
    def for_list(self) -> JobQuerySet:
        return self.select_related("started_by").order_by("-created_at", "-pk")


class Job(models.Model):
    class Status(models.TextChoices):
        QUEUED = "queued", pgettext_lazy("job", "Queued")
        RUNNING = "running", pgettext_lazy("job", "Running")
        SUCCEEDED = "succeeded", pgettext_lazy("job", "Succeeded")
        FAILED = "failed", pgettext_lazy("job", "Failed")

    # The task's id in the backend; empty for an instant while it is being enqueued.
    task_id = models.CharField(max_length=64, unique=True, null=True, blank=True)
    task_path = models.CharField(max_length=200)
    task_kwargs = models.JSONField(default=dict)
    kind = models.CharField(_("kind"), max_length=200)
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("started by"),
    )
    status = models.CharField(
        _("status"), max_length=16, choices=Status.choices, default=Status.QUEUED
    )
    step = models.CharField(_("step"), max_length=200, blank=True)
    done = models.PositiveIntegerField(default=0)
    total = models.PositiveIntegerField(default=0)
    attempts = models.PositiveIntegerField(pgettext_lazy("job", "attempts"), default=0)
    outcome = models.TextField(_("outcome"), blank=True)
    error = models.TextField(_("error"), blank=True)
    # The page to go on to once the job is done (a path, e.g. the results' manage page).
    link = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(_("queued at"), auto_now_add=True)
    started_at = models.DateTimeField(_("started at"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    heartbeat_at = models.DateTimeField(null=True, blank=True)

    objects = JobQuerySet.as_manager()

    class Meta:
        verbose_name = _("job")
        verbose_name_plural = _("jobs")
        indexes = [
            models.Index(fields=["status", "heartbeat_at"], name="jobs_status_heartbeat"),
            models.Index(fields=["-created_at"], name="jobs_created"),
        ]

    def __str__(self) -> str:
        return f"{self.kind} ({self.get_status_display()})"

    def get_absolute_url(self) -> str:
        return reverse("jobs:detail", args=[self.pk])

    @property
    def is_finished(self) -> bool:
        return self.status in (self.Status.SUCCEEDED, self.Status.FAILED)

    @property
    def percent(self) -> int | None:
        if not self.total:
            return None
        return min(100, self.done * 100 // self.total)

    def can_see(self, user: object) -> bool:
        """The administrator sees every job; anyone else the jobs they started."""
        if getattr(user, "is_admin", False):
            return True
        return self.started_by_id is not None and self.started_by_id == getattr(user, "pk", None)

    def can_retry(self, user: object) -> bool:
        return self.status == self.Status.FAILED and bool(getattr(user, "is_admin", False))


class Schedule(models.Model):
    """When a periodic task is next due: the row every worker races for, so that one of
    them enqueues it."""

    task_path = models.CharField(max_length=200, unique=True)
    next_run_at = models.DateTimeField()

    def __str__(self) -> str:
        return f"{self.task_path} at {self.next_run_at}"
