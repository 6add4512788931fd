"""A framework's survey leaf reads an indicator of its source's questionnaire
(“sipas:procedure”, “staff:1.3”). A leaf whose indicator no questionnaire of the year
has cannot be scored: the questionnaire's page marks it, a campaign asks which leaves
lack theirs, and importing a framework with such a leaf is refused."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse

from parindex.conftest import DEMO_DATA, Cast
from parindex.frameworks.messages import describe
from parindex.frameworks.models import Framework
from parindex.frameworks.services import framework_import
from parindex.frameworks.spec import SpecError
from parindex.frameworks.yamlio import tree_from_yaml
from parindex.surveys.models import Questionnaire
from parindex.surveys.questionnaires import questionnaire_import
from parindex.surveys.selectors import indicators_lacking, survey_leaves

pytestmark = pytest.mark.django_db
QUESTIONNAIRES = DEMO_DATA / "questionnaires"

FRAMEWORK = """\
group: so-nganh
year: 2024
title: Bộ tiêu chí thử năm 2024
max_points: 10
nodes:
- code: "8"
  title: Đánh giá tác động của cải cách hành chính
  max_points: 10
  children:
  - code: "8.1"
    title: Khảo sát CBCCVC về công tác tuyên truyền
    max_points: 4
    rule: {type: survey, source: "staff:1.3"}
  - code: "8.2"
    title: SIPAS – thủ tục hành chính
    max_points: 3
    rule: {type: survey, source: "sipas:procedure"}
  - code: "8.3"
    title: SIPAS – chính sách của địa phương
    max_points: 2
    rule: {type: survey, source: sipas, indicator: policies}
  - code: "8.4"
    title: SIPAS – chỉ số chung
    max_points: 1
    rule: {type: survey, source: sipas}
"""


def sipas_2024(cast: Cast) -> Questionnaire:
    return questionnaire_import(
        data=(QUESTIONNAIRES / "sipas-2024.yaml").read_bytes(), by=cast.admin
    )


def test_a_framework_is_imported_while_the_year_has_no_questionnaire(cast: Cast) -> None:
    # The province may survey elsewhere and enter the results, or write the
    # questionnaires after the framework: nothing to check against yet.
    framework = framework_import(tree=tree_from_yaml(FRAMEWORK), by=cast.admin)
    leaves = survey_leaves(year=2024)
    assert [(leaf.code, leaf.key, leaf.lacking) for leaf in leaves] == [
        ("8.1", "staff:1.3", True),
        ("8.2", "sipas:procedure", True),
        ("8.3", "sipas:policies", True),
        ("8.4", "sipas", False),
    ]
    assert {leaf.framework_id for leaf in leaves} == {framework.pk}


def test_importing_a_framework_whose_leaf_the_questionnaires_lack_is_refused(
    cast: Cast,
) -> None:
    sipas_2024(cast)
    with pytest.raises(SpecError) as refused:
        framework_import(tree=tree_from_yaml(FRAMEWORK), by=cast.admin)
    assert [describe(issue) for issue in refused.value.issues] == [
        "Tiêu chí 8.3: tiêu chí khảo sát đọc “sipas:policies”, nhưng không phiếu khảo sát nào "
        "năm 2024 của cuộc khảo sát đó có chỉ số “policies”"
    ]
    assert not Framework.objects.exists()
    # staff:1.3 is not checked: no staff questionnaire in 2024 yet.
    framework_import(
        tree=tree_from_yaml(FRAMEWORK.replace("indicator: policies", "indicator: feedback")),
        by=cast.admin,
    )
    assert Framework.objects.count() == 1


def test_the_framework_import_page_lists_the_leaf(cast: Cast) -> None:
    from django.core.files.uploadedfile import SimpleUploadedFile

    sipas_2024(cast)
    response = cast.client(cast.admin).post(
        reverse("frameworks:import"),
        {"file": SimpleUploadedFile("khung.yaml", FRAMEWORK.encode())},
    )
    assert response.status_code == 400
    assert "không phiếu khảo sát nào năm 2024 của cuộc khảo sát đó có chỉ số “policies”" in (
        response.content.decode()
    )


def test_a_campaign_asks_which_leaves_lack_their_indicator_in_two_queries(
    cast: Cast, django_assert_num_queries: Any
) -> None:
    framework = framework_import(tree=tree_from_yaml(FRAMEWORK), by=cast.admin)
    sipas_2024(cast)
    with django_assert_num_queries(2):
        lacking = indicators_lacking(year=2024)
    assert [(leaf.code, leaf.key, leaf.group_name) for leaf in lacking] == [
        ("8.1", "staff:1.3", "Sở, ban, ngành tỉnh"),
        ("8.3", "sipas:policies", "Sở, ban, ngành tỉnh"),
    ]
    assert [leaf.code for leaf in indicators_lacking(year=2024, source="sipas")] == ["8.3"]
    assert indicators_lacking(year=2024, framework_ids=[framework.pk + 1]) == []
    # The staff forms of the demo have criterion 1.3: only the SIPAS leaf lacks now.
    questionnaire_import(
        data=(QUESTIONNAIRES / "cbccvc-so-nganh-2024.yaml").read_bytes(), by=cast.admin
    )
    assert [leaf.code for leaf in indicators_lacking(year=2024)] == ["8.3"]
    assert indicators_lacking(year=2025) == []


def test_the_questionnaires_page_marks_the_leaves_it_cannot_answer(cast: Cast) -> None:
    framework_import(tree=tree_from_yaml(FRAMEWORK), by=cast.admin)
    questionnaire = sipas_2024(cast)
    page = cast.client(cast.admin).get(
        reverse("surveys:questionnaire_detail", args=[questionnaire.pk])
    )
    text = page.content.decode()
    assert page.status_code == 200
    assert "1 tiêu chí khảo sát đọc một chỉ số mà không phiếu khảo sát nào năm 2024 có" in text
    rows = text.split('class="survey-leaves', 1)[1].split("</table>", 1)[0].split("<tr>")[2:]
    marks = [("sipas:procedure" in row, "có trong phiếu này" in row) for row in rows]
    assert marks[0] == (True, True)
    assert "không phiếu nào năm 2024 có" in rows[1] and "sipas:policies" in rows[1]
    assert "kết quả chung của cuộc khảo sát" in rows[2]


def test_a_campaign_says_before_it_opens_which_leaves_its_questionnaires_cannot_score(
    cast: Cast,
) -> None:
    from parindex.surveys.campaigns import opening_problems
    from parindex.surveys.tests.factories import campaign

    framework_import(tree=tree_from_yaml(FRAMEWORK), by=None)  # before any questionnaire
    survey = campaign([sipas_2024(cast)], [cast.unit_a])
    problems = " ".join(opening_problems(survey))
    assert "8.3" in problems and "“policies”" in problems


def test_a_questionnaire_answered_once_is_frozen(cast: Cast) -> None:
    from django.utils import timezone

    from parindex.surveys.models import Channel
    from parindex.surveys.responses import Who, form_of, parse_answers, response_store
    from parindex.surveys.tests.factories import campaign, sipas_questionnaire

    questionnaire = sipas_questionnaire(code="sipas-unfrozen")
    survey = campaign([questionnaire], [cast.unit_a], code="unfrozen")
    assert not questionnaire.is_frozen  # the campaign was never opened through its page
    response_store(
        who=Who(survey, questionnaire, cast.unit_a, Channel.WEB, timezone.localdate()),
        parsed=parse_answers(form_of(questionnaire), {"a1": "4", "p1": "4"}),
    )
    questionnaire.refresh_from_db()
    assert questionnaire.is_frozen
