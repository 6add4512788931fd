"""The weaknesses' and remediation tasks' pages: the province's board, a unit's weaknesses
and tasks, a task with its steps. Every page checks who asks, on the server."""

from __future__ import annotations

from collections import defaultdict

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Count, Q
from django.http import HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from parindex.assessments import evidence as evidence_types
from parindex.frameworks.models import Criterion
from parindex.org.access import current_user, get_unit_for_user, refuse, role_required
from parindex.org.errors import Refused
from parindex.org.models import OVERSIGHT_ROLES, UNIT_ROLES, Role, Unit

from . import services
from .forms import InspectionForm, StepForm, TaskForm
from .models import Finding, RemediationTask, Status, TaskEvent, Weakness

FOLLOWERS = (*OVERSIGHT_ROLES, *UNIT_ROLES)


@require_GET
@role_required(*FOLLOWERS)
def board(request: HttpRequest) -> HttpResponse:
    """The province's board: each unit's tasks by status, overdue ones apart, and the
    weaknesses of the latest year by field. A unit's people go to their own page."""
    user = current_user(request)
    if not user.sees_all_units:
        unit = Unit.objects.filter(pk=user.unit_id or 0).first()
        if unit is None:
            refuse(request, "no unit to follow up", hide=True)
        assert unit is not None
        return redirect("followup:unit", code=unit.code)
    today = timezone.localdate()
    open_statuses = [Status.OPEN, Status.IN_PROGRESS]
    units = (
        Unit.objects.filter(remediation_tasks__isnull=False)
        .annotate(
            open=Count("remediation_tasks", filter=Q(remediation_tasks__status__in=open_statuses)),
            overdue=Count(
                "remediation_tasks",
                filter=Q(
                    remediation_tasks__status__in=open_statuses,
                    remediation_tasks__due_on__lt=today,
                ),
            ),
            reported=Count(
                "remediation_tasks", filter=Q(remediation_tasks__status=Status.REPORTED)
            ),
            verified=Count(
                "remediation_tasks", filter=Q(remediation_tasks__status=Status.VERIFIED)
            ),
        )
        .select_related("group")
        .order_by("group__position", "position")
    )
    latest = Weakness.objects.order_by("-year").values_list("year", flat=True).first()
    by_field = (
        Weakness.objects.filter(year=latest, withdrawn=False)
        .values("field_code")
        .annotate(
            units=Count("unit", distinct=True),
            weaknesses=Count("pk"),
            recurring=Count("pk", filter=Q(recurring=True)),
            planned=Count("tasks", distinct=True),
        )
        .order_by("field_code")
        if latest
        else []
    )
    titles = field_titles(latest) if latest else {}
    totals = RemediationTask.objects.aggregate(
        open=Count("pk", filter=Q(status__in=open_statuses)),
        overdue=Count("pk", filter=Q(status__in=open_statuses, due_on__lt=today)),
        reported=Count("pk", filter=Q(status=Status.REPORTED)),
        verified=Count("pk", filter=Q(status=Status.VERIFIED)),
    )
    return render(
        request,
        "followup/board.html",
        {
            "units": units,
            "by_field": [
                {**row, "title": titles.get(row["field_code"], "")}
                for row in sorted(by_field, key=lambda row: _order(row["field_code"]))
            ],
            "latest": latest,
            "totals": totals,
            "all_units": Unit.objects.active().order_by("group__position", "position")
            if user.is_admin
            else [],
        },
    )


@require_http_methods(["GET", "POST"])
@role_required(*FOLLOWERS)
def unit(request: HttpRequest, code: str) -> HttpResponse:
    """A unit's weaknesses, year by year and field by field, and its tasks; the unit (and
    the administrator) plans a task from a weakness or a finding here."""
    found = get_unit_for_user(request, code)
    user = current_user(request)
    may_plan = services.may_act_for(user, found.pk)
    form = TaskForm()
    if request.method == "POST":
        if not may_plan:
            refuse(request, f"tasks of {code} not theirs to plan")
        form = TaskForm(request.POST)
        if form.is_valid():
            weakness, finding = _source(request.POST.get("source", "")[:40], found)
            try:
                task = services.task_create(
                    unit=found,
                    title=form.cleaned_data["title"],
                    division=form.cleaned_data["division"],
                    due_on=form.cleaned_data["due_on"],
                    weakness=weakness,
                    finding=finding,
                    by=user,
                )
            except Refused as refused:
                form.add_error(None, refused.message)
            else:
                messages.success(request, _("The task is planned."))
                return redirect("followup:task", pk=task.pk)
    weaknesses = list(
        Weakness.objects.filter(unit=found).order_by("-year", "field_code", "criterion_code")
    )
    tasks = list(RemediationTask.objects.filter(unit=found).select_related("weakness", "finding"))
    tasks_of: dict[int, list[RemediationTask]] = defaultdict(list)
    for task in tasks:
        if task.weakness_id:
            tasks_of[task.weakness_id].append(task)
    years: dict[int, dict[str, list[tuple[Weakness, list[RemediationTask]]]]] = {}
    weaknesses.sort(key=lambda w: (-w.year, _order(w.field_code), _order(w.criterion_code)))
    for weakness in weaknesses:
        years.setdefault(weakness.year, {}).setdefault(weakness.field_code, []).append(
            (weakness, tasks_of.get(weakness.pk, []))
        )
    titles = {year: field_titles(year) for year in years}
    shown = {
        year: [(code, titles[year].get(code, ""), rows) for code, rows in fields.items()]
        for year, fields in years.items()
    }
    findings = list(Finding.objects.filter(inspection__unit=found).select_related("inspection"))
    today = timezone.localdate()
    return render(
        request,
        "followup/unit.html",
        {
            "unit": found,
            "years": shown,
            "tasks": tasks,
            "overdue": [t for t in tasks if t.is_overdue(today)],
            "findings": findings,
            "form": form,
            "may_plan": may_plan,
            "is_admin": user.is_admin,
            "inspection_form": InspectionForm() if user.is_admin else None,
            "today": today,
            "preselect": request.POST.get("source") or request.GET.get("from", ""),
        },
    )


def _source(value: str, unit: Unit) -> tuple[Weakness | None, Finding | None]:
    """ "w12" or "f3": the weakness or finding of this unit the task comes from."""
    kind, _sep, number = value.partition(":")
    if not number.isdigit() or len(number) > 12:
        return None, None
    if kind == "w":
        return Weakness.objects.filter(pk=int(number), unit=unit).first(), None
    if kind == "f":
        return None, Finding.objects.filter(pk=int(number), inspection__unit=unit).first()
    return None, None


@require_http_methods(["POST"])
@role_required(Role.ADMIN)
def inspection(request: HttpRequest, code: str) -> HttpResponse:
    found = get_unit_for_user(request, code)
    form = InspectionForm(request.POST)
    if form.is_valid():
        try:
            services.inspection_record(
                unit=found,
                held_on=form.cleaned_data["held_on"],
                title=form.cleaned_data["title"],
                findings=form.cleaned_data["findings"].splitlines(),
                by=current_user(request),
            )
        except Refused as refused:
            messages.error(request, refused.message)
        else:
            messages.success(request, _("The inspection and its findings are recorded."))
    else:
        messages.error(request, _("Give the inspection, its date (dd/mm/yyyy) and its findings."))
    return redirect("followup:unit", code=found.code)


def _task_for(request: HttpRequest, pk: int) -> RemediationTask:
    user = current_user(request)
    task = (
        RemediationTask.objects.select_related("unit", "weakness", "finding__inspection")
        .filter(pk=pk)
        .first()
    )
    if task is None or not (user.sees_all_units or services.may_act_for(user, task.unit_id)):
        refuse(request, f"task {pk} not visible", hide=True)
    assert task is not None
    return task


@require_http_methods(["GET", "POST"])
@role_required(*FOLLOWERS)
def task(request: HttpRequest, pk: int) -> HttpResponse:
    found = _task_for(request, pk)
    user = current_user(request)
    form = StepForm(initial={"version": found.version})
    if request.method == "POST":
        form = StepForm(request.POST, request.FILES)
        if form.is_valid():
            try:
                services.task_transition(
                    task=found,
                    action=form.cleaned_data["action"],
                    by=user,
                    text=form.cleaned_data["text"],
                    files=form.cleaned_data["evidence"],
                    version=form.cleaned_data["version"],
                )
            except Refused as refused:
                form.add_error(None, refused.message)
            else:
                messages.success(request, _("Done."))
                return redirect("followup:task", pk=found.pk)
    events = list(
        TaskEvent.objects.filter(task=found).select_related("by").prefetch_related("evidence")
    )
    side_unit = user.is_active and user.role in UNIT_ROLES and user.unit_id == found.unit_id
    steps = found.allowed(by_unit=True) if side_unit else found.allowed(by_unit=False)
    if not (side_unit or user.is_admin):
        steps = []
    return render(
        request,
        "followup/task.html",
        {
            "task": found,
            "events": events,
            "steps": steps,
            "form": form,
            "overdue": found.is_overdue(),
        },
    )


@require_GET
@login_required
def task_evidence(request: HttpRequest, pk: int, file: int) -> HttpResponseBase:
    """A file a task's report cites, to whoever may read the task."""
    found = _task_for(request, pk)
    cited = (
        TaskEvent.evidence.through.objects.filter(taskevent__task=found, evidencefile_id=file)
        .select_related("evidencefile")
        .first()
    )
    if cited is None:
        refuse(request, f"file {file} not cited by task {pk}", hide=True)
    assert cited is not None
    return evidence_types.file_response(cited.evidencefile)


def field_titles(year: int) -> dict[str, str]:
    """The fields' titles in the year's frameworks (the first group's where they differ)."""
    titles: dict[str, str] = {}
    for code, title in (
        Criterion.objects.filter(framework__year=year, depth=0)
        .order_by("framework__group__position", "position")
        .values_list("code", "title")
    ):
        titles.setdefault(code, title)
    return titles


def _order(code: str) -> tuple[int, ...]:
    return tuple(int(part) for part in code.split(".") if part.isdigit())
