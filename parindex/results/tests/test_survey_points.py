"""A survey leaf's points from a campaign's indicator all the way into a published index:
the responses aggregated, the cycle computed, the index published as the engine gives it;
a unit nobody answered for waits, provisional, its survey points pending, not lost."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.utils import timezone

from parindex.conftest import Cast
from parindex.frameworks.services import framework_freeze, framework_import
from parindex.results.models import ResultRow
from parindex.results.services import results_compute, results_publish
from parindex.results.tests.factories import cycle_for_units
from parindex.scoring.rules import SurveyRule, YesNoRule
from parindex.scoring.tree import Node, Tree
from parindex.surveys.aggregation import campaign_aggregate
from parindex.surveys.models import Channel, RespondentGroup, UnitSurveyResult
from parindex.surveys.responses import Who, form_of, parse_answers, response_store
from parindex.surveys.tests.factories import campaign, sipas_questionnaire, staff_questionnaire

pytestmark = pytest.mark.django_db
D = Decimal


def tree(group: str) -> Tree:
    """10 points the unit answers, 4 from SIPAS's procedure factor, 6 from the staff
    survey's indicator of criterion 1.3."""
    return Tree(
        group=group,
        year=2024,
        title="Bộ tiêu chí thử 2024",
        max_points=D(20),
        nodes=[
            Node(
                "1", "Chỉ đạo", D(10), children=[Node("1.1", "Kế hoạch", D(10), rule=YesNoRule())]
            ),
            Node(
                "8",
                "Tác động",
                D(10),
                children=[
                    Node("8.1", "SIPAS: thủ tục", D(4), rule=SurveyRule(source="sipas:procedure")),
                    Node(
                        "8.2", "CBCCVC: 1.3", D(6), rule=SurveyRule(source="staff", indicator="1.3")
                    ),
                ],
            ),
        ],
    )


def answer(survey: object, unit: object, raw: dict[str, str], group: object = None) -> None:
    questionnaire = survey.questionnaires.get()  # type: ignore[attr-defined]
    parsed = parse_answers(form_of(questionnaire), raw)
    assert parsed.ok, parsed.errors
    response_store(
        who=Who(survey, questionnaire, unit, Channel.WEB, timezone.localdate(), group),  # type: ignore[arg-type]
        parsed=parsed,
    )


def test_survey_points_come_from_the_indicator_into_the_published_index(cast: Cast) -> None:
    framework = framework_freeze(
        framework=framework_import(tree=tree(cast.departments.code), by=None)
    )
    cycle = cycle_for_units(year=2024, framework=framework, units=[cast.unit_a, cast.unit_b])
    UnitSurveyResult.objects.all().delete()  # the surveys are run in parindex this year
    sipas = campaign([sipas_questionnaire()], [cast.unit_a, cast.unit_b])
    for p1 in ("5", "4", "4", "2"):  # procedure: 3 of 4 satisfied = 75 %
        answer(sipas, cast.unit_a, {"a1": "5", "p1": p1})
    group = RespondentGroup.objects.create(code="cbccvc", name="Công chức")
    staff = campaign([staff_questionnaire(group)], [cast.unit_a, cast.unit_b], code="cb-2024")
    for q1 in ("5", "5", "3", "4", "1"):  # 1.3: 3 of 5 = 60 %
        answer(staff, cast.unit_a, {"q1": q1, "q2": "4"}, group)
    campaign_aggregate(campaign=sipas)
    campaign_aggregate(campaign=staff)

    snapshot = results_compute(cycle=cycle, by=cast.admin)
    row = ResultRow.objects.get(snapshot=snapshot, unit=cast.unit_a)
    assert row.survey_sipas == D("3.00")  # 4 × 75 %
    assert row.survey_staff == D("3.60")  # 6 × 60 %
    assert not row.provisional and row.missing_surveys == []
    expected = (row.self_assessed + D("6.6")) * 100 / D(20)
    assert row.index_pct == expected.quantize(D("0.01"))
    # Sở Y tế: nobody answered for it: its 10 survey points wait, neither won nor lost.
    waiting = ResultRow.objects.get(snapshot=snapshot, unit=cast.unit_b)
    assert waiting.provisional and waiting.pending == D(10)
    assert waiting.missing_surveys == ["sipas:procedure", "staff:1.3"]
    assert waiting.survey_sipas == 0 and waiting.max_points == D(20)

    results_publish(
        snapshot=snapshot,
        decision="Quyết định số 25/QĐ-UBND",
        decision_date=datetime.date(2025, 1, 8),
        by=cast.admin,
        allow_provisional=True,
    )
    page = cast.client(None).get("/results/2024/").content.decode()
    assert "Sở Tư pháp" in page and f"{row.index_pct}".replace(".", ",") in page
