"""The province's criteria, across units: for each criterion of each group's framework,
the units it applies to, the units that lost points on it and how many points in all —
the analysis report's footnotes, from data.

Read from `losses.criterion_losses` (the engine over the cycle's answers): a unit's loss
on a criterion is its published maximum after lowering minus its published points minus
the survey points still pending. The total of a criterion is the sum of those losses as
each unit's page shows them, so that the list below it adds up to it; nothing is rounded
again here.

Groups are kept apart: departments and districts have frameworks of their own whose
codes coincide (1.1 is not the same criterion in both).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal

from parindex.assessments.models import Assessment, Cycle
from parindex.scoring.numbers import ZERO

from .losses import CriterionDetail, criterion_losses

HUNDRED = Decimal(100)


@dataclass(frozen=True)
class Member:
    """A unit of the cycle: its name and the group it is evaluated in."""

    name: str
    group: str  # the group's code
    group_name: str
    group_position: int


@dataclass(frozen=True)
class UnitLoss:
    code: str  # the unit's code
    name: str
    lost: Decimal


@dataclass
class CriterionTotal:
    """One criterion of one group's framework, across the group's units."""

    code: str
    title: str
    field: str  # the code of its field
    applies: int  # units of the group it applies to (not lowered)
    units: list[UnitLoss]  # most points lost first

    @property
    def losing(self) -> int:
        return len(self.units)

    @property
    def lost(self) -> Decimal:
        return sum((unit.lost for unit in self.units), ZERO)

    @property
    def share(self) -> Decimal:
        """Units that lost points out of those it applies to, 0 to 1."""
        return Decimal(self.losing) / Decimal(self.applies) if self.applies else ZERO

    @property
    def share_pct(self) -> Decimal:
        return self.share * HUNDRED


@dataclass
class GroupCriteria:
    code: str
    name: str
    units: int  # units of the group in the cycle
    criteria: list[CriterionTotal]  # most points lost first, then by code
    spared: int  # criteria that apply to a unit of the group and where none lost points

    @property
    def lost(self) -> Decimal:
        return sum((criterion.lost for criterion in self.criteria), ZERO)


def by_criterion(detail: CriterionDetail, members: Mapping[str, Member]) -> list[GroupCriteria]:
    """Each group's criteria where some unit lost points, from the units' losses; `members`
    maps each unit code of the cycle to its name and group. Groups in their order."""
    in_group: dict[str, set[str]] = defaultdict(set)
    for code, member in members.items():
        in_group[member.group].add(code)
    found: dict[tuple[str, str], CriterionTotal] = {}
    for unit_code, losses in detail.losses.items():
        if unit_code not in members:
            continue  # not a unit of the cycle's groups
        member = members[unit_code]
        for loss in losses:
            key = (member.group, loss.code)
            total = found.get(key)
            if total is None:
                applies = detail.applies.get((loss.code, loss.title), set())
                total = found[key] = CriterionTotal(
                    code=loss.code,
                    title=loss.title,
                    field=loss.field,
                    applies=len(applies & in_group[member.group]),
                    units=[],
                )
            total.units.append(UnitLoss(unit_code, member.name, loss.lost))
    spared: dict[str, set[str]] = defaultdict(set)
    for (code, _title), units in detail.applies.items():
        for group, group_units in in_group.items():
            if units & group_units and (group, code) not in found:
                spared[group].add(code)
    groups: dict[str, GroupCriteria] = {}
    order: dict[str, tuple[int, str]] = {}
    for member in members.values():
        if member.group not in groups:
            groups[member.group] = GroupCriteria(
                code=member.group,
                name=member.group_name,
                units=len(in_group[member.group]),
                criteria=[],
                spared=len(spared[member.group]),
            )
            order[member.group] = (member.group_position, member.group_name)
    for (group, _code), total in found.items():
        total.units.sort(key=lambda unit: (-unit.lost, unit.name, unit.code))
        groups[group].criteria.append(total)
    for group_criteria in groups.values():
        group_criteria.criteria.sort(key=lambda c: (-c.lost, _order(c.code), c.code))
    return sorted(groups.values(), key=lambda g: order[g.code])


def cycle_criteria(cycle: Cycle) -> list[GroupCriteria]:
    """`by_criterion` of the cycle: `criterion_losses`, and the units' names and groups in
    one query, whatever the number of units."""
    members = {
        code: Member(name, group, group_name, position)
        for code, name, group, group_name, position in Assessment.objects.filter(
            cycle=cycle, group__in=cycle.groups.values("group_id")
        ).values_list("unit__code", "unit__name", "group__code", "group__name", "group__position")
    }
    return by_criterion(criterion_losses(cycle), members)


def _order(code: str) -> tuple[int, ...]:
    return tuple(int(part) for part in code.split(".") if part.isdigit())
