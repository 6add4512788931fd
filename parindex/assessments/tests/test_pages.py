"""The assessment pages, role by role and unit against unit; saves through HTMX and
through plain forms; nothing typed is lost."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from parindex.assessments.models import Assessment, AssessmentItem, AuditEntry, Phase, State
from parindex.assessments.services import (
    Appraisal,
    SelfAnswer,
    evidence_upload,
    explanation_request,
    item_save_appraisal,
    item_save_self,
)
from parindex.conftest import Cast
from parindex.org.models import SecurityEvent
from parindex.scoring.rules import Inputs

from .files import PDF, PNG, upload

pytestmark = pytest.mark.django_db
HTMX = {"HTTP_HX_REQUEST": "true"}


def page(assessment: Assessment) -> str:
    return reverse("assessments:detail", args=[assessment.cycle.year, assessment.unit.code])


def save_url(assessment: Assessment, code: str, what: str = "item_save") -> str:
    return reverse(f"assessments:{what}", args=[assessment.cycle.year, assessment.unit.code, code])


def leaf(assessment: Assessment, code: str) -> AssessmentItem:
    return assessment.items.select_related("criterion").get(criterion__code=code)


@pytest.mark.parametrize(
    ("who", "status"),
    [
        ("admin", 200),
        ("scorer_a", 200),
        ("head_a", 200),
        ("scorer_b", 404),
        ("head_b", 404),
        ("appraiser", 200),
        ("chair", 200),
        ("viewer", 200),
    ],
)
def test_who_opens_unit_as_page(
    cast: Cast, assessment_a: Assessment, who: str, status: int
) -> None:
    response = cast.client(getattr(cast, who)).get(page(assessment_a))
    assert response.status_code == status
    if status == 404:
        assert SecurityEvent.objects.filter(kind="refused", username=who).exists()
    else:
        text = response.content.decode()
        editable = who in ("scorer_a", "head_a")
        assert ("<fieldset disabled>" not in text.split('id="c-1.1.1"')[1][:3000]) == editable


def test_an_appraiser_never_opens_their_own_unit(cast: Cast, assessment_a: Assessment) -> None:
    home = Assessment.objects.get(cycle=assessment_a.cycle, unit=cast.home_unit)
    assert cast.client(cast.appraiser).get(page(home)).status_code == 404


def test_a_save_through_htmx_answers_with_the_new_points(
    cast: Cast, assessment_a: Assessment
) -> None:
    item = leaf(assessment_a, "1.1.1")
    response = cast.client(cast.scorer_a).post(
        save_url(assessment_a, "1.1.1"), {"version": item.version, "yes": "yes"}, **HTMX
    )
    text = response.content.decode()
    assert response.status_code == 200
    assert 'id="v-self-1_1_1" value="2" hx-swap-oob="true"' in text
    assert '<span id="p-1_1_1" hx-swap-oob="true">0,5' in text  # the engine's points
    assert "Đã lưu" in text and 'id="summary"' in text
    assert leaf(assessment_a, "1.1.1").self_inputs == {"yes": True}


def test_a_stale_save_shows_theirs_and_keeps_mine(cast: Cast, assessment_a: Assessment) -> None:
    item = leaf(assessment_a, "1.2")
    item_save_self(
        item=item,
        answer=SelfAnswer(Inputs(occurrences=1), "Theo báo cáo quý", False, ""),
        version=item.version,
        by=cast.head_a,
        today=assessment_a.cycle.self_assessment_until,
    )
    response = cast.client(cast.scorer_a).post(
        save_url(assessment_a, "1.2"),
        {"version": item.version, "occurrences": "2", "note": "Bản của tôi"},
        **HTMX,
    )
    text = response.content.decode()
    assert "Chưa lưu: trong lúc đó người khác đã lưu" in text and "Theo báo cáo quý" in text
    assert 'hx-vals=\'{"version": "2"}\'' in text  # "save mine over theirs" uses their version
    assert 'id="v-self-1_2"' not in text  # the form keeps the version it read
    saved = leaf(assessment_a, "1.2")
    assert (saved.self_inputs, saved.note) == ({"occurrences": 1}, "Theo báo cáo quý")
    theirs = text.split('class="conflict"')[1]
    assert "Số báo cáo CCHC gửi trễ hạn hoặc không gửi: 1" in theirs  # in words, not “1”


@pytest.mark.parametrize(
    ("code", "inputs", "words", "internal"),
    [
        ("1.1.1", Inputs(yes=True), "<li>Có</li>", "yes"),
        ("1.1.1", Inputs(yes=False), "<li>Không</li>", "no"),
    ],
)
def test_the_conflict_box_shows_their_answer_as_the_page_does(
    cast: Cast, assessment_a: Assessment, code: str, inputs: Inputs, words: str, internal: str
) -> None:
    item = leaf(assessment_a, code)
    item_save_self(
        item=item, answer=SelfAnswer(inputs, "", False, ""), version=item.version, by=cast.head_a
    )
    text = (
        cast.client(cast.scorer_a)
        .post(save_url(assessment_a, code), {"version": item.version, "note": "x"}, **HTMX)
        .content.decode()
    )
    theirs = text.split('class="conflict"')[1].split("</ul>")[0]
    assert words in theirs and f"<li>{internal}</li>" not in theirs


def test_without_javascript_a_refused_save_shows_the_page_with_what_was_typed(
    cast: Cast, assessment_a: Assessment
) -> None:
    item = leaf(assessment_a, "1.1.2")
    response = cast.client(cast.scorer_a).post(
        save_url(assessment_a, "1.1.2"),
        {"version": item.version, "numerator": "12", "denominator": "10", "note": "Giải trình dài"},
    )
    text = response.content.decode()
    assert response.status_code == 400
    assert "12 lớn hơn tổng số 10" in text
    assert 'value="12"' in text and "Giải trình dài" in text
    assert leaf(assessment_a, "1.1.2").version == 1
    ok = cast.client(cast.scorer_a).post(
        save_url(assessment_a, "1.1.2"),
        {"version": item.version, "numerator": "9", "denominator": "10"},
    )
    assert ok.status_code == 302 and ok["Location"].endswith("?field=1#c-1.1.2")


def test_an_expired_session_gets_401_on_a_save_not_a_login_page(
    cast: Cast, assessment_a: Assessment
) -> None:
    anonymous = cast.client(None)
    assert (
        anonymous.post(save_url(assessment_a, "1.1.1"), {"version": 1}, **HTMX).status_code == 401
    )
    plain = anonymous.post(save_url(assessment_a, "1.1.1"), {"version": 1})
    assert plain.status_code == 302 and "/accounts/login/" in plain["Location"]


def test_without_javascript_a_save_after_log_out_is_kept_through_the_log_in(
    cast: Cast, assessment_a: Assessment
) -> None:
    from parindex.conftest import PASSWORD

    browser = cast.client(None)
    typed = {"version": "1", "yes": "yes", "note": "Kế hoạch số 05/KH-STP ngày 10/01/2024"}
    answer = browser.post(save_url(assessment_a, "1.1.1"), typed)
    assert answer.status_code == 302 and "next=" in answer["Location"]
    assert "%3Ffield%3D1" in answer["Location"]  # back to the criterion's field
    logged_in = browser.post(
        reverse("login"),
        {"username": "scorer_a", "password": PASSWORD, "next": page(assessment_a) + "?field=1"},
        follow=True,
    ).content.decode()
    assert "chưa được lưu" in logged_in and "Kế hoạch số 05/KH-STP ngày 10/01/2024" in logged_in
    assert leaf(assessment_a, "1.1.1").note == ""  # shown to be saved, not saved behind
    again = browser.get(page(assessment_a) + "?field=1").content.decode()
    assert "Kế hoạch số 05/KH-STP ngày 10/01/2024" not in again  # shown once


def test_a_post_with_an_outdated_token_shows_what_was_typed(
    cast: Cast, assessment_a: Assessment
) -> None:
    from django.test import Client

    browser = Client(enforce_csrf_checks=True)
    browser.force_login(cast.scorer_a)
    refused = browser.post(
        save_url(assessment_a, "1.1.1"),
        {"version": "1", "note": "Giải trình dài đã gõ", "csrfmiddlewaretoken": "x" * 32},
    )
    text = refused.content.decode()
    assert refused.status_code == 403 and "trang đã cũ" in text
    assert "Giải trình dài đã gõ" in text


@pytest.mark.parametrize("who", ["scorer_b", "head_b", "appraiser", "viewer", "chair", "admin"])
def test_only_the_unit_saves_its_answers(cast: Cast, assessment_a: Assessment, who: str) -> None:
    item = leaf(assessment_a, "1.1.1")
    response = cast.client(getattr(cast, who)).post(
        save_url(assessment_a, "1.1.1"), {"version": item.version, "yes": "yes"}, **HTMX
    )
    # Another unit's people do not learn the assessment exists; the others are refused.
    assert response.status_code == (404 if who.endswith("_b") else 403)
    assert leaf(assessment_a, "1.1.1").self_inputs is None
    assert SecurityEvent.objects.filter(kind=SecurityEvent.Kind.REFUSED).count() == 1


def test_evidence_reaches_only_the_unit_its_appraisers_and_the_administrator(
    cast: Cast, assessment_a: Assessment
) -> None:
    response = cast.client(cast.scorer_a).post(
        save_url(assessment_a, "1.1.1", "evidence_upload"),
        {"file": upload("ke-hoach.pdf", PDF)},
        **HTMX,
    )
    assert "Đã thêm “ke-hoach.pdf”" in response.content.decode()
    file = assessment_a.unit.evidence_files.get()
    url = reverse("assessments:evidence", args=[file.pk])
    for who, status in [
        ("scorer_a", 200),
        ("head_a", 200),
        ("appraiser", 200),
        ("admin", 200),
        ("scorer_b", 404),
        ("head_b", 404),
        ("viewer", 404),
        ("chair", 404),
    ]:
        got = cast.client(getattr(cast, who)).get(url)
        assert got.status_code == status, who
        if status == 200:
            assert b"".join(got.streaming_content) == PDF  # type: ignore[attr-defined]
            assert got["X-Content-Type-Options"] == "nosniff"
    assert cast.client(None).get(url).status_code == 302
    inline = cast.client(cast.appraiser).get(url + "?inline=1")
    assert inline["Content-Disposition"].startswith("inline")


def test_a_disguised_upload_is_refused_on_the_page(cast: Cast, assessment_a: Assessment) -> None:
    response = cast.client(cast.scorer_a).post(
        save_url(assessment_a, "1.1.1", "evidence_upload"),
        {"file": upload("bao-cao.pdf", b"MZ\x90\x00not a pdf")},
        **HTMX,
    )
    assert "không phải tệp PDF" in response.content.decode()
    assert not assessment_a.unit.evidence_files.exists()


def test_the_head_submits_the_scorer_cannot(cast: Cast, assessment_a: Assessment) -> None:
    assessment_a.items.filter(criterion__evidence_required=True).update(note="Có giải trình")
    url = reverse("assessments:transition", args=[2024, assessment_a.unit.code])
    scorer_page = cast.client(cast.scorer_a).get(page(assessment_a)).content.decode()
    assert 'value="submit"' not in scorer_page
    assert cast.client(cast.scorer_a).post(url, {"action": "submit"}).status_code == 403
    assessment_a.refresh_from_db()
    assert assessment_a.state == State.DRAFT
    head = cast.client(cast.head_a)
    assert 'value="submit"' in head.get(page(assessment_a)).content.decode()
    # The head is shown what is still open before the submission is taken.
    asked = head.post(url, {"action": "submit"}).content.decode()
    assert "tiêu chí chưa được chấm" in asked and "Hạn cuối là ngày" in asked
    assessment_a.refresh_from_db()
    assert assessment_a.state == State.DRAFT
    response = head.post(url, {"action": "submit", "confirmed": "on"}, follow=True)
    assert "Đã thực hiện: phiếu đánh giá chuyển sang “Đã gửi”." in response.content.decode()


def test_the_unit_sees_the_appraisal_only_once_its_round_has_ended(
    cast: Cast, assessment_a: Assessment
) -> None:
    Assessment.objects.filter(pk=assessment_a.pk).update(state=State.SUBMITTED)
    assessment_a.cycle.phase = Phase.APPRAISAL_1
    assessment_a.cycle.save()
    item = leaf(assessment_a, "1.2")
    item_save_appraisal(
        item=item,
        appraisal=Appraisal(Inputs(occurrences=2), "Hai báo cáo trễ hạn", None),
        version=item.version,
        by=cast.appraiser,
    )
    history = reverse("assessments:history", args=[2024, assessment_a.unit.code])
    unit = cast.client(cast.scorer_a)
    assert "Hai báo cáo trễ hạn" not in unit.get(page(assessment_a)).content.decode()
    assert "Hai báo cáo trễ hạn" not in unit.get(history).content.decode()
    assert "Hai báo cáo trễ hạn" in cast.client(cast.admin).get(history).content.decode()
    Assessment.objects.filter(pk=assessment_a.pk).update(state=State.APPRAISED_1)
    assert "Hai báo cáo trễ hạn" in unit.get(page(assessment_a)).content.decode()
    assert "Hai báo cáo trễ hạn" in unit.get(history).content.decode()
    assert AuditEntry.objects.filter(kind="appraisal").count() == 2  # score and comment


def test_the_unit_reads_the_requests_when_its_page_does_in_its_history_too(
    cast: Cast, assessment_a: Assessment
) -> None:
    Assessment.objects.filter(pk=assessment_a.pk).update(state=State.SUBMITTED)
    assessment_a.cycle.phase = Phase.APPRAISAL_1
    assessment_a.cycle.save()
    explanation_request(
        item=leaf(assessment_a, "1.1.2"), message="Bổ sung báo cáo quý IV", by=cast.appraiser
    )
    history = reverse("assessments:history", args=[2024, assessment_a.unit.code])
    unit = cast.client(cast.scorer_a)
    for url in (page(assessment_a) + "?field=1", history):
        assert "Bổ sung báo cáo quý IV" not in unit.get(url).content.decode()
    assert "Bổ sung báo cáo quý IV" in cast.client(cast.admin).get(history).content.decode()
    Assessment.objects.filter(pk=assessment_a.pk).update(state=State.APPRAISED_1)
    for url in (page(assessment_a) + "?field=1", history):
        assert "Bổ sung báo cáo quý IV" in unit.get(url).content.decode()


def test_the_summary_gives_the_last_day_of_the_phase_the_cycle_is_in(
    cast: Cast, assessment_a: Assessment
) -> None:
    cycle = assessment_a.cycle
    Assessment.objects.filter(pk=assessment_a.pk).update(state=State.SUBMITTED)
    cycle.phase = Phase.APPRAISAL_1
    cycle.save()
    summary = cast.client(cast.scorer_a).get(page(assessment_a)).content.decode()
    summary = summary.split('id="summary"')[1].split("</dl>")[0]
    appraisal_until = cycle.appraisal_1_until.strftime("%d/%m/%Y")
    assert f"đến hết ngày {appraisal_until}" in summary or appraisal_until in summary
    assert cycle.self_assessment_until.strftime("%d/%m/%Y") not in summary


def test_the_page_costs_the_same_queries_with_more_answers_and_files(
    cast: Cast, assessment_a: Assessment
) -> None:
    client = cast.client(cast.scorer_a)
    url = page(assessment_a) + "?field=all"
    client.get(url)
    with CaptureQueriesContext(connection) as before:
        client.get(url)
    today = assessment_a.cycle.self_assessment_until
    for number, item in enumerate(assessment_a.items.select_related("criterion")[:12]):
        evidence_upload(
            item=item,
            upload=upload(f"tai-lieu-{number}.png", PNG + bytes([number])),
            by=cast.scorer_a,
            today=today,
        )
    with CaptureQueriesContext(connection) as after:
        client.get(url)
    assert len(after) == len(before) <= 20


def test_the_administrator_extends_one_units_deadline_with_its_reason(
    cast: Cast, assessment_a: Assessment
) -> None:
    url = reverse("assessments:extend", args=[2024, assessment_a.unit.code])
    data = {"phase": "self_assessment", "until": "31/12/2099", "reason": ""}
    cast.client(cast.admin).post(url, data)
    assessment_a.refresh_from_db()
    assert assessment_a.self_assessment_until is None  # no reason, no extension
    assert cast.client(cast.head_a).post(url, {**data, "reason": "x"}).status_code == 403
    response = cast.client(cast.admin).post(url, {**data, "reason": "Mất điện 3 ngày"}, follow=True)
    assert "Sở Tư pháp được gửi đến ngày 31/12/2099." in response.content.decode()
    assessment_a.refresh_from_db()
    assert assessment_a.self_assessment_until.year == 2099


@pytest.mark.parametrize("who", ["scorer_a", "head_a", "scorer_b", "viewer", "chair"])
def test_only_the_assigned_appraiser_and_the_administrator_appraise(
    cast: Cast, assessment_a: Assessment, who: str
) -> None:
    Assessment.objects.filter(pk=assessment_a.pk).update(state=State.SUBMITTED)
    assessment_a.cycle.phase = Phase.APPRAISAL_1
    assessment_a.cycle.save()
    item = leaf(assessment_a, "1.2")
    url = save_url(assessment_a, "1.2", "item_appraise")
    cast.client(getattr(cast, who)).post(url, {"version": item.version, "occurrences": "3"}, **HTMX)
    assert leaf(assessment_a, "1.2").appraised_inputs is None
    cast.client(cast.appraiser).post(url, {"version": item.version, "occurrences": "3"}, **HTMX)
    assert leaf(assessment_a, "1.2").appraised_inputs == {"occurrences": 3}


def test_every_page_counts_the_same_criteria_answered(cast: Cast, assessment_a: Assessment) -> None:
    # An answer stored with no inputs in it still counts as answered, on every page.
    AssessmentItem.objects.filter(pk=leaf(assessment_a, "1.1.1").pk).update(self_inputs={})
    item = leaf(assessment_a, "1.2")
    item_save_self(
        item=item,
        answer=SelfAnswer(Inputs(occurrences=1), "", False, ""),
        version=item.version,
        by=cast.scorer_a,
    )
    from parindex.assessments.selectors import assessment_view, progress

    view = assessment_view(assessment_a)
    listed = progress([assessment_a])[0]
    assert (view.answered, view.leaves) == (listed.answered, listed.leaves) == (2, view.leaves)
    home = cast.client(cast.scorer_a).get(reverse("home")).content.decode()
    assert f"đã chấm 2/{view.leaves} tiêu chí" in home
    cycle_page = (
        cast.client(cast.admin).get(reverse("assessments:manage", args=[2024])).content.decode()
    )
    assert f"2/{view.leaves}" in cycle_page
    unit_page = cast.client(cast.scorer_a).get(page(assessment_a)).content.decode()
    assert f'<progress max="{view.leaves}" value="2">' in unit_page


def test_explained_without_a_file_is_told_apart_from_missing(
    cast: Cast, assessment_a: Assessment
) -> None:
    required = assessment_a.items.filter(criterion__evidence_required=True).order_by(
        "criterion__position"
    )
    explained = required.first()
    assert explained is not None
    AssessmentItem.objects.filter(pk=explained.pk).update(note="Công văn số 12/STP")
    text = cast.client(cast.scorer_a).get(page(assessment_a)).content.decode()
    summary = text.split('id="summary"')[1].split("</dl>")[0]
    missing = summary.split('class="missing-evidence"')[1].split("</span>")[0]
    assert explained.criterion.code not in missing
    assert "Có giải trình, chưa có tệp hay đường dẫn" in summary
    assert explained.criterion.code in summary.split("explained-only")[1]
