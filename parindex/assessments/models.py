"""A cycle (one year's evaluation) and each unit's assessment in it.

The workflow (phases, transitions, appraisal rounds) builds on these; what is stored per
leaf is what the engine reads: the unit's inputs, the appraiser's, and the
not-applicable claim with its decision.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.db import models
from django.utils.translation import gettext_lazy as _

from parindex.frameworks.models import Criterion, Framework
from parindex.org.models import Unit, UnitGroup
from parindex.scoring.engine import DEFAULT_BANDS, Band
from parindex.scoring.numbers import to_decimal
from parindex.scoring.rules import Inputs


class Cycle(models.Model):
    year = models.PositiveIntegerField(_("year"), unique=True)
    title = models.CharField(_("title"), max_length=300)

    class Meta:
        ordering = ["-year"]
        verbose_name = _("cycle")
        verbose_name_plural = _("cycles")

    def __str__(self) -> str:
        return self.title


def bands_to_json(bands: tuple[Band, ...]) -> list[dict[str, Any]]:
    return [{"band": b.number, "from": str(b.lower), "inclusive": b.lower_inclusive} for b in bands]


def bands_from_json(data: list[dict[str, Any]]) -> tuple[Band, ...]:
    return tuple(
        Band(int(item["band"]), to_decimal(item["from"]), bool(item.get("inclusive", True)))
        for item in data
    )


def default_bands() -> list[dict[str, Any]]:
    return bands_to_json(DEFAULT_BANDS)


class CycleGroup(models.Model):
    """A group evaluated in the cycle: its framework and its bands."""

    cycle = models.ForeignKey(Cycle, on_delete=models.CASCADE, related_name="groups")
    group = models.ForeignKey(UnitGroup, on_delete=models.PROTECT, related_name="+")
    framework = models.ForeignKey(Framework, on_delete=models.PROTECT, related_name="+")
    bands = models.JSONField(_("bands"), default=default_bands)

    class Meta:
        verbose_name = _("group in the cycle")
        verbose_name_plural = _("groups in the cycle")
        constraints = [
            models.UniqueConstraint(fields=["cycle", "group"], name="one_framework_per_group")
        ]

    def __str__(self) -> str:
        return f"{self.cycle.year} {self.group}"

    def band_rules(self) -> tuple[Band, ...]:
        return bands_from_json(self.bands)


class Assessment(models.Model):
    cycle = models.ForeignKey(Cycle, on_delete=models.CASCADE, related_name="assessments")
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="assessments")
    group = models.ForeignKey(UnitGroup, on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = _("assessment")
        verbose_name_plural = _("assessments")
        constraints = [
            models.UniqueConstraint(fields=["cycle", "unit"], name="one_assessment_per_unit")
        ]

    def __str__(self) -> str:
        return f"{self.cycle.year} {self.unit}"


class AssessmentItem(models.Model):
    """One leaf of one unit's assessment."""

    assessment = models.ForeignKey(Assessment, on_delete=models.CASCADE, related_name="items")
    criterion = models.ForeignKey(Criterion, on_delete=models.PROTECT, related_name="+")
    self_inputs = models.JSONField(_("self-assessment"), null=True, blank=True)
    appraised_inputs = models.JSONField(_("appraisal"), null=True, blank=True)
    not_applicable_claimed = models.BooleanField(_("not applicable claimed"), default=False)
    not_applicable_accepted = models.BooleanField(_("not applicable accepted"), null=True)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        verbose_name = _("assessment item")
        verbose_name_plural = _("assessment items")
        constraints = [
            models.UniqueConstraint(fields=["assessment", "criterion"], name="one_item_per_leaf")
        ]

    def __str__(self) -> str:
        return f"{self.assessment} {self.criterion.code}"


INPUT_NUMBERS = ("score", "numerator", "denominator", "survey_pct")


def inputs_from_json(data: dict[str, Any] | None) -> Inputs | None:
    """Stored inputs (numbers as strings) to the engine's Inputs."""
    if data is None:
        return None
    values: dict[str, Any] = {}
    for key, value in data.items():
        if value is None:
            continue
        if key in INPUT_NUMBERS:
            values[key] = Decimal(value)
        elif key == "items":
            values[key] = tuple(Decimal(v) for v in value)
        else:
            values[key] = value
    return Inputs(**values)


def inputs_to_json(inputs: Inputs) -> dict[str, Any]:
    data: dict[str, Any] = {}
    for key in ("score", "yes", "level", "numerator", "denominator", "occurrences"):
        value = getattr(inputs, key)
        if value is not None:
            data[key] = str(value) if isinstance(value, Decimal) else value
    if inputs.items:
        data["items"] = [str(v) for v in inputs.items]
    return data
