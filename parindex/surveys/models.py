"""Survey results per unit (the questionnaires and responses come with the survey work)."""

from __future__ import annotations

from decimal import Decimal

from django.db import models
from django.utils.translation import gettext_lazy as _

from parindex.org.models import Unit

# Bounds of what is entered or imported: a percentage with at most four decimals, and
# a number of people no province's unit reaches (2023: 1,889 SIPAS respondents in all).
PERCENT_PLACES = 4
MAX_RESPONDENTS = 1_000_000


class UnitSurveyResult(models.Model):
    """A unit's aggregate of one survey source in a year, in percent (0-100)."""

    class Source(models.TextChoices):
        SIPAS = "sipas", _("Citizen satisfaction (SIPAS)")
        STAFF = "staff", _("Staff survey")

    year = models.PositiveIntegerField(_("year"))
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="survey_results")
    source = models.CharField(_("source"), max_length=10, choices=Source.choices)
    percent = models.DecimalField(_("result (%)"), max_digits=7, decimal_places=PERCENT_PLACES)
    respondents = models.PositiveIntegerField(_("respondents"), default=0)
    entered_at = models.DateTimeField(_("entered at"), null=True, blank=True)
    entered_by = models.ForeignKey(
        "org.User", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("survey result")
        verbose_name_plural = _("survey results")
        constraints = [
            models.UniqueConstraint(
                fields=["year", "unit", "source"], name="one_result_per_source"
            ),
            models.CheckConstraint(
                condition=models.Q(percent__gte=0, percent__lte=Decimal(100)),
                name="survey_result_is_a_percentage",
            ),
            models.CheckConstraint(
                condition=models.Q(respondents__lte=MAX_RESPONDENTS),
                name="survey_respondents_bounded",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.year} {self.unit} {self.source}: {self.percent}"
