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


class ResultSnapshot(models.Model):
    """A computed result of a cycle: recomputed at will until published, then frozen.

    A correction after publication is a new revision with its reason; earlier revisions
    stay readable.
    """

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        PUBLISHED = "published", _("Published")

    cycle = models.ForeignKey(
        "assessments.Cycle", on_delete=models.PROTECT, related_name="snapshots"
    )
    revision = models.PositiveIntegerField(_("revision"))
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.DRAFT
    )
    computed_at = models.DateTimeField(_("computed at"))
    computed_by = models.ForeignKey(
        "org.User", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    inputs_digest = models.CharField(_("inputs digest"), max_length=64)
    reason = models.TextField(_("reason for the revision"), blank=True)
    decision = models.CharField(_("decision"), max_length=300, blank=True)
    decision_date = models.DateField(_("decision date"), null=True, blank=True)
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)

    class Meta:
        ordering = ["cycle", "-revision"]
        verbose_name = _("result snapshot")
        verbose_name_plural = _("result snapshots")
        constraints = [
            models.UniqueConstraint(fields=["cycle", "revision"], name="one_revision_number")
        ]

    def __str__(self) -> str:
        return f"{self.cycle} r{self.revision} ({self.status})"


class ResultRow(models.Model):
    """One unit's result in a snapshot. Points are stored unrounded."""

    snapshot = models.ForeignKey(ResultSnapshot, on_delete=models.CASCADE, related_name="rows")
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="+")
    group = models.ForeignKey(UnitGroup, on_delete=models.PROTECT, related_name="+")
    max_points = models.DecimalField(max_digits=20, decimal_places=10)
    self_assessed = models.DecimalField(max_digits=20, decimal_places=10)
    survey_staff = models.DecimalField(max_digits=20, decimal_places=10)
    survey_sipas = models.DecimalField(max_digits=20, decimal_places=10)
    index_pct = models.DecimalField(max_digits=5, decimal_places=2)  # published
    rank = models.PositiveIntegerField()
    rank_of = models.PositiveIntegerField()
    band = models.PositiveSmallIntegerField()
    provisional = models.BooleanField(default=False)
    fields = models.JSONField(default=dict)  # code -> [points, max], unrounded strings

    class Meta:
        ordering = ["snapshot", "group", "rank"]
        constraints = [
            models.UniqueConstraint(fields=["snapshot", "unit"], name="one_row_per_unit")
        ]

    def __str__(self) -> str:
        return f"{self.snapshot} {self.unit}"
