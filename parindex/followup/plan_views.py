"""The improvement plans' pages: the administrator's overview, a unit's plan with its
targets checked year by year and its divisions' tasks, and the unit's edit forms.

The oversight roles read every plan; a unit's scorer and head read and edit their own;
another unit's plan is a logged 404, and any other role a logged 403."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from parindex.assessments import evidence as types
from parindex.org.access import current_user, get_unit_for_user, refuse, role_required
from parindex.org.errors import Refused
from parindex.org.models import OVERSIGHT_ROLES, UNIT_ROLES, Unit

from . import plans as services
from .models import ImprovementPlan, PlanTarget, PlanTask
from .plan_forms import PlanForm, ProgressForm, TargetForm, TaskForm, YearForm

READERS = (*OVERSIGHT_ROLES, *UNIT_ROLES)


def _get_unit_to_edit(request: HttpRequest, code: str) -> Unit:
    """The user's own unit; another unit is a logged 404."""
    unit = get_unit_for_user(request, code)
    if not services.may_edit(current_user(request), unit):
        refuse(request, f"plan of {code} not editable", hide=True)
    return unit


def _get_plan_to_edit(request: HttpRequest, code: str) -> ImprovementPlan:
    unit = _get_unit_to_edit(request, code)
    plan = ImprovementPlan.objects.filter(unit=unit).select_related("unit").first()
    if plan is None:
        refuse(request, f"unit {code} has no plan", hide=True)
    assert plan is not None
    return plan


def _plan_url(unit: Unit, anchor: str = "") -> str:
    return reverse("followup:plan_unit", args=[unit.code]) + (f"#{anchor}" if anchor else "")


@require_GET
@role_required(*OVERSIGHT_ROLES)
def plan_overview(request: HttpRequest) -> HttpResponse:
    overview = services.plans_overview()
    return render(request, "followup/plans/overview.html", {"overview": overview})


@require_GET
@role_required(*UNIT_ROLES)
def plan_mine(request: HttpRequest) -> HttpResponse:
    unit = current_user(request).unit
    assert unit is not None  # a unit role always has its unit
    return redirect("followup:plan_unit", unit.code)


@require_GET
@role_required(*READERS)
def plan_unit(request: HttpRequest, code: str) -> HttpResponse:
    unit = get_unit_for_user(request, code)
    user = current_user(request)
    plan = ImprovementPlan.objects.filter(unit=unit).select_related("unit__group").first()
    context: dict[str, object] = {
        "unit": unit,
        "plan": plan,
        "may_edit": services.may_edit(user, unit),
    }
    if plan is not None:
        years = services.plan_years(plan, timezone.localdate())
        progress = services.plan_progress(plan, years)
        form = YearForm(request.GET or None)
        asked = form.cleaned_data.get("year") if form.is_valid() else None
        # The year shown: the one asked for, else the newest with results, else the newest.
        shown = next((p for p in progress if p.year == asked), None) or next(
            (p for p in progress if p.has_results), progress[0] if progress else None
        )
        context |= {
            "progress": progress,
            "shown": shown,
            "divisions": services.tasks_by_division(plan),
        }
        if context["may_edit"]:
            this_year = min(max(timezone.localdate().year, plan.first_year), plan.last_year)
            context["progress_forms"] = {
                task.pk: ProgressForm(prefix=f"t{task.pk}", initial={"year": this_year})
                for division in context["divisions"]  # type: ignore[attr-defined]
                for task in division.tasks
            }
    return render(request, "followup/plans/unit.html", context)


@require_GET
@role_required(*READERS)
def plan_xlsx(request: HttpRequest, code: str) -> HttpResponse:
    """The plan, its targets year by year and its tasks' progress, as a workbook."""
    unit = get_unit_for_user(request, code)
    plan = ImprovementPlan.objects.filter(unit=unit).select_related("unit").first()
    if plan is None:
        refuse(request, f"unit {code} has no plan", hide=True)
    assert plan is not None
    progress = services.plan_progress(plan, services.plan_years(plan, timezone.localdate()))
    content = services.plan_workbook(plan, progress, services.tasks_by_division(plan))
    response = HttpResponse(content, content_type=types.CONTENT_TYPES[types.XLSX])
    response["Content-Disposition"] = f'attachment; filename="ke-hoach-cai-thien-{unit.code}.xlsx"'
    return response


@require_http_methods(["GET", "POST"])
@role_required(*UNIT_ROLES)
def plan_edit(request: HttpRequest, code: str) -> HttpResponse:
    unit = _get_unit_to_edit(request, code)
    plan = ImprovementPlan.objects.filter(unit=unit).first()
    form = PlanForm(request.POST or None, instance=plan)
    if request.method == "POST" and form.is_valid():
        try:
            services.plan_save(
                unit=unit,
                title=form.cleaned_data["title"],
                decision_number=form.cleaned_data["decision_number"],
                decision_date=form.cleaned_data["decision_date"],
                first_year=form.cleaned_data["first_year"],
                last_year=form.cleaned_data["last_year"],
                by=current_user(request),
            )
        except Refused as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, _("The plan is saved."))
            return redirect(_plan_url(unit))
    return render(request, "followup/plans/form.html", {"unit": unit, "plan": plan, "form": form})


@require_http_methods(["GET", "POST"])
@role_required(*UNIT_ROLES)
def target_edit(request: HttpRequest, code: str, pk: int | None = None) -> HttpResponse:
    plan = _get_plan_to_edit(request, code)
    target = None
    initial: dict[str, object] = {"first_year": plan.first_year, "last_year": plan.last_year}
    if pk is not None:
        target = PlanTarget.objects.filter(plan=plan, pk=pk).first()
        if target is None:
            refuse(request, f"target {pk} not in the plan of {code}", hide=True)
        assert target is not None
        initial = {
            "kind": target.kind,
            "field_code": target.field_code,
            "value": target.value,
            "first_year": target.first_year,
            "last_year": target.last_year,
            "text": target.text,
        }
    form = TargetForm(request.POST or None, initial=initial, plan=plan)
    if request.method == "POST" and form.is_valid():
        try:
            services.target_save(
                plan=plan,
                target=target,
                kind=form.cleaned_data["kind"],
                field_code=form.cleaned_data["field_code"],
                value=form.cleaned_data["value"],
                first_year=form.cleaned_data["first_year"],
                last_year=form.cleaned_data["last_year"],
                text=form.cleaned_data["text"],
                by=current_user(request),
            )
        except Refused as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, _("The target is saved."))
            return redirect(_plan_url(plan.unit, "targets"))
    return render(
        request,
        "followup/plans/item_form.html",
        {
            "unit": plan.unit,
            "form": form,
            "title": _("Edit the target") if target else _("Add a target"),
            "delete_url": reverse("followup:plan_target_delete", args=[code, target.pk])
            if target
            else None,
        },
    )


@require_POST
@role_required(*UNIT_ROLES)
def target_delete(request: HttpRequest, code: str, pk: int) -> HttpResponse:
    plan = _get_plan_to_edit(request, code)
    target = PlanTarget.objects.filter(plan=plan, pk=pk).select_related("plan__unit").first()
    if target is None:
        refuse(request, f"target {pk} not in the plan of {code}", hide=True)
    assert target is not None
    services.target_delete(target=target, by=current_user(request))
    messages.success(request, _("The target is removed."))
    return redirect(_plan_url(plan.unit, "targets"))


@require_http_methods(["GET", "POST"])
@role_required(*UNIT_ROLES)
def task_edit(request: HttpRequest, code: str, pk: int | None = None) -> HttpResponse:
    plan = _get_plan_to_edit(request, code)
    task = None
    initial: dict[str, object] = {"due_year": plan.last_year}
    if pk is not None:
        task = PlanTask.objects.filter(plan=plan, pk=pk).first()
        if task is None:
            refuse(request, f"task {pk} not in the plan of {code}", hide=True)
        assert task is not None
        initial = {
            "division": task.division,
            "text": task.text,
            "criteria": task.criteria,
            "due_year": task.due_year,
        }
    form = TaskForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.task_save(
                plan=plan,
                task=task,
                division=form.cleaned_data["division"],
                text=form.cleaned_data["text"],
                criteria=form.cleaned_data["criteria"],
                due_year=form.cleaned_data["due_year"],
                by=current_user(request),
            )
        except Refused as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, _("The task is saved."))
            return redirect(_plan_url(plan.unit, "tasks"))
    return render(
        request,
        "followup/plans/item_form.html",
        {
            "unit": plan.unit,
            "form": form,
            "title": _("Edit the task") if task else _("Hand a task to a division"),
            "delete_url": reverse("followup:plan_task_delete", args=[code, task.pk])
            if task
            else None,
        },
    )


@require_POST
@role_required(*UNIT_ROLES)
def task_delete(request: HttpRequest, code: str, pk: int) -> HttpResponse:
    plan = _get_plan_to_edit(request, code)
    task = PlanTask.objects.filter(plan=plan, pk=pk).select_related("plan__unit").first()
    if task is None:
        refuse(request, f"task {pk} not in the plan of {code}", hide=True)
    assert task is not None
    services.task_delete(task=task, by=current_user(request))
    messages.success(request, _("The task is removed."))
    return redirect(_plan_url(plan.unit, "tasks"))


@require_POST
@role_required(*UNIT_ROLES)
def task_progress(request: HttpRequest, code: str, pk: int) -> HttpResponse:
    plan = _get_plan_to_edit(request, code)
    task = PlanTask.objects.filter(plan=plan, pk=pk).select_related("plan__unit").first()
    if task is None:
        refuse(request, f"task {pk} not in the plan of {code}", hide=True)
    assert task is not None
    form = ProgressForm(request.POST, prefix=f"t{task.pk}")
    if not form.is_valid():
        messages.error(request, " ".join(str(e) for errors in form.errors.values() for e in errors))
        return redirect(_plan_url(plan.unit, f"t{task.pk}"))
    try:
        services.progress_report(
            task=task,
            year=form.cleaned_data["year"],
            text=form.cleaned_data["text"],
            done=form.cleaned_data["done"],
            by=current_user(request),
        )
    except Refused as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("The progress is saved."))
    return redirect(_plan_url(plan.unit, f"t{task.pk}"))
