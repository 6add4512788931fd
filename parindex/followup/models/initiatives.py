"""Follow-up of the index: the initiatives register (sáng kiến, giải pháp mới về CCHC).

An initiative is submitted by a unit for a year; the appraisal council recognises it (or
not) by a decision. The report of the year lists those recognised in its appendix."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from parindex.org.models import Unit


class InitiativeQuerySet(models.QuerySet["Initiative"]):
    def recognised(self, year: int) -> InitiativeQuerySet:
        """The year's recognised initiatives, in the report's order: by group, then unit."""
        return self.filter(year=year, status=Initiative.Status.RECOGNISED).order_by(
            "unit__group__position", "unit__position", "position", "pk"
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
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.SUBMITTED
    )
    decision = models.CharField(_("council's decision"), max_length=300, blank=True)
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
