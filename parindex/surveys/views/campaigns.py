"""The surveys' pages: campaigns (the administrator's set-up, lists, imports, invitations,
flags and aggregation; the dashboard the oversight roles read), a partner's progress,
and a unit's results.

Who sees what: the administrator does everything; the council chair and the viewer read
the campaigns, their dashboards and every unit's results; a unit's scorer and head read
their own unit's results (another unit is a 404); a partner's supervisor sees the
progress of the campaigns their partner takes part in, counts only.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from typing import Any

from django.contrib import messages
from django.core import signing
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import URLPattern, path, register_converter, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from parindex.jobs.services import job_enqueue
from parindex.org.access import current_user, get_unit_for_user, refuse, role_required
from parindex.org.errors import Refused
from parindex.org.models import Role
from parindex.org.templatetags.parindex import day

from .. import campaigns as services
from .. import dashboards, exports, imports
from ..forms_campaigns import (
    CampaignForm,
    CollectorForm,
    ConfirmForm,
    ConfirmImportForm,
    DashboardFilterForm,
    FlagDecisionForm,
    FlagFilterForm,
    TableFileForm,
    TransactionsForm,
)
from ..models import (
    Answer,
    Campaign,
    CampaignUnit,
    CollectorAssignment,
    Flag,
    Question,
    Response,
    Source,
    TextAnswer,
)
from ..tasks import campaign_aggregate_job

OVERSIGHT = (Role.ADMIN, Role.COUNCIL_CHAIR, Role.VIEWER)
RESULT_READERS = (*OVERSIGHT, Role.UNIT_SCORER, Role.UNIT_HEAD)
UNITS_PER_PAGE = 100
FLAGS_PER_PAGE = 50
DECIDED_SHOWN = 50
NAMES_SHOWN = 30
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


class CampaignCode:
    """A campaign's code in an address: a slug that is none of the words the surveys'
    own addresses use after /surveys/ (new, progress, collect, questionnaires…)."""

    regex = (
        "(?!(?:" + "|".join(sorted(services.RESERVED_CODES)) + ")(?![-a-zA-Z0-9_]))[-a-zA-Z0-9_]+"
    )

    def to_python(self, value: str) -> str:
        return value

    def to_url(self, value: str) -> str:
        return value


register_converter(CampaignCode, "campaign")


# Confirmations -----------------------------------------------------------------------


@dataclass(frozen=True)
class Fact:
    """One thing to know before confirming, and what it names."""

    text: str
    names: list[str] = field(default_factory=list)
    more: int = 0
    warn: bool = False


def _confirm(
    request: HttpRequest,
    *,
    title: str,
    consequence: str,
    facts: list[Fact],
    action_url: str,
    back_url: str,
    label: str,
    fields: dict[str, Any] | None = None,
) -> HttpResponse:
    """The page that shows what a step will do, and to whom, and asks first."""
    hidden = [
        (name, item)
        for name, value in (fields or {}).items()
        for item in (value if isinstance(value, list) else [value])
    ]
    return render(
        request,
        "surveys/campaigns/confirm.html",
        {
            "title": title,
            "consequence": consequence,
            "facts": facts,
            "action_url": action_url,
            "back_url": back_url,
            "label": label,
            "hidden": hidden,
        },
    )


def _confirmed(request: HttpRequest) -> bool:
    form = ConfirmForm(request.POST)
    return form.is_valid() and bool(form.cleaned_data["confirmed"])


def _campaign(code: str) -> Campaign:
    return get_object_or_404(Campaign, code=code)


def _today() -> datetime.date:
    return timezone.localdate()


# The list, set-up and dashboard ------------------------------------------------------


@require_GET
@role_required(*OVERSIGHT)
def campaign_list(request: HttpRequest) -> HttpResponse:
    """Every campaign: its survey, year, dates, units, responses and flags waiting."""
    return render(
        request,
        "surveys/campaigns/list.html",
        {"campaigns": list(dashboards.campaign_list()), "today": _today()},
    )


@require_http_methods(["GET", "POST"])
@role_required(Role.ADMIN)
def campaign_new(request: HttpRequest) -> HttpResponse:
    return _campaign_form(request, None)


@require_http_methods(["GET", "POST"])
@role_required(Role.ADMIN)
def campaign_edit(request: HttpRequest, code: str) -> HttpResponse:
    return _campaign_form(request, _campaign(code))


def _campaign_form(request: HttpRequest, campaign: Campaign | None) -> HttpResponse:
    form = CampaignForm(request.POST or None, campaign=campaign)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                saved = services.campaign_save(
                    campaign=campaign,
                    data=form.data_for_service(),
                    by=current_user(request),
                    today=_today(),
                )
            except Refused as refused:
                form.add_error(None, refused.message)
            else:
                messages.success(request, _("The campaign is saved."))
                return redirect("surveys:campaign", code=saved.code)
        status = 400
    return render(
        request,
        "surveys/campaigns/form.html",
        {
            "form": form,
            "campaign": campaign,
            "groups": form.unit_groups(),
            "locked": campaign is not None and services.has_responses(campaign),
        },
        status=status,
    )


@require_GET
@role_required(*OVERSIGHT)
def campaign(request: HttpRequest, code: str) -> HttpResponse:
    """The dashboard: progress against target per unit and partner, response rates,
    flags waiting, responses per day; the administrator's actions."""
    survey = _campaign(code)
    today = _today()
    filters = DashboardFilterForm(request.GET or None)
    board = dashboards.dashboard(survey, today=today)
    rows = [row for row in board.rows if row.short] if filters.value("short") else board.rows
    page = Paginator(rows, UNITS_PER_PAGE).get_page(filters.value("page"))
    shown = {row.unit.pk for row in page.object_list}
    user = current_user(request)
    return render(
        request,
        "surveys/campaigns/dashboard.html",
        {
            "campaign": survey,
            "board": board,
            "page": page,
            "short_only": bool(filters.value("short")),
            "filters": "short=on" if filters.value("short") else "",
            "unit_groups": [r for r in board.unit_groups if r.unit and r.unit.pk in shown],
            "is_admin": user.is_admin,
            "today": today,
            "open": survey.is_open(today),
            "frozen": not survey.questionnaires.filter(frozen_at__isnull=True).exists(),
            "questionnaires": list(survey.questionnaires.select_related("respondent_group")),
            "problems": services.opening_problems(survey) if user.is_admin else [],
            "staff": survey.source == Source.STAFF,
        },
    )


@require_POST
@role_required(Role.ADMIN)
def campaign_open(request: HttpRequest, code: str) -> HttpResponse:
    """Open the campaign today, freezing its questionnaires: asked first."""
    survey = _campaign(code)
    back = reverse("surveys:campaign", args=[survey.code])
    if not _confirmed(request):
        today = _today()
        titles = list(survey.questionnaires.values_list("title", flat=True))
        facts = [
            Fact(
                _("These questionnaires will never change again (next year's is a copy):"),
                titles,
            ),
            Fact(
                _("The public links and personal links take responses from %(date)s to %(end)s.")
                % {"date": day(min(survey.opens_on, today)), "end": day(survey.closes_on)}
            ),
        ]
        facts += [Fact(problem, warn=True) for problem in services.opening_problems(survey)]
        return _confirm(
            request,
            title=_("Open the campaign “%(title)s”") % {"title": survey.title},
            consequence=_("Opening cannot be undone: the questionnaires are frozen."),
            facts=facts,
            action_url=reverse("surveys:campaign_open", args=[survey.code]),
            back_url=back,
            label=_("Open the survey"),
        )
    try:
        services.campaign_open(campaign=survey, by=current_user(request), today=_today())
    except Refused as refused:
        messages.error(request, refused.message)
    else:
        messages.success(request, _("The campaign is open: its questionnaires are frozen."))
    return redirect(back)


@require_http_methods(["GET", "POST"])
@role_required(Role.ADMIN)
def campaign_transactions(request: HttpRequest, code: str) -> HttpResponse:
    """Each unit's transactions of the period, typed a page at a time or imported."""
    survey = _campaign(code)
    filters = DashboardFilterForm(request.GET or None)
    entries = CampaignUnit.objects.filter(campaign=survey).select_related("unit__group")
    page = Paginator(entries, UNITS_PER_PAGE).get_page(filters.value("page"))
    listed = list(page.object_list)
    for entry in listed:
        entry.campaign = survey
    form = TransactionsForm(request.POST or None, entries=listed)
    upload = TableFileForm(limits=imports.LIMITS)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                changed = services.campaign_transactions_set(campaign=survey, values=form.values())
            except Refused as refused:
                messages.error(request, refused.message)
            else:
                messages.success(
                    request,
                    ngettext("%(count)s unit changed.", "%(count)s units changed.", changed)
                    % {"count": changed},
                )
                return redirect(request.get_full_path())
        status = 400
    return render(
        request,
        "surveys/campaigns/transactions.html",
        {"campaign": survey, "form": form, "page": page, "upload": upload},
        status=status,
    )


@require_POST
@role_required(Role.ADMIN)
def transactions_import(request: HttpRequest, code: str) -> HttpResponse:
    """A table `unit,transactions`, all rows or none. Typed figures can be changed again
    on the page: nothing here is irreversible, so it is taken at once."""
    survey = _campaign(code)
    upload = TableFileForm(request.POST, request.FILES, limits=imports.LIMITS)
    rejected: list[imports.Rejection] = []
    if upload.is_valid():
        file = upload.cleaned_data["file"]
        try:
            changed = imports.transactions_import(
                campaign=survey, content=file.read(), filename=file.name
            )
        except imports.ImportRejected as refused:
            upload.add_error("file", refused.message)
            rejected = refused.rejected
        except Refused as refused:
            upload.add_error("file", refused.message)
        else:
            messages.success(
                request,
                ngettext(
                    "Imported: %(count)s unit changed.",
                    "Imported: %(count)s units changed.",
                    changed,
                )
                % {"count": changed},
            )
            return redirect("surveys:campaign_transactions", code=survey.code)
    entries = CampaignUnit.objects.filter(campaign=survey).select_related("unit__group")
    page = Paginator(entries, UNITS_PER_PAGE).get_page(1)
    listed = list(page.object_list)
    for entry in listed:
        entry.campaign = survey
    return render(
        request,
        "surveys/campaigns/transactions.html",
        {
            "campaign": survey,
            "form": TransactionsForm(entries=listed),
            "page": page,
            "upload": upload,
            "rejected": rejected,
        },
        status=400,
    )


@require_http_methods(["GET", "POST"])
@role_required(Role.ADMIN)
def campaign_collectors(request: HttpRequest, code: str) -> HttpResponse:
    """Which units each collector of the campaign's partners records responses for."""
    survey = _campaign(code)
    collectors = services.collectors_of(survey)
    assigned: dict[int, list[str]] = {}
    for collector_id, name in (
        CollectorAssignment.objects.filter(campaign=survey)
        .order_by("unit__group__position", "unit__position", "unit__name")
        .values_list("collector_id", "unit__name")
    ):
        assigned.setdefault(collector_id, []).append(name)
    chosen = request.GET.get("collector", "")[:12]
    initial: dict[str, Any] = {}
    if chosen.isdigit():
        initial = {
            "collector": int(chosen),
            "units": list(
                CollectorAssignment.objects.filter(
                    campaign=survey, collector_id=int(chosen)
                ).values_list("unit_id", flat=True)
            ),
        }
    form = CollectorForm(
        request.POST or None, campaign=survey, collectors=collectors, initial=initial
    )
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                count = services.collector_units_set(
                    campaign=survey,
                    collector=form.cleaned_data["collector"],
                    units=list(form.cleaned_data["units"]),
                )
            except Refused as refused:
                form.add_error(None, refused.message)
            else:
                messages.success(
                    request,
                    ngettext(
                        "%(name)s records responses for %(count)s unit.",
                        "%(name)s records responses for %(count)s units.",
                        count,
                    )
                    % {"name": form.cleaned_data["collector"], "count": count},
                )
                return redirect("surveys:campaign_collectors", code=survey.code)
        status = 400
    return render(
        request,
        "surveys/campaigns/collectors.html",
        {
            "campaign": survey,
            "form": form,
            "collectors": [(c, assigned.get(c.pk, [])) for c in collectors],
        },
        status=status,
    )


@require_POST
@role_required(Role.ADMIN)
def campaign_aggregate(request: HttpRequest, code: str) -> HttpResponse:
    """Aggregate the campaign as a job; its page shows the progress and leads back."""
    survey = _campaign(code)
    user = current_user(request)
    job = job_enqueue(
        task=campaign_aggregate_job,
        kind=_("Aggregate the campaign “%(title)s”") % {"title": survey.title},
        by=user,
        link=reverse("surveys:campaign", args=[survey.code]),
        campaign_id=survey.pk,
        by_id=user.pk,
    )
    return redirect(job)


@require_GET
@role_required(*OVERSIGHT)
def campaign_xlsx(request: HttpRequest, code: str) -> HttpResponse:
    """The campaign's units × indicators of its last aggregation."""
    survey = _campaign(code)
    response = HttpResponse(exports.campaign_to_xlsx(survey), content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="{survey.code}.xlsx"'
    return response


# Respondents, invitations and reminders ---------------------------------------------


def _signed(kind: str, survey: Campaign, request: HttpRequest, **extra: Any) -> str:
    return signing.dumps(
        {"k": kind, "c": survey.pk, "u": current_user(request).pk, **extra},
        salt="surveys.import",
    )


def _unsigned(kind: str, survey: Campaign, request: HttpRequest, token: str) -> dict[str, Any]:
    """The confirmed import's kept file, if this confirmation is this user's, for this
    campaign and kind, and not older than the kept file."""
    try:
        found = signing.loads(
            token[:500], salt="surveys.import", max_age=imports.UPLOAD_HOURS * 3600
        )
    except signing.BadSignature:
        raise Refused(_("This confirmation is not valid any more: send the file again.")) from None
    if not (
        isinstance(found, dict)
        and found.get("k") == kind
        and found.get("c") == survey.pk
        and found.get("u") == current_user(request).pk
    ):
        raise Refused(_("This confirmation is not valid any more: send the file again."))
    return found


@require_GET
@role_required(Role.ADMIN)
def respondents(request: HttpRequest, code: str) -> HttpResponse:
    """A staff survey's respondents by unit and group; their import; the invitations and
    reminders to send."""
    survey = _campaign(code)
    if survey.source != Source.STAFF:
        refuse(request, f"respondents of {survey.code}: not a staff survey", hide=True)
    return _respondents_page(request, survey, TableFileForm(limits=imports.LIMITS))


def _respondents_page(
    request: HttpRequest,
    survey: Campaign,
    upload: TableFileForm,
    rejected: list[imports.Rejection] | None = None,
    status: int = 200,
    error: str = "",
) -> HttpResponse:
    today = _today()
    board = dashboards.dashboard(survey, today=today)
    return render(
        request,
        "surveys/campaigns/respondents.html",
        {
            "campaign": survey,
            "board": board,
            "upload": upload,
            "rejected": rejected or [],
            "error": error,
            "invitations": services.invitations_preview(survey),
            "reminders": services.reminders_preview(survey, today),
            "groups": imports.campaign_groups(survey),
            "today": today,
        },
        status=status,
    )


@require_POST
@role_required(Role.ADMIN)
def respondents_import(request: HttpRequest, code: str) -> HttpResponse:
    """A respondent list: checked and shown first; added once confirmed, whole."""
    survey = _campaign(code)
    if survey.source != Source.STAFF:
        refuse(request, f"respondents of {survey.code}: not a staff survey", hide=True)
    back = reverse("surveys:respondents", args=[survey.code])
    confirm = ConfirmImportForm(request.POST)
    if confirm.is_valid():
        try:
            kept = _unsigned("respondents", survey, request, confirm.cleaned_data["kept"])
            added = imports.respondents_import(
                campaign=survey, content=imports.upload_read(kept["f"]), filename=kept["f"]
            )
        except imports.ImportRejected as refused:
            return _respondents_page(
                request,
                survey,
                TableFileForm(limits=imports.LIMITS),
                refused.rejected,
                status=400,
                error=refused.message,
            )
        except Refused as refused:
            messages.error(request, refused.message)
            return redirect(back)
        imports.upload_discard(kept["f"])
        messages.success(
            request,
            ngettext(
                "%(count)s respondent added. Nobody is invited yet.",
                "%(count)s respondents added. Nobody is invited yet.",
                added,
            )
            % {"count": added},
        )
        return redirect(back)
    upload = TableFileForm(request.POST, request.FILES, limits=imports.LIMITS)
    if not upload.is_valid():
        return _respondents_page(request, survey, upload, status=400)
    file = upload.cleaned_data["file"]
    content = file.read()
    try:
        checked = imports.respondents_check(campaign=survey, content=content, filename=file.name)
    except Refused as refused:
        upload.add_error("file", refused.message)
        return _respondents_page(request, survey, upload, status=400)
    if checked.rejections.count:
        upload.add_error(
            "file",
            imports.ImportRejected(checked.rejections.shown, checked.rejections.count).message,
        )
        return _respondents_page(request, survey, upload, checked.rejections.shown, status=400)
    name = imports.upload_keep(content, file.name)
    facts = [
        Fact(
            ngettext(
                "%(count)s respondent in %(units)s units, by group:",
                "%(count)s respondents in %(units)s units, by group:",
                len(checked.people),
            )
            % {"count": len(checked.people), "units": checked.units},
            [f"{group}: {n}" for group, n in checked.groups],
        ),
    ]
    if checked.without_email:
        facts.append(
            Fact(
                _(
                    "%(count)s have no e-mail: their link goes by SMS where they have a "
                    "mobile number; %(none)s have neither and cannot be invited."
                )
                % {"count": checked.without_email, "none": checked.unreachable},
                warn=True,
            )
        )
    return _confirm(
        request,
        title=_("Import the respondent list"),
        consequence=_(
            "The respondents are added to the campaign; nobody is invited until you send "
            "the invitations."
        ),
        facts=facts,
        action_url=reverse("surveys:respondents_import", args=[survey.code]),
        back_url=back,
        label=_("Add the respondents"),
        fields={"kept": _signed("respondents", survey, request, f=name)},
    )


def _mailing_facts(mailing: services.Mailing) -> list[Fact]:
    facts = [
        Fact(
            _("%(email)s e-mails and %(sms)s SMS to respondents of %(units)s units, by group:")
            % {"email": mailing.email, "sms": mailing.sms, "units": mailing.units},
            [f"{group}: {n}" for group, n in mailing.groups],
        )
    ]
    if mailing.sms:
        facts.append(
            Fact(
                ngettext(
                    "%(count)s respondent has no e-mail: the link goes by SMS.",
                    "%(count)s respondents have no e-mail: the link goes by SMS.",
                    mailing.sms,
                )
                % {"count": mailing.sms}
            )
        )
    if mailing.unreachable:
        facts.append(
            Fact(
                ngettext(
                    "%(count)s respondent has neither e-mail nor mobile number: nothing can "
                    "reach them.",
                    "%(count)s respondents have neither e-mail nor mobile number: nothing "
                    "can reach them.",
                    mailing.unreachable,
                )
                % {"count": mailing.unreachable},
                warn=True,
            )
        )
    return facts


@require_POST
@role_required(Role.ADMIN)
def invitations_send(request: HttpRequest, code: str) -> HttpResponse:
    """Each respondent not invited yet gets their personal link: asked first."""
    survey = _campaign(code)
    back = reverse("surveys:respondents", args=[survey.code])
    if not _confirmed(request):
        mailing = services.invitations_preview(survey)
        if not mailing.messages:
            messages.info(request, _("Every respondent who can be reached is invited already."))
            return redirect(back)
        return _confirm(
            request,
            title=_("Send the invitations"),
            consequence=_(
                "Each message carries a personal link that answers once; once sent, the "
                "messages cannot be called back."
            ),
            facts=_mailing_facts(mailing),
            action_url=reverse("surveys:invitations_send", args=[survey.code]),
            back_url=back,
            label=_("Send the invitations"),
        )
    if services.invitations_preview(survey).messages > services.SEND_IN_REQUEST:
        return _send_job(request, survey, reminder=False)
    try:
        sent = services.invitations_send(campaign=survey, today=_today())
    except Refused as refused:
        messages.error(request, refused.message)
    else:
        messages.success(
            request,
            ngettext("%(count)s invitation queued.", "%(count)s invitations queued.", sent)
            % {"count": sent},
        )
    return redirect(back)


@require_POST
@role_required(Role.ADMIN)
def reminders_send(request: HttpRequest, code: str) -> HttpResponse:
    """Those invited who have not answered get a reminder with a new link (at most once
    a day): asked first."""
    survey = _campaign(code)
    back = reverse("surveys:respondents", args=[survey.code])
    if not _confirmed(request):
        mailing = services.reminders_preview(survey, _today())
        if not mailing.messages:
            messages.info(
                request,
                _("Nobody is waiting for a reminder: all answered, or were reminded today."),
            )
            return redirect(back)
        facts = _mailing_facts(mailing)
        facts.append(
            Fact(
                _(
                    "Each reminder carries a new link: the link sent before stops answering, "
                    "so that no link is ever kept."
                )
            )
        )
        return _confirm(
            request,
            title=_("Send the reminders"),
            consequence=_(
                "Those invited who have not answered are reminded, at most once a day; once "
                "sent, the messages cannot be called back."
            ),
            facts=facts,
            action_url=reverse("surveys:reminders_send", args=[survey.code]),
            back_url=back,
            label=_("Send the reminders"),
        )
    if services.reminders_preview(survey, _today()).messages > services.SEND_IN_REQUEST:
        return _send_job(request, survey, reminder=True)
    try:
        sent = services.reminders_send(campaign=survey, today=_today())
    except Refused as refused:
        messages.error(request, refused.message)
    else:
        messages.success(
            request,
            ngettext("%(count)s reminder queued.", "%(count)s reminders queued.", sent)
            % {"count": sent},
        )
    return redirect(back)


def _send_job(request: HttpRequest, survey: Campaign, *, reminder: bool) -> HttpResponse:
    """Many messages: queued by a job, whose page shows the progress and leads back."""
    job = job_enqueue(
        task=services.messages_send_job,
        kind=(
            _("Send the reminders of “%(title)s”")
            if reminder
            else _("Send the invitations of “%(title)s”")
        )
        % {"title": survey.title},
        by=current_user(request),
        link=reverse("surveys:respondents", args=[survey.code]),
        campaign_id=survey.pk,
        reminder=reminder,
        today=_today().isoformat(),
    )
    return redirect(job)


@require_POST
@role_required(Role.ADMIN)
def respondents_remove(request: HttpRequest, code: str) -> HttpResponse:
    """Remove the respondents not invited yet (a list imported by mistake): asked first."""
    survey = _campaign(code)
    back = reverse("surveys:respondents", args=[survey.code])
    if not _confirmed(request):
        waiting = services.invitations_preview(survey)
        count = waiting.messages + waiting.unreachable
        return _confirm(
            request,
            title=_("Remove the respondents not invited yet"),
            consequence=_("They are removed from the campaign; those invited stay."),
            facts=[
                Fact(
                    ngettext(
                        "%(count)s respondent will be removed.",
                        "%(count)s respondents will be removed.",
                        count,
                    )
                    % {"count": count},
                    warn=True,
                )
            ],
            action_url=reverse("surveys:respondents_remove", args=[survey.code]),
            back_url=back,
            label=_("Remove them"),
        )
    removed = services.respondents_remove_uninvited(campaign=survey)
    messages.success(
        request,
        ngettext("%(count)s respondent removed.", "%(count)s respondents removed.", removed)
        % {"count": removed},
    )
    return redirect(back)


# Responses from a file ----------------------------------------------------------------


@require_http_methods(["GET", "POST"])
@role_required(Role.ADMIN)
def responses_import(request: HttpRequest, code: str) -> HttpResponse:
    """Paper forms keyed in, another tool's export, the portal's ratings: checked row by
    row and shown first, then stored whole once confirmed (a large file as a job)."""
    survey = _campaign(code)
    back = reverse("surveys:campaign", args=[survey.code])
    today = _today()
    if request.method == "POST":
        confirm = ConfirmImportForm(request.POST)
        if confirm.is_valid():
            return _responses_store(request, survey, confirm.cleaned_data["kept"], today)
        upload = TableFileForm(request.POST, request.FILES, limits=imports.RESPONSE_LIMITS)
        if upload.is_valid():
            file = upload.cleaned_data["file"]
            content = file.read()
            try:
                checked = imports.responses_check(
                    campaign=survey, content=content, filename=file.name, today=today
                )
            except Refused as refused:
                upload.add_error("file", refused.message)
            else:
                if checked.rejections.count:
                    upload.add_error(
                        "file",
                        imports.ImportRejected(
                            checked.rejections.shown, checked.rejections.count
                        ).message,
                    )
                    return _responses_page(
                        request, survey, upload, checked.rejections.shown, status=400
                    )
                return _responses_confirm(request, survey, checked, content, file.name, back)
        return _responses_page(request, survey, upload, status=400)
    return _responses_page(request, survey, TableFileForm(limits=imports.RESPONSE_LIMITS))


def _responses_page(
    request: HttpRequest,
    survey: Campaign,
    upload: TableFileForm,
    rejected: list[imports.Rejection] | None = None,
    status: int = 200,
    error: str = "",
) -> HttpResponse:
    questions = list(
        Question.objects.filter(questionnaire__campaigns=survey)
        .select_related("questionnaire__respondent_group")
        .order_by("questionnaire__respondent_group__position", "questionnaire_id", "position")
    )
    return render(
        request,
        "surveys/campaigns/responses_import.html",
        {
            "campaign": survey,
            "upload": upload,
            "rejected": rejected or [],
            "error": error,
            "questions": questions,
            "staff": survey.source == Source.STAFF,
            "limits": imports.RESPONSE_LIMITS,
        },
        status=status,
    )


def _responses_confirm(
    request: HttpRequest,
    survey: Campaign,
    checked: imports.ResponsesChecked,
    content: bytes,
    filename: str,
    back: str,
) -> HttpResponse:
    name = imports.upload_keep(content, filename)
    count = len(checked.responses)
    facts = [
        Fact(
            ngettext(
                "%(count)s response for %(units)s units, from %(first)s to %(last)s, by channel:",
                "%(count)s responses for %(units)s units, from %(first)s to %(last)s, by channel:",
                count,
            )
            % {
                "count": count,
                "units": checked.units,
                "first": day(checked.first_day),
                "last": day(checked.last_day),
            },
            [f"{channel}: {n}" for channel, n in checked.channels],
        )
    ]
    if checked.repeated_dossiers:
        facts.append(
            Fact(
                ngettext(
                    "%(count)s rates a dossier rated already: it is stored flagged, not "
                    "counted until you decide.",
                    "%(count)s rate a dossier rated already: they are stored flagged, not "
                    "counted until you decide.",
                    checked.repeated_dossiers,
                )
                % {"count": checked.repeated_dossiers},
                warn=True,
            )
        )
    if count > imports.SYNC_ROWS:
        facts.append(
            Fact(_("The file is large: it is stored as a job whose page shows the progress."))
        )
    return _confirm(
        request,
        title=_("Import the responses"),
        consequence=_(
            "The responses are added to the campaign's; an import is not undone (a "
            "response keeps nothing that would find it again)."
        ),
        facts=facts,
        action_url=reverse("surveys:responses_import", args=[survey.code]),
        back_url=back,
        label=_("Import the responses"),
        fields={
            "kept": _signed("responses", survey, request, f=name, n=count, name=filename[:100])
        },
    )


def _responses_store(
    request: HttpRequest, survey: Campaign, token: str, today: datetime.date
) -> HttpResponse:
    try:
        kept = _unsigned("responses", survey, request, token)
        if int(kept.get("n", 0)) > imports.SYNC_ROWS:
            imports.upload_read(kept["f"])  # still there: not imported already
            job = job_enqueue(
                task=imports.responses_import_job,
                kind=_("Import responses into “%(title)s”") % {"title": survey.title},
                by=current_user(request),
                link=reverse("surveys:campaign", args=[survey.code]),
                campaign_id=survey.pk,
                name=kept["f"],
                filename=kept["f"],
            )
            return redirect(job)
        stored = imports.responses_import(
            campaign=survey,
            content=imports.upload_read(kept["f"]),
            filename=kept["f"],
            today=today,
        )
    except imports.ImportRejected as refused:
        return _responses_page(
            request,
            survey,
            TableFileForm(limits=imports.RESPONSE_LIMITS),
            refused.rejected,
            status=400,
            error=refused.message,
        )
    except Refused as refused:
        messages.error(request, refused.message)
        return redirect("surveys:responses_import", code=survey.code)
    imports.upload_discard(kept["f"])
    messages.success(request, imports.imported_words(stored))
    return redirect("surveys:campaign", code=survey.code)


# Flags -------------------------------------------------------------------------------


@dataclass(frozen=True)
class FlaggedRow:
    response: Response
    answers: list[tuple[str, str]]  # (question code, answer) as given


def _with_answers(survey: Campaign, responses: list[Response]) -> list[FlaggedRow]:
    """The page's responses with their answers, in two queries. Never a staff survey's:
    its responses are shown to nobody, one by one."""
    if survey.source == Source.STAFF or not responses:
        return [FlaggedRow(r, []) for r in responses]
    ids = [r.pk for r in responses]
    found: dict[Any, list[tuple[str, str]]] = {pk: [] for pk in ids}
    for response_id, code, value in (
        Answer.objects.filter(response_id__in=ids)
        .order_by("question__position", "choice")
        .values_list("response_id", "question__code", "value")
    ):
        found[response_id].append((code, str(value)))
    for response_id, code, text in (
        TextAnswer.objects.filter(response_id__in=ids)
        .order_by("question__position")
        .values_list("response_id", "question__code", "text")
    ):
        found[response_id].append((code, f"“{text[:200]}”"))
    return [FlaggedRow(r, found[r.pk]) for r in responses]


@require_http_methods(["GET", "POST"])
@role_required(Role.ADMIN)
def flags(request: HttpRequest, code: str) -> HttpResponse:
    """The flagged responses waiting for a decision (why, unit, day, channel, answers)
    and those decided; deciding asks first, and records the reason."""
    survey = _campaign(code)
    filters = FlagFilterForm(request.GET or None)
    kind = filters.value("flag") or ""
    decision = FlagDecisionForm(request.POST or None)
    if request.method == "POST" and decision.is_valid():
        data = decision.cleaned_data
        kind = data.get("flag") or ""
        chosen = Q(pk__in=data["chosen"]) if data["scope"] == "chosen" else Q()
        if kind:
            chosen &= Q(flag=kind)
        accept = data["decision"] == "accept"
        waiting = Response.objects.flagged().filter(chosen, campaign=survey)
        here = reverse("surveys:flags", args=[survey.code]) + (f"?flag={kind}" if kind else "")
        if not data["confirmed"]:
            count = waiting.count()
            units = sorted(set(waiting.values_list("unit__name", flat=True)[:1000]))
            return _confirm(
                request,
                title=_("Count the flagged responses")
                if accept
                else _("Do not count the flagged responses"),
                consequence=_(
                    "The decision is recorded with its reason, your name and the day; the "
                    "figures take it in at the next aggregation."
                ),
                facts=[
                    Fact(
                        ngettext(
                            "%(count)s response, of these units:",
                            "%(count)s responses, of these units:",
                            count,
                        )
                        % {"count": count},
                        units[:NAMES_SHOWN],
                        max(0, len(units) - NAMES_SHOWN),
                    ),
                    Fact(_("Reason: %(reason)s") % {"reason": data["reason"]}),
                ],
                action_url=reverse("surveys:flags", args=[survey.code]),
                back_url=here,
                label=_("Decide"),
                fields={
                    "chosen": data["chosen"],
                    "scope": data["scope"],
                    "decision": data["decision"],
                    "reason": data["reason"],
                    "flag": kind,
                    "confirmed": "on",
                },
            )
        try:
            decided = services.flags_decide(
                campaign=survey,
                chosen=chosen,
                accept=accept,
                reason=data["reason"],
                by=current_user(request),
                today=_today(),
            )
        except Refused as refused:
            messages.error(request, refused.message)
        else:
            messages.success(
                request,
                ngettext("%(count)s response decided.", "%(count)s responses decided.", decided)
                % {"count": decided},
            )
        return redirect(here)
    waiting = Response.objects.flagged().filter(campaign=survey)
    if kind:
        waiting = waiting.filter(flag=kind)
    page = Paginator(
        waiting.select_related("unit").order_by("day", "unit__name", "id"), FLAGS_PER_PAGE
    ).get_page(filters.value("page"))
    decided_rows = list(
        Response.objects.filter(campaign=survey)
        .exclude(flag="")
        .exclude(decision="")
        .select_related("unit", "decided_by")
        .order_by("-decided_on", "unit__name", "id")[:DECIDED_SHOWN]
    )
    return render(
        request,
        "surveys/campaigns/flags.html",
        {
            "campaign": survey,
            "page": page,
            "rows": _with_answers(survey, list(page.object_list)),
            "decided": decided_rows,
            "kind": kind,
            "kinds": Flag.choices,
            "form": decision,
            "filters": f"flag={kind}" if kind else "",
            "staff": survey.source == Source.STAFF,
        },
        status=400 if request.method == "POST" else 200,
    )


# A partner's progress -----------------------------------------------------------------


@require_GET
@role_required(Role.SUPERVISOR, Role.ADMIN)
def progress(request: HttpRequest) -> HttpResponse:
    """The campaigns the supervisor's partner takes part in."""
    user = current_user(request)
    return render(
        request,
        "surveys/campaigns/progress_list.html",
        {"campaigns": list(dashboards.partner_campaigns(user)), "today": _today()},
    )


@require_GET
@role_required(Role.SUPERVISOR, Role.ADMIN)
def campaign_progress(request: HttpRequest, code: str) -> HttpResponse:
    """A campaign's progress for its partners: counts per unit and per collector, never
    an answer nor a figure."""
    user = current_user(request)
    survey = dashboards.partner_campaigns(user).filter(code=code).first()
    if survey is None:
        refuse(request, f"progress of campaign {code} not visible", hide=True)
    assert survey is not None
    return render(
        request,
        "surveys/campaigns/progress.html",
        {"campaign": survey, "progress": dashboards.progress(survey), "today": _today()},
    )


# A unit's results ---------------------------------------------------------------------


def _unit_results(request: HttpRequest, code: str, unit_code: str) -> dashboards.UnitResults:
    unit = get_unit_for_user(request, unit_code)
    survey = _campaign(code)
    entry = (
        CampaignUnit.objects.filter(campaign=survey, unit=unit)
        .select_related("unit__group")
        .first()
    )
    if entry is None:
        refuse(request, f"unit {unit_code} not in campaign {code}", hide=True)
    assert entry is not None
    return dashboards.unit_results(survey, entry)


@require_GET
@role_required(*RESULT_READERS)
def unit_results(request: HttpRequest, code: str, unit_code: str) -> HttpResponse:
    """A unit's survey results with their intervals drawn; per group only from the
    campaign's minimum count; never an individual response."""
    results = _unit_results(request, code, unit_code)
    return render(
        request,
        "surveys/campaigns/unit_results.html",
        {
            "results": results,
            "campaign": results.campaign,
            "unit": results.entry.unit,
            "oversight": current_user(request).sees_all_units,
        },
    )


@require_GET
@role_required(*RESULT_READERS)
def unit_results_xlsx(request: HttpRequest, code: str, unit_code: str) -> HttpResponse:
    results = _unit_results(request, code, unit_code)
    response = HttpResponse(exports.unit_to_xlsx(results), content_type=XLSX)
    response["Content-Disposition"] = (
        f'attachment; filename="{results.campaign.code}-{results.entry.unit.code}.xlsx"'
    )
    return response


urlpatterns: list[URLPattern] = [
    path("surveys/", campaign_list, name="campaigns"),
    path("surveys/new/", campaign_new, name="campaign_new"),
    path("surveys/progress/", progress, name="progress"),
    path("surveys/<campaign:code>/", campaign, name="campaign"),
    path("surveys/<campaign:code>/edit/", campaign_edit, name="campaign_edit"),
    path("surveys/<campaign:code>/open/", campaign_open, name="campaign_open"),
    path(
        "surveys/<campaign:code>/transactions/",
        campaign_transactions,
        name="campaign_transactions",
    ),
    path(
        "surveys/<campaign:code>/transactions/import/",
        transactions_import,
        name="transactions_import",
    ),
    path("surveys/<campaign:code>/collectors/", campaign_collectors, name="campaign_collectors"),
    path("surveys/<campaign:code>/aggregate/", campaign_aggregate, name="campaign_aggregate"),
    path("surveys/<campaign:code>/results.xlsx", campaign_xlsx, name="campaign_xlsx"),
    path("surveys/<campaign:code>/respondents/", respondents, name="respondents"),
    path(
        "surveys/<campaign:code>/respondents/import/",
        respondents_import,
        name="respondents_import",
    ),
    path(
        "surveys/<campaign:code>/respondents/remove/",
        respondents_remove,
        name="respondents_remove",
    ),
    path("surveys/<campaign:code>/invitations/", invitations_send, name="invitations_send"),
    path("surveys/<campaign:code>/reminders/", reminders_send, name="reminders_send"),
    path("surveys/<campaign:code>/responses/import/", responses_import, name="responses_import"),
    path("surveys/<campaign:code>/flags/", flags, name="flags"),
    path("surveys/<campaign:code>/progress/", campaign_progress, name="campaign_progress"),
    path("surveys/<campaign:code>/<slug:unit_code>/results/", unit_results, name="unit_results"),
    path(
        "surveys/<campaign:code>/<slug:unit_code>/results.xlsx",
        unit_results_xlsx,
        name="unit_results_xlsx",
    ),
]
