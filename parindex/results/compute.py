"""Loading the engine's inputs for a whole cycle from the database, in a few queries."""

from __future__ import annotations

import gc
import hashlib
import json
from collections import defaultdict
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db import connection
from django.db.models import Count, IntegerField, Max, QuerySet, Sum, TextField
from django.db.models.functions import Cast
from django.utils.translation import gettext as _

from parindex.assessments.models import (
    Assessment,
    AssessmentItem,
    Cycle,
    CycleGroup,
    inputs_from_json,
)
from parindex.assessments.selectors import framework_parts
from parindex.frameworks.models import Criterion
from parindex.scoring.engine import (
    Answer,
    CycleResult,
    EngineCache,
    History,
    SurveyAggregates,
    UnitResult,
    compute_cycle,
    compute_unit,
    reported_result,
    survey_key,
)
from parindex.scoring.rules import Inputs, Rule
from parindex.scoring.tree import Tree
from parindex.surveys.models import UnitSurveyResult

from .models import ImportedResult, ResultRow, ResultSnapshot


@dataclass
class ComputedCycle:
    results: list[UnitResult]  # unit = the unit's pk as text
    by_group: dict[int, CycleResult]  # group pk -> ranks and summaries
    unit_groups: dict[int, int]  # unit pk -> group pk
    digest: str


# How far a computation got: a step in words, done out of total (a job's progress).
Progress = Callable[[str, int, int], None]


def load_and_compute(cycle: Cycle, *, on_progress: Progress | None = None) -> ComputedCycle:
    """Every unit of the cycle through the engine: one query per table, no loops of queries."""
    with collection_paused():
        return _load_and_compute(cycle, on_progress or _silent)


def _silent(step: str, done: int, total: int) -> None:
    return None


@contextmanager
def collection_paused() -> Iterator[None]:
    """Python's cycle collector paused while a whole cycle is computed or written.

    A large cycle keeps a few hundred thousand objects alive (answers, results), and the
    collector walks them all every time they have grown by a quarter: a fifth of the
    time, to find nothing, as reference counting frees what the computation leaves (no
    reference cycles: test_a_cache_is_freed_without_the_cycle_collector). Only a caller
    that found the collector running turns it back on, so that computations in several
    threads at once never leave it off.
    """
    paused = gc.isenabled()
    if paused:
        gc.disable()
    try:
        yield
    finally:
        if paused:
            gc.enable()


def _load_and_compute(cycle: Cycle, on_progress: Progress) -> ComputedCycle:
    on_progress(_("Reading the answers"), 0, 0)
    cycle_groups = list(CycleGroup.objects.filter(cycle=cycle).select_related("framework"))
    trees = _trees(cycle_groups)
    code_of = dict(
        Criterion.objects.filter(framework__in=[cg.framework_id for cg in cycle_groups])
        .exclude(rule_type="")
        .values_list("pk", "code")
    )
    assessments = list(
        Assessment.objects.filter(cycle=cycle).values_list("pk", "unit_id", "group_id")
    )
    answers = _answers(AssessmentItem.objects.filter(assessment__cycle=cycle), code_of)
    digest = _digest(cycle)
    surveys = _surveys(cycle.year)
    history = _history(cycle.year)
    results = []
    unit_groups = {}
    cache = EngineCache()
    scoring = _("Scoring the units")
    every = max(1, -(-len(assessments) // 20))  # twenty steps at most, whatever the size
    for done, (assessment_id, unit_id, group_id) in enumerate(assessments):
        if done % every == 0:
            on_progress(scoring, done, len(assessments))
        tree = trees.get(group_id)
        if tree is None:
            continue
        unit_groups[unit_id] = group_id
        results.append(
            compute_unit(
                tree,
                answers.get(assessment_id, {}),
                unit=str(unit_id),
                group=str(group_id),
                surveys=surveys.get(unit_id),
                history=history.get(unit_id),
                cache=cache,
            )
        )
    on_progress(_("Ranking the units in their groups"), len(assessments), len(assessments))
    bands = {cg.group_id: cg.band_rules() for cg in cycle_groups}
    by_group = {
        group_id: compute_cycle([r for r in results if r.group == str(group_id)], bands[group_id])
        for group_id in bands
    }
    return ComputedCycle(results, by_group, unit_groups, digest)


@dataclass
class UnitInputs:
    """What the engine reads for one unit of a cycle: its group's tree, its answers, its
    survey results and its earlier years."""

    unit: int  # the unit's pk
    tree: Tree
    cycle_group: CycleGroup
    criteria: list[Criterion]  # the framework's, in document order
    rules: dict[int, Rule]  # the leaves' rules, parsed, by criterion pk
    answers: dict[str, Answer]
    surveys: SurveyAggregates | None
    history: History | None

    def compute(self, answers: dict[str, Answer] | None = None) -> UnitResult:
        """The unit through the engine: with its own answers, or with `answers` instead."""
        return compute_unit(
            self.tree,
            self.answers if answers is None else answers,
            unit=str(self.unit),
            group=str(self.cycle_group.group_id),
            surveys=self.surveys,
            history=self.history,
        )


def load_unit(assessment: Assessment) -> UnitInputs:
    """One assessment's inputs, as `load_and_compute` reads them for the whole cycle, in a
    few queries whatever the size of the cycle; a frozen framework's tree and rules as
    parsed once per process."""
    cycle = assessment.cycle
    cycle_group = (
        CycleGroup.objects.filter(cycle=cycle, group_id=assessment.group_id)
        .select_related("framework")
        .get()
    )
    parts = framework_parts(cycle_group.framework)
    criteria, tree = parts.criteria, parts.tree
    code_of = {c.pk: c.code for c in criteria if c.rule_type}
    answers = _answers(AssessmentItem.objects.filter(assessment=assessment), code_of)
    unit_id = assessment.unit_id
    return UnitInputs(
        unit_id,
        tree,
        cycle_group,
        criteria,
        parts.rules,
        answers.get(assessment.pk, {}),
        _surveys(cycle.year, unit_id).get(unit_id),
        _history(cycle.year, unit_id).get(unit_id),
    )


def _answers(
    items: QuerySet[AssessmentItem], code_of: dict[int, str]
) -> dict[int, dict[str, Answer]]:
    """Each assessment's answers among `items`, by criterion code. The items are read as
    raw rows, JSON as text: Django's per-value converters cost more than the whole
    computation on a large cycle. Each distinct stored answer is decoded once and shared,
    which also lets the engine score it once per leaf."""
    queryset = (
        items.order_by()
        .annotate(
            own=Cast("self_inputs", TextField()),
            appraised=Cast("appraised_inputs", TextField()),
            # As numbers: SQLite's driver calls a converter for every boolean it reads.
            claimed=Cast("not_applicable_claimed", IntegerField()),
            accepted=Cast("not_applicable_accepted", IntegerField()),
        )
        .values_list("assessment_id", "criterion_id", "own", "appraised", "claimed", "accepted")
    )
    sql, params = queryset.query.sql_with_params()
    answers: defaultdict[int, dict[str, Answer]] = defaultdict(dict)
    shared: dict[tuple[Any, ...], Answer] = {}
    inputs: dict[str | None, Inputs | None] = {None: None}
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        # The loop runs once per stored answer (hundreds of thousands): no calls on a hit.
        while rows := cursor.fetchmany(10_000):
            for row in rows:
                stored = row[2:]
                answer = shared.get(stored)
                if answer is None:
                    answer = shared[stored] = _answer(stored, inputs)
                answers[row[0]][code_of[row[1]]] = answer
    return answers


def _answer(stored: tuple[Any, ...], inputs: dict[str | None, Inputs | None]) -> Answer:
    """An answer from its stored columns; `inputs` holds the JSON texts decoded so far."""
    own, appraised, claimed, accepted = stored
    for text in (own, appraised):
        if text not in inputs:
            inputs[text] = inputs_from_json(json.loads(text))
    return Answer(
        self_inputs=inputs[own],
        appraised_inputs=inputs[appraised],
        not_applicable_claimed=bool(claimed),
        not_applicable_accepted=None if accepted is None else bool(accepted),
    )


def _digest(cycle: Cycle) -> str:
    """What the inputs were: every item's identity and version, summed up in the database."""
    summary = AssessmentItem.objects.filter(assessment__cycle=cycle).aggregate(
        count=Count("pk"), versions=Sum("version"), last=Max("pk")
    )
    text = f"{cycle.pk}:{summary['count']}:{summary['versions']}:{summary['last']}"
    return hashlib.sha256(text.encode()).hexdigest()


def _trees(cycle_groups: list[CycleGroup]) -> dict[int, Tree]:
    criteria = defaultdict(list)
    for criterion in Criterion.objects.filter(
        framework__in=[cg.framework_id for cg in cycle_groups]
    ).order_by("framework", "position"):
        criteria[criterion.framework_id].append(criterion)
    return {
        cg.group_id: cg.framework.to_tree(criteria[cg.framework_id], group_code=str(cg.group_id))
        for cg in cycle_groups
    }


def _surveys(year: int, unit: int | None = None) -> dict[int, SurveyAggregates]:
    """Each unit's survey results of the year (one unit's only, if given): each source
    overall and by indicator, and which of them fell short of the unit's target sample."""
    found = UnitSurveyResult.objects.filter(year=year)
    if unit is not None:
        found = found.filter(unit_id=unit)
    overall: dict[int, dict[str, Decimal]] = defaultdict(dict)
    indicators: dict[int, dict[str, Decimal]] = defaultdict(dict)
    short: dict[int, set[str]] = defaultdict(set)
    units: set[int] = set()
    for unit_id, source, indicator, percent, is_short in found.values_list(
        "unit_id", "source", "indicator", "percent", "short"
    ):
        units.add(unit_id)
        if indicator:
            indicators[unit_id][survey_key(source, indicator)] = percent
        else:
            overall[unit_id][source] = percent
        if is_short:
            short[unit_id].add(survey_key(source, indicator))
    return {
        unit_id: SurveyAggregates(
            sipas=overall[unit_id].get("sipas"),
            staff=overall[unit_id].get("staff"),
            indicators=indicators[unit_id],
            short=frozenset(short[unit_id]),
        )
        for unit_id in units
    }


def _history(year: int, unit: int | None = None) -> dict[int, History]:
    """Published indexes of the two previous years (one unit's only, if given): computed
    results first, then imported (the index as published where the table gave it, else
    recomputed by the engine)."""
    indexes: dict[int, dict[int, Decimal]] = defaultdict(dict)
    imported_rows = ImportedResult.objects.filter(year__in=(year - 1, year - 2))
    computed_rows = ResultRow.objects.filter(
        snapshot__status=ResultSnapshot.Status.PUBLISHED,
        snapshot__cycle__year__in=(year - 1, year - 2),
    )
    if unit is not None:
        imported_rows = imported_rows.filter(unit_id=unit)
        computed_rows = computed_rows.filter(unit_id=unit)
    for row in imported_rows.values_list(
        "unit_id",
        "year",
        "self_assessed",
        "survey_staff",
        "survey_sipas",
        "max_points",
        "total",
        "index_pct",
    ):
        unit_id, row_year, own, staff, sipas, maximum, total, index_pct = row
        imported = reported_result(
            unit=str(unit_id),
            group="",
            max_points=maximum,
            self_assessed=own,
            survey_staff=staff,
            survey_sipas=sipas,
            total=total,
            index_pct=index_pct,
        )
        indexes[unit_id][row_year] = imported.index_pct
    for unit_id, row_year, index in computed_rows.order_by("snapshot__revision").values_list(
        "unit_id", "snapshot__cycle__year", "index_pct"
    ):
        indexes[unit_id][row_year] = index
    return {unit_id: History(dict(years)) for unit_id, years in indexes.items()}
