"""Improvement plans (kế hoạch cải thiện Chỉ số CCHC): a unit's plan for coming years, its
targets for its index, a field or its rank in its group, and the tasks it hands to its
divisions (phòng chuyên môn), each reported on year by year.

A target is checked against the engine's published figures only (see followup/plans.py)."""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from parindex.org.models import Unit
from parindex.results.forms import FIRST_YEAR, LAST_YEAR

YEAR_BOUNDS = [MinValueValidator(FIRST_YEAR), MaxValueValidator(LAST_YEAR)]


class PlanQuerySet(models.QuerySet["ImprovementPlan"]):
    def for_overview(self) -> PlanQuerySet:
        """Every plan with its unit and targets, in the units' order, in two queries."""
        return (
            self.select_related("unit__group")
            .prefetch_related("targets")
            .annotate(task_count=models.Count("tasks", distinct=True))
            .order_by("unit__group__position", "unit__position", "unit__name")
        )


class ImprovementPlan(models.Model):
    unit = models.OneToOneField(
        Unit, on_delete=models.PROTECT, related_name="improvement_plan", verbose_name=_("unit")
    )
    title = models.CharField(_("title"), max_length=500)
    decision_number = models.CharField(_("issued by decision no."), max_length=50, blank=True)
    decision_date = models.DateField(_("decision date"), null=True, blank=True)
    first_year = models.PositiveIntegerField(_("from year"), validators=YEAR_BOUNDS)
    last_year = models.PositiveIntegerField(_("to year"), validators=YEAR_BOUNDS)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    objects = PlanQuerySet.as_manager()

    class Meta:
        ordering = ["unit__group__position", "unit__position"]
        verbose_name = _("improvement plan")
        verbose_name_plural = _("improvement plans")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(first_year__lte=models.F("last_year")),
                name="plan_years_in_order",
            )
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("followup:plan_unit", args=[self.unit.code])

    @property
    def years(self) -> range:
        return range(self.first_year, self.last_year + 1)


class PlanTarget(models.Model):
    """A target for the years `first_year`–`last_year` (one year when they are equal)."""

    class Kind(models.TextChoices):
        INDEX_AT_LEAST = "index_at_least", _("The unit's index is N percent or more")
        FIELD_AT_LEAST = "field_at_least", _("A field's score is N percent or more")
        RANK_AT_MOST = "rank_at_most", _("The unit ranks N or better in its group")
        # seed 003: “tỷ lệ điểm Chỉ số CCHC của Sở … năm sau cao hơn năm trước liền kề”
        INDEX_RISES = (
            "index_rises",
            _("The unit's index is higher than the year before, by N percentage points or more"),
        )

    plan = models.ForeignKey(ImprovementPlan, on_delete=models.CASCADE, related_name="targets")
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    field_code = models.CharField(_("field"), max_length=20, blank=True)
    value = models.DecimalField(
        _("N"),
        max_digits=5,
        decimal_places=2,
        validators=[MinValueValidator(Decimal("0")), MaxValueValidator(Decimal("100"))],
    )
    first_year = models.PositiveIntegerField(_("from year"), validators=YEAR_BOUNDS)
    last_year = models.PositiveIntegerField(_("to year"), validators=YEAR_BOUNDS)
    text = models.CharField(_("as the plan writes it"), max_length=500, blank=True)
    position = models.PositiveIntegerField(_("position"), default=0)

    class Meta:
        ordering = ["plan", "position", "first_year", "pk"]
        verbose_name = _("plan's target")
        verbose_name_plural = _("plan's targets")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(first_year__lte=models.F("last_year")),
                name="plan_target_years_in_order",
            ),
            models.CheckConstraint(
                condition=~models.Q(kind="field_at_least") | ~models.Q(field_code=""),
                name="plan_field_target_has_field",
            ),
        ]

    def __str__(self) -> str:
        return self.text or f"{self.get_kind_display()} {self.value}"

    def covers(self, year: int) -> bool:
        return self.first_year <= year <= self.last_year


class PlanTask(models.Model):
    """A task the plan hands to one of the unit's divisions, for the criteria it serves."""

    plan = models.ForeignKey(ImprovementPlan, on_delete=models.CASCADE, related_name="tasks")
    division = models.CharField(_("division"), max_length=200)
    text = models.TextField(_("what to do"))
    # Criterion codes as the framework writes them, separated by commas ("6.1, 6.2").
    criteria = models.CharField(_("criteria served"), max_length=200, blank=True)
    due_year = models.PositiveIntegerField(_("due year"), validators=YEAR_BOUNDS)
    position = models.PositiveIntegerField(_("position"), default=0)

    class Meta:
        ordering = ["plan", "division", "position", "pk"]
        verbose_name = _("plan's task")
        verbose_name_plural = _("plan's tasks")

    def __str__(self) -> str:
        return f"{self.division}: {self.text[:60]}"

    @property
    def criterion_codes(self) -> list[str]:
        return [code.strip() for code in self.criteria.split(",") if code.strip()]


class TaskProgress(models.Model):
    """A year's report on a plan's task."""

    task = models.ForeignKey(PlanTask, on_delete=models.CASCADE, related_name="progress")
    year = models.PositiveIntegerField(_("year"), validators=YEAR_BOUNDS)
    text = models.TextField(_("progress"))
    done = models.BooleanField(_("done"), default=False)
    reported_at = models.DateTimeField(_("reported at"), auto_now=True)
    reported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["task", "year"]
        verbose_name = _("task's progress")
        verbose_name_plural = _("tasks' progress")
        constraints = [
            models.UniqueConstraint(fields=["task", "year"], name="plan_task_progress_once_a_year")
        ]

    def __str__(self) -> str:
        return f"{self.task} – {self.year}"
