"""Results of earlier years, as published, loaded from the province's tables."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from parindex.org.models import Unit, UnitGroup


class ImportedResult(models.Model):
    """One unit's published result of a year (interchange.md's columns)."""

    year = models.PositiveIntegerField(_("year"), db_index=True)
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="imported_results")
    group = models.ForeignKey(UnitGroup, on_delete=models.PROTECT, related_name="+")
    published_unit_name = models.CharField(_("unit name as published"), max_length=255)
    max_points = models.DecimalField(_("maximum points"), max_digits=7, decimal_places=2)
    self_assessed = models.DecimalField(
        _("appraised self-assessment"), max_digits=7, decimal_places=2
    )
    survey_staff = models.DecimalField(_("staff survey"), max_digits=7, decimal_places=2)
    survey_sipas = models.DecimalField(_("SIPAS"), max_digits=7, decimal_places=2)
    fields = models.JSONField(_("points per field"), default=dict, blank=True)
    imported_at = models.DateTimeField(_("imported at"), auto_now_add=True)

    class Meta:
        ordering = ["year", "group__position", "unit__position"]
        verbose_name = _("imported result")
        verbose_name_plural = _("imported results")
        constraints = [
            models.UniqueConstraint(fields=["year", "unit"], name="one_imported_result_per_year")
        ]

    def __str__(self) -> str:
        return f"{self.year} {self.published_unit_name}"
