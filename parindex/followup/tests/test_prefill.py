"""Back into the next cycle (issue 13, item 6): a leaf names its source in the framework;
the follow-up counts what it holds of the unit's year; the assessment page shows the
proposal with its sources, and nothing is saved until the unit saves."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.urls import reverse

from parindex.assessments.models import Assessment, AssessmentItem
from parindex.conftest import Cast
from parindex.followup.models import (
    Directive,
    DirectiveTask,
    Finding,
    Initiative,
    InitiativeFollowup,
    RemediationTask,
    Status,
    TaskAssignment,
)
from parindex.followup.prefill import unit_facts
from parindex.followup.services import inspection_record, task_create
from parindex.frameworks.prefill import FINDINGS, MAINTAINED, RECOGNISED, TASKS

HTMX = {"HTTP_HX_REQUEST": "true"}


# What the follow-up holds, on the assessment page ----------------------------------------


def _follow_up_of_2024(cast: Cast, findings: int = 2) -> dict[str, Any]:
    """Unit A's 2024 in the follow-up: an inspection, directive tasks, initiatives; and
    unit B's, which unit A must never see."""
    inspection = inspection_record(
        unit=cast.unit_a,
        held_on=datetime.date(2024, 5, 10),
        title="Kiểm tra CCHC năm 2024",
        findings=[f"Tồn tại số {n}" for n in range(1, findings + 1)],
        by=cast.admin,
    )
    due = datetime.date(2024, 12, 31)
    tasks = []
    for finding in Finding.objects.filter(inspection=inspection):
        task = task_create(
            unit=cast.unit_a,
            title=f"Khắc phục {finding.text}",
            due_on=due,
            by=cast.admin,
            finding=finding,
        )
        tasks.append(task)
    RemediationTask.objects.filter(pk=tasks[0].pk).update(status=Status.VERIFIED)
    RemediationTask.objects.filter(pk__in=[t.pk for t in tasks[1:]]).update(status=Status.REPORTED)
    inspection_record(
        unit=cast.unit_b,
        held_on=datetime.date(2024, 6, 1),
        title="Kiểm tra CCHC Sở Y tế",
        findings=["Tồn tại của Sở Y tế"],
        by=cast.admin,
    )
    directive = Directive.objects.create(
        number="01/CT-UBND",
        issued_on=datetime.date(2024, 2, 1),
        issuer="Chủ tịch UBND tỉnh",
        subject="V/v tăng cường giải pháp nâng cao Chỉ số CCHC",
    )
    statuses = [
        TaskAssignment.Status.DONE,
        TaskAssignment.Status.DONE,
        TaskAssignment.Status.IN_PROGRESS,
    ]
    for number, status in enumerate(statuses, start=1):
        task = DirectiveTask.objects.create(
            directive=directive,
            number=str(number),
            text=f"Nhiệm vụ {number}",
            due_on=due,
            position=number,
        )
        TaskAssignment.objects.create(task=task, unit=cast.unit_a, status=status)
        TaskAssignment.objects.create(task=task, unit=cast.unit_b)
    earlier = DirectiveTask.objects.create(
        directive=directive,
        number="9",
        text="Nhiệm vụ năm trước",
        due_on=datetime.date(2023, 12, 31),
        position=9,
    )
    TaskAssignment.objects.create(task=earlier, unit=cast.unit_a)
    Initiative.objects.create(
        unit=cast.unit_a,
        year=2024,
        title="Số hóa hồ sơ lý lịch tư pháp",
        status=Initiative.Status.RECOGNISED,
    )
    old = Initiative.objects.create(
        unit=cast.unit_a,
        year=2023,
        title="Ứng dụng Zalo tra cứu hồ sơ",
        status=Initiative.Status.RECOGNISED,
    )
    InitiativeFollowup.objects.create(initiative=old, year=2024, maintained=True, extended=True)
    Initiative.objects.create(
        unit=cast.unit_b,
        year=2024,
        title="Sáng kiến của Sở Y tế",
        status=Initiative.Status.RECOGNISED,
    )
    return {"tasks": tasks}


@pytest.mark.django_db
def test_the_follow_up_counts_the_unit_s_own_year(cast: Cast) -> None:
    _follow_up_of_2024(cast)
    facts = unit_facts(cast.unit_a, 2024, {FINDINGS, TASKS, RECOGNISED, MAINTAINED})
    assert (facts[FINDINGS].done, facts[FINDINGS].of) == (1, 2)
    assert [line.state for line in facts[FINDINGS].lines] == ["fixed", "reported"]
    assert (facts[TASKS].done, facts[TASKS].of) == (2, 3)  # 2023's task is not 2024's
    assert (facts[RECOGNISED].done, facts[RECOGNISED].of) == (1, 1)
    assert (facts[MAINTAINED].done, facts[MAINTAINED].better) == (1, 1)
    assert unit_facts(cast.unit_a, 2025, {FINDINGS})[FINDINGS].applies is False


@pytest.mark.django_db
def test_the_assessment_page_shows_each_proposal_with_its_sources_and_saves_nothing(
    cast: Cast, assessment_a: Assessment
) -> None:
    made = _follow_up_of_2024(cast)
    before = list(AssessmentItem.objects.filter(assessment=assessment_a).values())
    url = reverse("assessments:detail", args=[2024, cast.unit_a.code]) + "?field=1"
    html = cast.client(cast.scorer_a).get(url).content.decode()
    assert "Đề xuất từ theo dõi khắc phục" in html
    assert "1 trên 2 tồn tại qua kiểm tra năm 2024 đã được khắc phục và xác nhận." in html
    assert "2 trên 3 nhiệm vụ UBND tỉnh giao" in html
    assert reverse("followup:task", args=[made["tasks"][0].pk]) in html
    assert "Số hóa hồ sơ lý lịch tư pháp" in html and "Ứng dụng Zalo tra cứu hồ sơ" in html
    # 1.6.1 is proportional: 0,75 × 2/3 = 0,5
    assert "(0,5 điểm)" in html
    assert "Sở Y tế" not in html  # another unit's inspection, tasks and initiatives
    assert list(AssessmentItem.objects.filter(assessment=assessment_a).values()) == before


@pytest.mark.django_db
def test_the_proposal_reads_a_fixed_number_of_queries(
    cast: Cast, assessment_a: Assessment, django_assert_num_queries: Any
) -> None:
    client = cast.client(cast.scorer_a)
    url = reverse("assessments:detail", args=[2024, cast.unit_a.code]) + "?field=1"
    _follow_up_of_2024(cast, findings=1)
    client.get(url)
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as one:
        client.get(url)
    for n in range(5):  # more findings, tasks, initiatives: no more queries
        _more = inspection_record(
            unit=cast.unit_a,
            held_on=datetime.date(2024, 9, 1),
            title=f"Kiểm tra {n}",
            findings=["a", "b"],
            by=cast.admin,
        )
        Initiative.objects.create(unit=cast.unit_a, year=2024, title=f"Sáng kiến {n}")
    with django_assert_num_queries(len(one.captured_queries)):
        client.get(url)


@pytest.mark.django_db
def test_the_appraiser_sees_the_proposal_and_the_unit_s_answer_stays_the_unit_s(
    cast: Cast, assessment_a: Assessment
) -> None:
    _follow_up_of_2024(cast)
    scorer = cast.client(cast.scorer_a)
    item = assessment_a.items.get(criterion__code="1.6.4")
    save = reverse("assessments:item_save", args=[2024, cast.unit_a.code, "1.6.4"])
    # the unit answers otherwise than proposed: its answer is what is saved and shown
    assert scorer.post(save, {"version": item.version, "yes": "yes"}, **HTMX).status_code == 200
    item.refresh_from_db()
    assert item.self_inputs == {"yes": True}
    url = reverse("assessments:detail", args=[2024, cast.unit_a.code]) + "?field=1"
    html = cast.client(cast.admin).get(url).content.decode()
    assert "1 trên 2 tồn tại" in html
    # the answer the follow-up proposes for 1.6.1 (2 of 3 done), taken: said so
    tasks = assessment_a.items.get(criterion__code="1.6.1")
    save = reverse("assessments:item_save", args=[2024, cast.unit_a.code, "1.6.1"])
    answer = {"version": tasks.version, "numerator": "2", "denominator": "3"}
    assert scorer.post(save, answer, **HTMX).status_code == 200
    html = scorer.get(url).content.decode()
    leaf = html[html.index('id="proposal-1_6_1"') :]
    leaf = leaf[: leaf.index("</div>")]
    assert "Câu trả lời của đơn vị là đề xuất." in leaf and "Dùng đề xuất" not in leaf


@pytest.mark.django_db
def test_a_unit_not_inspected_is_proposed_not_applicable(
    cast: Cast, assessment_a: Assessment
) -> None:
    url = reverse("assessments:detail", args=[2024, cast.unit_a.code]) + "?field=1"
    html = cast.client(cast.scorer_a).get(url).content.decode()
    assert "Đơn vị không được kiểm tra CCHC năm 2024." in html
    assert "không áp dụng với đơn vị" in html


@pytest.mark.django_db
def test_an_appraiser_sees_an_initiative_not_yet_recognised_counted_not_named(
    cast: Cast, assessment_a: Assessment
) -> None:
    """As the register shows them: an appraiser reads recognised initiatives only."""
    Initiative.objects.create(unit=cast.unit_a, year=2024, title="Sáng kiến đang chờ xét")
    url = reverse("assessments:detail", args=[2024, cast.unit_a.code]) + "?field=1"
    own = cast.client(cast.scorer_a).get(url).content.decode()
    assert "Sáng kiến đang chờ xét" in own
    appraiser = cast.client(cast.appraiser).get(url).content.decode()
    assert "Sáng kiến đang chờ xét" not in appraiser
    assert "Một sáng kiến của đơn vị" in appraiser and "đang chờ" in appraiser
