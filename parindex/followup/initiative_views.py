"""The initiatives register's pages: the register (and its Excel), an initiative's page,
a unit's own initiatives with the submit form, the council's decisions of a year."""

from __future__ import annotations

from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Page, Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from parindex.assessments import evidence as evidence_types
from parindex.org.access import current_user, get_unit_for_user, refuse, role_required
from parindex.org.errors import Refused
from parindex.org.models import OVERSIGHT_ROLES, UNIT_ROLES, Role
from parindex.results.forms import FIRST_YEAR, LAST_YEAR

from . import initiatives as services
from .initiative_forms import (
    ConfirmForm,
    DecisionForm,
    FollowupForm,
    InitiativeForm,
    RegisterFilterForm,
)
from .models import Initiative, InitiativeFollowup, InitiativeQuerySet

# Everyone inside the system reads the register; survey partners are outside it.
READERS = (*OVERSIGHT_ROLES, *UNIT_ROLES, Role.APPRAISER)
DECIDERS = services.DECIDERS


def _get_initiative_for_user(request: HttpRequest, pk: int) -> Initiative:
    """The initiative if the user may read it; another unit's submission is a logged 404."""
    initiative = (
        services.visible_initiatives(current_user(request)).for_detail().filter(pk=pk).first()
    )
    if initiative is None:
        refuse(request, f"initiative {pk} not visible", hide=True)
    assert initiative is not None
    return initiative


def _get_own_initiative(request: HttpRequest, pk: int) -> Initiative:
    """The initiative if it is the user's unit's; any other is a logged 404."""
    user = current_user(request)
    initiative = Initiative.objects.filter(pk=pk, unit_id=user.unit_id or 0).first()
    if initiative is None:
        refuse(request, f"initiative {pk} not of the user's unit", hide=True)
    assert initiative is not None
    return initiative


def _errors(form: DecisionForm | FollowupForm | ConfirmForm | InitiativeForm) -> str:
    return " ".join(str(error) for errors in form.errors.values() for error in errors)


@require_GET
@role_required(*READERS)
def register(request: HttpRequest) -> HttpResponse:
    user = current_user(request)
    initiatives, form = _filtered(request)
    page: Page[Initiative] = Paginator(initiatives, services.PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    filters = urlencode({k: v for k, v in request.GET.items() if k != "page" and v})
    return render(
        request,
        "followup/initiatives/register.html",
        {
            "form": form,
            "page": page,
            "filters": filters,
            "may_decide": services.may_decide(user),
            "may_submit": services.may_submit(user),
        },
    )


def _filtered(request: HttpRequest) -> tuple[InitiativeQuerySet, RegisterFilterForm]:
    user = current_user(request)
    form = RegisterFilterForm(
        request.GET or None, years=services.register_years(), statuses=services.sees_all(user)
    )
    given = services.RegisterFilter()
    if form.is_bound and form.is_valid():
        data = form.cleaned_data
        given = services.RegisterFilter(
            year=data.get("year"),
            group_id=data["group"].pk if data.get("group") else None,
            unit_id=data["unit"].pk if data.get("unit") else None,
            status=data.get("status") or None,
        )
    return services.register(user, given), form


@require_GET
@role_required(*READERS)
def register_xlsx(request: HttpRequest) -> HttpResponse:
    initiatives, _form = _filtered(request)
    content = services.register_workbook(list(initiatives))
    response = HttpResponse(content, content_type=evidence_types.CONTENT_TYPES[evidence_types.XLSX])
    response["Content-Disposition"] = 'attachment; filename="so-dang-ky-sang-kien.xlsx"'
    return response


@require_GET
@role_required(*UNIT_ROLES)
def my_initiatives(request: HttpRequest) -> HttpResponse:
    unit = current_user(request).unit
    assert unit is not None  # a unit role always has its unit
    return redirect("followup:unit_initiatives", unit.code)


@require_http_methods(["GET", "POST"])
@role_required(*OVERSIGHT_ROLES, *UNIT_ROLES)
def unit_initiatives(request: HttpRequest, code: str) -> HttpResponse:
    """The unit's own initiatives in every status, and the form to submit one."""
    unit = get_unit_for_user(request, code)
    user = current_user(request)
    may_submit = services.may_submit(user) and user.unit_id == unit.pk
    form = None
    if may_submit:
        form = InitiativeForm(request.POST or None, request.FILES or None)
        if request.method == "POST" and form.is_valid():
            try:
                initiative = services.initiative_submit(
                    year=form.cleaned_data["year"],
                    title=form.cleaned_data["title"],
                    description=form.cleaned_data["description"],
                    link=form.cleaned_data["link"],
                    uploads=form.cleaned_data["evidence_files"],
                    by=user,
                )
            except Refused as error:
                form.add_error(None, error.message)
            else:
                messages.success(request, _("The initiative is submitted to the council."))
                return redirect(initiative)
    elif request.method == "POST":
        refuse(request, f"{user.username} submits no initiative for {unit.code}")
    return render(
        request,
        "followup/initiatives/unit.html",
        {"unit": unit, "initiatives": services.unit_initiatives(unit), "form": form},
    )


@require_GET
@role_required(*READERS)
def initiative_detail(request: HttpRequest, pk: int) -> HttpResponse:
    initiative = _get_initiative_for_user(request, pk)
    user = current_user(request)
    years = services.report_years(initiative)
    reported = {followup.year: followup for followup in getattr(initiative, "later", [])}
    open_years = [
        year
        for year in years
        if year not in reported or reported[year].status != InitiativeFollowup.Status.CONFIRMED
    ]
    context = {
        "initiative": initiative,
        "later": getattr(initiative, "later", []),
        "edit_form": (
            InitiativeForm(
                initial={
                    "title": initiative.title,
                    "description": initiative.description,
                    "link": initiative.link,
                },
                editing=True,
            )
            if services.may_edit(user, initiative)
            else None
        ),
        "decision_form": (
            DecisionForm(
                initial={
                    "status": initiative.status if initiative.is_decided else None,
                    "decision": initiative.decision,
                    "reason": initiative.reason,
                }
            )
            if services.may_decide(user)
            else None
        ),
        "followup_form": (
            FollowupForm(years=open_years)
            if services.may_report(user, initiative) and open_years
            else None
        ),
        "may_confirm": services.may_confirm(user),
        "confirm_form": ConfirmForm(),
    }
    return render(request, "followup/initiatives/detail.html", context)


@require_POST
@role_required(*UNIT_ROLES)
def initiative_edit(request: HttpRequest, pk: int) -> HttpResponse:
    initiative = _get_own_initiative(request, pk)
    form = InitiativeForm(request.POST, request.FILES, editing=True)
    if not form.is_valid():
        messages.error(request, _errors(form))
        return redirect(initiative)
    try:
        services.initiative_update(
            initiative=initiative,
            title=form.cleaned_data["title"],
            description=form.cleaned_data["description"],
            link=form.cleaned_data["link"],
            uploads=form.cleaned_data["evidence_files"],
            by=current_user(request),
        )
    except Refused as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("The initiative is saved."))
    return redirect(initiative)


@require_POST
@role_required(*DECIDERS)
def initiative_decide(request: HttpRequest, pk: int) -> HttpResponse:
    """Records the decision; one that changes a status already decided asks first."""
    initiative = _get_initiative_for_user(request, pk)
    # The decisions page names each initiative's form by its own prefix.
    prefix = f"i{initiative.pk}" if request.POST.get("prefix") == f"i{initiative.pk}" else None
    form = DecisionForm(request.POST, prefix=prefix)
    back = request.POST.get("next") or initiative.get_absolute_url()
    if not back.startswith("/") or back.startswith("//"):
        back = initiative.get_absolute_url()
    if not form.is_valid():
        messages.error(request, _errors(form))
        return redirect(back)
    try:
        services.initiative_decide(
            initiative=initiative,
            status=form.cleaned_data["status"],
            decision=form.cleaned_data["decision"],
            reason=form.cleaned_data["reason"],
            confirmed=form.cleaned_data["confirmed"],
            by=current_user(request),
        )
    except services.NeedsConfirmation as question:
        return render(
            request,
            "followup/initiatives/confirm.html",
            {
                "initiative": initiative,
                "question": question.message,
                "data": form.cleaned_data,
                "later": getattr(initiative, "later", []),
                "next": back,
            },
        )
    except Refused as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("The council's decision is recorded."))
    return redirect(back)


@require_POST
@role_required(*UNIT_ROLES)
def followup_report(request: HttpRequest, pk: int) -> HttpResponse:
    initiative = _get_own_initiative(request, pk)
    form = FollowupForm(request.POST, request.FILES, years=services.report_years(initiative))
    if not form.is_valid():
        messages.error(request, _errors(form))
        return redirect(initiative)
    try:
        services.followup_report(
            initiative=initiative,
            year=form.cleaned_data["year"],
            maintained=form.cleaned_data["maintained"],
            extended=form.cleaned_data["extended"],
            note=form.cleaned_data["note"],
            uploads=form.cleaned_data["evidence_files"],
            by=current_user(request),
        )
    except Refused as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("The year's report is saved."))
    return redirect(initiative)


@require_POST
@role_required(Role.ADMIN)
def followup_confirm(request: HttpRequest, pk: int) -> HttpResponse:
    followup = InitiativeFollowup.objects.filter(pk=pk).select_related("initiative").first()
    if followup is None:
        refuse(request, f"initiative's year {pk} not found", hide=True)
    assert followup is not None
    form = ConfirmForm(request.POST)
    if not form.is_valid():
        messages.error(request, _errors(form))
        return redirect(followup.initiative)
    try:
        services.followup_confirm(
            followup=followup,
            confirmed=form.cleaned_data["status"] == InitiativeFollowup.Status.CONFIRMED,
            comment=form.cleaned_data["comment"],
            by=current_user(request),
        )
    except Refused as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("The administrator's check is recorded."))
    return redirect(followup.initiative)


@require_GET
@role_required(*DECIDERS)
def decisions(request: HttpRequest, year: int) -> HttpResponse:
    """The year's initiatives with the council's decision on each, submitted ones first."""
    if not FIRST_YEAR <= year <= LAST_YEAR:
        raise Http404(_("No such year."))
    initiatives = services.year_initiatives(year)
    rows = [
        {
            "initiative": initiative,
            "form": DecisionForm(
                initial={
                    "status": initiative.status if initiative.is_decided else None,
                    "decision": initiative.decision,
                    "reason": initiative.reason,
                },
                prefix=f"i{initiative.pk}",
            ),
        }
        for initiative in initiatives
    ]
    waiting = sum(1 for i in initiatives if not i.is_decided)
    return render(
        request,
        "followup/initiatives/decisions.html",
        {
            "year": year,
            "rows": rows,
            "waiting": waiting,
            "years": services.register_years(),
            "next": reverse("followup:initiative_decisions", args=[year]),
        },
    )


@require_GET
@login_required
def initiative_file(request: HttpRequest, pk: int, file: int) -> HttpResponseBase:
    """An evidence file of an initiative, to whoever may read the initiative."""
    if current_user(request).role not in READERS:
        refuse(request, f"role {current_user(request).role} reads no initiative's file")
    initiative = _get_initiative_for_user(request, pk)
    found = initiative.evidence.filter(pk=file).first()
    if found is None:
        refuse(request, f"file {file} not of initiative {pk}", hide=True)
    return evidence_types.file_response(found)


@require_GET
@login_required
def followup_file(request: HttpRequest, pk: int, file: int) -> HttpResponseBase:
    """An evidence file of a later year's report, to whoever may read the initiative."""
    if current_user(request).role not in READERS:
        refuse(request, f"role {current_user(request).role} reads no initiative's file")
    followup = InitiativeFollowup.objects.filter(pk=pk).first()
    if followup is None:
        refuse(request, f"initiative's year {pk} not found", hide=True)
    assert followup is not None
    _get_initiative_for_user(request, followup.initiative_id)
    found = followup.evidence.filter(pk=file).first()
    if found is None:
        refuse(request, f"file {file} not of initiative's year {pk}", hide=True)
    return evidence_types.file_response(found)
