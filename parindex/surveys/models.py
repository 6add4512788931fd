"""Survey results per unit (the questionnaires and responses come with the survey work)."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from parindex.org.models import Unit


class UnitSurveyResult(models.Model):
    """A unit's aggregate of one survey source in a year, in percent (0-100)."""

    class Source(models.TextChoices):
        SIPAS = "sipas", _("Citizen satisfaction (SIPAS)")
        STAFF = "staff", _("Staff survey")

    year = models.PositiveIntegerField(_("year"))
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="survey_results")
    source = models.CharField(_("source"), max_length=10, choices=Source.choices)
    percent = models.DecimalField(_("result (%)"), max_digits=7, decimal_places=4)
    respondents = models.PositiveIntegerField(_("respondents"), default=0)

    class Meta:
        verbose_name = _("survey result")
        verbose_name_plural = _("survey results")
        constraints = [
            models.UniqueConstraint(fields=["year", "unit", "source"], name="one_result_per_source")
        ]

    def __str__(self) -> str:
        return f"{self.year} {self.unit} {self.source}: {self.percent}"
