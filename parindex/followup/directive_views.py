"""The directives' pages: the administrator's list and form, a directive's completion
(per task, per unit, units × tasks, as Excel), a unit's tasks with its report form."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from parindex.assessments import evidence as types
from parindex.org.access import current_user, get_unit_for_user, refuse, role_required
from parindex.org.errors import Refused
from parindex.org.models import OVERSIGHT_ROLES, UNIT_ROLES, Role

from . import directives as services
from .directive_forms import DirectiveForm, ReportForm, TaskEditForm, TaskFormSet
from .models import Directive, DirectiveTask, TaskAssignment

READERS = OVERSIGHT_ROLES
READERS_AND_UNITS = (*OVERSIGHT_ROLES, *UNIT_ROLES)


def _get_directive(request: HttpRequest, pk: int) -> Directive:
    directive = Directive.objects.filter(pk=pk).select_related("created_by", "closed_by").first()
    if directive is None:
        refuse(request, f"directive {pk} not found", hide=True)
    assert directive is not None
    return directive


def _get_assignment_for_user(request: HttpRequest, pk: int) -> TaskAssignment:
    """The assigned task if the user's unit is the one it was given to (or the user sees
    every unit); another unit's task is a logged 404."""
    user = current_user(request)
    assignments = TaskAssignment.objects.select_related("task__directive", "unit")
    if not services.sees_all(user):
        assignments = assignments.filter(unit_id=user.unit_id or 0)
    assignment = assignments.filter(pk=pk).first()
    if assignment is None:
        refuse(request, f"directive task {pk} not visible", hide=True)
    assert assignment is not None
    return assignment


@require_GET
@role_required(*READERS)
def directive_list(request: HttpRequest) -> HttpResponse:
    directives = list(Directive.objects.for_list())
    return render(
        request,
        "followup/directives/list.html",
        {"directives": directives, "may_manage": current_user(request).is_admin},
    )


@require_http_methods(["GET", "POST"])
@role_required(Role.ADMIN)
def directive_new(request: HttpRequest) -> HttpResponse:
    form = DirectiveForm(request.POST or None)
    tasks = TaskFormSet(request.POST or None, prefix="tasks")
    if request.method == "POST" and form.is_valid() and tasks.is_valid():
        given = [
            services.TaskInput(
                number=row["number"],
                text=row["text"],
                deadline=row["deadline"],
                units=list(row.get("units") or []),
                groups=list(row.get("groups") or []),
            )
            for row in tasks.cleaned_data
            if row
        ]
        try:
            directive = services.directive_create(
                number=form.cleaned_data["number"],
                issued_on=form.cleaned_data["issued_on"],
                issuer=form.cleaned_data["issuer"],
                subject=form.cleaned_data["subject"],
                link=form.cleaned_data["link"],
                tasks=given,
                by=current_user(request),
            )
        except Refused as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, _("The directive is recorded and its tasks assigned."))
            return redirect(directive)
    return render(request, "followup/directives/form.html", {"form": form, "tasks": tasks})


@require_http_methods(["GET", "POST"])
@role_required(Role.ADMIN)
def directive_edit(request: HttpRequest, pk: int) -> HttpResponse:
    directive = _get_directive(request, pk)
    form = DirectiveForm(request.POST or None, instance=directive)
    if request.method == "POST" and form.is_valid():
        try:
            services.directive_update(
                directive=directive,
                number=form.cleaned_data["number"],
                issued_on=form.cleaned_data["issued_on"],
                issuer=form.cleaned_data["issuer"],
                subject=form.cleaned_data["subject"],
                link=form.cleaned_data["link"],
                by=current_user(request),
            )
        except Refused as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, _("The directive is saved."))
            return redirect(directive)
    return render(request, "followup/directives/form.html", {"form": form, "directive": directive})


@require_http_methods(["GET", "POST"])
@role_required(Role.ADMIN)
def directive_task_edit(request: HttpRequest, pk: int, task: int) -> HttpResponse:
    """Correct one task's number, text or deadline (a typing error, a deadline moved)."""
    directive = _get_directive(request, pk)
    found = DirectiveTask.objects.filter(pk=task, directive=directive).first()
    if found is None:
        refuse(request, f"task {task} of directive {pk} not found", hide=True)
    assert found is not None
    initial = {
        "number": found.number,
        "text": found.text,
        "deadline": found.deadline_text or f"{found.due_on:%d/%m/%Y}",
    }
    form = TaskEditForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.task_update(
                task=found,
                number=form.cleaned_data["number"],
                text=form.cleaned_data["text"],
                deadline=form.cleaned_data["deadline"],
                by=current_user(request),
            )
        except Refused as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, _("The task is saved."))
            return redirect(reverse("followup:directive_detail", args=[pk]) + f"#task-{task}")
    return render(
        request,
        "followup/directives/task_form.html",
        {"form": form, "directive": directive, "task": found},
    )


@require_GET
@role_required(*READERS)
def directive_detail(request: HttpRequest, pk: int) -> HttpResponse:
    directive = _get_directive(request, pk)
    today = timezone.localdate()
    progress = services.directive_progress(directive, today)
    return render(
        request,
        "followup/directives/detail.html",
        {
            "directive": directive,
            "progress": progress,
            "matrix": progress.matrix(),
            "today": today,
            "may_manage": current_user(request).is_admin and not directive.is_closed,
        },
    )


@require_GET
@role_required(*READERS)
def directive_xlsx(request: HttpRequest, pk: int) -> HttpResponse:
    directive = _get_directive(request, pk)
    today = timezone.localdate()
    content = services.directive_workbook(services.directive_progress(directive, today), today)
    response = HttpResponse(content, content_type=types.CONTENT_TYPES[types.XLSX])
    response["Content-Disposition"] = f'attachment; filename="chi-dao-{directive.pk}.xlsx"'
    return response


@require_http_methods(["GET", "POST"])
@role_required(Role.ADMIN)
def directive_close(request: HttpRequest, pk: int) -> HttpResponse:
    """Asks first, saying what closing does and to whom; closes when confirmed."""
    directive = _get_directive(request, pk)
    if request.method == "POST" and request.POST.get("confirmed") == "on":
        try:
            services.directive_close(directive=directive, by=current_user(request))
        except Refused as error:
            messages.error(request, error.message)
        else:
            messages.success(request, _("The directive is closed."))
        return redirect(directive)
    progress = services.directive_progress(directive, timezone.localdate())
    pending = [row.unit for row in progress.units if row.done < row.assigned]
    return render(
        request,
        "followup/directives/close.html",
        {"directive": directive, "progress": progress, "pending": pending},
    )


@require_GET
@role_required(*UNIT_ROLES)
def my_tasks(request: HttpRequest) -> HttpResponse:
    unit = current_user(request).unit
    assert unit is not None  # a unit role always has its unit
    return redirect("followup:unit_tasks", unit.code)


@require_GET
@role_required(*READERS_AND_UNITS)
def unit_tasks(request: HttpRequest, code: str) -> HttpResponse:
    """“Nhiệm vụ được giao”: the unit's tasks across directives, each with its report."""
    unit = get_unit_for_user(request, code)
    user = current_user(request)
    assignments = services.unit_assignments(unit)
    today = timezone.localdate()
    rows = [
        {
            "assignment": assignment,
            "overdue": assignment.status != TaskAssignment.Status.DONE
            and assignment.task.is_overdue(today),
            "form": ReportForm(
                initial={
                    "status": assignment.status
                    if assignment.status != TaskAssignment.Status.NOT_REPORTED
                    else TaskAssignment.Status.IN_PROGRESS,
                    "text": assignment.text,
                    "reason": assignment.reason,
                    "link": assignment.link,
                },
                prefix=f"a{assignment.pk}",
            )
            if services.may_report(user, assignment) and not assignment.task.directive.is_closed
            else None,
        }
        for assignment in assignments
    ]
    return render(request, "followup/directives/unit.html", {"unit": unit, "rows": rows})


@require_POST
@role_required(*UNIT_ROLES)
def task_report(request: HttpRequest, pk: int) -> HttpResponse:
    assignment = _get_assignment_for_user(request, pk)
    form = ReportForm(request.POST, request.FILES, prefix=f"a{assignment.pk}")
    back = reverse("followup:unit_tasks", args=[assignment.unit.code]) + f"#a{assignment.pk}"
    if not form.is_valid():
        messages.error(request, " ".join(str(e) for errors in form.errors.values() for e in errors))
        return redirect(back)
    try:
        services.task_report(
            assignment=assignment,
            status=form.cleaned_data["status"],
            text=form.cleaned_data["text"],
            reason=form.cleaned_data["reason"],
            link=form.cleaned_data["link"],
            uploads=form.cleaned_data["evidence_files"],
            by=current_user(request),
        )
    except Refused as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("The report is saved."))
    return redirect(back)


@require_GET
@login_required
def report_file(request: HttpRequest, pk: int, file_pk: int) -> HttpResponseBase:
    """An evidence file of a report, to the unit and to those who see every unit."""
    if current_user(request).role not in READERS_AND_UNITS:
        refuse(request, f"role {current_user(request).role} reads no directive's file")
    assignment = _get_assignment_for_user(request, pk)
    file = assignment.evidence.filter(pk=file_pk).first()
    if file is None:
        refuse(request, f"evidence {file_pk} not in directive task {pk}", hide=True)
    assert file is not None
    return types.file_response(file)
