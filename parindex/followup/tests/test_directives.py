"""Directives: the administrator gives numbered tasks to units and groups; each unit
reports on its own tasks until the directive is closed; completion is counted and exported."""

from __future__ import annotations

import datetime
import io

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from parindex.conftest import Cast
from parindex.followup import directives as services
from parindex.followup.directives import TaskInput, parse_deadline
from parindex.followup.models import Directive, TaskAssignment
from parindex.org.errors import Forbidden, Refused
from parindex.org.models import SecurityEvent, Unit

S = TaskAssignment.Status
PDF = b"%PDF-1.4\n1 0 obj<</Type/Catalog>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"


@pytest.mark.parametrize(
    ("text", "due", "written"),
    [
        ("quý IV/2021", datetime.date(2021, 12, 31), "quý IV/2021"),
        ("Quý i / 2022", datetime.date(2022, 3, 31), "quý I/2022"),
        ("quý II/2024", datetime.date(2024, 6, 30), "quý II/2024"),
        ("quý III/2000", datetime.date(2000, 9, 30), "quý III/2000"),
        ("tháng 2/2024", datetime.date(2024, 2, 29), "tháng 2/2024"),
        ("tháng 11/2021", datetime.date(2021, 11, 30), "tháng 11/2021"),
        ("năm 2100", datetime.date(2100, 12, 31), "năm 2100"),
        ("31/12/2021", datetime.date(2021, 12, 31), ""),
        (" 5/1/2022 ", datetime.date(2022, 1, 5), ""),
    ],
)
def test_deadlines_as_directives_write_them(text: str, due: datetime.date, written: str) -> None:
    deadline = parse_deadline(text)
    assert deadline.due_on == due
    assert deadline.written == written


@pytest.mark.parametrize(
    "text",
    [
        "",
        "   ",
        "quý V/2021",
        "quý IV/1999",
        "quý IV/2101",
        "tháng 13/2021",
        "tháng 0/2021",
        "năm 99999",
        "31/02/2021",
        "32/01/2021",
        "1/1/1900",
        "cuối năm",
        "quý IV/2021 " + "x" * 40,
    ],
)
def test_a_deadline_out_of_bounds_is_refused_in_vietnamese(text: str) -> None:
    with pytest.raises(Refused):
        parse_deadline(text)


def _directive(cast: Cast, *, groups: bool = False, closed: bool = False) -> Directive:
    tasks = [
        TaskInput(
            number="1.a",
            text="Rà soát, khắc phục tồn tại",
            deadline="quý IV/2021",
            units=[cast.unit_a, cast.unit_b],
        ),
        TaskInput(
            number="2.a", text="Đôn đốc, kiểm tra", deadline="31/10/2021", units=[cast.unit_a]
        ),
    ]
    if groups:
        tasks.append(
            TaskInput(
                number="1.b",
                text="Đề xuất giải pháp",
                deadline="năm 2021",
                groups=[cast.departments],
                units=[cast.unit_a],
            )
        )
    directive = services.directive_create(
        number="2530/UBND-NC",
        issued_on=datetime.date(2021, 9, 24),
        issuer="UBND tỉnh Sóc Trăng",
        subject="V/v tăng cường giải pháp nâng cao Chỉ số cải cách hành chính",
        tasks=tasks,
        by=cast.admin,
    )
    if closed:
        services.directive_close(directive=directive, by=cast.admin)
    return directive


def _assignment(directive: Directive, number: str, unit: Unit) -> TaskAssignment:
    return TaskAssignment.objects.get(task__directive=directive, task__number=number, unit=unit)


def test_a_group_expands_to_its_active_units_remembering_the_group(cast: Cast) -> None:
    gone = Unit.objects.create(
        code="gone",
        name="Sở đã giải thể",
        group=cast.departments,
        dissolved_on=datetime.date(2020, 1, 1),
    )
    directive = _directive(cast, groups=True)
    given = TaskAssignment.objects.filter(task__directive=directive, task__number="1.b")
    assert {a.unit_id for a in given} == {cast.unit_a.pk, cast.unit_b.pk, cast.home_unit.pk}
    assert gone.pk not in {a.unit_id for a in given}
    via = {a.unit_id: a.via_group_id for a in given}
    # Named by itself too: not through the group.
    assert via == {
        cast.unit_a.pk: None,
        cast.unit_b.pk: cast.departments.pk,
        cast.home_unit.pk: cast.departments.pk,
    }
    task = directive.tasks.get(number="1.b")
    assert (task.due_on, task.deadline_text) == (datetime.date(2021, 12, 31), "năm 2021")


def test_only_the_administrator_creates_and_closes(cast: Cast) -> None:
    for user in (cast.chair, cast.viewer, cast.head_a, cast.appraiser):
        with pytest.raises(Forbidden):
            services.directive_create(
                number="1",
                issued_on=datetime.date(2021, 1, 1),
                issuer="x",
                subject="y",
                tasks=[TaskInput(number="1", text="t", deadline="năm 2021", units=[cast.unit_a])],
                by=user,
            )
    directive = _directive(cast)
    with pytest.raises(Forbidden):
        services.directive_close(directive=directive, by=cast.chair)
    services.directive_close(directive=directive, by=cast.admin)
    with pytest.raises(Refused):
        services.directive_close(directive=directive, by=cast.admin)


def test_a_task_given_to_nobody_or_a_bad_deadline_creates_nothing(cast: Cast) -> None:
    for tasks in (
        [TaskInput(number="1", text="t", deadline="năm 2021")],
        [TaskInput(number="1", text="t", deadline="quý V/2021", units=[cast.unit_a])],
        [],
        [
            TaskInput(number=str(i), text="t", deadline="năm 2021", units=[cast.unit_a])
            for i in range(services.MAX_TASKS + 1)
        ],
    ):
        with pytest.raises(Refused):
            services.directive_create(
                number="1",
                issued_on=datetime.date(2021, 1, 1),
                issuer="x",
                subject="y",
                tasks=tasks,
                by=cast.admin,
            )
    assert not Directive.objects.exists()


def test_a_unit_reports_on_its_own_task_and_updates_it_until_closed(cast: Cast) -> None:
    directive = _directive(cast)
    mine = _assignment(directive, "1.a", cast.unit_a)
    services.task_report(
        assignment=mine, status=S.IN_PROGRESS, text="Đang rà soát", by=cast.scorer_a
    )
    services.task_report(
        assignment=mine,
        status=S.DONE,
        text="Đã khắc phục",
        link="https://example.org/bc",
        uploads=[SimpleUploadedFile("bao-cao.pdf", PDF)],
        by=cast.head_a,
    )
    mine.refresh_from_db()
    assert (mine.status, mine.text, mine.reported_by) == (S.DONE, "Đã khắc phục", cast.head_a)
    assert [f.name for f in mine.evidence.all()] == ["bao-cao.pdf"]
    assert mine.evidence.get().unit_id == cast.unit_a.pk
    # Back to in progress is allowed while open; never back to “not reported”.
    services.task_report(assignment=mine, status=S.IN_PROGRESS, text="Bổ sung", by=cast.head_a)
    with pytest.raises(Refused):
        services.task_report(assignment=mine, status=S.NOT_REPORTED, text="", by=cast.head_a)
    with pytest.raises(Refused):
        services.task_report(assignment=mine, status="bogus", text="", by=cast.head_a)
    services.directive_close(directive=directive, by=cast.admin)
    with pytest.raises(Refused):
        services.task_report(assignment=mine, status=S.DONE, text="Muộn", by=cast.head_a)
    mine.refresh_from_db()
    assert (mine.status, mine.text) == (S.IN_PROGRESS, "Bổ sung")


def test_could_not_be_done_needs_a_reason(cast: Cast) -> None:
    mine = _assignment(_directive(cast), "1.a", cast.unit_a)
    with pytest.raises(Refused):
        services.task_report(assignment=mine, status=S.NOT_POSSIBLE, text="", by=cast.head_a)
    services.task_report(
        assignment=mine, status=S.NOT_POSSIBLE, text="", reason="Thiếu kinh phí", by=cast.head_a
    )
    mine.refresh_from_db()
    assert mine.reason == "Thiếu kinh phí"


def test_nobody_reports_for_another_unit_not_even_the_administrator(cast: Cast) -> None:
    theirs = _assignment(_directive(cast), "1.a", cast.unit_b)
    for user in (cast.scorer_a, cast.head_a, cast.admin, cast.chair, cast.viewer, cast.appraiser):
        with pytest.raises(Forbidden):
            services.task_report(assignment=theirs, status=S.DONE, text="x", by=user)
    services.task_report(assignment=theirs, status=S.DONE, text="x", by=cast.scorer_b)


def test_a_file_that_is_not_evidence_is_refused(cast: Cast) -> None:
    mine = _assignment(_directive(cast), "1.a", cast.unit_a)
    with pytest.raises(Refused):
        services.task_report(
            assignment=mine,
            status=S.DONE,
            text="x",
            uploads=[SimpleUploadedFile("a.pdf", b"<html>not a pdf</html>")],
            by=cast.head_a,
        )
    mine.refresh_from_db()
    assert mine.status == S.NOT_REPORTED


def test_completion_per_task_and_per_unit_against_hand_counts(cast: Cast) -> None:
    directive = _directive(cast, groups=True)
    # 1.a: A done, B in progress; 2.a: A done; 1.b: A, B, home: B done.
    services.task_report(
        assignment=_assignment(directive, "1.a", cast.unit_a),
        status=S.DONE,
        text="",
        by=cast.head_a,
    )
    services.task_report(
        assignment=_assignment(directive, "1.a", cast.unit_b),
        status=S.IN_PROGRESS,
        text="",
        by=cast.head_b,
    )
    services.task_report(
        assignment=_assignment(directive, "2.a", cast.unit_a),
        status=S.DONE,
        text="",
        by=cast.head_a,
    )
    services.task_report(
        assignment=_assignment(directive, "1.b", cast.unit_b),
        status=S.DONE,
        text="",
        by=cast.head_b,
    )
    # 15/11/2021: 2.a (31/10) is past due, the others (31/12) are not.
    progress = services.directive_progress(directive, datetime.date(2021, 11, 15))
    by_task = {
        row.task.number: (row.done, row.assigned, row.reported, row.overdue)
        for row in progress.tasks
    }
    assert by_task == {"1.a": (1, 2, 2, 0), "2.a": (1, 1, 1, 0), "1.b": (1, 3, 1, 0)}
    by_unit = {row.unit.code: (row.done, row.assigned, row.overdue) for row in progress.units}
    assert by_unit == {"so-tu-phap": (2, 3, 0), "so-y-te": (1, 2, 0), "so-noi-vu": (0, 1, 0)}
    assert (progress.done, progress.assigned) == (3, 6)
    # 2/1/2022: every task past due; those not done are overdue.
    late = services.directive_progress(directive, datetime.date(2022, 1, 2))
    assert {row.task.number: row.overdue for row in late.tasks} == {"1.a": 1, "2.a": 0, "1.b": 2}
    assert {row.unit.code: row.overdue for row in late.units} == {
        "so-tu-phap": 1,
        "so-y-te": 1,
        "so-noi-vu": 1,
    }
    matrix = dict(progress.matrix())
    assert [c.status if c else None for c in matrix[cast.home_unit]] == [None, None, S.NOT_REPORTED]


def test_the_excel_export_reopened_holds_the_matrix_and_the_counts(cast: Cast) -> None:
    directive = _directive(cast)
    services.task_report(
        assignment=_assignment(directive, "1.a", cast.unit_a),
        status=S.DONE,
        text="",
        by=cast.head_a,
    )
    response = cast.client(cast.chair).get(reverse("followup:directive_xlsx", args=[directive.pk]))
    assert response.status_code == 200
    book = openpyxl.load_workbook(io.BytesIO(response.content))
    rows = list(book["Tiến độ"].iter_rows(values_only=True))
    assert rows[1] == (
        "Cơ quan, đơn vị",
        "Nhiệm vụ 1.a",
        "Nhiệm vụ 2.a",
        "Đã hoàn thành",
        "Được giao",
        "Quá hạn",
    )
    body = {row[0]: row[1:] for row in rows[2:]}
    today_late = datetime.date.today() > datetime.date(2021, 12, 31)
    assert body["Sở Tư pháp"] == ("Đã hoàn thành", "Chưa báo cáo", 1, 2, 1 if today_late else 0)
    assert body["Sở Y tế"] == ("Chưa báo cáo", None, 0, 1, 1 if today_late else 0)
    tasks = list(book["Theo nhiệm vụ"].iter_rows(values_only=True))
    assert tasks[1][0] == "1.a" and tasks[1][2] == "quý IV/2021" and tasks[1][3:6] == (2, 1, 1)
    assert tasks[2][2] == "31/10/2021"


def test_a_formula_like_subject_stays_text_in_excel(cast: Cast) -> None:
    directive = services.directive_create(
        number="=1+1",
        issued_on=datetime.date(2021, 1, 1),
        issuer="x",
        subject="=HYPERLINK(1)",
        tasks=[TaskInput(number="=2", text="=cmd", deadline="năm 2021", units=[cast.unit_a])],
        by=cast.admin,
    )
    content = services.directive_workbook(
        services.directive_progress(directive, datetime.date(2021, 1, 1)), datetime.date(2021, 1, 1)
    )
    book = openpyxl.load_workbook(io.BytesIO(content))
    tasks = list(book["Theo nhiệm vụ"].iter_rows(values_only=True))
    assert tasks[1][:2] == ("=2", "=cmd")
    assert book["Theo nhiệm vụ"]["A2"].data_type == "s"


# Pages ------------------------------------------------------------------------------


def test_a_unit_sees_only_its_own_tasks_and_another_units_task_is_a_logged_404(cast: Cast) -> None:
    directive = _directive(cast)
    theirs = _assignment(directive, "1.a", cast.unit_b)
    client = cast.client(cast.head_a)
    page = client.get(reverse("followup:unit_tasks", args=[cast.unit_a.code]))
    assert page.status_code == 200
    assert page.content.decode().count('class="card" id="a') == 2
    assert client.get(reverse("followup:unit_tasks", args=[cast.unit_b.code])).status_code == 404
    response = client.post(
        reverse("followup:task_report", args=[theirs.pk]), {f"a{theirs.pk}-status": S.DONE}
    )
    assert response.status_code == 404
    theirs.refresh_from_db()
    assert theirs.status == S.NOT_REPORTED
    assert SecurityEvent.objects.filter(
        kind=SecurityEvent.Kind.REFUSED, detail__contains=str(theirs.pk)
    ).exists()
    assert client.get(reverse("followup:directive_detail", args=[directive.pk])).status_code == 403
    assert client.get(reverse("followup:my_tasks")).url == reverse(
        "followup:unit_tasks", args=[cast.unit_a.code]
    )


def test_a_unit_reports_through_its_page(cast: Cast) -> None:
    directive = _directive(cast)
    mine = _assignment(directive, "2.a", cast.unit_a)
    response = cast.client(cast.scorer_a).post(
        reverse("followup:task_report", args=[mine.pk]),
        {
            f"a{mine.pk}-status": S.DONE,
            f"a{mine.pk}-text": "Đã đôn đốc",
            f"a{mine.pk}-evidence_files": [SimpleUploadedFile("kq.pdf", PDF)],
        },
    )
    assert response.status_code == 302
    mine.refresh_from_db()
    assert (mine.status, mine.text) == (S.DONE, "Đã đôn đốc")
    file = mine.evidence.get()
    url = reverse("followup:report_file", args=[mine.pk, file.pk])
    assert cast.client(cast.head_a).get(url).status_code == 200
    assert cast.client(cast.viewer).get(url).status_code == 200
    assert cast.client(cast.head_b).get(url).status_code == 404
    assert cast.client(cast.appraiser).get(url).status_code == 403


def test_closing_asks_first_and_says_to_whom(cast: Cast) -> None:
    directive = _directive(cast)
    client = cast.client(cast.admin)
    url = reverse("followup:directive_close", args=[directive.pk])
    page = client.get(url)
    assert page.status_code == 200
    text = page.content.decode()
    assert "Sở Tư pháp" in text and "Sở Y tế" in text
    client.post(url, {})  # not confirmed: nothing happens
    directive.refresh_from_db()
    assert directive.closed_at is None
    client.post(url, {"confirmed": "on"})
    directive.refresh_from_db()
    assert directive.closed_at is not None


def test_the_administrator_creates_a_directive_with_rows_of_tasks(cast: Cast) -> None:
    client = cast.client(cast.admin)
    data = {
        "number": "2530/UBND-NC",
        "issued_on": "2021-09-24",
        "issuer": "UBND tỉnh Sóc Trăng",
        "subject": "V/v tăng cường",
        "link": "",
        "tasks-TOTAL_FORMS": "3",
        "tasks-INITIAL_FORMS": "0",
        "tasks-0-number": "1.a",
        "tasks-0-text": "Rà soát",
        "tasks-0-deadline": "quý IV/2021",
        "tasks-0-groups": [str(cast.districts.pk)],
        "tasks-1-number": "3.a",
        "tasks-1-text": "Tham mưu",
        "tasks-1-deadline": "15/12/2021",
        "tasks-1-units": [str(cast.unit_a.pk), str(cast.unit_b.pk)],
    }
    bad = client.post(reverse("followup:directive_new"), {**data, "tasks-1-deadline": "sớm"})
    assert bad.status_code == 200 and not Directive.objects.exists()
    response = client.post(reverse("followup:directive_new"), data)
    directive = Directive.objects.get()
    assert response.url == directive.get_absolute_url()
    assert [(t.number, t.due_on, t.deadline_text) for t in directive.tasks.all()] == [
        ("1.a", datetime.date(2021, 12, 31), "quý IV/2021"),
        ("3.a", datetime.date(2021, 12, 15), ""),
    ]
    assert TaskAssignment.objects.filter(task__directive=directive).count() == 3


def test_list_pages_cost_a_fixed_number_of_queries(
    cast: Cast, django_assert_max_num_queries
) -> None:  # type: ignore[no-untyped-def]
    for _i in range(3):
        directive = _directive(cast, groups=True)
        for number in ("1.a", "2.a", "1.b"):
            services.task_report(
                assignment=_assignment(directive, number, cast.unit_a),
                status=S.DONE,
                text="",
                by=cast.head_a,
            )
    admin, head = cast.client(cast.admin), cast.client(cast.head_a)
    counts = {}
    for name, client, url in [
        ("list", admin, reverse("followup:directive_list")),
        ("unit", head, reverse("followup:unit_tasks", args=[cast.unit_a.code])),
        ("detail", admin, reverse("followup:directive_detail", args=[directive.pk])),
    ]:
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        with CaptureQueriesContext(connection) as captured:
            assert client.get(url).status_code == 200
        counts[name] = len(captured)
    # Three more directives do not add a query.
    for _i in range(3):
        directive2 = _directive(cast, groups=True)
    for name, client, url in [
        ("list", admin, reverse("followup:directive_list")),
        ("unit", head, reverse("followup:unit_tasks", args=[cast.unit_a.code])),
        ("detail", admin, reverse("followup:directive_detail", args=[directive2.pk])),
    ]:
        with django_assert_max_num_queries(counts[name]):
            assert client.get(url).status_code == 200
    assert counts["list"] <= 8 and counts["unit"] <= 10 and counts["detail"] <= 10


def test_the_administrator_corrects_a_task_and_its_units_and_reports_stay(cast: Cast) -> None:
    directive = _directive(cast)
    assignment = _assignment(directive, "1.a", cast.unit_a)
    services.task_report(
        assignment=assignment, status=TaskAssignment.Status.DONE, text="Đã rà soát",
        reason="", link="", uploads=[], by=cast.scorer_a,
    )  # fmt: skip
    task = assignment.task
    url = reverse("followup:directive_task_edit", args=[directive.pk, task.pk])
    admin = cast.client(cast.admin)
    page = admin.get(url).content.decode()
    assert "Rà soát, khắc phục tồn tại" in page and "quý IV/2021" in page
    answer = admin.post(
        url,
        {"number": "1.a", "text": "Rà soát, khắc phục tồn tại, hạn chế", "deadline": "quý I/2022"},
    )
    assert answer.status_code == 302
    task.refresh_from_db()
    assert task.text == "Rà soát, khắc phục tồn tại, hạn chế"
    assert (task.due_on, task.deadline_text) == (datetime.date(2022, 3, 31), "quý I/2022")
    assignment.refresh_from_db()
    assert assignment.status == TaskAssignment.Status.DONE and assignment.text == "Đã rà soát"
    assert task.assignments.count() == 2
    # a bad deadline is said in Vietnamese and changes nothing
    bad = admin.post(url, {"number": "1.a", "text": "x", "deadline": "quý V/2022"})
    assert bad.status_code == 200 and "quý" in bad.content.decode()
    task.refresh_from_db()
    assert task.text == "Rà soát, khắc phục tồn tại, hạn chế"
    # another directive's task through this directive's address: a logged 404
    other = _directive(cast).tasks.first()
    assert other is not None
    events = SecurityEvent.objects.count()
    wrong = reverse("followup:directive_task_edit", args=[directive.pk, other.pk])
    assert admin.get(wrong).status_code == 404
    assert SecurityEvent.objects.count() == events + 1


def test_a_closed_directive_s_tasks_are_not_corrected(cast: Cast) -> None:
    directive = _directive(cast, closed=True)
    task = directive.tasks.first()
    assert task is not None
    with pytest.raises(Refused):
        services.task_update(task=task, number="1", text="x", deadline="năm 2022", by=cast.admin)
    with pytest.raises(Forbidden):
        services.task_update(task=task, number="1", text="x", deadline="năm 2022", by=cast.scorer_a)
