"""The PAR index of a unit, and the figures across the units of a cycle.

`compute_unit` turns a framework tree, a unit's answers, its survey aggregates and its
history into points for every node; `compute_cycle` ranks and summarises many units.
Everything stays unrounded here except where `numbers.publish` is called, and the only
figures published are the ones a person reads: the index, averages, gaps, changes.
Ranks and bands are decided on the published index, so that what a reader sees always
agrees with the rank and band printed beside it.

A result may be incomplete, and says why: criteria the appraisers have not checked yet
(the unit's own score counts, `unappraised`), and survey results not in yet (their
points are pending, `pending`, never counted as lost). Units are ranked only among the
units of their group whose results are made of the same parts (`rank_pool`).
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from decimal import Decimal
from typing import cast

from .numbers import HUNDRED, ZERO, publish
from .rules import InputError, Inputs, SurveyRule
from .tree import Node, Tree

# Answers ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Answer:
    """What was entered for one leaf: by the unit, and by the appraiser."""

    self_inputs: Inputs | None = None
    appraised_inputs: Inputs | None = None
    not_applicable_claimed: bool = False
    # None while the appraiser has not decided; a claim counts as made until refused.
    not_applicable_accepted: bool | None = None


def survey_key(source: str, indicator: str = "") -> str:
    """What a survey leaf reads: a source overall ("sipas") or one of its indicators
    ("sipas:procedure", "staff:1.3")."""
    return f"{source}:{indicator}" if indicator else source


@dataclass(frozen=True)
class SurveyAggregates:
    """The unit's survey results in percent (0-100): each source overall, and by
    indicator (`survey_key`); None when not surveyed. `short` holds the keys whose
    sample fell short of the unit's target."""

    sipas: Decimal | None = None
    staff: Decimal | None = None
    indicators: Mapping[str, Decimal] = field(default_factory=dict)
    short: frozenset[str] = frozenset()

    def get(self, source: str, indicator: str = "") -> Decimal | None:
        if indicator:
            return self.indicators.get(survey_key(source, indicator))
        return self.sipas if source == "sipas" else self.staff if source == "staff" else None

    def is_short(self, source: str, indicator: str = "") -> bool:
        return survey_key(source, indicator) in self.short


@dataclass(frozen=True)
class History:
    """The unit's published index in earlier years, by year."""

    index_by_year: Mapping[int, Decimal] = field(default_factory=dict)


# Results ----------------------------------------------------------------------------


@dataclass(slots=True)  # not frozen: a frozen __init__ costs 3x on large cycles
class NodeResult:
    code: str
    points: Decimal  # obtained, unrounded, bonus and penalty excluded
    max_points: Decimal  # after lowered criteria
    adjustment: Decimal  # bonus minus penalty points under this node
    provisional: bool  # a leaf under it counts the self score: not yet appraised
    not_applicable: bool = False
    problem: str = ""  # an input that could not be scored (the leaf then counts 0)
    unappraised: int = 0  # leaves under it not appraised yet (their self score counts)
    # Points of survey leaves under it whose survey result is not in yet: in the maximum,
    # not in the points, and not lost either.
    pending: Decimal = ZERO
    short_sample: bool = False  # a survey leaf whose sample fell short of its target

    @property
    def pct(self) -> Decimal | None:
        if self.max_points == ZERO:
            return None
        return self.points * HUNDRED / self.max_points


@dataclass(frozen=True)
class Band:
    """A classification: the index is at least `lower` (or above it, when exclusive)."""

    number: int
    lower: Decimal
    lower_inclusive: bool = True

    def admits(self, index: Decimal) -> bool:
        return index > self.lower or (self.lower_inclusive and index == self.lower)


# The default bands of shared/docs/interchange.md: 1 above 90 %, 2 from 80 % to 90 %,
# 3 from 65 % to below 80 %, 4 from 50 % to below 65 %, 5 below 50 %.
DEFAULT_BANDS: tuple[Band, ...] = (
    Band(1, Decimal(90), lower_inclusive=False),
    Band(2, Decimal(80)),
    Band(3, Decimal(65)),
    Band(4, Decimal(50)),
    Band(5, ZERO),
)


def band_of(index: Decimal, bands: Sequence[Band] = DEFAULT_BANDS) -> int:
    """The first band, from the best, that admits the index."""
    for band in sorted(bands, key=lambda b: (b.lower, not b.lower_inclusive), reverse=True):
        if band.admits(index):
            return band.number
    return max(band.number for band in bands)


@dataclass(frozen=True)
class UnitResult:
    unit: str
    group: str
    nodes: Mapping[str, NodeResult]  # every node by code
    fields: tuple[str, ...]  # codes of the fields, in order
    self_assessed: Decimal  # appraised self-assessment points, adjustments included
    survey_staff: Decimal
    survey_sipas: Decimal
    max_points: Decimal  # điểm chuẩn tối đa, after lowered criteria
    # Something is missing: criteria not appraised, or survey results not in.
    provisional: bool
    # Points per field as a published table gives them, for results known only from such
    # a table (no tree, no maxima per field); computed results have `nodes` instead.
    reported_fields: Mapping[str, Decimal] = field(default_factory=dict)
    unappraised: int = 0  # leaves not appraised yet: the unit's own score counts
    # What survey leaves read that is not in yet: sources or indicators (`survey_key`:
    # "sipas", "staff:1.3"), sorted.
    missing_surveys: tuple[str, ...] = ()
    pending: Decimal = ZERO  # points of the survey leaves whose results are not in
    # What survey leaves read from a sample short of its target (`survey_key`), sorted;
    # where their rule says so, the result is provisional for it.
    short_samples: tuple[str, ...] = ()
    # The official figures of a published table, where it gives them: they stand for the
    # total and the index everywhere, and the figures recomputed from the parts are only
    # a check (`published_differences`).
    published_total: Decimal | None = None
    published_index_pct: Decimal | None = None

    @property
    def field_codes(self) -> tuple[str, ...]:
        return self.fields or tuple(self.reported_fields)

    def field_points(self, code: str) -> Decimal | None:
        """Points obtained in a field, bonus and penalty excluded; None when unknown."""
        node = self.nodes.get(code)
        if node is not None:
            return node.points
        return self.reported_fields.get(code)

    @property
    def adjustment(self) -> Decimal:
        """Bonus minus penalty points over the whole tree."""
        return sum((self.nodes[code].adjustment for code in self.fields), ZERO)

    @property
    def survey(self) -> Decimal:
        return self.survey_staff + self.survey_sipas

    @property
    def recomputed_total(self) -> Decimal:
        """The total from the parts: self-assessed plus survey points."""
        return self.self_assessed + self.survey

    @property
    def total(self) -> Decimal:
        """The published total where known, else the one recomputed from the parts."""
        if self.published_total is not None:
            return self.published_total
        return self.recomputed_total

    @property
    def index(self) -> Decimal:
        """Unrounded index in percent: the published index where known, else from the
        total (the published one where known)."""
        if self.published_index_pct is not None:
            return self.published_index_pct
        return _index(self.total, self.max_points)

    @property
    def index_pct(self) -> Decimal:
        """The published index: as published, else half-up to two decimals from the
        unrounded total."""
        return publish(self.index)

    @property
    def recomputed_index_pct(self) -> Decimal:
        """The index recomputed from the parts, published: a check on a published index."""
        return publish(_index(self.recomputed_total, self.max_points))

    @property
    def has_published_index(self) -> bool:
        return self.published_index_pct is not None

    @property
    def has_published_total(self) -> bool:
        return self.published_total is not None

    def published_differences(self) -> dict[str, Decimal]:
        """How far each published figure lies from the one recomputed (absolute, in
        points): the total from the parts; the index from the published total where
        known and from the parts. Only the figures the table gives."""
        found: dict[str, Decimal] = {}
        if self.published_total is not None:
            found["total"] = abs(self.published_total - self.recomputed_total)
        if self.published_index_pct is not None:
            recomputed = [self.recomputed_index_pct]
            if self.published_total is not None:
                recomputed.append(publish(_index(self.published_total, self.max_points)))
            found["index_pct"] = max(abs(self.published_index_pct - r) for r in recomputed)
        return found

    def field_pct(self, code: str) -> Decimal | None:
        node = self.nodes.get(code)
        return node.pct if node is not None else None


# Published figures are rounded to two decimals, each apart: a total or an index
# recomputed from them may differ from the published one by this much (interchange.md).
PUBLISHED_TOLERANCE = Decimal("0.02")


def _total(points: Decimal, adjustment: Decimal, max_points: Decimal) -> Decimal:
    """Bonus points never lift the total above the maximum, penalties never below zero."""
    return min(max(points + adjustment, ZERO), max_points)


def index_with_gain(result: UnitResult, gain: Decimal) -> Decimal:
    """The published index the unit would have with `gain` more points in its criteria
    (one below its maximum raised to it, say): its bonus and penalty as they are, its
    maximum as it is. `result` is the engine's, with its nodes."""
    points = sum((result.nodes[code].points for code in result.fields), ZERO)
    total = _total(points + gain, result.adjustment, result.max_points)
    return publish(_index(total, result.max_points))


def _index(total: Decimal, max_points: Decimal) -> Decimal:
    if max_points == ZERO:
        return ZERO
    return total * HUNDRED / max_points


def reported_result(
    *,
    unit: str,
    group: str,
    max_points: Decimal,
    self_assessed: Decimal,
    survey_staff: Decimal,
    survey_sipas: Decimal,
    fields: Mapping[str, Decimal] | None = None,
    total: Decimal | None = None,
    index_pct: Decimal | None = None,
) -> UnitResult:
    """A unit's result known only from a published table: its parts and maximum, the
    points per field the table gives, and its total and index where the table gives them
    (else they are computed as for any other result)."""
    return UnitResult(
        unit=unit,
        group=group,
        nodes={},
        fields=(),
        self_assessed=self_assessed,
        survey_staff=survey_staff,
        survey_sipas=survey_sipas,
        max_points=max_points,
        provisional=False,
        reported_fields=dict(fields or {}),
        published_total=total,
        published_index_pct=index_pct,
    )


# One unit ---------------------------------------------------------------------------


# Results of one leaf already scored, by what decides them: id(answer) for most leaves,
# id(answer) and the survey percent or the past indexes for survey and history leaves.
_LeafResults = dict[object, NodeResult]


@dataclass
class _Plan:
    """A tree flattened once: leaves, then inner nodes children-first, by position."""

    codes: list[str]  # every node's code, by position
    # Leaves scored from their answer alone: position, code, node, its results so far.
    plain: list[tuple[int, str, Node, _LeafResults]]
    # Survey and history leaves, which also read the unit's surveys or history.
    special: list[tuple[int, Node, str, str, str, _LeafResults]]  # ... type, source, indicator
    ancestors: dict[int, tuple[int, ...]]  # a special leaf's position -> its ancestors'
    inner: list[tuple[int, str, list[int]]]  # position, code, children's positions
    field_codes: tuple[str, ...]


def _plan(tree: Tree, leaf_results: Callable[[Node], _LeafResults]) -> _Plan:
    plan = _Plan([], [], [], {}, [], tuple(node.code for node in tree.nodes))
    for field_node in tree.nodes:
        _visit(field_node, plan, leaf_results, ())
    plan.inner.sort(key=lambda item: -item[0])  # children (higher positions) before parents
    return plan


# A module function, not a closure calling itself: that would be a reference cycle,
# holding the cache with every answer until the cycle collector runs.
def _visit(
    node: Node,
    plan: _Plan,
    leaf_results: Callable[[Node], _LeafResults],
    ancestors: tuple[int, ...],
) -> int:
    position = len(plan.codes)
    plan.codes.append(node.code)
    if node.children:
        below = (*ancestors, position)
        children = [_visit(child, plan, leaf_results, below) for child in node.children]
        plan.inner.append((position, node.code, children))
    else:
        rule = node.rule
        kind = rule.type if rule is not None else ""
        if kind in ("survey", "history"):
            source = getattr(rule, "source", "")
            indicator = getattr(rule, "indicator", "")
            plan.special.append((position, node, kind, source, indicator, leaf_results(node)))
            plan.ancestors[position] = ancestors
        else:
            plan.plain.append((position, node.code, node, leaf_results(node)))
    return position


class EngineCache:
    """Shared by the units of one computation: each tree's plan, and each leaf's result
    for the same answer (results are immutable; units often answer a leaf alike)."""

    def __init__(self) -> None:
        self.plans: dict[int, tuple[Tree, _Plan]] = {}
        self.leaves: dict[int, tuple[Node, _LeafResults]] = {}
        # Every answer a result is cached for stays alive, so that its id is never reused.
        self.answers: list[Answer] = []

    def plan(self, tree: Tree) -> _Plan:
        found = self.plans.get(id(tree))
        if found is None or found[0] is not tree:
            found = self.plans[id(tree)] = (tree, _plan(tree, self._leaf_results))
        return found[1]

    def _leaf_results(self, node: Node) -> _LeafResults:
        found = self.leaves.get(id(node))
        if found is None or found[0] is not node:
            found = self.leaves[id(node)] = (node, {})
        return found[1]


_NO_ANSWER = Answer()  # one object for every unanswered leaf: scored once per leaf


def compute_unit(
    tree: Tree,
    answers: Mapping[str, Answer],
    *,
    unit: str = "",
    group: str = "",
    surveys: SurveyAggregates | None = None,
    history: History | None = None,
    cache: EngineCache | None = None,
) -> UnitResult:
    """The unit's points at every node and its index (unrounded).

    Pass one `cache` when computing many units: the tree is flattened once and a leaf
    answered alike is scored once.
    """
    surveys = surveys or SurveyAggregates()
    history = history or History()
    cache = cache or EngineCache()
    previous = history.index_by_year.get(tree.year - 1)
    before = history.index_by_year.get(tree.year - 2)
    plan = cache.plan(tree)
    # Every position is filled below: the leaves first, then the inner nodes.
    outcomes = cast("list[NodeResult]", [None] * len(plan.codes))
    no_answer = _NO_ANSWER
    get_answer = answers.get
    keep_answer = cache.answers.append
    # Keyed by identity (cheap): loaders share one Answer object per distinct answer.
    for position, code, node, results in plan.plain:
        answer = get_answer(code, no_answer)
        result = results.get(id(answer))
        if result is None:
            result = results[id(answer)] = _leaf(node, answer, surveys, previous, before)
            keep_answer(answer)
        outcomes[position] = result
    survey_points = {"sipas": ZERO, "staff": ZERO}
    pending_leaves: list[tuple[int, str, Decimal]] = []  # position, survey key, points
    short: set[str] = set()
    short_provisional = False
    for position, node, kind, source, indicator, results in plan.special:
        found = get_answer(node.code)
        if found is None:
            # Scored for each unit: a key would take percents equal but written apart
            # (90 and 90.0) for one, and the points written from the first for both.
            result = _leaf(node, no_answer, surveys, previous, before)
        else:
            if kind == "survey":
                key: tuple[object, ...] = (
                    id(found),
                    surveys.get(source, indicator),
                    surveys.is_short(source, indicator),
                )
            else:
                key = (id(found), previous, before)
            result = results.get(key)
            if result is None:
                result = results[key] = _leaf(node, found, surveys, previous, before)
                keep_answer(found)
        if kind == "survey":
            survey_points[source] = survey_points.get(source, ZERO) + result.points
            if result.pending:
                pending_leaves.append((position, survey_key(source, indicator), result.pending))
            if result.short_sample:
                short.add(survey_key(source, indicator))
                rule = node.rule
                short_provisional = short_provisional or (
                    isinstance(rule, SurveyRule) and rule.if_short == "provisional"
                )
        outcomes[position] = result
    any_provisional = False
    for position, code, children in plan.inner:
        points = max_points = adjustment = ZERO
        provisional = False
        for child in children:
            outcome = outcomes[child]
            points += outcome.points
            max_points += outcome.max_points
            adjustment += outcome.adjustment
            provisional = provisional or outcome.provisional
        outcomes[position] = NodeResult(code, points, max_points, adjustment, provisional)
        any_provisional = any_provisional or provisional
    # What is missing is counted apart, and only where something is, so that the loop
    # above costs what it did: leaves not appraised up the provisional nodes (children
    # first), pending survey points up the pending leaves' ancestors.
    if any_provisional:
        for position, _code, children in plan.inner:
            node_result = outcomes[position]
            if node_result.provisional:
                node_result.unappraised = sum(outcomes[child].unappraised for child in children)
    for position, _source, pending in pending_leaves:
        for ancestor in plan.ancestors[position]:
            outcomes[ancestor].pending += pending
    nodes = dict(zip(plan.codes, outcomes, strict=True))
    fields = [nodes[code] for code in plan.field_codes]
    points = sum((f.points for f in fields), ZERO)
    adjustment = sum((f.adjustment for f in fields), ZERO)
    max_points = sum((f.max_points for f in fields), ZERO)
    survey = survey_points["sipas"] + survey_points["staff"]
    total = _total(points, adjustment, max_points)
    unappraised = sum(f.unappraised for f in fields)
    missing = (
        tuple(sorted({source for _position, source, _points in pending_leaves}))
        if pending_leaves
        else ()
    )
    return UnitResult(
        unit=unit,
        group=group or tree.group,
        nodes=nodes,
        fields=plan.field_codes,
        self_assessed=total - survey,
        survey_staff=survey_points["staff"],
        survey_sipas=survey_points["sipas"],
        max_points=max_points,
        provisional=unappraised > 0 or bool(missing) or short_provisional,
        unappraised=unappraised,
        missing_surveys=missing,
        pending=sum((pending for _position, _source, pending in pending_leaves), ZERO)
        if pending_leaves
        else ZERO,
        short_samples=tuple(sorted(short)),
    )


def _leaf(
    node: Node,
    answer: Answer,
    surveys: SurveyAggregates,
    previous: Decimal | None,
    before: Decimal | None,
) -> NodeResult:
    rule = node.rule
    assert rule is not None
    claimed_away = (
        node.allow_not_applicable
        and answer.not_applicable_claimed
        and answer.not_applicable_accepted is not False
    )
    if claimed_away:
        undecided = answer.not_applicable_accepted is None
        return NodeResult(
            code=node.code,
            points=ZERO,
            max_points=ZERO,
            adjustment=ZERO,
            provisional=undecided,
            not_applicable=True,
            unappraised=int(undecided),
        )
    provisional = False
    if rule.type == "survey":
        assert isinstance(rule, SurveyRule)
        survey_pct = surveys.get(rule.source, rule.indicator)
        if survey_pct is None:
            # Not in yet: the points wait, in the maximum, neither obtained nor lost.
            return NodeResult(
                code=node.code,
                points=ZERO,
                max_points=node.max_points,
                adjustment=ZERO,
                provisional=False,
                pending=node.max_points,
            )
        inputs = Inputs(survey_pct=survey_pct)
    elif rule.type == "history":
        inputs = Inputs(index_previous=previous, index_before_previous=before)
    elif answer.appraised_inputs is not None:
        inputs = answer.appraised_inputs
    else:
        inputs = answer.self_inputs or Inputs()
        provisional = True
    problem = ""
    try:
        points = rule.score(node.max_points, inputs)
    except InputError as error:
        points, problem = None, error.code
    points = points if points is not None else ZERO
    if rule.adjusts:
        claimed = provisional and bool(inputs.items)
        return NodeResult(
            code=node.code,
            points=ZERO,
            max_points=ZERO,
            adjustment=points,
            provisional=claimed,
            problem=problem,
            unappraised=int(claimed),
        )
    return NodeResult(
        code=node.code,
        points=points,
        max_points=node.max_points,
        adjustment=ZERO,
        provisional=provisional,
        problem=problem,
        unappraised=int(provisional),
        short_sample=rule.type == "survey"
        and surveys.is_short(getattr(rule, "source", ""), getattr(rule, "indicator", "")),
    )


# Across the units of a cycle --------------------------------------------------------


@dataclass(frozen=True)
class Extremes:
    """Highest, lowest and the gap between them, on published percentages."""

    highest: tuple[str, ...]  # units sharing the highest value
    highest_pct: Decimal
    lowest: tuple[str, ...]
    lowest_pct: Decimal

    @property
    def gap_pct(self) -> Decimal:
        return self.highest_pct - self.lowest_pct


@dataclass(frozen=True)
class GroupSummary:
    group: str
    units: int
    average_pct: Decimal  # published: mean of the published indexes, rounded half-up
    extremes: Extremes
    field_averages: Mapping[str, Decimal]  # field code -> published mean of field %
    field_extremes: Mapping[str, Extremes]
    # The same on points, for every field whose points are known (imported tables too).
    field_point_averages: Mapping[str, Decimal] = field(default_factory=dict)
    field_point_extremes: Mapping[str, Extremes] = field(default_factory=dict)
    bands: Mapping[int, int] = field(default_factory=dict)  # band number -> units in it


@dataclass(frozen=True)
class RankedUnit:
    result: UnitResult
    # Within the units of the group made of the same parts (`rank_pool`); None: the unit
    # is not ranked, some of its criteria are not appraised.
    rank: int | None
    rank_of: int | None  # how many units share the rank pool
    band: int

    @property
    def is_ranked(self) -> bool:
        return self.rank is not None


@dataclass(frozen=True)
class CycleResult:
    units: tuple[RankedUnit, ...]  # by group, then rank, then unit code
    groups: Mapping[str, GroupSummary]
    average_pct: Decimal
    bands: Mapping[int, int]  # band number -> units in it


def rank_pool(result: UnitResult) -> tuple[str, ...] | None:
    """The units a unit is ranked among: those of its group whose results are made of the
    same parts, i.e. missing the same survey results (usually none, or all of them before
    the surveys are in). A unit with criteria not appraised is not ranked (None): its own
    scores count, and would rank it on figures nobody has checked."""
    if result.unappraised:
        return None
    return result.missing_surveys


def rank(values: Sequence[tuple[str, Decimal]]) -> dict[str, int]:
    """Competition ranking, highest first: equal values share a rank (1, 2, 2, 4)."""
    ordered = sorted(values, key=lambda item: item[1], reverse=True)
    ranks: dict[str, int] = {}
    for position, (key, value) in enumerate(ordered, start=1):
        if position > 1 and value == ordered[position - 2][1]:
            ranks[key] = ranks[ordered[position - 2][0]]
        else:
            ranks[key] = position
    return ranks


def rank_among(value: Decimal, others_ascending: Sequence[Decimal]) -> int:
    """The rank `rank` would give `value` among the others' values (sorted, lowest
    first): one more than the number of values above it, so equal values share a rank."""
    return len(others_ascending) - bisect_right(others_ascending, value) + 1


def extremes(values: Sequence[tuple[str, Decimal]]) -> Extremes:
    high = max(value for _key, value in values)
    low = min(value for _key, value in values)
    return Extremes(
        highest=tuple(key for key, value in values if value == high),
        highest_pct=high,
        lowest=tuple(key for key, value in values if value == low),
        lowest_pct=low,
    )


def mean_published(values: Sequence[Decimal]) -> Decimal:
    return publish(sum(values, ZERO) / len(values))


def compute_cycle(
    results: Sequence[UnitResult],
    bands: Sequence[Band] = DEFAULT_BANDS,
    *,
    group_bands: Mapping[str, Sequence[Band]] | None = None,
) -> CycleResult:
    """Ranks within groups, group and overall averages, extremes, band counts.

    `group_bands` gives a group its own bands (bands are configured per group); the
    others use `bands`.
    """
    group_bands = group_bands or {}
    by_group: dict[str, list[UnitResult]] = {}
    for result in results:
        by_group.setdefault(result.group, []).append(result)
    ranked: list[RankedUnit] = []
    groups: dict[str, GroupSummary] = {}
    band_counts = {band.number: 0 for band in bands}
    for group, members in by_group.items():
        own_bands = group_bands.get(group, bands)
        for band in own_bands:
            band_counts.setdefault(band.number, 0)
        indexes = [(m.unit, m.index_pct) for m in members]
        pools: dict[tuple[str, ...], list[UnitResult]] = {}
        unranked: list[UnitResult] = []
        for member in members:
            pool = rank_pool(member)
            if pool is None:
                unranked.append(member)
            else:
                pools.setdefault(pool, []).append(member)
        # The complete pool first, then those missing more; in each, by rank.
        for pool in sorted(pools, key=lambda p: (len(p), p)):
            pooled = pools[pool]
            ranks = rank([(m.unit, m.index_pct) for m in pooled])
            for member in sorted(pooled, key=lambda m: (ranks[m.unit], m.unit)):
                number = band_of(member.index_pct, own_bands)
                ranked.append(RankedUnit(member, ranks[member.unit], len(pooled), number))
        for member in sorted(unranked, key=lambda m: (-m.index_pct, m.unit)):
            ranked.append(RankedUnit(member, None, None, band_of(member.index_pct, own_bands)))
        field_codes = [
            code
            for code in members[0].fields
            if all(m.nodes[code].pct is not None for m in members if code in m.nodes)
        ]
        field_pcts = {
            code: [
                (m.unit, publish(pct))
                for m in members
                if code in m.nodes and (pct := m.nodes[code].pct) is not None
            ]
            for code in field_codes
        }
        point_codes = list(dict.fromkeys(code for m in members for code in m.field_codes))
        field_points = {
            code: [
                (m.unit, publish(points))
                for m in members
                if (points := m.field_points(code)) is not None
            ]
            for code in point_codes
        }
        groups[group] = GroupSummary(
            group=group,
            units=len(members),
            average_pct=mean_published([index for _unit, index in indexes]),
            extremes=extremes(indexes),
            field_averages={
                code: mean_published([p for _u, p in pcts])
                for code, pcts in field_pcts.items()
                if pcts
            },
            field_extremes={code: extremes(pcts) for code, pcts in field_pcts.items() if pcts},
            field_point_averages={
                code: mean_published([p for _u, p in points])
                for code, points in field_points.items()
                if points
            },
            field_point_extremes={
                code: extremes(points) for code, points in field_points.items() if points
            },
        )
    per_group = {
        group: {band.number: 0 for band in group_bands.get(group, bands)} for group in groups
    }
    for item in ranked:
        band_counts[item.band] += 1
        per_group[item.result.group][item.band] += 1
    for group, counts in per_group.items():
        groups[group] = replace(groups[group], bands=dict(sorted(counts.items())))
    return CycleResult(
        units=tuple(ranked),
        groups=groups,
        average_pct=mean_published([r.index_pct for r in results]) if results else ZERO,
        bands=dict(sorted(band_counts.items())),
    )


def published_difference(first: Decimal | None, second: Decimal | None) -> Decimal | None:
    """The difference of two figures as a reader can check it: between published values."""
    if first is None or second is None:
        return None
    return publish(first) - publish(second)


@dataclass(frozen=True)
class Change:
    """Year-over-year change of a unit: its published index, rank, each field's % and
    points. A rank change is positive when the unit moved up."""

    index_pct: Decimal | None
    fields: Mapping[str, Decimal]
    field_points: Mapping[str, Decimal] = field(default_factory=dict)
    rank: int | None = None


def change(
    current: UnitResult,
    previous: UnitResult | None,
    *,
    rank: int | None = None,
    previous_rank: int | None = None,
) -> Change:
    if previous is None:
        return Change(index_pct=None, fields={})
    fields: dict[str, Decimal] = {}
    points: dict[str, Decimal] = {}
    for code in current.field_codes:
        pct = published_difference(current.field_pct(code), previous.field_pct(code))
        if pct is not None:
            fields[code] = pct
        moved = published_difference(current.field_points(code), previous.field_points(code))
        if moved is not None:
            points[code] = moved
    return Change(
        index_pct=current.index_pct - previous.index_pct,
        fields=fields,
        field_points=points,
        rank=previous_rank - rank if rank is not None and previous_rank is not None else None,
    )


@dataclass(frozen=True)
class FieldFigure:
    """One field of a unit beside its group: published figures, ready to read."""

    code: str
    points: Decimal | None  # unrounded; None when the source gives no points per field
    max_points: Decimal | None  # after lowered criteria; None when not known
    pct: Decimal | None  # published
    group_average_pct: Decimal | None
    versus_group_pct: Decimal | None  # the unit's published % minus the group average
    group_average_points: Decimal | None
    versus_group_points: Decimal | None


def field_figures(result: UnitResult, summary: GroupSummary) -> tuple[FieldFigure, ...]:
    """Each field of the unit against the average of its group."""
    figures = []
    for code in result.field_codes:
        node = result.nodes.get(code)
        pct = publish(node.pct) if node is not None and node.pct is not None else None
        points = result.field_points(code)
        average_pct = summary.field_averages.get(code)
        average_points = summary.field_point_averages.get(code)
        figures.append(
            FieldFigure(
                code=code,
                points=points,
                max_points=node.max_points if node is not None else None,
                pct=pct,
                group_average_pct=average_pct,
                versus_group_pct=published_difference(pct, average_pct),
                group_average_points=average_points,
                versus_group_points=published_difference(points, average_points),
            )
        )
    return tuple(figures)


@dataclass(frozen=True)
class FieldStanding:
    """A field across every group of a cycle: the mean of the published field % of every
    unit assessed in it, and its rank among the fields (highest first)."""

    code: str
    units: int  # units with a % in the field
    average_pct: Decimal  # published
    rank: int


@dataclass(frozen=True)
class FieldStandings:
    fields: tuple[FieldStanding, ...]  # by rank, then code
    extremes: Extremes | None  # highest and lowest field averages; None without fields


def field_standings(cycle: CycleResult) -> FieldStandings:
    """The fields' averages across groups, ranked, as the province's report compares them
    ("lĩnh vực ... đạt tỷ lệ cao nhất"). Only units with a % in a field count (a group not
    assessed in a field does not lower it); results known only from a published table
    have no % per field and give no standings."""
    pcts: dict[str, list[Decimal]] = {}
    for ranked in cycle.units:
        result = ranked.result
        for code in result.fields:
            pct = result.field_pct(code)
            if pct is not None:
                pcts.setdefault(code, []).append(publish(pct))
    averages = [(code, mean_published(values)) for code, values in pcts.items()]
    if not averages:
        return FieldStandings(fields=(), extremes=None)
    ranks = rank(averages)
    order = sorted(averages, key=lambda item: (ranks[item[0]], _code_order(item[0])))
    return FieldStandings(
        fields=tuple(
            FieldStanding(code, len(pcts[code]), average, ranks[code]) for code, average in order
        ),
        extremes=extremes(averages),
    )


def _code_order(code: str) -> tuple[int, ...]:
    return tuple(int(part) for part in code.split(".") if part.isdigit())


def node_lost(node: NodeResult) -> Decimal:
    """Points a node left on the table, published: its maximum after lowering minus its
    points and minus the survey points still pending (a lowered leaf loses nothing)."""
    return publish(node.max_points) - publish(node.points) - publish(node.pending)


def points_lost(result: UnitResult) -> dict[str, Decimal]:
    """Points each field left on the table (`node_lost`): where the unit can still gain."""
    return {code: node_lost(result.nodes[code]) for code in result.fields}


def points_pending(result: UnitResult) -> dict[str, Decimal]:
    """Survey points each field waits for (results not in yet), published; only the
    fields that wait."""
    return {
        code: publish(result.nodes[code].pending)
        for code in result.fields
        if result.nodes[code].pending
    }
