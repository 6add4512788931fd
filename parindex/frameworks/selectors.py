"""Reading frameworks."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Count, Q

from .models import Criterion, Framework, FrameworkQuerySet, answerable_q
from .rules import rule_kind


def framework_list(*, group_id: int | None = None, year: int | None = None) -> FrameworkQuerySet:
    frameworks = Framework.objects.select_related("group").annotate(
        leaf_count=Count("criteria", filter=~Q(criteria__rule_type="")),
        answerable_count=Count("criteria", filter=answerable_q("criteria__")),
        field_count=Count("criteria", filter=Q(criteria__depth=0)),
    )
    if group_id is not None:
        frameworks = frameworks.filter(group_id=group_id)
    if year is not None:
        frameworks = frameworks.filter(year=year)
    return frameworks.order_by("-year", "group__position", "-version")


@dataclass
class Row:
    criterion: Criterion
    leaves: int  # leaves under it (1 for a leaf)


@dataclass
class FrameworkView:
    framework: Framework
    rows: list[Row]
    leaf_count: int
    not_applicable_count: int
    evidence_required_count: int
    rule_counts: dict[str, int]
    adjustments: list[Criterion]
    fields_total: Decimal


def framework_view(framework: Framework) -> FrameworkView:
    """The whole tree in document order, read in one query."""
    criteria = list(framework.criteria.all())
    leaves_under: dict[int, int] = {}
    by_id = {criterion.pk: criterion for criterion in criteria}
    for criterion in criteria:
        if criterion.is_leaf:
            node: Criterion | None = criterion
            while node is not None:
                leaves_under[node.pk] = leaves_under.get(node.pk, 0) + 1
                node = by_id.get(node.parent_id) if node.parent_id else None
    leaves = [c for c in criteria if c.is_leaf]
    rule_counts: dict[str, int] = {}
    for leaf in leaves:
        rule_counts[leaf.rule_type] = rule_counts.get(leaf.rule_type, 0) + 1
    return FrameworkView(
        framework=framework,
        rows=[Row(c, leaves_under.get(c.pk, 0)) for c in criteria],
        leaf_count=len(leaves),
        not_applicable_count=sum(1 for c in leaves if c.allow_not_applicable),
        evidence_required_count=sum(1 for c in leaves if c.evidence_required),
        rule_counts=rule_counts,
        adjustments=[c for c in leaves if rule_kind(c.rule_type).engine.adjusts],
        fields_total=sum((c.max_points for c in criteria if c.depth == 0), Decimal(0)),
    )
