"""Every page as every role and as an anonymous visitor, at desktop and phone width, on
the demo province as `make demo` loads it (the pages of a whole cycle are walked by
test_browser_cycle.py).

Checks what a person would trip over — an error page, text running off a phone's
screen — and with `--screenshots` (make screenshots) keeps a PNG of each for review.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django.utils import timezone

from parindex.demo.province import DEMO_PASSWORD
from parindex.frameworks.models import Framework
from parindex.jobs.models import Job
from parindex.notify.models import Message
from parindex.notify.services import message_enqueue
from parindex.tests.browser import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

WIDTHS = {"desktop": (1280, 800), "phone": (390, 844)}
ACCOUNTS = {
    "admin": "admin",
    "scorer": "so-tu-phap.scorer",
    "head": "ubnd-huyen-my-xuyen.head",
    "appraiser": "so-noi-vu.appraiser",
    "chair": "chair",
    "viewer": "viewer",
    "anonymous": None,
}


def looked_at(
    page: Any,
    label: str,
    width: str,
    problems: list[str],
    screenshot_dir: Path | None,
    file_name: str,
    *,
    full_page: bool = True,
) -> None:
    """A page as a person sees it: no wider than the screen (recorded in `problems`), and
    with --screenshots its PNG as `file_name`."""
    overflow = page.evaluate(
        "document.documentElement.scrollWidth - document.documentElement.clientWidth"
    )
    if overflow > 1:
        problems.append(f"{label} at {width}: {overflow}px wider than the screen")
    if screenshot_dir is not None:
        page.screenshot(path=str(screenshot_dir / f"{file_name}-{width}.png"), full_page=full_page)


def visited(page: Any, url: str, label: str, problems: list[str]) -> bool:
    """Open the page; a status other than 200 is recorded in `problems`."""
    response = page.goto(url)
    if response is None or response.status != 200:
        problems.append(f"{label}: {response.status if response else 'none'}")
        return False
    return True


def looked_at_as_roles(
    browser: Any,
    live_server: Any,
    width: str,
    pages: dict[str, list[tuple[str, str]]],
    screenshot_dir: Path | None,
) -> list[str]:
    """Each role's pages (name, path), each logged in once — a role of ACCOUNTS, or a demo
    account's user name (its PNGs named after the part after the dot): the problems found."""
    problems: list[str] = []
    for role, visits in pages.items():
        w, h = WIDTHS[width]
        context = browser.new_context(viewport={"width": w, "height": h})
        page = context.new_page()
        log_in(page, live_server.url, ACCOUNTS.get(role) or role, DEMO_PASSWORD)
        label = role.rsplit(".", 1)[-1]
        for name, path in visits:
            if visited(page, live_server.url + path, f"{role} {path}", problems):
                looked_at(
                    page, f"{role} {path}", width, problems, screenshot_dir, f"{label}-{name}"
                )
        context.close()
    return problems


def prepare() -> None:
    """The demo as `make demo` loads it: 2023 published, 2024 open for self-assessment;
    a few messages in the outbox, one failed, for the administrator's pages."""
    call_command("load_demo", verbosity=0)
    for code in ("so-tu-phap", "so-y-te"):
        message_enqueue(
            event_key=f"screenshots:{code}",
            channel="email",
            recipient=f"{code}@demo.parindex.invalid",
            subject="Kết quả thẩm định lần 1 – Chỉ số CCHC năm 2024",
            body="Kính gửi Giám đốc,\n\nChỉ số tạm tính của đơn vị: 80,12%.",
        )
    Message.objects.filter(event_key="screenshots:so-y-te").update(
        status=Message.Status.FAILED, attempts=6, last_error="gateway answered 503"
    )
    # A computation running and one that failed, for the jobs' pages.
    Job.objects.create(
        task_path="parindex.results.tasks.results_compute_cycle",
        kind="Tính kết quả năm 2024",
        status=Job.Status.RUNNING,
        step="Chấm điểm các đơn vị",
        done=24,
        total=40,
        attempts=1,
        started_at=timezone.now(),
        heartbeat_at=timezone.now(),
    )
    Job.objects.create(
        task_path="parindex.results.tasks.results_compute_cycle",
        kind="Tính kết quả năm 2024",
        status=Job.Status.FAILED,
        attempts=3,
        error="Công việc dừng do một lỗi không lường trước (OperationalError).",
        started_at=timezone.now(),
        finished_at=timezone.now(),
    )


def pages_for(role: str) -> list[tuple[str, str]]:
    results = [
        ("results", "/results/"),
        ("results-2023", "/results/2023/"),
        ("results-2023-fields", "/results/2023/fields/"),
        ("results-2023-unit", "/results/2023/ubnd-huyen-my-xuyen/"),
    ]
    if role == "anonymous":
        return [("login", "/accounts/login/"), *results]
    framework = Framework.objects.get(group__code="so-nganh", year=2023)
    unit = {"scorer": "so-tu-phap", "head": "ubnd-huyen-my-xuyen"}.get(role, "so-tu-phap")
    pages = [
        ("home", "/"),
        ("units", "/units/"),
        ("unit", f"/units/{unit}/"),
        ("frameworks", "/frameworks/"),
        ("framework", framework.get_absolute_url()),
        *results,
        ("targets", "/results/targets/"),
        ("assessments", "/assessments/2024/"),
    ]
    if role in ("scorer", "head"):
        pages += [
            ("assessment", f"/assessments/2024/{unit}/"),
            ("assessment-field-1", f"/assessments/2024/{unit}/?field=1"),
            ("assessment-field-2", f"/assessments/2024/{unit}/?field=2"),
            ("assessment-field-3", f"/assessments/2024/{unit}/?field=3"),
            ("assessment-history", f"/assessments/2024/{unit}/history/"),
        ]
    if role in ("admin", "appraiser", "chair", "viewer"):
        pages.append(("assessment", "/assessments/2024/so-tu-phap/"))
        pages.append(("assessment-field-1", "/assessments/2024/so-tu-phap/?field=1"))
    if role in ("admin", "chair"):
        pages.append(("cycle", "/assessments/2024/manage/"))
    if role == "admin":
        pages += [
            ("import", "/frameworks/import/"),
            ("framework-copy", f"/frameworks/{framework.pk}/copy/?year=2025"),
            ("target-new", "/results/targets/new/"),
            ("national-new", "/results/national/new/"),
            ("manage", "/manage/"),
            ("contacts", "/manage/contacts/"),
            ("contact", "/manage/contacts/so-tu-phap/"),
            ("outbox", "/manage/outbox/"),
            ("security", "/manage/security/"),
            ("jobs", "/jobs/"),
            ("questionnaires", "/surveys/questionnaires/"),
            *(
                (f"job-{job.status}", f"/jobs/{job.pk}/")
                for job in Job.objects.filter(status__in=["running", "failed"])
            ),
        ]
    return pages


@pytest.mark.parametrize("width", list(WIDTHS))
def test_every_page_as_every_role(
    browser: Any, live_server: Any, width: str, screenshot_dir: Path | None
) -> None:
    prepare()
    problems = []
    for role, username in ACCOUNTS.items():
        w, h = WIDTHS[width]
        context = browser.new_context(viewport={"width": w, "height": h})
        page = context.new_page()
        if username is not None:
            log_in(page, live_server.url, username, DEMO_PASSWORD)
        for name, path in pages_for(role):
            if visited(page, live_server.url + path, f"{role} {path}", problems):
                looked_at(
                    page,
                    f"{role} {path}",
                    width,
                    problems,
                    screenshot_dir,
                    f"{role}-{name}",
                    full_page=name != "framework",
                )
        context.close()
    assert problems == []


def prepare_preliminary() -> None:
    """The demo with the 2024 results computed before everything is in: half the units
    appraised, survey results entered for a few, the rest missing."""
    from django.db.models import F

    from parindex.assessments.models import AssessmentItem, Cycle
    from parindex.org.models import User
    from parindex.results.services import results_compute
    from parindex.surveys.services import survey_results_import

    prepare()
    cycle = Cycle.objects.get(year=2024)
    units = list(cycle.assessments.order_by("unit__position").values_list("unit_id", flat=True))
    half = AssessmentItem.objects.filter(assessment__cycle=cycle, assessment__unit__in=units[::2])
    half.filter(self_inputs__isnull=False).update(appraised_inputs=F("self_inputs"))
    half.filter(self_inputs__isnull=True).update(appraised_inputs={})
    admin = User.objects.get(username="admin")
    table = "unit,source,percent,respondents\n" + "".join(
        f'{code},{source},"{percent}",{40 + n}\n'
        for n, code in enumerate(["so-tu-phap", "so-y-te", "so-noi-vu"])
        for source, percent in (("sipas", "88,5"), ("staff", "81,25"))
    )
    survey_results_import(
        year=2024,
        content=table.encode(),
        filename="khao-sat.csv",
        units=[a.unit for a in cycle.assessments.select_related("unit")],
        by=admin,
    )
    results_compute(cycle=cycle, by=admin)


@pytest.mark.parametrize("width", list(WIDTHS))
def test_the_preliminary_results_and_the_survey_page(
    browser: Any, live_server: Any, width: str, screenshot_dir: Path | None
) -> None:
    prepare_preliminary()
    w, h = WIDTHS[width]
    context = browser.new_context(viewport={"width": w, "height": h})
    page = context.new_page()
    log_in(page, live_server.url, "admin", DEMO_PASSWORD)
    problems = []
    for name, path in [
        ("results-2024-draft", "/results/2024/"),
        ("results-2024-fields", "/results/2024/fields/"),
        ("results-2024-unit", "/results/2024/so-tu-phap/"),
        ("results-2024-unit-unranked", "/results/2024/so-y-te/"),
        ("results-2024-unit-pending", "/results/2024/so-cong-thuong/"),
        ("results-2024-manage", "/results/2024/manage/"),
        ("surveys-2024", "/results/2024/surveys/"),
        ("surveys-2024-lacking", "/results/2024/surveys/?lacking=on"),
    ]:
        if visited(page, live_server.url + path, path, problems):
            looked_at(page, path, width, problems, screenshot_dir, f"admin-{name}")
    context.close()
    assert problems == []


@pytest.mark.parametrize("width", list(WIDTHS))
def test_the_questionnaire_pages(
    browser: Any, live_server: Any, width: str, screenshot_dir: Path | None, cast: Any
) -> None:
    """The survey questionnaires' pages (issue 11) with the demo's 2024 forms, a framework
    whose survey leaves read their indicators, and a copy into 2025: the list, a form, the
    import's preview of an XLSForm, the copy's preview, the crosswalk."""
    from parindex.conftest import DEMO_DATA, PASSWORD
    from parindex.frameworks.services import framework_import
    from parindex.frameworks.yamlio import tree_from_yaml
    from parindex.surveys.questionnaires import questionnaire_copy, questionnaire_import
    from parindex.surveys.tests.test_questionnaires_leaves import FRAMEWORK
    from parindex.surveys.tests.test_questionnaires_xlsform import SETTINGS, workbook

    framework_import(tree=tree_from_yaml(FRAMEWORK.replace("policies", "feedback")), by=None)
    forms = sorted((DEMO_DATA / "questionnaires").glob("*.yaml"))
    made = {path.stem: questionnaire_import(data=path.read_bytes(), by=None) for path in forms}
    sipas, staff = made["sipas-2024"], made["cbccvc-so-nganh-2024"]
    copy = questionnaire_copy(questionnaire=sipas, year=2025, by=None)
    upload = Path(screenshot_dir or "/tmp") / "kobo-phieu.xlsx"
    # The demo has the group “so-nganh” under its own name: the form names another.
    settings = [SETTINGS[0], [*SETTINGS[1][:5], "kobo-so", "Công chức sở (KoboToolbox)"]]
    upload.write_bytes(workbook(settings=settings))
    w, h = WIDTHS[width]
    context = browser.new_context(viewport={"width": w, "height": h})
    page = context.new_page()
    log_in(page, live_server.url, cast.admin.username, PASSWORD)
    problems = []
    for name, path in [
        ("questionnaires", "/surveys/questionnaires/"),
        ("questionnaire-sipas", f"/surveys/questionnaires/{sipas.pk}/"),
        ("questionnaire-staff", f"/surveys/questionnaires/{staff.pk}/"),
        ("questionnaire-copy", f"/surveys/questionnaires/{sipas.pk}/copy/?year=2026"),
        ("questionnaire-crosswalk", f"/surveys/questionnaires/{copy.pk}/crosswalk/"),
        ("questionnaire-import", "/surveys/questionnaires/import/"),
        ("questionnaire-import-preview", ""),
    ]:
        if path:
            response = page.goto(live_server.url + path)
            status = response.status if response else 0
        else:  # the preview of an upload, as the administrator sees it before saving
            page.set_input_files("#id_file", str(upload))
            with page.expect_navigation():
                page.click("button[type=submit].primary")
            status = 200 if page.locator("textarea[name=content]").count() else 400
        if status != 200:
            problems.append(f"{name}: {status}")
            continue
        looked_at(page, name, width, problems, screenshot_dir, f"admin-{name}")
    # The preview's confirmation stores what was shown, and leads to the new questionnaire.
    with page.expect_navigation():
        page.click("form.confirm-form button[type=submit].primary")
    if "kobo-so-2024" not in page.content():
        problems.append(f"the confirmed import did not lead to its questionnaire: {page.url}")
    context.close()
    assert problems == []


# Surveys: collecting responses -------------------------------------------------------


def prepare_survey() -> tuple[dict[str, str], bytes]:
    """The demo's SIPAS campaign: a department's public form, the post office's
    collector with a district, the posters; the department's poster."""
    from parindex.demo.surveys import SIPAS_CODE
    from parindex.surveys.models import CampaignUnit, CollectorAssignment
    from parindex.surveys.posters import poster_png
    from parindex.surveys.public import forget_entries, forget_forms

    prepare()
    forget_entries()
    forget_forms()
    entry = CampaignUnit.objects.select_related("campaign", "unit").get(
        campaign__code=SIPAS_CODE, unit__code="so-tu-phap"
    )
    collected = CollectorAssignment.objects.filter(campaign=entry.campaign).first()
    assert collected is not None
    pages = {
        "form": f"/s/{entry.link_code}/",
        "thanks": f"/s/{entry.link_code}/thanks/",
        "collect": "/surveys/collect/",
        "collect-unit": f"/surveys/collect/{SIPAS_CODE}/{collected.unit.code}/",
        "posters": f"/surveys/{SIPAS_CODE}/posters/",
    }
    return pages, poster_png(entry)


@pytest.mark.parametrize("width", list(WIDTHS))
def test_the_survey_pages(
    browser: Any, live_server: Any, width: str, screenshot_dir: Path | None
) -> None:
    """The public form and its thanks, a collector's pages, the posters' page (and, with
    --screenshots, a poster as the PNG the unit prints)."""
    pages, poster = prepare_survey()
    if screenshot_dir is not None:
        (screenshot_dir / "poster-a4.png").write_bytes(poster)
    w, h = WIDTHS[width]
    problems = []
    for who, names in (
        (None, ["form", "thanks"]),
        ("buu-dien.collector", ["collect", "collect-unit"]),
        ("admin", ["posters"]),
        ("so-tu-phap.scorer", ["posters"]),
    ):
        context = browser.new_context(viewport={"width": w, "height": h})
        page = context.new_page()
        if who is not None:
            log_in(page, live_server.url, who, DEMO_PASSWORD)
        role = (who or "anonymous").split(".")[-1]
        for name in names:
            if visited(page, live_server.url + pages[name], f"{who} {name}", problems):
                looked_at(
                    page, f"{who} {name}", width, problems, screenshot_dir, f"{role}-survey-{name}"
                )
        context.close()
    assert problems == []


# Survey campaigns (issue 11) ---------------------------------------------------------


def prepare_surveys() -> dict[str, str]:
    """The demo's two campaigns of 2024: SIPAS over every unit, answered unevenly (some
    units short of their target, a few responses flagged, some recorded by the post
    office's collector), and the staff survey part-way answered; both aggregated."""
    from parindex.demo.surveys import SIPAS_CODE, STAFF_CODE

    prepare()
    return {"sipas": SIPAS_CODE, "staff": STAFF_CODE, "unit": "so-tu-phap"}


SURVEY_ACCOUNTS = {
    "admin": "admin",
    "scorer": "so-tu-phap.scorer",
    "supervisor": "mttq.supervisor",
    "collector": "buu-dien.collector",
}


def survey_pages(role: str, codes: dict[str, str]) -> list[tuple[str, str]]:
    sipas, staff, unit = codes["sipas"], codes["staff"], codes["unit"]
    if role == "admin":
        return [
            ("surveys", "/surveys/"),
            ("survey-new", "/surveys/new/"),
            ("survey-dashboard", f"/surveys/{sipas}/"),
            ("survey-edit", f"/surveys/{sipas}/edit/"),
            ("survey-transactions", f"/surveys/{sipas}/transactions/"),
            ("survey-collectors", f"/surveys/{sipas}/collectors/"),
            ("survey-import", f"/surveys/{sipas}/responses/import/"),
            ("survey-flags", f"/surveys/{sipas}/flags/"),
            ("survey-unit-results", f"/surveys/{sipas}/{unit}/results/"),
            ("survey-staff-dashboard", f"/surveys/{staff}/"),
            ("survey-staff-respondents", f"/surveys/{staff}/respondents/"),
            ("survey-staff-unit-results", f"/surveys/{staff}/{unit}/results/"),
        ]
    if role == "scorer":
        return [("home", "/"), ("survey-unit-results", f"/surveys/{sipas}/so-tu-phap/results/")]
    if role == "supervisor":
        return [
            ("home", "/"),
            ("survey-progress", "/surveys/progress/"),
            ("survey-progress-campaign", f"/surveys/{sipas}/progress/"),
        ]
    return [("home", "/")]


@pytest.mark.parametrize("width", list(WIDTHS))
def test_the_survey_campaign_pages(
    browser: Any, live_server: Any, width: str, screenshot_dir: Path | None
) -> None:
    codes = prepare_surveys()
    problems = []
    for role, username in SURVEY_ACCOUNTS.items():
        w, h = WIDTHS[width]
        context = browser.new_context(viewport={"width": w, "height": h})
        page = context.new_page()
        log_in(page, live_server.url, username, DEMO_PASSWORD)
        for name, path in survey_pages(role, codes):
            if visited(page, live_server.url + path, f"{role} {path}", problems):
                looked_at(page, f"{role} {path}", width, problems, screenshot_dir, f"{role}-{name}")
        context.close()
    assert problems == []


def prepare_documents() -> None:
    """The demo with its 2024 cycle carried to publication, every kind of document
    written, then a correction published: the first report outdated, kept beside it."""
    from django.test import override_settings

    from parindex.assessments.models import Cycle
    from parindex.demo.completed import complete_cycle
    from parindex.documents.services import document_request
    from parindex.org.models import Unit, User
    from parindex.results.services import results_compute, results_publish

    prepare()
    cycle = Cycle.objects.get(year=2024)
    snapshot = complete_cycle(cycle)
    admin = User.objects.get(username="admin")
    immediate = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    with override_settings(TASKS=immediate):
        document_request(kind="report", year=2024, by=admin)
        results_publish(
            snapshot=results_compute(cycle=cycle, by=admin, reason="Kiến nghị của đơn vị"),
            decision="Quyết định điều chỉnh (dữ liệu tạo tự động)",
            decision_date=snapshot.decision_date,
            by=admin,
        )
        for kind in ("report", "workbook", "letters"):
            document_request(kind=kind, year=2024, by=admin)
        district = Unit.objects.get(code="ubnd-huyen-my-xuyen")
        head = User.objects.get(username="ubnd-huyen-my-xuyen.head")
        document_request(kind="letter", year=2024, by=head, unit=district)


@pytest.mark.parametrize("width", list(WIDTHS))
def test_the_documents_pages(
    browser: Any, live_server: Any, width: str, screenshot_dir: Path | None
) -> None:
    from parindex.documents.models import GeneratedDocument

    prepare_documents()
    report = GeneratedDocument.objects.filter(kind="report").order_by("-pk").first()
    assert report is not None and report.job is not None
    pages = {
        "admin": [
            ("documents-2024", "/documents/2024/"),
            ("documents-2024-texts", "/documents/2024/report-texts/"),
            ("documents-2023", "/documents/2023/"),
            ("documents-job", f"/jobs/{report.job.pk}/"),
        ],
        "chair": [("documents-2024", "/documents/2024/")],
        "viewer": [("documents-2024", "/documents/2024/")],
        "head": [("documents-2024", "/documents/2024/")],
    }
    assert looked_at_as_roles(browser, live_server, width, pages, screenshot_dir) == []


def prepare_followup() -> int:
    """The demo's 2024 carried to publication, its weaknesses recorded; an inspection of
    Sở Tài chính with the findings of its own letter (seed 000); tasks in every status,
    one overdue. Returns a task's id."""
    import datetime

    from parindex.assessments.models import Cycle
    from parindex.demo.completed import complete_cycle
    from parindex.followup.models import Weakness
    from parindex.followup.services import (
        inspection_record,
        task_create,
        task_transition,
        weaknesses_record,
    )
    from parindex.org.models import Unit, User

    prepare()
    weaknesses_record(snapshot=complete_cycle(Cycle.objects.get(year=2024)))
    admin = User.objects.get(username="admin")
    finance = Unit.objects.get(code="so-tai-chinh")
    inspection_record(
        unit=finance,
        held_on=datetime.date(2024, 9, 12),
        title="Kiểm tra CCHC năm 2024",
        findings=[
            "Ban hành Kế hoạch CCHC còn chậm so với thời gian quy định",
            "Chưa niêm yết công khai địa chỉ tiếp nhận phản ánh, kiến nghị",
        ],
        by=admin,
    )
    today = timezone.localdate()
    head = User.objects.get(username="so-tai-chinh.head")
    weaknesses = list(Weakness.objects.filter(unit=finance).order_by("field_code", "pk")[:4])
    tasks = [
        task_create(
            unit=finance,
            title=f"Khắc phục: {weakness.criterion_title[:80]}",
            division="Văn phòng Sở",
            due_on=today + datetime.timedelta(days=days),
            weakness=weakness,
            by=admin,
        )
        for weakness, days in zip(weaknesses, (-5, 20, 40, 60), strict=False)
    ]
    task_transition(task=tasks[1], action="start", by=head)
    task_transition(task=tasks[2], action="report", by=head, text="Đã ban hành văn bản.")
    task_transition(task=tasks[3], action="report", by=head, text="Đã thực hiện.")
    task_transition(task=tasks[3], action="verify", by=admin)
    district = Unit.objects.get(code="ubnd-huyen-my-xuyen")
    task_create(
        unit=district,
        title="Đăng tin tuyên truyền CCHC hằng tháng",
        due_on=today + datetime.timedelta(days=30),
        by=admin,
    )
    return tasks[2].pk


@pytest.mark.parametrize("width", list(WIDTHS))
def test_the_followup_pages(
    browser: Any, live_server: Any, width: str, screenshot_dir: Path | None
) -> None:
    task = prepare_followup()
    pages = {
        "admin": [
            ("followup", "/followup/"),
            ("followup-unit", "/followup/units/so-tai-chinh/"),
            ("followup-task", f"/followup/tasks/{task}/"),
        ],
        "chair": [("followup", "/followup/")],
        "head": [("followup-unit", "/followup/units/ubnd-huyen-my-xuyen/")],
    }
    assert looked_at_as_roles(browser, live_server, width, pages, screenshot_dir) == []


@pytest.mark.parametrize("width", list(WIDTHS))
def test_the_directives_pages(
    browser: Any, live_server: Any, width: str, screenshot_dir: Path | None
) -> None:
    from parindex.followup.models import Directive

    prepare()
    directive = Directive.objects.get(number="2530/UBND-NC")
    pages = {
        "admin": [
            ("directives", "/followup/directives/"),
            ("directive", f"/followup/directives/{directive.pk}/"),
            ("directive-close", f"/followup/directives/{directive.pk}/close/"),
            ("directive-new", "/followup/directives/new/"),
            (
                "directive-task-edit",
                f"/followup/directives/{directive.pk}/tasks/{directive.tasks.first().pk}/edit/",  # type: ignore[union-attr]
            ),
        ],
        "viewer": [("directive", f"/followup/directives/{directive.pk}/")],
        "head": [("directive-tasks", "/followup/directives/units/ubnd-huyen-my-xuyen/")],
        "scorer": [("directive-tasks", "/followup/directives/units/so-tu-phap/")],
    }
    assert looked_at_as_roles(browser, live_server, width, pages, screenshot_dir) == []


@pytest.mark.parametrize("width", list(WIDTHS))
def test_the_improvement_plans_pages(
    browser: Any, live_server: Any, width: str, screenshot_dir: Path | None
) -> None:
    prepare()
    unit = "/followup/plans/units/so-tai-chinh/"
    pages = {
        "admin": [
            ("plans", "/followup/plans/"),
            ("plan", unit),
            ("plan-2023", unit + "?year=2023"),
        ],
        "so-tai-chinh.head": [
            ("plan", unit),
            ("plan-edit", unit + "edit/"),
            ("plan-target-new", unit + "targets/new/"),
            ("plan-task-new", unit + "tasks/new/"),
        ],
    }
    assert looked_at_as_roles(browser, live_server, width, pages, screenshot_dir) == []


@pytest.mark.parametrize("width", list(WIDTHS))
def test_the_initiatives_pages(
    browser: Any, live_server: Any, width: str, screenshot_dir: Path | None
) -> None:
    """The register with the demo's 26 of 2023 and their later years, a decision waiting."""
    from parindex.followup.models import Initiative

    prepare()
    recognised = Initiative.objects.filter(status="recognised").order_by("pk").first()
    waiting = Initiative.objects.filter(status="submitted").order_by("pk").first()
    assert recognised is not None and waiting is not None
    pages = {
        "admin": [
            ("initiatives", "/followup/initiatives/"),
            ("initiative", f"/followup/initiatives/{recognised.pk}/"),
            ("initiative-waiting", f"/followup/initiatives/{waiting.pk}/"),
            ("initiative-decisions", f"/followup/initiatives/decisions/{waiting.year}/"),
        ],
        "chair": [("initiatives", "/followup/initiatives/")],
        "scorer": [("initiatives-mine", "/followup/initiatives/mine/")],
    }
    assert looked_at_as_roles(browser, live_server, width, pages, screenshot_dir) == []


def prepare_tokens() -> dict[str, int]:
    """The demo with API tokens: the scorer's, live, used, revoked and expired; another
    department's; the one-stop-shop system's integration account with its tokens, and a
    retired kiosk's account, deactivated. Returns the ids the pages need."""
    import datetime

    from parindex.api import tokens
    from parindex.api.models import ApiToken
    from parindex.org.models import User

    prepare()
    admin = User.objects.get(username="admin")
    scorer = User.objects.get(username="so-tu-phap.scorer")
    now = timezone.now()

    def issue(user: User, name: str, by: User, days: int = 90, **later: Any) -> ApiToken:
        token = tokens.token_issue(
            user=user, name=name, by=by, lifetime=datetime.timedelta(days=days)
        )[0]
        if later:
            ApiToken.objects.filter(pk=token.pk).update(**later)
        return token

    used = issue(
        scorer, "Bảng tính tổng hợp của Văn phòng Sở", scorer, 180,
        last_used_at=now - datetime.timedelta(hours=3), last_used_ip="10.20.30.41",
    )  # fmt: skip
    issue(scorer, "Kịch bản sao lưu hằng đêm", scorer, 30)
    old = issue(scorer, "Máy tính cũ", scorer, created_at=now - datetime.timedelta(days=75))
    tokens.token_revoke(token=old, by=admin)
    issue(
        scorer, "Thử nghiệm", scorer, 30,
        created_at=now - datetime.timedelta(days=32), expires_at=now - datetime.timedelta(days=2),
    )  # fmt: skip
    head = User.objects.get(username="so-y-te.head")
    issue(head, "Báo cáo tuần", head, 365, last_used_at=now, last_used_ip="10.20.31.7")
    one_stop = tokens.integration_create(name="Hệ thống một cửa điện tử tỉnh", by=admin)
    issue(
        one_stop, "Máy chủ một cửa – đồng bộ hằng đêm", admin, 365,
        last_used_at=now - datetime.timedelta(minutes=20), last_used_ip="172.16.4.12",
    )  # fmt: skip
    issue(one_stop, "Máy chủ dự phòng", admin, 90)
    kiosk = tokens.integration_create(name="Ki-ốt khảo sát tại Bộ phận một cửa", by=admin)
    issue(kiosk, "Ki-ốt tầng 1", admin, 30)
    tokens.integration_deactivate(user=kiosk, by=admin)
    return {"used": used.pk, "head": head.pk, "scorer": scorer.pk, "one_stop": one_stop.pk}


@pytest.mark.parametrize("width", list(WIDTHS))
def test_the_api_tokens_pages(
    browser: Any, live_server: Any, width: str, screenshot_dir: Path | None
) -> None:
    """A person's tokens, the revocations asked first, the administrator's list and the
    integration accounts; then, as a person does it, a token created and shown once, and
    the user's menu that leads there."""
    ids = prepare_tokens()
    one_stop = f"/manage/tokens/integrations/{ids['one_stop']}/"
    pages = {
        "scorer": [
            ("tokens", "/account/tokens/"),
            ("token-revoke", f"/account/tokens/{ids['used']}/revoke/"),
            ("tokens-revoke-all", "/account/tokens/revoke-all/"),
        ],
        "admin": [
            ("tokens-manage", "/manage/tokens/"),
            ("tokens-manage-revoke", f"/manage/tokens/{ids['used']}/revoke/"),
            ("tokens-manage-revoke-user", f"/manage/tokens/users/{ids['scorer']}/revoke/"),
            ("integrations", "/manage/tokens/integrations/"),
            ("integration", one_stop),
            ("integration-deactivate", one_stop + "deactivate/"),
        ],
        "viewer": [("tokens", "/account/tokens/")],
    }
    problems = looked_at_as_roles(browser, live_server, width, pages, screenshot_dir)
    w, h = WIDTHS[width]
    context = browser.new_context(viewport={"width": w, "height": h})
    page = context.new_page()
    log_in(page, live_server.url, "so-tu-phap.scorer", DEMO_PASSWORD)
    page.click(".usermenu summary")
    if not page.is_visible(".usermenu-panel a[href='/account/tokens/']"):
        problems.append("the user's menu does not show its link to the tokens")
    looked_at(
        page, "user menu", width, problems, screenshot_dir, "scorer-user-menu", full_page=False
    )
    page.goto(live_server.url + "/account/tokens/")
    page.fill("#id_name", "Bảng điều khiển của tỉnh")
    page.select_option("#id_lifetime", "30")
    with page.expect_navigation():
        page.click("#new button[type=submit].primary")
    text = page.input_value("#token-text")
    if not text.startswith("pi_"):
        problems.append(f"no token shown after creating one: {page.url}")
    looked_at(page, "token created", width, problems, screenshot_dir, "scorer-token-created")
    page.goto(live_server.url + "/account/tokens/")
    if text in page.content():
        problems.append("the token's text is shown a second time")
    context.close()
    assert problems == []


def prepare_fairness() -> None:
    """The demo with the 2024 appraisal done on the yes/no criteria of the departments:
    two appraisers in every field, one changing far more of the units' scores."""
    from parindex.assessments.models import AssessmentItem, AuditEntry, Cycle
    from parindex.org.models import Role, User

    prepare()
    cycle = Cycle.objects.get(year=2024)
    appraisers = list(User.objects.filter(role=Role.APPRAISER).order_by("username")[:2])
    items = list(
        AssessmentItem.objects.filter(
            assessment__cycle=cycle, criterion__rule_type="yes_no", self_inputs__isnull=False
        ).order_by("assessment__unit__position", "criterion__position")
    )
    entries = []
    for n, item in enumerate(items):
        strict = n % 2 == 0
        flipped = n % 3 == 0 if strict else n % 11 == 0
        item.appraised_inputs = (
            {"yes": not item.self_inputs.get("yes")} if flipped else item.self_inputs
        )
        entries.append(
            AuditEntry(
                cycle=cycle,
                assessment_id=item.assessment_id,
                item=item,
                kind=AuditEntry.Kind.APPRAISAL,
                new=item.appraised_inputs,
                by=appraisers[0 if strict else 1],
            )
        )
    AssessmentItem.objects.bulk_update(items, ["appraised_inputs"])
    AuditEntry.objects.bulk_create(entries)


@pytest.mark.parametrize("width", list(WIDTHS))
def test_the_fairness_page(
    browser: Any, live_server: Any, width: str, screenshot_dir: Path | None
) -> None:
    prepare_fairness()
    pages = {
        "admin": [("fairness-2024", "/results/2024/fairness/")],
        "chair": [
            ("fairness-2024", "/results/2024/fairness/"),
            ("cycle-2024", "/assessments/2024/manage/"),
        ],
    }
    assert looked_at_as_roles(browser, live_server, width, pages, screenshot_dir) == []


def prepare_criteria() -> None:
    """The demo with its 2024 cycle carried to publication: every unit answered and was
    appraised, so that every group has criteria where units lost points."""
    from parindex.assessments.models import Cycle
    from parindex.demo.completed import complete_cycle

    prepare()
    complete_cycle(Cycle.objects.get(year=2024))


@pytest.mark.parametrize("width", list(WIDTHS))
def test_the_criteria_page(
    browser: Any, live_server: Any, width: str, screenshot_dir: Path | None
) -> None:
    prepare_criteria()
    pages = {"viewer": [("criteria-2024", "/results/2024/criteria/")]}
    problems = looked_at_as_roles(browser, live_server, width, pages, screenshot_dir)
    # One group with every criterion's list of units open: long unit names in a narrow cell.
    w, h = WIDTHS[width]
    context = browser.new_context(viewport={"width": w, "height": h})
    page = context.new_page()
    log_in(page, live_server.url, "chair", DEMO_PASSWORD)
    path = "/results/2024/criteria/?group=huyen"
    if visited(page, live_server.url + path, path, problems):
        page.evaluate("document.querySelectorAll('details').forEach(d => { d.open = true; })")
        looked_at(page, path, width, problems, screenshot_dir, "chair-criteria-2024-districts")
    context.close()
    assert problems == []


def published_2024_open_to_appeals() -> Any:
    """The demo's 2024 results computed and marked published (as the administrator),
    the appeal window open from today for ten days: the 2024 cycle."""
    import datetime

    from parindex.assessments.models import Cycle
    from parindex.org.models import User
    from parindex.results import appeals
    from parindex.results.models import ResultSnapshot
    from parindex.results.services import results_compute

    cycle = Cycle.objects.get(year=2024)
    admin = User.objects.get(username="admin")
    snapshot = results_compute(cycle=cycle, by=admin)
    ResultSnapshot.objects.filter(pk=snapshot.pk).update(
        status=ResultSnapshot.Status.PUBLISHED, decision="25/QĐ-UBND", published_at=timezone.now()
    )
    today = timezone.localdate()
    appeals.appeal_window_set(
        cycle=cycle, opens_on=today, closes_on=today + datetime.timedelta(days=10), by=admin
    )
    return cycle


def prepare_appeals() -> tuple[int, int]:
    """The demo's 2024 results computed and marked published, the appeal window open, Mỹ
    Xuyên's appeal upheld on one criterion (a correction revision) and Sở Tư pháp's filed,
    awaiting the council: (Mỹ Xuyên's appeal, Sở Tư pháp's)."""
    from parindex.assessments.models import AssessmentItem
    from parindex.org.models import Unit, User
    from parindex.results import appeals
    from parindex.scoring.rules import Inputs

    prepare()
    cycle = published_2024_open_to_appeals()
    chair = User.objects.get(username="chair")
    filed = []
    for code in ("ubnd-huyen-my-xuyen", "so-tu-phap"):
        unit = Unit.objects.get(code=code)
        item = (
            AssessmentItem.objects.filter(
                assessment__cycle=cycle, assessment__unit=unit, criterion__rule_type="yes_no"
            )
            .select_related("criterion")
            .order_by("criterion__position")
            .first()
        )
        assert item is not None
        filed.append(
            appeals.appeal_file(
                cycle=cycle,
                unit=unit,
                lines=[
                    appeals.AppealLine(
                        item.criterion.code,
                        "Kế hoạch CCHC năm 2024 ban hành đúng hạn (số 12/KH-UBND ngày "
                        "05/01/2024), đã gửi kèm.",
                    )
                ],
                by=User.objects.get(username=f"{code}.head"),
            )
        )
    upheld = filed[0]
    appeals.appeal_criterion_decide(
        line=upheld.criteria.get(), upheld=True, inputs=Inputs(yes=True), by=chair,
        reason="Văn bản ban hành đúng hạn, đủ căn cứ.",
    )  # fmt: skip
    appeals.appeal_decide(appeal=upheld, by=chair)
    return upheld.pk, filed[1].pk


@pytest.mark.parametrize("width", list(WIDTHS))
def test_the_appeals_pages(
    browser: Any, live_server: Any, width: str, screenshot_dir: Path | None
) -> None:
    from parindex.results.models import Appeal

    decided, filed = prepare_appeals()
    line = Appeal.objects.get(pk=filed).criteria.get().pk
    pages = {
        "admin": [
            ("appeals", "/results/2024/appeals/"),
            ("appeal-window", "/results/2024/appeals/window/"),
            ("appeal-decided", f"/results/2024/appeals/{decided}/"),
        ],
        "chair": [
            ("appeal-line", f"/results/2024/appeals/{filed}/criteria/{line}/"),
            ("appeal-decide", f"/results/2024/appeals/{filed}/decide/"),
        ],
        "head": [
            ("appeals", "/results/2024/appeals/"),
            ("appeal", f"/results/2024/appeals/{decided}/"),
        ],
        "so-y-te.scorer": [("appeal-new", "/results/2024/appeals/new/")],
    }
    assert looked_at_as_roles(browser, live_server, width, pages, screenshot_dir) == []


def prepare_points() -> None:
    """`prepare_fairness`, the units past their appraisal, the 2024 results computed and
    marked published, the appeal window open: where each unit's points went."""
    from parindex.assessments.models import Assessment, State

    prepare_fairness()
    Assessment.objects.filter(cycle__year=2024).update(state=State.APPROVED)
    published_2024_open_to_appeals()


@pytest.mark.parametrize("width", list(WIDTHS))
def test_where_the_points_went(
    browser: Any, live_server: Any, width: str, screenshot_dir: Path | None
) -> None:
    prepare_points()
    points = "/results/2024/so-tu-phap/points/"
    pages = {
        "admin": [("points", points)],
        "viewer": [("points", points)],
        "head": [("points", "/results/2024/ubnd-huyen-my-xuyen/points/")],
    }
    problems = looked_at_as_roles(browser, live_server, width, pages, screenshot_dir)
    # The unit's scorer tries an answer: the what-if's answer comes in at the window's foot.
    w, h = WIDTHS[width]
    context = browser.new_context(viewport={"width": w, "height": h})
    page = context.new_page()
    log_in(page, live_server.url, ACCOUNTS["scorer"], DEMO_PASSWORD)
    if visited(page, live_server.url + points, "scorer points", problems):
        looked_at(page, "scorer points", width, problems, screenshot_dir, "scorer-points")
        field = page.locator("#what-if details").first
        field.locator("summary").click()
        field.locator("input[type=radio][value=yes]:not(:checked)").first.check()
        panel = page.locator("#what-if-result.what-if-panel")
        panel.wait_for()
        looked_at(
            page, "scorer what-if", width, problems, screenshot_dir, "scorer-what-if",
            full_page=False,
        )  # fmt: skip
    context.close()
    assert problems == []
