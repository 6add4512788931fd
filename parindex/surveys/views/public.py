"""The surveys' pages for the people who answer: a unit's public form (s/<code>/), a
staff member's personal link (r/<token>/), a partner's collector recording in person
(surveys/collect/…), and a campaign's posters (surveys/<campaign>/posters/…).

The public form and the personal link are small pages of their own (no menu, no htmx,
one small stylesheet) that work without JavaScript: a plain post, the errors beside
each question, what was typed kept, then a redirect to a thank-you page.

CSRF: the public form keeps Django's check. Its cookie is set with the form (GET), so
only a browser that blocks every cookie is refused (Django's failure page, which shows
what was typed). The check is what stops another site from making its visitors' browsers
post answers from thousands of addresses, past the per-address counters. The personal
link is exempt: its token is itself a secret a forged post would need, and a refusal
would write the token into the security log.
"""

from __future__ import annotations

import secrets
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import SuspiciousOperation
from django.core.files.storage import default_storage
from django.db.models import Count, Exists, OuterRef, Q
from django.http import FileResponse, HttpRequest, HttpResponse, HttpResponseBase, QueryDict
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import path, reverse
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from parindex.jobs.models import Job
from parindex.jobs.services import job_enqueue
from parindex.org.access import current_user, refuse, role_required
from parindex.org.models import UNIT_ROLES, Role, Unit

from .. import posters as poster_files
from ..models import (
    Campaign,
    CampaignUnit,
    CollectorAssignment,
    Question,
    Questionnaire,
    Response,
    Source,
)
from ..public import (
    DOSSIER_FIELD,
    HONEYPOT_FIELD,
    NeedsCorrecting,
    Section,
    Shown,
    Throttled,
    Unreadable,
    address_key,
    answers_of,
    blank_questions,
    body_of,
    collector_submit,
    public_entry,
    public_submit,
    sections_of,
)
from ..responses import (
    AnswersInvalid,
    LinkUnknown,
    LinkUsed,
    form_of,
    questionnaire_for,
    respondent_for,
    response_submit_by_link,
)

SCALE = (1, 2, 3, 4, 5)


def _scale_words() -> list[tuple[str, str]]:
    words = (
        _("Very dissatisfied"),
        _("Dissatisfied"),
        _("Neither satisfied nor dissatisfied"),
        _("Satisfied"),
        _("Very satisfied"),
    )
    return [(str(value), word) for value, word in zip(SCALE, words, strict=True)]


@dataclass(frozen=True)
class Row:
    """A question on the page with what was sent for it and its error."""

    q: Shown
    chosen: frozenset[str]
    typed: str
    error: str


@dataclass(frozen=True)
class ShownSection:
    title: str
    rows: list[Row]


def _rows(
    sections: Sequence[Section], post: QueryDict | None, errors: Mapping[str, str]
) -> list[ShownSection]:
    shown = []
    for section in sections:
        rows = []
        for question in section.questions:
            values = post.getlist(question.name)[:60] if post is not None else []
            rows.append(
                Row(
                    question,
                    frozenset(values),
                    values[0][:2000] if values and question.kind in _TYPED else "",
                    errors.get(question.code, ""),
                )
            )
        shown.append(ShownSection(section.title, rows))
    return shown


_TYPED = (Question.Kind.NUMBER, Question.Kind.TEXT)


def _blank_context(questionnaire: Questionnaire) -> dict[str, object]:
    """An empty form: its questions rendered once per process for a frozen questionnaire."""
    sections = sections_of(questionnaire)

    def render() -> str:
        return render_to_string(
            "surveys/public/_questions.html",
            {"sections": _rows(sections, None, {}), "scale": _scale_words()},
        )

    return {
        **_form_context(sections=()),
        "questions_html": mark_safe(  # noqa: S308 - the template's own output
            blank_questions(questionnaire, get_language(), render)
        ),
    }


def _form_context(
    *,
    sections: Sequence[Section],
    post: QueryDict | None = None,
    errors: Mapping[str, str] | None = None,
    dossier_error: str = "",
    message: str = "",
) -> dict[str, object]:
    errors = errors or {}
    shown = _rows(sections, post, errors)
    return {
        "sections": shown,
        "scale": _scale_words(),
        "errors": errors,
        # Links to each answer to correct: without JavaScript nothing scrolls to them.
        "error_rows": [
            (row.q.number, row.q.name) for section in shown for row in section.rows if row.error
        ],
        "dossier_error": dossier_error,
        "dossier": (post.get(DOSSIER_FIELD, "")[:80] if post is not None else ""),
        "message": message,
        "dossier_field": DOSSIER_FIELD,
        "honeypot_field": HONEYPOT_FIELD,
    }


def _message_page(
    request: HttpRequest, title: str, text: str, *, status: int, back: str = ""
) -> HttpResponse:
    return render(
        request,
        "surveys/public/message.html",
        {"title": title, "text": text, "back": back},
        status=status,
    )


def _not_found(request: HttpRequest) -> HttpResponse:
    return _message_page(
        request,
        _("Survey not found"),
        _("This survey link is not valid. Check the address on the poster or in the message."),
        status=404,
    )


# The public form ------------------------------------------------------------------------


@never_cache
@require_http_methods(["GET", "POST"])
def public_form(request: HttpRequest, link_code: str) -> HttpResponse:
    """A unit's public form: anyone, no log-in, anonymous."""
    entry = public_entry(link_code)
    if entry is None or entry.questionnaire is None:
        return _not_found(request)
    today = timezone.localdate()
    campaign = entry.campaign
    if not campaign.is_open(today):
        return render(
            request,
            "surveys/public/closed.html",
            {"campaign": campaign, "unit": entry.unit, "early": today < campaign.opens_on},
            status=409 if request.method == "POST" else 200,
        )
    context: dict[str, object] = {"campaign": campaign, "unit": entry.unit}
    status = 200
    if request.method == "POST":
        try:
            public_submit(
                entry=entry,
                post=request.POST,
                address=address_key(request),
                day=today,
                body=body_of(request),
            )
        except Throttled as refusal:
            response = _message_page(
                request,
                _("Too many responses"),
                _(
                    "Too many responses came from your address within the hour, so this one "
                    "was not received. Try again in %(minutes)s minutes."
                )
                % {"minutes": max(1, -(-refusal.retry_after // 60))},
                status=429,
            )
            response["Retry-After"] = str(refusal.retry_after)
            return response
        except Unreadable as refusal:
            return _message_page(
                request,
                _("The response could not be read"),
                refusal.message + " " + _("Nothing was stored."),
                status=400,
                back=reverse("surveys:public_form", args=[entry.link_code]),
            )
        except NeedsCorrecting as refusal:
            context.update(
                _form_context(
                    sections=sections_of(entry.questionnaire),
                    post=request.POST,
                    errors=refusal.errors,
                    dossier_error=refusal.dossier,
                    message=refusal.message,
                )
            )
            status = 400
        else:
            return redirect("surveys:public_thanks", link_code=entry.link_code)
    else:
        context.update(_blank_context(entry.questionnaire))
    context["public"] = True
    return render(request, "surveys/public/form.html", context, status=status)


@require_GET
def public_thanks(request: HttpRequest, link_code: str) -> HttpResponse:
    entry = public_entry(link_code)
    if entry is None or entry.questionnaire is None:
        return _not_found(request)
    return render(
        request,
        "surveys/public/thanks.html",
        {
            "campaign": entry.campaign,
            "unit": entry.unit,
            "again": reverse("surveys:public_form", args=[entry.link_code]),
        },
    )


# A staff member's personal link ---------------------------------------------------------


@csrf_exempt
@never_cache
@require_http_methods(["GET", "POST"])
def personal_form(request: HttpRequest, token: str) -> HttpResponse:
    """A staff member's questionnaire through their personal link: answered once."""
    respondent = respondent_for(token)
    if respondent is None:
        return _not_found(request)
    campaign = respondent.campaign
    today = timezone.localdate()
    if respondent.used:
        return _answered(request)
    questionnaire = questionnaire_for(campaign, respondent.group)
    if questionnaire is None:
        return _not_found(request)
    if not campaign.is_open(today):
        return render(
            request,
            "surveys/public/closed.html",
            {"campaign": campaign, "unit": respondent.unit, "early": today < campaign.opens_on},
            status=409 if request.method == "POST" else 200,
        )
    context: dict[str, object] = {
        "campaign": campaign,
        "unit": respondent.unit,
        "group": respondent.group,
        "introduction": questionnaire.introduction,
    }
    status = 200
    if request.method == "POST":
        try:
            raw = answers_of(form_of(questionnaire), request.POST, body_of(request))
            response_submit_by_link(token=token, raw=raw, day=today)
        except SuspiciousOperation:  # more fields than Django reads at all
            return _unreadable(request, _("The form sent has too many fields."))
        except Unreadable as refusal:
            return _unreadable(request, refusal.message)
        except LinkUsed:
            return _answered(request)
        except LinkUnknown:
            return _not_found(request)
        except AnswersInvalid as refusal:
            context.update(
                _form_context(
                    sections=sections_of(questionnaire),
                    post=request.POST,
                    errors=refusal.parsed.errors,
                    message=refusal.message,
                )
            )
            status = 400
        else:
            return redirect("surveys:personal_thanks")
    else:
        context.update(_blank_context(questionnaire))
    return render(request, "surveys/public/form.html", context, status=status)


def _unreadable(request: HttpRequest, message: str) -> HttpResponse:
    return _message_page(
        request,
        _("The response could not be read"),
        message + " " + _("Nothing was stored."),
        status=400,
    )


def _answered(request: HttpRequest) -> HttpResponse:
    return _message_page(
        request,
        _("Already answered"),
        _(
            "This link has already been used to answer, and it answers once. Thank you for "
            "your response: nothing more is needed."
        ),
        status=409,
    )


@require_GET
def personal_thanks(request: HttpRequest) -> HttpResponse:
    return render(request, "surveys/public/thanks.html", {"again": ""})


# Collectors -----------------------------------------------------------------------------


@dataclass(frozen=True)
class Collected:
    """A unit assigned to the collector, with the responses the collector recorded."""

    unit: Unit
    today: int
    total: int


@dataclass(frozen=True)
class Collecting:
    campaign: Campaign
    units: list[Collected]


@require_GET
@role_required(Role.COLLECTOR)
def collect(request: HttpRequest) -> HttpResponse:
    """The open campaigns and the units assigned to the collector, with the responses
    the collector recorded for each today and in all."""
    user = current_user(request)
    today = timezone.localdate()
    assignments = list(
        CollectorAssignment.objects.filter(
            collector=user,
            campaign__source=Source.SIPAS,
            campaign__opens_on__lte=today,
            campaign__closes_on__gte=today,
        )
        .filter(
            Exists(
                CampaignUnit.objects.filter(campaign=OuterRef("campaign"), unit=OuterRef("unit"))
            )
        )
        .select_related("campaign", "unit")
        .order_by("campaign__title", "unit__position", "unit__name")
    )
    counts: dict[tuple[int, int], tuple[int, int]] = {
        (row["campaign_id"], row["unit_id"]): (row["today"], row["total"])
        for row in Response.objects.filter(
            collector=user, campaign__in={a.campaign_id for a in assignments}
        )
        .values("campaign_id", "unit_id")
        .annotate(total=Count("id"), today=Count("id", filter=Q(day=today)))
    }
    campaigns: dict[int, Collecting] = {}
    for assignment in assignments:
        item = campaigns.setdefault(assignment.campaign_id, Collecting(assignment.campaign, []))
        today_count, total = counts.get((assignment.campaign_id, assignment.unit_id), (0, 0))
        item.units.append(Collected(assignment.unit, today_count, total))
    return render(request, "surveys/collect/list.html", {"campaigns": list(campaigns.values())})


@require_http_methods(["GET", "POST"])
@role_required(Role.COLLECTOR)
def collect_unit(request: HttpRequest, campaign: str, unit: str) -> HttpResponse:
    """The unit's form, for the collector assigned to it to record a response in person;
    then the empty form again for the next person."""
    user = current_user(request)
    assignment = (
        CollectorAssignment.objects.filter(
            collector=user,
            campaign__code=campaign[:80],
            campaign__source=Source.SIPAS,
            unit__code=unit[:50],
        )
        .filter(
            Exists(
                CampaignUnit.objects.filter(campaign=OuterRef("campaign"), unit=OuterRef("unit"))
            )
        )
        .select_related("campaign", "unit")
        .first()
    )
    if assignment is None:
        refuse(request, f"collection {campaign}/{unit} not assigned", hide=True)
    assert assignment is not None
    survey, place = assignment.campaign, assignment.unit
    questionnaire = questionnaire_for(survey, None)
    today = timezone.localdate()
    context: dict[str, object] = {"campaign": survey, "unit": place}
    if questionnaire is None or not survey.is_open(today):
        context["closed"] = True
        context["early"] = today < survey.opens_on
        return render(
            request,
            "surveys/collect/unit.html",
            context,
            status=409 if request.method == "POST" else 200,
        )
    status = 200
    if request.method == "POST":
        try:
            collector_submit(
                campaign=survey,
                questionnaire=questionnaire,
                unit=place,
                collector=user,
                post=request.POST,
                day=today,
                body=body_of(request),
            )
        except Unreadable as refusal:
            context.update(_blank_context(questionnaire))
            context["message"] = refusal.message + " " + _("Nothing was stored.")
            status = 400
        except NeedsCorrecting as refusal:
            context.update(
                _form_context(
                    sections=sections_of(questionnaire),
                    post=request.POST,
                    errors=refusal.errors,
                    dossier_error=refusal.dossier,
                    message=refusal.message,
                )
            )
            status = 400
        else:
            messages.success(
                request, _("Response saved. The form is empty again for the next person.")
            )
            return redirect("surveys:collect_unit", campaign=survey.code, unit=place.code)
    else:
        context.update(_blank_context(questionnaire))
    context["with_dossier"] = True
    mine = Response.objects.filter(campaign=survey, unit=place, collector=user)
    context["today_count"] = mine.filter(day=today).count()
    return render(request, "surveys/collect/unit.html", context, status=status)


# Posters --------------------------------------------------------------------------------

POSTER_ROLES = (Role.ADMIN, *UNIT_ROLES)


def _campaign_for_posters(request: HttpRequest, code: str) -> Campaign:
    """A SIPAS campaign whose posters the user may have: the administrator's, a unit's
    people's for their own unit; other roles are refused (403), an unknown campaign 404."""
    user = current_user(request)
    if not (user.is_active and user.role in POSTER_ROLES):
        refuse(request, f"posters: role {user.role}")
    survey = Campaign.objects.filter(code=code[:80], source=Source.SIPAS).first()
    if survey is None:
        refuse(request, f"posters: campaign {code[:80]} unknown", hide=True)
    assert survey is not None
    return survey


def _entry_for_poster(request: HttpRequest, campaign: str, unit: str) -> CampaignUnit:
    survey = _campaign_for_posters(request, campaign)
    user = current_user(request)
    entry = (
        CampaignUnit.objects.select_related("campaign", "unit")
        .filter(campaign=survey, unit__code=unit[:50])
        .first()
    )
    if entry is None or (user.role != Role.ADMIN and entry.unit_id != user.unit_id):
        refuse(request, f"poster {campaign}/{unit} not visible", hide=True)
    assert entry is not None
    return entry


@require_GET
@role_required(*POSTER_ROLES)
def posters(request: HttpRequest, campaign: str) -> HttpResponse:
    """The campaign's posters to download: every unit's and the ZIP for the
    administrator, the unit's own for its people."""
    survey = _campaign_for_posters(request, campaign)
    user = current_user(request)
    entries = CampaignUnit.objects.filter(campaign=survey).select_related("unit")
    if user.role != Role.ADMIN:
        entries = entries.filter(unit_id=user.unit_id or 0)
        if not entries.exists():
            refuse(request, f"posters: {campaign} does not cover the unit", hide=True)
    rows = [(entry, poster_files.public_link(entry)) for entry in entries]
    made = None
    if user.role == Role.ADMIN:
        made = (
            Job.objects.filter(
                task_path=poster_files.posters_zip_job.module_path,
                task_kwargs__campaign_id=survey.pk,
            )
            .order_by("-created_at", "-pk")
            .first()
        )
    return render(
        request,
        "surveys/collect/posters.html",
        {"campaign": survey, "rows": rows, "job": made, "is_admin": user.role == Role.ADMIN},
    )


def _poster_response(content: bytes, filename: str, content_type: str) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@require_GET
@role_required(*POSTER_ROLES)
def poster_pdf(request: HttpRequest, campaign: str, unit: str) -> HttpResponse:
    entry = _entry_for_poster(request, campaign, unit)
    return _poster_response(
        poster_files.poster_pdf(entry),
        poster_files.poster_filename(entry, "pdf"),
        "application/pdf",
    )


@require_GET
@role_required(*POSTER_ROLES)
def poster_png(request: HttpRequest, campaign: str, unit: str) -> HttpResponse:
    entry = _entry_for_poster(request, campaign, unit)
    return _poster_response(
        poster_files.poster_png(entry), poster_files.poster_filename(entry, "png"), "image/png"
    )


@require_POST
@role_required(Role.ADMIN)
def posters_zip(request: HttpRequest, campaign: str) -> HttpResponse:
    """Every unit's posters in one ZIP: about half a second a unit, so a job whose page
    shows its progress and then leads to the download."""
    survey = _campaign_for_posters(request, campaign)
    key = secrets.token_hex(8)
    job = job_enqueue(
        task=poster_files.posters_zip_job,
        kind=_("Posters of %(campaign)s") % {"campaign": survey.title},
        by=current_user(request),
        link=reverse("surveys:posters", args=[survey.code]),
        campaign_id=survey.pk,
        key=key,
    )
    return redirect(job)


@require_GET
@login_required
def posters_zip_file(request: HttpRequest, campaign: str, job: int) -> HttpResponseBase:
    """The ZIP a job made, once it is made: the administrator's."""
    if not current_user(request).is_admin:
        refuse(request, "posters ZIP: not the administrator")
    survey = _campaign_for_posters(request, campaign)
    made = Job.objects.filter(
        pk=job,
        task_path=poster_files.posters_zip_job.module_path,
        task_kwargs__campaign_id=survey.pk,
        status=Job.Status.SUCCEEDED,
    ).first()
    name = poster_files.zip_name(survey.code, str(made.task_kwargs.get("key", ""))) if made else ""
    if made is None or not default_storage.exists(name):
        return _message_page(
            request,
            _("No such file"),
            _("This ZIP of posters is not made, or no longer kept: make it again."),
            status=404,
            back=reverse("surveys:posters", args=[survey.code]),
        )
    return FileResponse(
        default_storage.open(name, "rb"),
        as_attachment=True,
        filename=f"posters-{survey.code}.zip",
        content_type="application/zip",
    )


urlpatterns = [
    path("s/<str:link_code>/", public_form, name="public_form"),
    path("s/<str:link_code>/thanks/", public_thanks, name="public_thanks"),
    path("r/thanks/", personal_thanks, name="personal_thanks"),
    path("r/<str:token>/", personal_form, name="personal_form"),
    path("surveys/collect/", collect, name="collect"),
    path("surveys/collect/<slug:campaign>/<slug:unit>/", collect_unit, name="collect_unit"),
    path("surveys/<slug:campaign>/posters/", posters, name="posters"),
    path("surveys/<slug:campaign>/posters/zip/", posters_zip, name="posters_zip"),
    path(
        "surveys/<slug:campaign>/posters/zip/<int:job>/",
        posters_zip_file,
        name="posters_zip_file",
    ),
    path("surveys/<slug:campaign>/posters/<slug:unit>.pdf", poster_pdf, name="poster_pdf"),
    path("surveys/<slug:campaign>/posters/<slug:unit>.png", poster_png, name="poster_png"),
]
