"""From published results to weaknesses, and a remediation task from planning to
verification: the hand-over, the transitions table, the reminders, who sees what."""

from __future__ import annotations

import datetime
import itertools
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from parindex.assessments.models import AssessmentItem, Cycle
from parindex.assessments.tests.files import PDF
from parindex.conftest import Cast
from parindex.followup.models import (
    ACTIONS,
    TRANSITIONS,
    Finding,
    RemediationTask,
    Status,
    TaskEvent,
    Weakness,
)
from parindex.followup.services import (
    FollowupRefused,
    inspection_record,
    task_create,
    task_reminders,
    task_transition,
    weaknesses_record,
)
from parindex.notify.models import Message
from parindex.org.errors import Refused
from parindex.org.models import Role, Unit, User
from parindex.results.losses import criterion_losses
from parindex.results.models import ResultSnapshot
from parindex.results.services import results_compute, results_publish

pytestmark = pytest.mark.django_db
DATE = datetime.date(2025, 1, 8)
TODAY = datetime.date(2025, 3, 1)


def publish(cycle: Cycle, cast: Cast, reason: str = "") -> ResultSnapshot:
    snapshot = results_compute(cycle=cycle, by=cast.admin, reason=reason)
    return results_publish(
        snapshot=snapshot, decision="Quyết định số 25/QĐ-UBND", decision_date=DATE, by=None
    )


def head_of(unit: Unit) -> User:
    user = User(username=f"{unit.code}.head", role=Role.UNIT_HEAD, unit=unit)
    user.set_password("x")
    user.save()
    return user


# The hand-over ---------------------------------------------------------------------


def test_published_lost_points_become_the_units_weaknesses(cast: Cast, cycle_2024: Cycle) -> None:
    item = AssessmentItem.objects.filter(assessment__cycle=cycle_2024).order_by("pk").first()
    assert item is not None
    item.appraisal_note = "Thiếu tài liệu kiểm chứng"
    item.save()
    snapshot = publish(cycle_2024, cast)
    detail = criterion_losses(cycle_2024)
    assert weaknesses_record(snapshot=snapshot) == sum(map(len, detail.losses.values()))
    for code, losses in detail.losses.items():
        recorded = {
            (w.criterion_code, w.points_lost, w.comment)
            for w in Weakness.objects.filter(unit__code=code, year=2024)
        }
        assert recorded == {(loss.code, loss.lost, loss.comment) for loss in losses}
    # Lowered criteria (not applicable, accepted) lose nothing and are no weakness.
    lowered = AssessmentItem.objects.filter(
        assessment__cycle=cycle_2024, not_applicable_claimed=True, not_applicable_accepted=True
    ).values_list("assessment__unit_id", "criterion__code")
    assert lowered
    for unit_id, code in lowered:
        assert not Weakness.objects.filter(unit_id=unit_id, criterion_code=code).exists()


def test_a_unit_with_no_lost_points_has_no_weakness(
    cast: Cast, cycle_2024: Cycle, monkeypatch: pytest.MonkeyPatch
) -> None:
    import parindex.followup.services as services

    snapshot = publish(cycle_2024, cast)
    real = services.criterion_losses

    def none_for_my_xuyen(cycle: Cycle) -> Any:
        detail = real(cycle)
        detail.losses[cast.district.code] = []
        return detail

    monkeypatch.setattr(services, "criterion_losses", none_for_my_xuyen)
    weaknesses_record(snapshot=snapshot)
    assert not Weakness.objects.filter(unit=cast.district).exists()
    assert Weakness.objects.exclude(unit=cast.district).exists()


def test_a_weakness_that_comes_back_is_recurring(cast: Cast, cycle_2024: Cycle) -> None:
    snapshot = publish(cycle_2024, cast)
    detail = criterion_losses(cycle_2024)
    loss = detail.losses[cast.district.code][0]
    Weakness.objects.create(
        unit=cast.district,
        year=2023,
        revision=1,
        field_code=loss.field,
        criterion_code=loss.code,
        criterion_title=loss.title,
        points_lost=1,
    )
    weaknesses_record(snapshot=snapshot)
    again = Weakness.objects.get(unit=cast.district, year=2024, criterion_code=loss.code)
    assert again.recurring
    assert Weakness.objects.filter(year=2024, recurring=True).count() == 1


def test_a_correction_replaces_the_weaknesses_and_keeps_those_with_tasks(
    cast: Cast, cycle_2024: Cycle
) -> None:
    weaknesses_record(snapshot=publish(cycle_2024, cast))
    # Two criteria the unit may claim do not apply: lowered in the correction.
    may_lower = set(
        AssessmentItem.objects.filter(
            assessment__cycle=cycle_2024, criterion__allow_not_applicable=True
        ).values_list("criterion__code", flat=True)
    )
    planned, dropped = Weakness.objects.filter(
        unit=cast.district, criterion_code__in=may_lower
    ).order_by("pk")[:2]
    task = task_create(
        unit=cast.district, title="Khắc phục", due_on=TODAY, by=cast.admin, weakness=planned
    )
    # The appraisers accept that both do not apply, in the correction.
    for weakness in (planned, dropped):
        item = AssessmentItem.objects.get(
            assessment__cycle=cycle_2024,
            assessment__unit=cast.district,
            criterion__code=weakness.criterion_code,
        )
        item.appraised_inputs, item.not_applicable_claimed = None, True
        item.not_applicable_accepted = True
        item.save()
    correction = publish(cycle_2024, cast, reason="Kiến nghị")
    weaknesses_record(snapshot=correction)
    planned.refresh_from_db()
    assert planned.withdrawn and planned.revision == correction.revision
    assert not Weakness.objects.filter(pk=dropped.pk).exists()
    assert RemediationTask.objects.get(pk=task.pk).weakness_id == planned.pk


def test_publishing_records_the_weaknesses_through_a_job(
    cast: Cast, cycle_2024: Cycle, settings: Any, django_capture_on_commit_callbacks: Any
) -> None:
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    with django_capture_on_commit_callbacks(execute=True):
        publish(cycle_2024, cast)
    assert Weakness.objects.filter(year=2024).count() == sum(
        map(len, criterion_losses(cycle_2024).losses.values())
    )


# The transitions table --------------------------------------------------------------


@pytest.fixture
def task(cast: Cast) -> RemediationTask:
    return task_create(
        unit=cast.unit_a, title="Ban hành Kế hoạch CCHC đúng hạn", due_on=TODAY, by=cast.admin
    )


def test_every_forbidden_transition_is_refused(cast: Cast, task: RemediationTask) -> None:
    sides = {"unit": cast.head_a, "admin": cast.admin}
    for status, action, (side, user) in itertools.product(Status.values, ACTIONS, sides.items()):
        RemediationTask.objects.filter(pk=task.pk).update(status=status)
        transition = ACTIONS[action]
        allowed = status in transition.sources and transition.by_unit == (side == "unit")
        task.refresh_from_db()
        if allowed:
            moved = task_transition(task=task, action=action, by=user, text="Lý do, nội dung")
            assert moved.status == transition.target
        else:
            with pytest.raises(FollowupRefused):
                task_transition(task=task, action=action, by=user, text="Lý do, nội dung")
            assert RemediationTask.objects.get(pk=task.pk).status == status
    assert TaskEvent.objects.count() == sum(len(t.sources) for t in TRANSITIONS)


def test_a_report_needs_its_text_a_reopening_its_reason_and_a_stale_version_is_refused(
    cast: Cast, task: RemediationTask
) -> None:
    with pytest.raises(FollowupRefused, match=r"việc đã làm|was done"):
        task_transition(task=task, action="report", by=cast.head_a, text="  ")
    task = task_transition(task=task, action="report", by=cast.head_a, text="Đã ban hành")
    with pytest.raises(FollowupRefused, match=r"lý do|reason"):
        task_transition(task=task, action="reopen", by=cast.admin)
    with pytest.raises(FollowupRefused):
        task_transition(task=task, action="verify", by=cast.admin, version=task.version - 1)
    with pytest.raises(FollowupRefused):  # another unit's head
        task_transition(task=task, action="start", by=cast.head_b)
    Unit.objects.filter(pk=cast.unit_a.pk).update(email="so-tu-phap@example.invalid")
    task_transition(task=task, action="reopen", by=cast.admin, text="Thiếu văn bản")
    told = Message.objects.get(event_key__contains=":reopen")
    assert "Thiếu văn bản" in told.body and told.recipient == "so-tu-phap@example.invalid"


def test_a_report_keeps_its_files_in_the_units_evidence(cast: Cast, task: RemediationTask) -> None:
    upload = SimpleUploadedFile("ke-hoach.pdf", PDF)
    task_transition(
        task=task, action="report", by=cast.scorer_a, text="Đã ban hành", files=[upload]
    )
    event = TaskEvent.objects.get(action="report")
    (file,) = event.evidence.all()
    assert file.unit_id == cast.unit_a.pk and file.kind == "pdf"
    url = reverse("followup:task_evidence", args=[task.pk, file.pk])
    assert cast.client(cast.admin).get(url).status_code == 200
    assert cast.client(cast.head_a).get(url).status_code == 200
    assert cast.client(cast.head_b).get(url).status_code == 404
    with pytest.raises(Refused, match="PDF"):  # a program dressed as a PDF is refused
        task_transition(
            task=task,
            action="reopen",
            by=cast.admin,
            text="x",
            files=[SimpleUploadedFile("x.pdf", b"MZ\x90\x00")],
        )


# Reminders ---------------------------------------------------------------------------


def test_reminders_are_sent_once_per_event(cast: Cast, task: RemediationTask) -> None:
    Unit.objects.filter(pk=cast.unit_a.pk).update(email="so-tu-phap@example.invalid")
    before = TODAY - datetime.timedelta(days=7)
    assert task_reminders(today=before - datetime.timedelta(days=1)) == 0  # not yet
    assert task_reminders(today=before) == 1
    assert task_reminders(today=before) == 0  # the same event: once
    overdue = TODAY + datetime.timedelta(days=1)
    assert task_reminders(today=overdue) == 1
    assert task_reminders(today=overdue + datetime.timedelta(days=5)) == 0
    subjects = list(Message.objects.order_by("pk").values_list("subject", flat=True))
    assert len(subjects) == 2 and subjects[0] != subjects[1]
    task_transition(task=task, action="report", by=cast.head_a, text="Đã ban hành")
    assert task_reminders(today=overdue + datetime.timedelta(days=10)) == 0  # reported


# Who sees what ------------------------------------------------------------------------


def test_a_unit_plans_sees_and_reports_only_its_own_tasks(
    cast: Cast, task: RemediationTask
) -> None:
    with pytest.raises(FollowupRefused):
        task_create(unit=cast.unit_b, title="Không phải của mình", due_on=TODAY, by=cast.head_a)
    own = cast.client(cast.head_a)
    assert own.get(reverse("followup:task", args=[task.pk])).status_code == 200
    assert own.get(reverse("followup:unit", args=[cast.unit_a.code])).status_code == 200
    assert own.get(reverse("followup:board")).status_code == 302  # to its own page
    other = cast.client(cast.head_b)
    assert other.get(reverse("followup:task", args=[task.pk])).status_code == 404
    assert other.get(reverse("followup:unit", args=[cast.unit_a.code])).status_code == 404
    response = other.post(
        reverse("followup:task", args=[task.pk]),
        {"action": "start", "version": task.version, "text": ""},
    )
    assert response.status_code == 404
    assert RemediationTask.objects.get(pk=task.pk).status == Status.OPEN
    for reader in (cast.chair, cast.viewer):
        assert cast.client(reader).get(reverse("followup:task", args=[task.pk])).status_code == 200
    assert cast.client(cast.appraiser).get(reverse("followup:board")).status_code == 403


def test_the_unit_plans_from_a_finding_on_its_page_and_reports_there(cast: Cast) -> None:
    inspection = inspection_record(
        unit=cast.unit_a,
        held_on=datetime.date(2024, 6, 3),
        title="Kiểm tra CCHC năm 2024",
        findings=["Niêm yết TTHC hết hiệu lực", "", "Chưa có văn bản xin lỗi khi trễ hẹn"],
        by=cast.admin,
    )
    assert inspection.findings.count() == 2
    finding = Finding.objects.order_by("pk").first()
    assert finding is not None
    client = cast.client(cast.head_a)
    response = client.post(
        reverse("followup:unit", args=[cast.unit_a.code]),
        {
            "title": "Gỡ bỏ TTHC hết hiệu lực",
            "division": "Văn phòng Sở",
            "due_on": "30/06/2024",
            "source": finding.source_key,
        },
    )
    created = RemediationTask.objects.get()
    assert response.status_code == 302 and created.finding == finding
    bad = client.post(
        reverse("followup:unit", args=[cast.unit_a.code]),
        {"title": "x", "due_on": "31/02/2024"},
    )
    assert bad.status_code == 200 and RemediationTask.objects.count() == 1
    page = client.post(
        reverse("followup:task", args=[created.pk]),
        {"action": "report", "version": created.version, "text": "Đã gỡ bỏ"},
        follow=True,
    ).content.decode()
    assert "Đã báo cáo hoàn thành" in page or "Reported done" in page


def test_the_board_reads_in_a_fixed_number_of_queries(
    cast: Cast, django_assert_max_num_queries: Any
) -> None:
    for unit in (cast.unit_a, cast.unit_b, cast.district):
        for n in range(3):
            task_create(unit=unit, title=f"Việc {n}", due_on=TODAY, by=cast.admin)
    client = cast.client(cast.admin)
    client.get(reverse("followup:board"))
    with django_assert_max_num_queries(12):
        assert client.get(reverse("followup:board")).status_code == 200
