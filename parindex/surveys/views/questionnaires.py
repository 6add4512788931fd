"""The questionnaires' pages, the administrator's only: the list by year and survey, a
questionnaire with its indicators, questions, crosswalk and the check of the year's
survey leaves; import (YAML or XLSForm, shown before it is stored), export, copy into
next year, the crosswalk's links."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import URLPattern, path, reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from parindex.frameworks.messages import MAX_PROBLEMS
from parindex.frameworks.years import carry_years
from parindex.org.access import current_user, role_required
from parindex.org.errors import Refused
from parindex.org.models import Role

from .. import questionnaires as services
from ..forms_questionnaires import (
    CopyConfirmForm,
    CopyForm,
    CrosswalkForm,
    PreviousForm,
    QuestionnaireConfirmForm,
    QuestionnaireFilterForm,
    QuestionnaireUploadForm,
)
from ..models import Questionnaire


def _questionnaire(pk: int) -> Questionnaire:
    return get_object_or_404(
        Questionnaire.objects.select_related("respondent_group", "previous"), pk=pk
    )


def _detail_url(questionnaire: Questionnaire) -> str:
    return reverse("surveys:questionnaire_detail", args=[questionnaire.pk])


@require_GET
@role_required(Role.ADMIN)
def questionnaire_list(request: HttpRequest) -> HttpResponse:
    form = QuestionnaireFilterForm(request.GET or None)
    found = services.questionnaire_list(year=form.value("year"), survey=form.value("survey"))
    return render(
        request,
        "surveys/questionnaires/list.html",
        {"form": form, "questionnaires": list(found)},
    )


@require_GET
@role_required(Role.ADMIN)
def questionnaire_detail(request: HttpRequest, pk: int) -> HttpResponse:
    questionnaire = _questionnaire(pk)
    return render(
        request,
        "surveys/questionnaires/detail.html",
        {
            "view": services.questionnaire_view(questionnaire),
            "questionnaire": questionnaire,
            "refusal": services.frozen_refusal(questionnaire),
            "copy_form": CopyForm(
                initial={
                    "year": questionnaire.year + 1,
                    "code": services.copy_code(questionnaire, questionnaire.year + 1),
                }
            ),
        },
    )


@require_GET
@role_required(Role.ADMIN)
def questionnaire_export(request: HttpRequest, pk: int) -> HttpResponse:
    questionnaire = _questionnaire(pk)
    response = HttpResponse(
        services.questionnaire_export(questionnaire=questionnaire),
        content_type="application/yaml; charset=utf-8",
    )
    response["Content-Disposition"] = f'attachment; filename="{questionnaire.code}.yaml"'
    return response


def _problems_page(
    request: HttpRequest, form: QuestionnaireUploadForm, problems: list[str]
) -> HttpResponse:
    return render(
        request,
        "surveys/questionnaires/import.html",
        {
            "form": form,
            "problems": problems[:MAX_PROBLEMS],
            "problem_count": len(problems),
            "more": max(0, len(problems) - MAX_PROBLEMS),
        },
        status=400,
    )


@require_http_methods(["GET", "POST"])
@role_required(Role.ADMIN)
def questionnaire_import(request: HttpRequest) -> HttpResponse:
    """Upload a file: every problem listed and nothing stored, or what it will store
    shown first; the administrator's confirmation stores it."""
    if request.method == "POST" and "content" in request.POST:
        return _import_confirmed(request)
    form = QuestionnaireUploadForm(request.POST or None, request.FILES or None)
    if request.method == "GET":
        return render(request, "surveys/questionnaires/import.html", {"form": form})
    if not form.is_valid():
        return _problems_page(request, form, [])
    upload = form.cleaned_data["file"]
    try:
        reading = services.questionnaire_read(data=upload.read(), filename=upload.name)
    except services.QuestionnaireFileError as error:
        return _problems_page(request, form, error.problems)
    spec = reading.spec
    replaced = reading.replaces
    before = set(replaced.questions.values_list("code", flat=True)) if replaced else set()
    after = {question.code for _indicator, question in spec.questions()}
    return render(
        request,
        "surveys/questionnaires/import_confirm.html",
        {
            "spec": spec,
            "notes": reading.notes,
            "replaced": replaced,
            "removed": sorted(before - after),
            "added": sorted(after - before) if replaced else [],
            "question_count": len(after),
            "content": services.spec_to_yaml(spec),
        },
    )


def _import_confirmed(request: HttpRequest) -> HttpResponse:
    form = QuestionnaireConfirmForm(request.POST)
    if not form.is_valid():
        problems = [
            _("The import was not confirmed, or its content is too large: upload the file again.")
        ]
        return _problems_page(request, QuestionnaireUploadForm(), problems)
    try:
        questionnaire = services.questionnaire_import(
            data=form.cleaned_data["content"].encode(), by=current_user(request)
        )
    except services.QuestionnaireFileError as error:
        return _problems_page(request, QuestionnaireUploadForm(), error.problems)
    messages.success(
        request, _("Questionnaire “%(title)s” saved.") % {"title": questionnaire.title}
    )
    return redirect(_detail_url(questionnaire))


@require_http_methods(["GET", "POST"])
@role_required(Role.ADMIN)
def questionnaire_copy(request: HttpRequest, pk: int) -> HttpResponse:
    """Copy into a later year: first what the copy holds (GET), then the copy."""
    questionnaire = _questionnaire(pk)
    form: CopyForm = (
        CopyConfirmForm(request.POST) if request.method == "POST" else CopyForm(request.GET)
    )
    if not form.is_valid() and "year" in form.errors:
        messages.error(request, _("Enter a year between 2000 and 2100."))
        return redirect(_detail_url(questionnaire))
    year = form.cleaned_data["year"]
    code = form.cleaned_data.get("code") or services.copy_code(questionnaire, year)
    if request.method == "POST" and form.is_valid():
        try:
            copy = services.questionnaire_copy(
                questionnaire=questionnaire, year=year, by=current_user(request), code=code
            )
        except Refused as error:
            messages.error(request, error.message)
            return redirect(_detail_url(questionnaire))
        messages.success(
            request,
            _("Copied into %(year)s: check the crosswalk to last year's questions.")
            % {"year": year},
        )
        return redirect(reverse("surveys:questionnaire_crosswalk", args=[copy.pk]))
    counts = services.questionnaire_view(questionnaire)
    return render(
        request,
        "surveys/questionnaires/copy.html",
        {
            "questionnaire": questionnaire,
            "year": year,
            "code": code,
            "title": carry_years(questionnaire.title, questionnaire.year, year),
            "refusal": services.questionnaire_copy_refusal(
                questionnaire=questionnaire, year=year, code=code
            ),
            "view": counts,
        },
        status=200 if request.method == "GET" else 400,
    )


@require_http_methods(["GET", "POST"])
@role_required(Role.ADMIN)
def questionnaire_crosswalk(request: HttpRequest, pk: int) -> HttpResponse:
    """Which question of an earlier questionnaire each question continues, so that the
    figures of the two years compare. Allowed on a questionnaire in use: the links change
    no question."""
    questionnaire = _questionnaire(pk)
    candidates = services.crosswalk_candidates(questionnaire)
    chooser = PreviousForm(
        request.POST if request.method == "POST" else request.GET or None,
        candidates=candidates,
        initial={"previous": questionnaire.previous_id},
    )
    previous_id = questionnaire.previous_id
    if chooser.is_bound:
        previous_id = chooser.cleaned_data["previous"] if chooser.is_valid() else previous_id
    previous = next((q for q in candidates if q.pk == previous_id), None)
    questions = list(questionnaire.questions.order_by("position", "pk"))
    earlier = list(previous.questions.order_by("position", "pk")) if previous else []
    form = CrosswalkForm(
        request.POST if request.method == "POST" else None,
        questions=questions,
        earlier=earlier,
        previous_id=previous.pk if previous else None,
    )
    if request.method == "POST" and chooser.is_valid() and form.is_valid():
        try:
            changed = services.questionnaire_crosswalk_save(
                questionnaire=questionnaire,
                previous=previous,
                links=form.links(),
                by=current_user(request),
            )
        except Refused as error:
            messages.error(request, error.message)
        else:
            messages.success(
                request, _("Crosswalk saved: %(count)s links changed.") % {"count": changed}
            )
            return redirect(_detail_url(questionnaire))
    return render(
        request,
        "surveys/questionnaires/crosswalk.html",
        {
            "questionnaire": questionnaire,
            "chooser": chooser,
            "previous": previous,
            "form": form,
        },
        status=400 if request.method == "POST" else 200,
    )


urlpatterns: list[URLPattern] = [
    path("surveys/questionnaires/", questionnaire_list, name="questionnaire_list"),
    path("surveys/questionnaires/import/", questionnaire_import, name="questionnaire_import"),
    path("surveys/questionnaires/<int:pk>/", questionnaire_detail, name="questionnaire_detail"),
    path(
        "surveys/questionnaires/<int:pk>/export/",
        questionnaire_export,
        name="questionnaire_export",
    ),
    path("surveys/questionnaires/<int:pk>/copy/", questionnaire_copy, name="questionnaire_copy"),
    path(
        "surveys/questionnaires/<int:pk>/crosswalk/",
        questionnaire_crosswalk,
        name="questionnaire_crosswalk",
    ),
]
