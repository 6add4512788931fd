"""Follow-up of the index: the initiatives register (sáng kiến, giải pháp mới về CCHC).

An initiative is submitted by a unit for a year; the appraisal council recognises it (or
not) by a decision. The report of the year lists those recognised in its appendix. In every
later year the unit reports whether each recognised initiative was maintained (duy trì) and
extended or replicated (phát triển, nhân rộng); the administrator confirms the report."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from parindex.assessments.models import EvidenceFile
from parindex.org.models import Unit


class InitiativeQuerySet(models.QuerySet["Initiative"]):
    def recognised(self, year: int) -> InitiativeQuerySet:
        """The year's recognised initiatives, in the report's order: by group, then unit."""
        return self.filter(year=year, status=Initiative.Status.RECOGNISED).order_by(
            "unit__group__position", "unit__position", "position", "pk"
        )

    def for_register(self) -> InitiativeQuerySet:
        """With what a row of the register shows, in a fixed number of queries."""
        return self.select_related("unit__group").prefetch_related(
            models.Prefetch(
                "followups", queryset=InitiativeFollowup.objects.order_by("year"), to_attr="later"
            )
        )

    def for_detail(self) -> InitiativeQuerySet:
        return self.select_related("unit__group", "created_by", "decided_by").prefetch_related(
            "evidence",
            models.Prefetch(
                "followups",
                queryset=InitiativeFollowup.objects.order_by("year")
                .select_related("reported_by", "confirmed_by")
                .prefetch_related("evidence"),
                to_attr="later",
            ),
        )


class Initiative(models.Model):
    class Status(models.TextChoices):
        SUBMITTED = "submitted", _("Submitted")
        RECOGNISED = "recognised", _("Recognised")
        NOT_RECOGNISED = "not_recognised", _("Not recognised")

    unit = models.ForeignKey(
        Unit, on_delete=models.PROTECT, related_name="initiatives", verbose_name=_("unit")
    )
    year = models.PositiveIntegerField(_("year"))
    title = models.CharField(_("title"), max_length=500)
    description = models.TextField(_("description"), blank=True)
    link = models.URLField(_("link"), blank=True, max_length=500)
    evidence = models.ManyToManyField(
        EvidenceFile, blank=True, related_name="+", verbose_name=_("evidence files")
    )
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.SUBMITTED
    )
    decision = models.CharField(_("council's decision"), max_length=300, blank=True)
    reason = models.TextField(_("why it is not recognised"), blank=True)
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    position = models.PositiveIntegerField(_("position"), default=0)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    objects = InitiativeQuerySet.as_manager()

    class Meta:
        ordering = ["year", "unit__position", "position", "pk"]
        verbose_name = _("initiative")
        verbose_name_plural = _("initiatives")
        indexes = [models.Index(fields=["year", "status"], name="initiatives_year_status")]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("followup:initiative_detail", args=[self.pk])

    @property
    def is_decided(self) -> bool:
        return self.status != self.Status.SUBMITTED


class InitiativeFollowup(models.Model):
    """A later year's report on a recognised initiative: maintained, extended or
    replicated, with a note and evidence; then the administrator's confirmation."""

    class Status(models.TextChoices):
        REPORTED = "reported", _("Reported")
        CONFIRMED = "confirmed", _("Confirmed")
        NOT_CONFIRMED = "not_confirmed", _("Not confirmed")

    initiative = models.ForeignKey(Initiative, on_delete=models.CASCADE, related_name="followups")
    year = models.PositiveIntegerField(_("year"))
    maintained = models.BooleanField(_("maintained"), default=False)
    extended = models.BooleanField(_("extended or replicated"), default=False)
    note = models.TextField(_("note"), blank=True)
    evidence = models.ManyToManyField(
        EvidenceFile, blank=True, related_name="+", verbose_name=_("evidence files")
    )
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.REPORTED
    )
    reported_at = models.DateTimeField(_("reported at"), auto_now_add=True)
    reported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    comment = models.TextField(_("administrator's comment"), blank=True)
    confirmed_at = models.DateTimeField(_("confirmed at"), null=True, blank=True)
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["initiative", "year"]
        verbose_name = _("initiative's later year")
        verbose_name_plural = _("initiatives' later years")
        constraints = [
            models.UniqueConstraint(fields=["initiative", "year"], name="initiative_followup_once")
        ]

    def __str__(self) -> str:
        return f"{self.initiative} — {self.year}"
