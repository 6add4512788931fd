"""Results: earlier years as published, computed snapshots, national results, targets."""

from __future__ import annotations

import datetime

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
    # The official figures where the table gives them; else the engine recomputes them.
    total = models.DecimalField(
        _("total as published"), max_digits=7, decimal_places=2, null=True, blank=True
    )
    index_pct = models.DecimalField(
        _("index as published"), max_digits=5, decimal_places=2, null=True, blank=True
    )
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
    # The bands of each group when computed (group pk -> bands), frozen with the snapshot.
    bands = models.JSONField(_("bands"), default=dict)
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

    @property
    def is_published(self) -> bool:
        return self.status == self.Status.PUBLISHED


class ResultRow(models.Model):
    """One unit's result in a snapshot. Points are stored unrounded."""

    snapshot = models.ForeignKey(ResultSnapshot, on_delete=models.CASCADE, related_name="rows")
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="+")
    unit_name = models.CharField(max_length=255, blank=True)  # as named when computed
    group = models.ForeignKey(UnitGroup, on_delete=models.PROTECT, related_name="+")
    max_points = models.DecimalField(max_digits=20, decimal_places=10)
    self_assessed = models.DecimalField(max_digits=20, decimal_places=10)
    survey_staff = models.DecimalField(max_digits=20, decimal_places=10)
    survey_sipas = models.DecimalField(max_digits=20, decimal_places=10)
    index_pct = models.DecimalField(max_digits=5, decimal_places=2)  # published
    # Among the units of the group made of the same parts (scoring.engine.rank_pool);
    # null: not ranked, some criteria not appraised.
    rank = models.PositiveIntegerField(null=True)
    rank_of = models.PositiveIntegerField(null=True)
    band = models.PositiveSmallIntegerField()
    # Something is missing: criteria not appraised, survey results not in. Rows computed
    # before these were recorded say only that (0 and [] below).
    provisional = models.BooleanField(default=False)
    unappraised = models.PositiveIntegerField(default=0)  # criteria not appraised
    missing_surveys = models.JSONField(default=list)  # sources not in: "sipas", "staff"
    pending = models.DecimalField(  # survey points waiting for those results
        max_digits=20, decimal_places=10, default=0
    )
    # Survey results read from a sample short of its target: "sipas", "staff:1.3".
    short_samples = models.JSONField(default=list)
    # code -> [points, max, bonus minus penalty], unrounded, as strings; then, where the
    # field misses something, its pending survey points and its criteria not appraised.
    fields = models.JSONField(default=dict)

    class Meta:
        ordering = ["snapshot", "group", "rank"]
        constraints = [
            models.UniqueConstraint(fields=["snapshot", "unit"], name="one_row_per_unit")
        ]

    def __str__(self) -> str:
        return f"{self.snapshot} {self.unit}"


class NationalResult(models.Model):
    """The province's own PAR index as the Ministry of Home Affairs published it for a year:
    its index and its rank among the provinces (e.g. 2020: 85.19%, 19/63)."""

    year = models.PositiveIntegerField(_("year"), unique=True)
    index_pct = models.DecimalField(_("index (%)"), max_digits=5, decimal_places=2)
    rank = models.PositiveIntegerField(_("rank"))
    rank_of = models.PositiveIntegerField(_("provinces ranked"))
    sipas_pct = models.DecimalField(
        _("SIPAS (%)"), max_digits=5, decimal_places=2, null=True, blank=True
    )
    source = models.CharField(_("source"), max_length=300, blank=True)
    entered_at = models.DateTimeField(_("entered at"), auto_now=True)
    entered_by = models.ForeignKey(
        "org.User", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["year"]
        verbose_name = _("national result")
        verbose_name_plural = _("national results")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(rank__gte=1, rank__lte=models.F("rank_of")),
                name="national_rank_within_provinces",
            ),
            models.CheckConstraint(
                condition=models.Q(index_pct__gte=0, index_pct__lte=100),
                name="national_index_is_a_percentage",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.year}: {self.index_pct}% ({self.rank}/{self.rank_of})"


class Target(models.Model):
    """A goal of the evaluating body, checked year by year against published results."""

    class Kind(models.TextChoices):
        NATIONAL_RANK_AT_MOST = "national_rank_at_most", _("The province ranks N or better")
        NATIONAL_RANK_RISE = "national_rank_rise", _("The province rises N ranks a year or more")
        NATIONAL_INDEX_AT_LEAST = (
            "national_index_at_least",
            _("The province's index is N percent or more"),
        )
        NATIONAL_INDEX_RISE = (
            "national_index_rise",
            _("The province's index is higher than the year before"),
        )
        AVERAGE_INDEX_RISE = (
            "average_index_rise",
            _("The units' average index is higher than the year before"),
        )
        UNIT_INDEX_RISE = "unit_index_rise", _("Each unit's index is higher than the year before")
        UNIT_INDEX_AT_LEAST = "unit_index_at_least", _("Each unit's index is N percent or more")

    title = models.CharField(_("goal"), max_length=500)
    source = models.CharField(_("source"), max_length=300, blank=True)
    kind = models.CharField(_("kind"), max_length=30, choices=Kind.choices)
    value = models.DecimalField(_("N"), max_digits=6, decimal_places=2, null=True, blank=True)
    first_year = models.PositiveIntegerField(_("from year"))
    last_year = models.PositiveIntegerField(_("to year"))
    group = models.ForeignKey(
        UnitGroup,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("only the group"),
    )
    unit = models.ForeignKey(
        Unit,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("only the unit"),
    )
    position = models.PositiveIntegerField(_("position"), default=0)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    created_by = models.ForeignKey(
        "org.User", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["position", "first_year", "pk"]
        verbose_name = _("target")
        verbose_name_plural = _("targets")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(first_year__lte=models.F("last_year")),
                name="target_years_in_order",
            )
        ]

    def __str__(self) -> str:
        return self.title


class AppealWindow(models.Model):
    """When the units of a published cycle may appeal (kiến nghị): the days the
    administrator sets after publication, both included."""

    cycle = models.OneToOneField(
        "assessments.Cycle", on_delete=models.CASCADE, related_name="appeal_window"
    )
    opens_on = models.DateField(_("appeals open on"))
    closes_on = models.DateField(_("appeals close on"))
    set_by = models.ForeignKey(
        "org.User", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    set_at = models.DateTimeField(_("set at"), auto_now=True)

    class Meta:
        verbose_name = _("appeal window")
        verbose_name_plural = _("appeal windows")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(opens_on__lte=models.F("closes_on")),
                name="appeal_window_in_order",
            )
        ]

    def __str__(self) -> str:
        return f"{self.cycle}: {self.opens_on}–{self.closes_on}"

    def is_open(self, today: datetime.date) -> bool:
        return self.opens_on <= today <= self.closes_on


class AppealQuerySet(models.QuerySet["Appeal"]):
    def for_list(self) -> AppealQuerySet:
        """With what a list shows of each appeal, its criteria and revisions included."""
        return self.select_related(
            "unit", "filed_by", "decided_by", "before", "revision"
        ).prefetch_related(
            models.Prefetch(
                "criteria", queryset=AppealCriterion.objects.select_related("criterion")
            )
        )


class Appeal(models.Model):
    """A unit's appeal against its published result, on named criteria; decided by the
    council criterion by criterion. One appeal per unit and cycle."""

    class Status(models.TextChoices):
        FILED = "filed", _("Filed, awaiting the council")
        DECIDED = "decided", _("Decided")

    cycle = models.ForeignKey("assessments.Cycle", on_delete=models.PROTECT, related_name="+")
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="appeals")
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.FILED
    )
    filed_at = models.DateTimeField(_("filed at"))
    filed_by = models.ForeignKey("org.User", on_delete=models.SET_NULL, null=True, related_name="+")
    evidence = models.ManyToManyField(
        "assessments.EvidenceFile", related_name="+", blank=True, verbose_name=_("evidence")
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    decided_by = models.ForeignKey(
        "org.User", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    # The revision the decision corrected, and the one it produced (none when every
    # criterion was rejected).
    before = models.ForeignKey(
        ResultSnapshot, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    revision = models.ForeignKey(
        ResultSnapshot, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    objects = AppealQuerySet.as_manager()

    class Meta:
        ordering = ["cycle", "filed_at", "pk"]
        verbose_name = _("appeal")
        verbose_name_plural = _("appeals")
        constraints = [
            models.UniqueConstraint(fields=["cycle", "unit"], name="one_appeal_per_unit")
        ]

    def __str__(self) -> str:
        return f"{self.cycle} {self.unit}"

    @property
    def is_decided(self) -> bool:
        return self.status == self.Status.DECIDED


class AppealCriterion(models.Model):
    """One criterion appealed, the unit's reason, and the council's decision on it; an
    upheld criterion carries the appraisal the council sets."""

    class Outcome(models.TextChoices):
        PENDING = "pending", _("Not decided yet")
        UPHELD = "upheld", _("Upheld")
        REJECTED = "rejected", _("Rejected")

    appeal = models.ForeignKey(Appeal, on_delete=models.CASCADE, related_name="criteria")
    criterion = models.ForeignKey(
        "frameworks.Criterion", on_delete=models.PROTECT, related_name="+"
    )
    reason = models.TextField(_("the unit's reason"))
    outcome = models.CharField(
        _("decision"), max_length=10, choices=Outcome.choices, default=Outcome.PENDING
    )
    council_reason = models.TextField(_("the council's reason"), blank=True)
    corrected_inputs = models.JSONField(_("corrected appraisal"), null=True, blank=True)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["appeal", "position"]
        verbose_name = _("appealed criterion")
        verbose_name_plural = _("appealed criteria")
        constraints = [
            models.UniqueConstraint(
                fields=["appeal", "criterion"], name="one_line_per_appealed_criterion"
            )
        ]

    def __str__(self) -> str:
        return f"{self.appeal} {self.criterion.code}"
