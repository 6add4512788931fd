"""Criteria frameworks: a tree of fields, criteria and sub-criteria per group and year."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from parindex.org.models import UnitGroup, User
from parindex.scoring.rules import Rule, parse_rule
from parindex.scoring.tree import Node, Tree

from . import rules
from .prefill import SOURCES

RULE_CHOICES = [(kind.type, kind.label) for kind in rules.RULE_KINDS.values()]


class FrameworkQuerySet(models.QuerySet["Framework"]):
    def latest_versions(self) -> FrameworkQuerySet:
        """Of each group and year, only the newest version."""
        newer = Framework.objects.filter(
            group=models.OuterRef("group"),
            year=models.OuterRef("year"),
            version__gt=models.OuterRef("version"),
        )
        return self.exclude(models.Exists(newer))


class Framework(models.Model):
    """One version of the criteria tree of a unit group for a cycle.

    A frozen framework (in use by a cycle) never changes: editing it means a new version.
    """

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        FROZEN = "frozen", _("In use (frozen)")

    group = models.ForeignKey(
        UnitGroup, on_delete=models.PROTECT, related_name="frameworks", verbose_name=_("group")
    )
    year = models.PositiveIntegerField(_("year"))
    version = models.PositiveIntegerField(_("version"), default=1)
    title = models.CharField(_("title"), max_length=300)
    max_points = models.DecimalField(_("maximum points"), max_digits=7, decimal_places=2)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.DRAFT
    )
    based_on = models.ForeignKey(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("based on"),
    )
    frozen_at = models.DateTimeField(_("frozen at"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    created_by = models.ForeignKey(
        User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    objects = FrameworkQuerySet.as_manager()

    class Meta:
        ordering = ["-year", "group__position", "-version"]
        verbose_name = _("framework")
        verbose_name_plural = _("frameworks")
        constraints = [
            models.UniqueConstraint(
                fields=["group", "year", "version"], name="one_framework_version"
            )
        ]

    def __str__(self) -> str:
        return f"{self.title} (v{self.version})"

    def get_absolute_url(self) -> str:
        return reverse("frameworks:detail", args=[self.pk])

    @property
    def is_frozen(self) -> bool:
        return self.status == self.Status.FROZEN

    def to_tree(
        self, criteria: list[Criterion] | None = None, group_code: str | None = None
    ) -> Tree:
        """The framework as the engine's tree, from its criteria in document order."""
        if criteria is None:
            criteria = list(self.criteria.all())
        nodes: dict[int, Node] = {}
        roots: list[Node] = []
        for criterion in criteria:
            node = criterion.to_node()
            nodes[criterion.pk] = node
            if criterion.parent_id is None:
                roots.append(node)
            else:
                nodes[criterion.parent_id].children.append(node)
        return Tree(
            group=self.group.code,
            year=self.year,
            title=self.title,
            max_points=self.max_points,
            nodes=roots,
        )


def answerable_q(path: str = "") -> models.Q:
    """The leaves a unit answers itself, the criteria it scores, as a condition on the
    criterion found at `path` ("criteria__" from a framework, "criterion__" from an
    assessment's item). The other leaves are scored from survey results and earlier
    years (`rules.COMPUTED`); inner nodes have no rule."""
    return ~models.Q(**{f"{path}rule_type": ""}) & ~models.Q(
        **{f"{path}rule_type__in": sorted(rules.COMPUTED)}
    )


class CriterionQuerySet(models.QuerySet["Criterion"]):
    def answerable(self) -> CriterionQuerySet:
        return self.filter(answerable_q())


class Criterion(models.Model):
    """A node of the tree: a field (depth 0), criterion or sub-criterion."""

    framework = models.ForeignKey(Framework, on_delete=models.CASCADE, related_name="criteria")
    parent = models.ForeignKey(
        "self", on_delete=models.CASCADE, null=True, blank=True, related_name="children"
    )
    position = models.PositiveIntegerField(_("position"))  # document order in the framework
    depth = models.PositiveSmallIntegerField(_("depth"))
    code = models.CharField(_("code"), max_length=30)
    title = models.TextField(_("title"))
    max_points = models.DecimalField(_("maximum points"), max_digits=7, decimal_places=2)
    guidance = models.TextField(_("scoring guidance"), blank=True)
    evidence = models.TextField(_("expected evidence"), blank=True)
    evidence_required = models.BooleanField(_("evidence required"), default=False)
    allow_not_applicable = models.BooleanField(_("may be declared not applicable"), default=False)
    rule_type = models.CharField(_("scoring rule"), max_length=20, choices=RULE_CHOICES, blank=True)
    rule_params = models.JSONField(_("rule parameters"), default=dict, blank=True)
    prefill = models.CharField(
        _("proposed from the follow-up"),
        max_length=40,
        blank=True,
        choices=[(source.key, source.label) for source in SOURCES.values()],
    )

    objects = CriterionQuerySet.as_manager()

    class Meta:
        ordering = ["framework", "position"]
        verbose_name = _("criterion")
        verbose_name_plural = _("criteria")
        constraints = [
            models.UniqueConstraint(fields=["framework", "code"], name="one_code_per_framework"),
        ]

    def __str__(self) -> str:
        return f"{self.code}. {self.title}"

    @property
    def is_leaf(self) -> bool:
        return bool(self.rule_type)

    @property
    def is_answerable(self) -> bool:
        """The Python form of `answerable_q`."""
        return self.is_leaf and self.rule_type not in rules.COMPUTED

    @staticmethod
    def field_of(code: str) -> str:
        """The field a criterion's code belongs to: “1.2.3” → “1”."""
        return code.split(".")[0]

    @property
    def field_code(self) -> str:
        return Criterion.field_of(self.code)

    def rule(self) -> Rule:
        return parse_rule({"type": self.rule_type, **self.rule_params})

    @property
    def rule_kind(self) -> rules.RuleKind[Any] | None:
        """The registry's entry of a leaf's rule type; None for a node with children."""
        return rules.rule_kind(self.rule_type) if self.rule_type else None

    def to_node(self) -> Node:
        return Node(
            code=self.code,
            title=self.title,
            max_points=Decimal(self.max_points),
            rule=self.rule() if self.rule_type else None,
            guidance=self.guidance,
            evidence=self.evidence,
            evidence_required=self.evidence_required,
            allow_not_applicable=self.allow_not_applicable,
            prefill=self.prefill,
        )
