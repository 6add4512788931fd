"""What the appraisers see and do on a unit's page: the state after their first save, a
field marked appraised, the unit's changes in its revision, the answers to their
requests, the history by criterion and by person."""

from __future__ import annotations

import pytest
from django.urls import reverse

from parindex.assessments.models import Assessment, AssessmentItem, Phase, State
from parindex.assessments.services import (
    SelfAnswer,
    assessment_transition,
    cycle_advance,
    explanation_request,
    item_save_self,
)
from parindex.conftest import Cast
from parindex.scoring.rules import Inputs

pytestmark = pytest.mark.django_db
HTMX = {"HTTP_HX_REQUEST": "true"}


def page(assessment: Assessment, field: str = "1") -> str:
    url = reverse("assessments:detail", args=[assessment.cycle.year, assessment.unit.code])
    return f"{url}?field={field}"


def leaf(assessment: Assessment, code: str) -> AssessmentItem:
    return assessment.items.select_related("criterion").get(criterion__code=code)


def submitted(cast: Cast, assessment: Assessment) -> None:
    assessment.items.filter(criterion__evidence_required=True).update(note="Có giải trình")
    assessment_transition(assessment=assessment, action="submit", by=cast.head_a)
    cycle_advance(cycle=assessment.cycle, to=Phase.APPRAISAL_1, by=cast.admin)
    assessment.refresh_from_db()


def test_the_first_save_starts_the_appraisal_and_the_page_says_so(
    cast: Cast, assessment_a: Assessment
) -> None:
    submitted(cast, assessment_a)
    client = cast.client(cast.appraiser)
    before = client.get(page(assessment_a)).content.decode()
    assert "Lần lưu đầu tiên của bạn bắt đầu việc thẩm định" in before
    assert 'value="start_appraisal"' in before
    item = leaf(assessment_a, "1.2")
    answer = client.post(
        reverse("assessments:item_appraise", args=[2024, "so-tu-phap", "1.2"]),
        {"version": item.version, "occurrences": "1", "appraisal_note": "Một báo cáo trễ"},
        **HTMX,
    ).content.decode()
    assessment_a.refresh_from_db()
    assert assessment_a.state == State.APPRAISING_1
    # The state and the actions are swapped on the page: no "start" left to press.
    actions = answer.split('id="actions"')[1].split("</section>")[0]
    assert 'value="start_appraisal"' not in actions
    assert "Đang thẩm định" in answer.split('id="summary"')[1]


def test_a_field_marked_appraised_shows_it_and_can_be_taken_back(
    cast: Cast, assessment_a: Assessment
) -> None:
    submitted(cast, assessment_a)
    client = cast.client(cast.appraiser)
    url = reverse("assessments:field_action", args=[2024, "so-tu-phap", "1", "finish"])
    done = client.post(url, follow=True).content.decode()
    assert "Đã đánh dấu thẩm định xong (lần 1)" in done and "Thẩm định tiếp" in done
    # The administrator reads it on the field too.
    assert (
        "Đã đánh dấu thẩm định xong"
        in cast.client(cast.admin).get(page(assessment_a)).content.decode()
    )
    reopen = reverse("assessments:field_action", args=[2024, "so-tu-phap", "1", "reopen"])
    again = client.post(reopen, follow=True).content.decode()
    assert "Đánh dấu đã thẩm định xong lĩnh vực" in again or "Đánh dấu" in again
    assert "Đã đánh dấu thẩm định xong (lần 1)" not in again


@pytest.mark.parametrize("field", ["zzz", "99"])
def test_a_field_action_on_a_field_that_does_not_exist_writes_nothing(
    cast: Cast, assessment_a: Assessment, field: str
) -> None:
    submitted(cast, assessment_a)
    url = reverse("assessments:field_action", args=[2024, "so-tu-phap", field, "finish"])
    answer = cast.client(cast.admin).post(url, follow=True).content.decode()
    assert "Bộ tiêu chí không có lĩnh vực" in answer
    assert not assessment_a.field_appraisals.exists()


def test_the_revision_shows_what_the_unit_changed_and_which_requests_it_answered(
    cast: Cast, assessment_a: Assessment
) -> None:
    submitted(cast, assessment_a)
    explanation_request(
        item=leaf(assessment_a, "1.2"), message="Nêu số báo cáo trễ hạn", by=cast.appraiser
    )
    explanation_request(
        item=leaf(assessment_a, "1.1.2"), message="Bổ sung kế hoạch", by=cast.appraiser
    )
    cycle_advance(cycle=assessment_a.cycle, to=Phase.REVISION, by=cast.admin)
    item = leaf(assessment_a, "1.2")
    item_save_self(
        item=item,
        answer=SelfAnswer(Inputs(occurrences=3), "Ba báo cáo trễ: số 12, 15, 20", False, ""),
        version=item.version,
        by=cast.scorer_a,
    )
    assessment_a.refresh_from_db()
    assessment_transition(assessment=assessment_a, action="resubmit", by=cast.head_a)
    cycle_advance(cycle=assessment_a.cycle, to=Phase.APPRAISAL_2, by=cast.admin)
    shown = cast.client(cast.appraiser).get(page(assessment_a)).content.decode()
    changed = shown.split('id="c-1.2"')[1].split('id="c-')[0]
    assert "Thay đổi khi điều chỉnh, bổ sung" in changed
    assert "số lần: 3" in changed and "Ba báo cáo trễ" in changed
    assert "đã giải trình" in changed  # the request on 1.2 was answered
    untouched = shown.split('id="c-1.1.2"')[1].split('id="c-')[0]
    assert "chưa giải trình" in untouched and "Thay đổi khi điều chỉnh" not in untouched


def test_the_history_filters_by_criterion_and_by_person(
    cast: Cast, assessment_a: Assessment
) -> None:
    for code, who in (("1.1.1", cast.scorer_a), ("1.2", cast.head_a)):
        item = leaf(assessment_a, code)
        item_save_self(
            item=item,
            answer=SelfAnswer(None, f"Giải trình {code}", False, ""),
            version=item.version,
            by=who,
        )
    history = reverse("assessments:history", args=[2024, "so-tu-phap"])
    client = cast.client(cast.admin)
    by_criterion = client.get(history, {"criterion": "1.2"}).content.decode()
    assert "Giải trình 1.2" in by_criterion and "Giải trình 1.1.1" not in by_criterion
    by_person = client.get(history, {"by": cast.scorer_a.pk}).content.decode()
    assert "Giải trình 1.1.1" in by_person and "Giải trình 1.2" not in by_person
    # A hostile filter is ignored, never a 500.
    assert client.get(history, {"by": "x" * 50, "criterion": "y" * 500}).status_code == 200
