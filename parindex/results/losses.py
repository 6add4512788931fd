"""Where each unit lost points, criterion by criterion: read through the engine from the
cycle's answers, with the appraiser's comment and the units each criterion applies to.
The letters, the report and the follow-up's weaknesses all read it from here."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal

from parindex.assessments.models import AssessmentItem, Cycle
from parindex.frameworks.models import Criterion
from parindex.org.models import Unit
from parindex.scoring.engine import node_lost
from parindex.scoring.numbers import ZERO

from .compute import load_and_compute


@dataclass(frozen=True)
class CriterionLoss:
    """A criterion (leaf) where a unit lost points, published: the maximum after lowering
    minus the points obtained minus survey points still pending."""

    unit: str  # the unit's code
    code: str  # the criterion's code in its framework
    title: str
    field: str  # the code of the field (depth 0) it belongs to
    max_points: Decimal
    points: Decimal
    lost: Decimal
    comment: str  # the appraiser's comment


@dataclass
class CriterionDetail:
    """Every unit's criteria where points were lost, read through the engine from the
    cycle's answers; the units each criterion applies to (not lowered); and the digest of
    the answers they were read from."""

    losses: dict[str, list[CriterionLoss]]
    applies: dict[tuple[str, str], set[str]]  # (code, title) -> unit codes
    digest: str


def criterion_losses(cycle: Cycle) -> CriterionDetail:
    """The cycle's `CriterionDetail`, in a few queries whatever its size."""
    computed = load_and_compute(cycle)
    codes = dict(Unit.objects.filter(pk__in=computed.unit_groups).values_list("pk", "code"))
    frameworks = {}
    for group_id, framework_id in cycle.groups.values_list("group_id", "framework_id"):
        frameworks[group_id] = framework_id
    leaves: dict[int, dict[str, tuple[str, str]]] = defaultdict(dict)  # framework -> code
    for framework_id, code, title, rule_type in Criterion.objects.filter(
        framework__in=frameworks.values()
    ).values_list("framework_id", "code", "title", "rule_type"):
        if rule_type:
            leaves[framework_id][code] = (title, code.split(".")[0])
    comments: dict[tuple[int, str], str] = {
        (unit_id, code): note
        for unit_id, code, note in AssessmentItem.objects.filter(assessment__cycle=cycle)
        .exclude(appraisal_note="")
        .values_list("assessment__unit_id", "criterion__code", "appraisal_note")
    }
    found: dict[str, list[CriterionLoss]] = {}
    applies: dict[tuple[str, str], set[str]] = defaultdict(set)
    for result in computed.results:
        unit_id = int(result.unit)
        framework = frameworks.get(computed.unit_groups[unit_id])
        unit_losses = []
        for code, (title, field_code) in leaves.get(framework or 0, {}).items():
            node = result.nodes.get(code)
            if node is None or node.max_points == ZERO:
                continue  # lowered: not applicable, nothing to lose
            applies[(code, title)].add(codes[unit_id])
            lost = node_lost(node)
            if lost > ZERO:
                unit_losses.append(
                    CriterionLoss(
                        unit=codes[unit_id],
                        code=code,
                        title=title,
                        field=field_code,
                        max_points=node.max_points,
                        points=node.points,
                        lost=lost,
                        comment=comments.get((unit_id, code), ""),
                    )
                )
        unit_losses.sort(key=lambda loss: _order(loss.code))
        found[codes[unit_id]] = unit_losses
    return CriterionDetail(found, dict(applies), computed.digest)


def _order(code: str) -> tuple[int, ...]:
    return tuple(int(part) for part in code.split(".") if part.isdigit())
