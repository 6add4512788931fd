"""The administrator computes and publishes a cycle through its page; bad input changes
nothing and says why in Vietnamese; no other role gets in. Computing is a job: the button
leads to the job's page (its task runs at once here, on the immediate backend)."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse

from parindex.assessments.models import AssessmentItem, Cycle
from parindex.conftest import Cast
from parindex.jobs.models import Job
from parindex.org.models import SecurityEvent
from parindex.results.models import ResultSnapshot

OTHERS = ["scorer_a", "head_b", "appraiser", "chair", "viewer"]


@pytest.fixture(autouse=True)
def immediate(settings: Any) -> None:
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}


def post(cast: Cast, data: dict[str, str]) -> str:
    response = cast.client(cast.admin).post(
        reverse("results:manage", args=[2024]), data, follow=True
    )
    assert response.status_code == 200
    return response.content.decode()


def test_compute_check_and_publish(cast: Cast, cycle_2024: Cycle) -> None:
    page = cast.client(cast.admin).get(reverse("results:manage", args=[2024])).content.decode()
    assert "Chưa tính lần nào." in page and "11 phiếu đánh giá" in page
    text = post(cast, {"action": "compute"})  # the job's page
    assert "Tính kết quả năm 2024" in text and "Thành công" in text
    assert "Đã tính lần 1: 11 đơn vị." in text and "Đã tính xong kết quả — 11 / 11" in text
    job = Job.objects.get()
    assert job.started_by == cast.admin and job.link == reverse("results:manage", args=[2024])
    page = cast.client(cast.admin).get(job.link).content.decode()
    assert "Công bố lần tính 1" in page
    text = post(cast, {"action": "compute"})
    assert ResultSnapshot.objects.get().revision == 1  # a draft is recomputed in place
    text = post(
        cast,
        {
            "action": "publish",
            "revision": "1",
            "decision": "Quyết định số 25/QĐ-UBND",
            "decision_date": "08/01/2025",
        },
    )
    assert "Đã công bố lần tính 1." in text
    snapshot = ResultSnapshot.objects.get()
    assert snapshot.is_published and snapshot.decision_date.isoformat() == "2025-01-08"
    assert snapshot.published_at is not None


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"decision": "Quyết định số 25/QĐ-UBND", "decision_date": "31/02/2025"}, "Nhập một ngày"),
        ({"decision": "", "decision_date": "08/01/2025"}, "Trường này là bắt buộc."),
        ({"decision": "   ", "decision_date": "08/01/2025"}, "Trường này là bắt buộc."),
    ],
)
def test_a_bad_publication_changes_nothing(
    cast: Cast, cycle_2024: Cycle, data: dict[str, str], message: str
) -> None:
    post(cast, {"action": "compute"})
    text = post(cast, {"action": "publish", "revision": "1", **data})
    assert message in text
    assert ResultSnapshot.objects.get().status == ResultSnapshot.Status.DRAFT
    assert "Quyết định số 25/QĐ-UBND" in text or not data["decision"].strip()  # kept as typed


def test_a_correction_needs_its_reason(cast: Cast, cycle_2024: Cycle) -> None:
    post(cast, {"action": "compute"})
    post(
        cast,
        {
            "action": "publish",
            "revision": "1",
            "decision": "Quyết định số 25/QĐ-UBND",
            "decision_date": "08/01/2025",
        },
    )
    text = post(cast, {"action": "compute", "reason": " "})
    assert "Điều chỉnh kết quả đã công bố phải nêu lý do." in text
    assert ResultSnapshot.objects.count() == 1
    text = post(cast, {"action": "compute", "reason": "Sửa điểm lĩnh vực 7 của huyện Mỹ Tú"})
    assert "Đã tính lần 2" in text
    page = cast.client(cast.admin).get(reverse("results:manage", args=[2024])).content.decode()
    assert "Sửa điểm lĩnh vực 7 của huyện Mỹ Tú" in page
    assert ResultSnapshot.objects.filter(status="published").count() == 1


@pytest.mark.parametrize("who", OTHERS)
def test_only_the_administrator_computes_and_publishes(
    cast: Cast, cycle_2024: Cycle, who: str
) -> None:
    client = cast.client(getattr(cast, who))
    url = reverse("results:manage", args=[2024])
    assert client.get(url).status_code == 403
    assert client.post(url, {"action": "compute"}).status_code == 403
    assert not ResultSnapshot.objects.exists() and not Job.objects.exists()
    assert SecurityEvent.objects.filter(kind="refused", username=who).count() == 2
    anonymous = cast.client(None).post(url, {"action": "compute"})
    assert anonymous.status_code == 302 and not ResultSnapshot.objects.exists()


def test_provisional_results_are_published_only_when_confirmed(
    cast: Cast, cycle_2024: Cycle
) -> None:
    AssessmentItem.objects.filter(
        assessment__cycle=cycle_2024, assessment__unit__code="ubnd-huyen-my-tu"
    ).update(appraised_inputs=None)
    post(cast, {"action": "compute"})
    page = cast.client(cast.admin).get(reverse("results:manage", args=[2024])).content.decode()
    assert "1 đơn vị tạm tính" in page
    publication = {
        "action": "publish",
        "revision": "1",
        "decision": "Quyết định số 25/QĐ-UBND",
        "decision_date": "08/01/2025",
    }
    text = post(cast, publication)
    assert "xác nhận" in text and ResultSnapshot.objects.get().status == "draft"
    text = post(cast, {**publication, "allow_provisional": "on"})
    assert "Đã công bố lần tính 1." in text and ResultSnapshot.objects.get().is_published
