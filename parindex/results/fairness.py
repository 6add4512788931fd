"""Was the scoring fair? Where the appraisers changed the units' own scores, read through
the engine: each unit's gap between its own points and the appraised ones (by field, and
in earlier cycles), each appraiser's changes beside the other appraisers of the same
field, and each criterion's share of units whose score was changed.

Every figure is the engine's: the unit's own points are `compute_unit` over its answers
with no appraisal, the appraised points over the same answers with the appraisal, both on
the leaves the unit answers itself (the survey and earlier-year leaves left out), as the
assessment page computes them. A leaf counts as appraised once an appraiser scored it or
decided on its not-applicable claim; it was changed when its points or its maximum
differ from the unit's own.

Outliers (written once, here): an appraiser is marked in a field when the share of the
leaves they appraised whose score they changed differs from the share of the field's
other appraisers taken together by more than two standard errors of the difference
(the two-proportion test: sqrt(p(1-p)(1/n + 1/m)), p the share of everyone in the field,
n and m the leaves appraised by them and by the others), and by at least 20 percentage
points. The standard error keeps a handful of leaves from being marked for chance; the 20
points keep a large field from marking a difference nobody would act on. An appraiser
alone in a field is compared with nobody and never marked; in a field of two, both are
marked when they differ: the mark asks for a look at their leaves, it says nobody is
wrong.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal

from parindex.assessments.models import (
    Assessment,
    AssessmentItem,
    AuditEntry,
    Cycle,
    CycleGroup,
    inputs_from_json,
)
from parindex.frameworks.models import Criterion
from parindex.frameworks.rules import COMPUTED
from parindex.org.models import User
from parindex.scoring.engine import Answer, EngineCache, NodeResult, UnitResult, compute_unit
from parindex.scoring.numbers import ZERO
from parindex.scoring.tree import Tree, without_rules

HUNDRED = Decimal(100)
OUTLIER_ERRORS = Decimal(2)  # standard errors of the difference from the others' share
OUTLIER_POINTS = Decimal("0.20")  # and at least this far, as a share (20 points of %)
YEARS_BACK = 3  # earlier cycles shown beside the unit's gap


@dataclass(frozen=True)
class Leaf:
    """One appraised leaf of one unit: its own points and the appraised ones."""

    unit: str  # the unit's code
    code: str
    field: str
    own: Decimal  # points plus bonus or penalty, as the unit scored it
    appraised: Decimal
    changed: bool
    appraiser: int | None  # the last appraiser who saved it (None: no trace in the audit)

    @property
    def change(self) -> Decimal:
        return self.appraised - self.own


@dataclass(frozen=True)
class UnitGap:
    """How far the unit's own points were above the appraised ones (negative: below)."""

    code: str
    name: str
    gap: Decimal
    own: Decimal
    appraised: Decimal
    by_field: dict[str, Decimal]  # field code -> gap
    changed: int  # leaves whose score the appraisers changed
    earlier: dict[int, Decimal]  # year -> gap in that year's cycle


@dataclass
class Changes:
    """Leaves appraised, and how many of them were changed, how, by how much."""

    leaves: list[Leaf] = field(default_factory=list)

    @property
    def appraised(self) -> int:
        return len(self.leaves)

    @property
    def changed(self) -> list[Leaf]:
        return [leaf for leaf in self.leaves if leaf.changed]

    @property
    def share(self) -> Decimal:
        """Changed leaves out of those appraised, 0 to 1."""
        return share(len(self.changed), len(self.leaves))

    @property
    def share_pct(self) -> Decimal:
        return self.share * HUNDRED

    @property
    def mean_change(self) -> Decimal:
        """Points added (negative: taken) per leaf appraised."""
        if not self.leaves:
            return ZERO
        return sum((leaf.change for leaf in self.leaves), ZERO) / len(self.leaves)

    @property
    def lowered(self) -> int:
        return sum(1 for leaf in self.leaves if leaf.change < ZERO)

    @property
    def raised(self) -> int:
        return sum(1 for leaf in self.leaves if leaf.change > ZERO)


@dataclass
class AppraiserField(Changes):
    """An appraiser's work in one field, beside the field's other appraisers."""

    appraiser: int = 0
    name: str = ""
    field_code: str = ""
    others_appraised: int = 0
    others_changed: int = 0

    @property
    def others_share_pct(self) -> Decimal | None:
        if not self.others_appraised:
            return None
        return share(self.others_changed, self.others_appraised) * HUNDRED

    @property
    def outlier(self) -> bool:
        if not self.others_appraised:
            return False
        return is_outlier(
            len(self.changed), len(self.leaves), self.others_changed, self.others_appraised
        )


@dataclass
class CriterionChanges(Changes):
    """One criterion of one group's framework: how often its score was changed."""

    group: str = ""
    code: str = ""
    title: str = ""
    field_code: str = ""


@dataclass
class Fairness:
    year: int
    units: list[UnitGap]
    appraisers: list[AppraiserField]
    criteria: list[CriterionChanges]
    fields: dict[str, str]  # field code -> title
    earlier_years: list[int]
    names: dict[str, str]  # unit code -> name
    waiting: int  # units of the cycle with no leaf appraised yet, not in `units`

    @property
    def outliers(self) -> int:
        return sum(1 for work in self.appraisers if work.outlier)


def share(part: int, whole: int) -> Decimal:
    return Decimal(part) / Decimal(whole) if whole else ZERO


def is_outlier(changed: int, appraised: int, others_changed: int, others_appraised: int) -> bool:
    """The module's rule: the appraiser's share of changed leaves differs from the other
    appraisers' share by more than two standard errors and by at least 20 points."""
    if not appraised or not others_appraised:
        return False
    mine = share(changed, appraised)
    theirs = share(others_changed, others_appraised)
    pooled = share(changed + others_changed, appraised + others_appraised)
    error = (
        pooled * (1 - pooled) * (Decimal(1) / appraised + Decimal(1) / others_appraised)
    ).sqrt()
    distance = abs(mine - theirs)
    return distance > OUTLIER_ERRORS * error and distance >= OUTLIER_POINTS


def leaf_points(node: NodeResult) -> Decimal:
    return node.points + node.adjustment


def compare(
    own: UnitResult,
    appraised: UnitResult,
    answers: Mapping[str, Answer],
    *,
    unit: str,
    appraisers: Mapping[str, int],
) -> list[Leaf]:
    """The leaves of a unit its appraisers scored, own points beside appraised points."""
    leaves = []
    for code, answer in answers.items():
        if answer.appraised_inputs is None and not (
            answer.not_applicable_claimed and answer.not_applicable_accepted is not None
        ):
            continue
        mine, theirs = own.nodes.get(code), appraised.nodes.get(code)
        if mine is None or theirs is None:
            continue  # scored later (survey, earlier years), or no longer in the tree
        before, after = leaf_points(mine), leaf_points(theirs)
        leaves.append(
            Leaf(
                unit=unit,
                code=code,
                field=Criterion.field_of(code),
                own=before,
                appraised=after,
                changed=before != after or mine.max_points != theirs.max_points,
                appraiser=appraisers.get(code),
            )
        )
    return leaves


def by_appraiser(leaves: Iterable[Leaf], names: Mapping[int, str]) -> list[AppraiserField]:
    """Each appraiser's changes field by field, each beside the others of the field; the
    outliers first, then by field and by share of changes."""
    found: dict[tuple[str, int], AppraiserField] = {}
    for leaf in leaves:
        if leaf.appraiser is None:
            continue
        key = (leaf.field, leaf.appraiser)
        if key not in found:
            found[key] = AppraiserField(
                appraiser=leaf.appraiser, name=names.get(leaf.appraiser, ""), field_code=leaf.field
            )
        found[key].leaves.append(leaf)
    totals: dict[str, tuple[int, int]] = defaultdict(lambda: (0, 0))
    for (field_code, _appraiser), work in found.items():
        changed, appraised = totals[field_code]
        totals[field_code] = (changed + len(work.changed), appraised + work.appraised)
    for (field_code, _appraiser), work in found.items():
        changed, appraised = totals[field_code]
        work.others_changed = changed - len(work.changed)
        work.others_appraised = appraised - work.appraised
    return sorted(
        found.values(),
        key=lambda w: (not w.outlier, _order(w.field_code), -w.share, w.name),
    )


def by_criterion(
    leaves: Iterable[Leaf], criteria: Mapping[tuple[str, str], tuple[str, str]]
) -> list[CriterionChanges]:
    """Each criterion's changes across the units, most often changed first. `criteria`:
    (unit code, criterion code) -> (group name, criterion title)."""
    found: dict[tuple[str, str], CriterionChanges] = {}
    for leaf in leaves:
        group, title = criteria[(leaf.unit, leaf.code)]
        key = (group, leaf.code)
        if key not in found:
            found[key] = CriterionChanges(
                group=group, code=leaf.code, title=title, field_code=leaf.field
            )
        found[key].leaves.append(leaf)
    return sorted(found.values(), key=lambda c: (-c.share, -c.appraised, c.group, _order(c.code)))


def _order(code: str) -> tuple[int, ...]:
    return tuple(int(part) for part in code.split(".") if part.isdigit())


def unit_gap(own: UnitResult, appraised: UnitResult) -> tuple[Decimal, dict[str, Decimal]]:
    """The unit's gap in total and by field: own points minus appraised points."""
    by_field = {}
    for code in own.fields:
        mine, theirs = own.nodes[code], appraised.nodes.get(code)
        if theirs is not None:
            by_field[code] = leaf_points(mine) - leaf_points(theirs)
    return own.self_assessed - appraised.self_assessed, by_field


# Reading the database: a constant number of queries whatever the number of units -------


def _answers(row: tuple[object, ...]) -> tuple[Answer, Answer]:
    own_json, appraised_json, claimed, accepted = row
    own_inputs = inputs_from_json(own_json)  # type: ignore[arg-type]
    return (
        Answer(self_inputs=own_inputs, not_applicable_claimed=bool(claimed)),
        Answer(
            self_inputs=own_inputs,
            appraised_inputs=inputs_from_json(appraised_json),  # type: ignore[arg-type]
            not_applicable_claimed=bool(claimed),
            not_applicable_accepted=accepted,  # type: ignore[arg-type]
        ),
    )


def cycle_fairness(cycle: Cycle, *, years_back: int = YEARS_BACK) -> Fairness:
    """The cycle's figures, with each unit's gap in the earlier cycles still stored."""
    cycles = dict(
        Cycle.objects.filter(year__lte=cycle.year, year__gte=cycle.year - years_back).values_list(
            "pk", "year"
        )
    )
    cycle_groups = list(
        CycleGroup.objects.filter(cycle__in=cycles).select_related("framework", "group")
    )
    criteria: dict[int, list[Criterion]] = defaultdict(list)
    for criterion in Criterion.objects.filter(
        framework__in={cg.framework_id for cg in cycle_groups}
    ).order_by("framework", "position"):
        criteria[criterion.framework_id].append(criterion)
    trees: dict[tuple[int, int], Tree] = {}
    group_names: dict[tuple[int, int], str] = {}
    frameworks: dict[tuple[int, int], int] = {}
    for cg in cycle_groups:
        frameworks[(cg.cycle_id, cg.group_id)] = cg.framework_id
        tree = cg.framework.to_tree(criteria[cg.framework_id], group_code=str(cg.group_id))
        trees[(cg.cycle_id, cg.group_id)] = without_rules(tree, COMPUTED)
        group_names[(cg.cycle_id, cg.group_id)] = cg.group.name
    code_of = {c.pk: c for framework in criteria.values() for c in framework}
    title_of = {(c.framework_id, c.code): c.title for c in code_of.values()}
    assessments = {
        pk: (cycle_id, group_id, unit_code, unit_name)
        for pk, cycle_id, group_id, unit_code, unit_name in Assessment.objects.filter(
            cycle__in=cycles
        ).values_list("pk", "cycle_id", "group_id", "unit__code", "unit__name")
    }
    own_answers: dict[int, dict[str, Answer]] = defaultdict(dict)
    all_answers: dict[int, dict[str, Answer]] = defaultdict(dict)
    item_code: dict[int, tuple[int, str]] = {}
    for item_id, assessment_id, criterion_id, *stored in (
        AssessmentItem.objects.filter(assessment__cycle__in=cycles)
        .order_by()
        .values_list(
            "pk",
            "assessment_id",
            "criterion_id",
            "self_inputs",
            "appraised_inputs",
            "not_applicable_claimed",
            "not_applicable_accepted",
        )
    ):
        code = code_of[criterion_id].code
        own_answers[assessment_id][code], all_answers[assessment_id][code] = _answers(tuple(stored))
        item_code[item_id] = (assessment_id, code)
    # The last appraiser who saved each leaf of this cycle: entries in the order written.
    who: dict[int, dict[str, int]] = defaultdict(dict)
    for item_id, by_id in (
        AuditEntry.objects.filter(
            cycle=cycle,
            item__isnull=False,
            by__isnull=False,
            kind__in=(AuditEntry.Kind.APPRAISAL, AuditEntry.Kind.DECISION),
        )
        .order_by("at", "pk")
        .values_list("item_id", "by_id")
    ):
        if item_id in item_code:
            assessment_id, code = item_code[item_id]
            who[assessment_id][code] = by_id
    names = {
        user.pk: str(user)
        for user in User.objects.filter(
            pk__in={by for codes in who.values() for by in codes.values()}
        ).only("pk", "username", "display_name")
    }
    cache = EngineCache()
    gaps: dict[str, UnitGap] = {}
    earlier: dict[str, dict[int, Decimal]] = defaultdict(dict)
    leaves: list[Leaf] = []
    titles: dict[tuple[str, str], tuple[str, str]] = {}
    fields: dict[str, str] = {}
    waiting = 0
    for assessment_id, (cycle_id, group_id, unit_code, unit_name) in assessments.items():
        claimed = trees.get((cycle_id, group_id))
        if claimed is None:
            continue
        own = compute_unit(claimed, own_answers.get(assessment_id, {}), cache=cache)
        appraised = compute_unit(claimed, all_answers.get(assessment_id, {}), cache=cache)
        gap, by_field = unit_gap(own, appraised)
        if cycle_id != cycle.pk:
            earlier[unit_code][cycles[cycle_id]] = gap
            continue
        found = compare(
            own,
            appraised,
            all_answers.get(assessment_id, {}),
            unit=unit_code,
            appraisers=who.get(assessment_id, {}),
        )
        leaves += found
        if not found:
            waiting += 1
            continue
        framework_id = frameworks[(cycle_id, group_id)]
        for node in claimed.nodes:
            fields.setdefault(node.code, title_of.get((framework_id, node.code), node.code))
        gaps[unit_code] = UnitGap(
            code=unit_code,
            name=unit_name,
            gap=gap,
            own=own.self_assessed,
            appraised=appraised.self_assessed,
            by_field=by_field,
            changed=sum(1 for leaf in found if leaf.changed),
            earlier={},
        )
        group_name = group_names[(cycle_id, group_id)]
        for leaf in found:
            titles[(unit_code, leaf.code)] = (group_name, title_of[(framework_id, leaf.code)])
    for code, unit in gaps.items():
        unit.earlier.update(earlier.get(code, {}))
    years = sorted({year for year in cycles.values() if year != cycle.year}, reverse=True)
    return Fairness(
        year=cycle.year,
        units=sorted(gaps.values(), key=lambda u: (-u.gap, u.name)),
        appraisers=by_appraiser(leaves, names),
        criteria=by_criterion(leaves, titles),
        fields=dict(sorted(fields.items(), key=lambda item: _order(item[0]))),
        earlier_years=years,
        names={code: unit.name for code, unit in gaps.items()},
        waiting=waiting,
    )
