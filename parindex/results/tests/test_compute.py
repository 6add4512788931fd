"""Results computed from the database: snapshots, publication, revisions, query counts."""

from __future__ import annotations

import datetime
import gc
from dataclasses import replace
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from parindex.assessments.models import AssessmentItem, Cycle, inputs_from_json
from parindex.conftest import DEMO_FRAMEWORKS
from parindex.frameworks.models import Criterion, Framework
from parindex.frameworks.services import framework_freeze, framework_import
from parindex.frameworks.yamlio import tree_from_yaml
from parindex.org.errors import Refused
from parindex.org.models import EvaluatingBody, Unit, UnitGroup
from parindex.results.compute import _answers, collection_paused, load_and_compute
from parindex.results.models import ResultRow, ResultSnapshot
from parindex.results.services import results_compute, results_publish
from parindex.results.tests.factories import cycle_for_units
from parindex.scoring.engine import Answer, SurveyAggregates, compute_unit
from parindex.scoring.numbers import publish
from parindex.surveys.models import UnitSurveyResult

pytestmark = pytest.mark.django_db
DECISION = "Quyết định số 25/QĐ-UBND ngày 08/01/2024"


def make_cycle(*, year: int, units: int, seed: int = 1) -> Cycle:
    """`units` new units in a group of their own on the districts' 2023 framework, every
    leaf self-scored and about nine in ten appraised."""
    body = EvaluatingBody.objects.create(name=f"Sở Nội vụ {year}")
    group = UnitGroup.objects.create(body=body, code=f"nhom-{year}", name=f"Nhóm {year}")
    tree = tree_from_yaml((DEMO_FRAMEWORKS / "huyen-2023.yaml").read_bytes())
    framework = framework_import(tree=replace(tree, group=group.code, year=year), by=None)
    members = Unit.objects.bulk_create(
        Unit(code=f"{group.code}-{n}", name=f"Đơn vị {n}", group=group, position=n)
        for n in range(units)
    )
    return cycle_for_units(
        year=year,
        framework=framework_freeze(framework=framework),
        units=members,
        seed=seed,
        appraised=0.9,
    )


def test_the_database_path_gives_what_the_engine_gives() -> None:
    cycle = make_cycle(year=2030, units=12)
    computed = load_and_compute(cycle)
    assert len(computed.results) == 12
    group_summary = next(iter(computed.by_group.values()))
    # A unit with criteria not appraised is not ranked; the others are, in order.
    ranks = [r.rank for r in group_summary.units if r.rank is not None]
    assert ranks == sorted(ranks)
    assert all((r.rank is None) == (r.result.unappraised > 0) for r in group_summary.units)
    # Recompute one unit by hand from its stored items: the same figures.
    item = AssessmentItem.objects.select_related("assessment", "criterion").first()
    assert item is not None
    unit_id = str(item.assessment.unit_id)
    result = next(r for r in computed.results if r.unit == unit_id)
    framework = Framework.objects.get(group__code="nhom-2030")
    answers = {
        i.criterion.code: Answer(
            inputs_from_json(i.self_inputs),
            inputs_from_json(i.appraised_inputs),
            i.not_applicable_claimed,
            i.not_applicable_accepted,
        )
        for i in AssessmentItem.objects.filter(assessment=item.assessment).select_related(
            "criterion"
        )
    }
    surveys = {
        s.source: s.percent
        for s in UnitSurveyResult.objects.filter(unit_id=item.assessment.unit_id)
    }
    by_hand = compute_unit(
        framework.to_tree(), answers, surveys=SurveyAggregates(surveys["sipas"], surveys["staff"])
    )
    assert (by_hand.total, by_hand.max_points) == (result.total, result.max_points)


def test_computing_costs_the_same_queries_for_10_or_40_units() -> None:
    small = make_cycle(year=2031, units=10)
    large = make_cycle(year=2032, units=40, seed=2)
    with CaptureQueriesContext(connection) as few:
        results_compute(cycle=small, by=None)
    with CaptureQueriesContext(connection) as many:
        results_compute(cycle=large, by=None)
    assert len(many) == len(few) <= 18


def test_a_draft_is_recomputed_in_place_then_published_and_frozen() -> None:
    cycle = make_cycle(year=2033, units=5)
    first = results_compute(cycle=cycle, by=None)
    again = results_compute(cycle=cycle, by=None)
    assert again.pk == first.pk and again.rows.count() == 5
    with pytest.raises(Refused, match=r"tạm tính|provisional"):
        results_publish(
            snapshot=again, decision=DECISION, decision_date=datetime.date(2024, 1, 8), by=None
        )  # 10 % of the leaves are not appraised
    published = results_publish(
        snapshot=again,
        decision=DECISION,
        decision_date=datetime.date(2024, 1, 8),
        by=None,
        allow_provisional=True,
    )
    assert published.status == "published" and published.decision == DECISION
    with pytest.raises(Refused):
        results_publish(
            snapshot=published, decision=DECISION, decision_date=datetime.date(2024, 1, 8), by=None
        )
    with pytest.raises(Refused):
        results_compute(cycle=cycle, by=None)  # a correction needs a reason
    before = list(published.rows.values_list("unit_id", "index_pct"))
    AssessmentItem.objects.filter(assessment__cycle=cycle).update(appraised_inputs=None)
    correction = results_compute(cycle=cycle, by=None, reason="Sửa sai sót nhập liệu")
    assert (correction.revision, correction.status) == (2, "draft")
    assert list(published.rows.values_list("unit_id", "index_pct")) == before
    assert ResultRow.objects.filter(snapshot=correction, provisional=True).count() == 5
    assert ResultSnapshot.objects.filter(cycle=cycle).count() == 2


def test_a_publication_needs_its_decision() -> None:
    cycle = make_cycle(year=2034, units=3)
    snapshot = results_compute(cycle=cycle, by=None)
    with pytest.raises(Refused):
        results_publish(
            snapshot=snapshot, decision=" ", decision_date=datetime.date.today(), by=None
        )


def test_stored_points_are_unrounded_and_the_index_published() -> None:
    cycle = make_cycle(year=2035, units=4)
    snapshot = results_compute(cycle=cycle, by=None)
    for row in snapshot.rows.all():
        total = row.self_assessed + row.survey_staff + row.survey_sipas
        assert row.index_pct == publish(total * 100 / row.max_points)
        assert row.index_pct == row.index_pct.quantize(Decimal("0.01"))


def test_answers_read_raw_are_the_answers_the_orm_reads() -> None:
    cycle = make_cycle(year=2036, units=3)
    items = AssessmentItem.objects.filter(assessment__cycle=cycle)
    first, second, third = items.order_by("pk")[:3]
    items.filter(pk=first.pk).update(not_applicable_claimed=True, not_applicable_accepted=None)
    items.filter(pk=second.pk).update(not_applicable_claimed=True, not_applicable_accepted=False)
    items.filter(pk=third.pk).update(appraised_inputs=None, not_applicable_accepted=None)
    code_of = dict(Criterion.objects.values_list("pk", "code"))
    answers = _answers(items, code_of)
    for item in items.select_related("criterion"):
        expected = Answer(
            inputs_from_json(item.self_inputs),
            inputs_from_json(item.appraised_inputs),
            item.not_applicable_claimed,
            item.not_applicable_accepted,
        )
        # repr: True and 1 are equal, but the engine's flags are booleans.
        assert repr(answers[item.assessment_id][item.criterion.code]) == repr(expected)


def test_the_collector_is_paused_then_left_as_it_was_found() -> None:
    assert gc.isenabled()
    with collection_paused():
        assert not gc.isenabled()
    assert gc.isenabled()
    gc.disable()  # by someone else: not turned on behind their back
    try:
        with collection_paused():
            pass
        assert not gc.isenabled()
    finally:
        gc.enable()


def test_a_computation_says_how_far_it_got_step_by_step() -> None:
    cycle = make_cycle(year=2041, units=45)
    steps: list[tuple[str, int, int]] = []
    snapshot = results_compute(
        cycle=cycle,
        by=None,
        on_progress=lambda step, done, total: steps.append((step, done, total)),
    )
    assert snapshot.rows.count() == 45
    names = list(dict.fromkeys(step for step, _, _ in steps))
    assert names == [
        "Đọc các câu trả lời",
        "Chấm điểm các đơn vị",
        "Xếp hạng các đơn vị trong nhóm",
        "Ghi kết quả",
    ]
    scored = [done for step, done, total in steps if step == "Chấm điểm các đơn vị"]
    assert scored == sorted(scored) and scored[0] == 0 and len(scored) <= 21
    assert all(total == 45 for step, _, total in steps if step == "Chấm điểm các đơn vị")
    assert steps[-1] == ("Ghi kết quả", 45, 45)
