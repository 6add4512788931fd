"""The appeals' pages: a cycle's appeals with their effect on index and rank, the window,
a unit's filing form, an appeal, the council's decision on each criterion and on the
appeal (asked first)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from parindex.assessments import evidence as types
from parindex.assessments.models import Cycle
from parindex.org.access import current_user, refuse, role_required
from parindex.org.errors import Refused
from parindex.org.models import UNIT_ROLES, Role

from . import appeals as services
from .appeal_forms import AppealForm, AppealWindowForm, DecisionForm
from .models import Appeal, AppealCriterion, AppealWindow

READERS = services.READERS
DECIDERS = services.DECIDERS


def _get_cycle(request: HttpRequest, year: int) -> Cycle:
    cycle = Cycle.objects.filter(year=year).first()
    if cycle is None:
        refuse(request, f"cycle {year} not found", hide=True)
    assert cycle is not None
    return cycle


def _get_appeal_for_user(request: HttpRequest, year: int, pk: int) -> Appeal:
    """The appeal if the user sees every unit or it is their unit's; else a logged 404."""
    user = current_user(request)
    found = Appeal.objects.filter(pk=pk, cycle__year=year).for_list().select_related("cycle")
    if not services.sees_all(user):
        found = found.filter(unit_id=user.unit_id or 0)
    appeal = found.first()
    if appeal is None:
        refuse(request, f"appeal {pk} not visible", hide=True)
    assert appeal is not None
    return appeal


@require_GET
@role_required(*READERS)
def appeal_list(request: HttpRequest, year: int) -> HttpResponse:
    """“Kiến nghị”: the year's appeals (a unit's own only), their decisions and their
    effect on the unit's index and rank."""
    cycle = _get_cycle(request, year)
    user = current_user(request)
    window = AppealWindow.objects.filter(cycle=cycle).first()
    today = timezone.localdate()
    rows = services.cycle_appeals(cycle, unit=None if services.sees_all(user) else user.unit)
    may_file = user.role in UNIT_ROLES and window is not None and window.is_open(today) and not rows
    return render(
        request,
        "results/appeals/list.html",
        {
            "cycle": cycle,
            "year": year,
            "window": window,
            "window_open": window is not None and window.is_open(today),
            "rows": rows,
            "may_file": may_file,
            "may_set_window": user.role == Role.ADMIN,
        },
    )


@require_http_methods(["GET", "POST"])
@role_required(Role.ADMIN)
def appeal_window(request: HttpRequest, year: int) -> HttpResponse:
    cycle = _get_cycle(request, year)
    window = AppealWindow.objects.filter(cycle=cycle).first()
    initial = {"opens_on": window.opens_on, "closes_on": window.closes_on} if window else {}
    form = AppealWindowForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.appeal_window_set(
                cycle=cycle,
                opens_on=form.cleaned_data["opens_on"],
                closes_on=form.cleaned_data["closes_on"],
                by=current_user(request),
            )
        except Refused as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, _("The appeal window is set."))
            return redirect("results:appeals", year)
    status = 400 if request.method == "POST" else 200
    return render(
        request, "results/appeals/window.html", {"form": form, "year": year}, status=status
    )


@require_http_methods(["GET", "POST"])
@role_required(*UNIT_ROLES)
def appeal_new(request: HttpRequest, year: int) -> HttpResponse:
    """The unit's appeal: criteria of its framework with their reasons, evidence files,
    what filing does and to whom, confirmed on the same form (files cannot be carried to
    a second page)."""
    cycle = _get_cycle(request, year)
    user = current_user(request)
    unit = user.unit
    assert unit is not None  # a unit role always has its unit
    leaves = services.appealable_leaves(cycle, unit)
    # From where the points went: the criterion named (one of the unit's leaves only).
    named = request.GET.get("criterion", "")[:30]
    initial = {"criterion_1": named} if named in {c.code for c in leaves} else {}
    form = AppealForm(request.POST or None, request.FILES or None, leaves=leaves, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            appeal = services.appeal_file(
                cycle=cycle,
                unit=unit,
                lines=[
                    services.AppealLine(code, reason) for code, reason in form.cleaned_data["lines"]
                ],
                uploads=form.cleaned_data["evidence_files"],
                by=user,
            )
        except Refused as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, _("The appeal is filed with the council."))
            return redirect("results:appeal_detail", year, appeal.pk)
    window = AppealWindow.objects.filter(cycle=cycle).first()
    return render(
        request,
        "results/appeals/new.html",
        {"form": form, "year": year, "unit": unit, "window": window},
        status=400 if request.method == "POST" else 200,
    )


@require_GET
@role_required(*READERS)
def appeal_detail(request: HttpRequest, year: int, pk: int) -> HttpResponse:
    appeal = _get_appeal_for_user(request, year, pk)
    row = services.cycle_appeals(appeal.cycle, unit=appeal.unit)[0]
    lines = [(line, services.line_values(line)) for line in appeal.criteria.all()]
    return render(
        request,
        "results/appeals/detail.html",
        {
            "appeal": appeal,
            "row": row,
            "lines": lines,
            "year": year,
            "evidence": list(appeal.evidence.all()),
            "may_decide": services.may_decide(current_user(request)) and not appeal.is_decided,
        },
    )


@require_http_methods(["GET", "POST"])
@role_required(*DECIDERS)
def appeal_line(request: HttpRequest, year: int, pk: int, line: int) -> HttpResponse:
    """The council's decision on one criterion of the appeal."""
    appeal = _get_appeal_for_user(request, year, pk)
    found = AppealCriterion.objects.filter(pk=line, appeal=appeal).select_related("criterion")
    item = found.first()
    if item is None:
        refuse(request, f"line {line} of appeal {pk} not found", hide=True)
    assert item is not None
    initial = {
        "outcome": item.outcome if item.outcome != "pending" else "",
        "council_reason": item.council_reason,
    }
    form = DecisionForm(request.POST or None, initial=initial, criterion=item.criterion)
    if request.method == "POST" and form.is_valid():
        try:
            services.appeal_criterion_decide(
                line=item,
                upheld=form.cleaned_data["outcome"] == "upheld",
                reason=form.cleaned_data["council_reason"],
                inputs=form.inputs,
                by=current_user(request),
            )
        except Refused as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, _("The decision on the criterion is saved."))
            return redirect("results:appeal_detail", year, pk)
    values = form.typed() if form.is_bound else services.line_values(item)
    return render(
        request,
        "results/appeals/line.html",
        {
            "appeal": appeal,
            "line": item,
            "form": form,
            "values": values,
            "rule": item.criterion.rule(),
            "year": year,
        },
        status=400 if request.method == "POST" else 200,
    )


@require_http_methods(["GET", "POST"])
@role_required(*DECIDERS)
def appeal_decide(request: HttpRequest, year: int, pk: int) -> HttpResponse:
    """Asks first, saying what deciding does and to whom; decides when confirmed."""
    appeal = _get_appeal_for_user(request, year, pk)
    if request.method == "POST" and request.POST.get("confirmed") == "on":
        try:
            services.appeal_decide(appeal=appeal, by=current_user(request))
        except Refused as error:
            messages.error(request, error.message)
        else:
            messages.success(request, _("The appeal is decided and the unit told."))
        return redirect("results:appeal_detail", year, pk)
    lines = list(appeal.criteria.all())
    upheld = [line for line in lines if line.outcome == AppealCriterion.Outcome.UPHELD]
    pending = [line for line in lines if line.outcome == AppealCriterion.Outcome.PENDING]
    return render(
        request,
        "results/appeals/decide.html",
        {
            "appeal": appeal,
            "year": year,
            "lines": lines,
            "upheld": upheld,
            "pending": pending,
            "contacts": appeal.unit.contacts(heads_only=False),
            "reason": services.correction_reason(appeal, upheld) if upheld else "",
        },
    )


@require_GET
@login_required
def appeal_file(request: HttpRequest, year: int, pk: int, file_pk: int) -> HttpResponseBase:
    """An evidence file of an appeal, to its unit and to those who see every unit."""
    if current_user(request).role not in READERS:
        refuse(request, f"role {current_user(request).role} reads no appeal's file")
    appeal = _get_appeal_for_user(request, year, pk)
    file = appeal.evidence.filter(pk=file_pk).first()
    if file is None:
        refuse(request, f"evidence {file_pk} not in appeal {pk}", hide=True)
    assert file is not None
    return types.file_response(file)
