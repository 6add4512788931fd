"""Assessment pages: the unit fills in its self-assessment, appraisers score it, everyone
concerned reads its history. Saves go through HTMX when the browser runs JavaScript and
through plain forms when it does not; either way what was typed is never lost."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Mapping
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.core.paginator import Page, Paginator
from django.forms.models import model_to_dict
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.clickjacking import xframe_options_sameorigin
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from parindex.frameworks.models import Criterion
from parindex.frameworks.rules import rule_kind, shown
from parindex.org.access import current_user, refuse, role_required, visible_units
from parindex.org.errors import Forbidden, Refused
from parindex.org.models import UNIT_ROLES, Role, User
from parindex.org.templatetags.parindex import clock, day

from . import evidence as types
from . import previews, selectors, services
from .access import acting_role, may_download, may_read_evidence
from .forms import (
    AppraisalForm,
    ConfirmForm,
    DeadlinesForm,
    EvidenceLinkForm,
    EvidenceUploadForm,
    EvidenceUrlForm,
    ExtendForm,
    FieldActionForm,
    FieldForm,
    HistoryFilterForm,
    PageForm,
    PhaseForm,
    RequestForm,
    SelfAnswerForm,
    TransitionForm,
)
from .models import (
    PHASE_ORDER,
    Assessment,
    AssessmentItem,
    Cycle,
    EvidenceFile,
    EvidenceUrl,
    FieldAppraisal,
    Phase,
    State,
)
from .workflow import BY_ACTION, allowed_actions, next_step


def _is_htmx(request: HttpRequest) -> bool:
    return request.headers.get("HX-Request") == "true"


KEPT_POST = "parindex.kept_post"  # the session key of a save that came after log-out
KEPT_FIELDS = 20  # a leaf's form has fewer fields than this
KEPT_CHARACTERS = 20_000


def htmx_login_required(view: Any) -> Any:
    """Like login_required, but nothing typed is lost when the session has expired: an
    HTMX save gets a 401 that the page turns into a message, leaving what was typed in
    place; a plain form's save is kept in the session through the log-in and shown again
    on the page, unsaved, to be checked and saved."""
    wrapped = login_required(view)

    def check(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not request.user.is_authenticated:
            if _is_htmx(request):
                return HttpResponse(status=401)
            if request.method == "POST" and {"year", "code", "criterion"} <= set(kwargs):
                _keep_post(request, view.__name__, kwargs["criterion"])
                return redirect_to_login(
                    _leaf_url(kwargs["year"], kwargs["code"], kwargs["criterion"])
                )
        response: HttpResponse = wrapped(request, *args, **kwargs)
        return response

    check.__name__ = view.__name__
    check.__doc__ = view.__doc__
    return check


def _keep_post(request: HttpRequest, view_name: str, criterion: str) -> None:
    """What a save without a session carried, bounded, for the page after the log-in."""
    side = {"item_save": "self", "item_appraise": "appraisal"}.get(view_name)
    if side is None:
        return
    typed = {
        str(key)[:40]: str(value)[:KEPT_CHARACTERS]
        for key, value in list(request.POST.items())[:KEPT_FIELDS]
        if key != "csrfmiddlewaretoken"
    }
    if sum(len(value) for value in typed.values()) <= KEPT_CHARACTERS:
        request.session[KEPT_POST] = {"key": f"{side}:{criterion}", "typed": typed}


def _kept_post(request: HttpRequest) -> dict[str, dict[str, str]]:
    """The save kept through a log-in, once, as the page's typed values."""
    kept = request.session.pop(KEPT_POST, None)
    if not isinstance(kept, dict) or not isinstance(kept.get("typed"), dict):
        return {}
    return {str(kept.get("key", "")): {str(k): str(v) for k, v in kept["typed"].items()}}


def _get_assessment_for_user(request: HttpRequest, year: int, code: str) -> tuple[Assessment, Role]:
    """The assessment if the user has to do with it; otherwise a logged 404."""
    assessment = (
        Assessment.objects.select_related("cycle", "unit", "group")
        .filter(cycle__year=year, unit__code=code)
        .first()
    )
    role = acting_role(current_user(request), assessment) if assessment else None
    if assessment is None or role is None:
        refuse(request, f"assessment {year} {code} not visible", hide=True)
    assert assessment is not None and role is not None
    return assessment, role


def _for_the_unit(request: HttpRequest, year: int, code: str) -> tuple[Assessment, Role]:
    """The assessment for one of the unit's own actions (its answers, its evidence): a
    logged 404 for another unit's people, a logged 403 for any other role — whatever
    the form holds."""
    assessment, role = _get_assessment_for_user(request, year, code)
    if role not in UNIT_ROLES:
        refuse(request, f"{role} may not change the answers of {year} {code}")
    return assessment, role


def _for_an_appraiser(
    request: HttpRequest, year: int, code: str, field: str
) -> tuple[Assessment, Role]:
    """The assessment for an appraiser's action on a field: a logged 403 unless the field
    is the user's to appraise (the administrator appraises every field)."""
    assessment, role = _get_assessment_for_user(request, year, code)
    if not services.may_appraise(assessment, current_user(request), Criterion.field_of(field)):
        refuse(request, f"{role} may not appraise field {field} of {year} {code}")
    return assessment, role


def _item(assessment: Assessment, criterion: str) -> AssessmentItem:
    return get_object_or_404(
        AssessmentItem.objects.select_related("criterion"),
        assessment=assessment,
        criterion__code=criterion,
    )


# The page -------------------------------------------------------------------------


def _page_context(
    request: HttpRequest,
    assessment: Assessment,
    role: Role,
    *,
    typed: dict[str, dict[str, str]] | None = None,
    errors: dict[str, dict[str, Any]] | None = None,
    view: selectors.AssessmentView | None = None,
    brief: bool = False,
) -> dict[str, Any]:
    """What the page shows; `brief`: what a save's answer shows (its leaf's points and
    versions, the totals, the actions), without the leaves' evidence and requests."""
    user = current_user(request)
    show_appraisal = role not in UNIT_ROLES or assessment.round_ended(1)
    view = view or selectors.assessment_view(
        assessment, evidence=not brief, appraisal=show_appraisal, viewer=user
    )
    if not brief:  # a save's answer fills its one leaf (_saved)
        _fill_values(view.rows, typed or {})
    if role in UNIT_ROLES:  # the appraisers' requests of the rounds that have ended only
        for row in view.rows:
            row.requests = [r for r in row.requests if assessment.round_ended(r.round)]
    today = timezone.localdate()
    edit_problem = services.unit_edit_problem(assessment, role, today)
    fields = sorted({row.field_code for row in view.rows})
    appraise = {
        code for code in fields if services.appraisal_problem(assessment, user, code) is None
    }
    actions = [BY_ACTION[a] for a in allowed_actions(assessment, role, today)]
    appraisers_view = role not in UNIT_ROLES
    context = {
        "assessment": assessment,
        "view": view,
        "role": role,
        "is_unit": role in UNIT_ROLES,
        "may_edit": edit_problem is None,
        "edit_problem": edit_problem,
        "appraise": appraise,
        "show_appraisal": show_appraisal,
        "actions": actions,
        "deadline": assessment.phase_deadline,
    }
    if brief:
        return context
    scored = services.appraised_this_round(assessment) if appraise else set()
    context |= {
        "files": selectors.unit_files(assessment) if edit_problem is None else [],
        "requests": [r for row in view.rows for r in row.requests],
        "typed": typed or {},
        "errors": errors or {},
        "may_read_evidence": may_read_evidence(user, assessment),
        "extend_form": ExtendForm() if user.is_admin else None,
        # The appraisers' side: which fields are marked appraised this round, how many
        # leaves of each an appraiser scored this round, what the unit changed in its
        # revision and whether it answered each request.
        "fields_done": {
            done.field_code: done
            for done in FieldAppraisal.objects.filter(
                assessment=assessment, round=assessment.round
            ).select_related("done_by")
        }
        if appraisers_view
        else {},
        "scored_by_field": Counter(
            row.field_code for row in view.rows if row.item is not None and row.item.pk in scored
        ),
        "revision": selectors.revision_changes(assessment)
        if appraisers_view and assessment.round == 2
        else {},
        "answered": {
            status.request.pk: status.answered for status in selectors.request_status(assessment)
        },
        "starts_appraisal": bool(appraise)
        and assessment.state in (State.SUBMITTED, State.RESUBMITTED),
    }
    return context


def _fill_values(rows: list[selectors.Row], typed: dict[str, dict[str, str]]) -> None:
    """Each leaf's form values: what was typed if a save was refused, else what is stored."""
    for row in rows:
        item = row.item
        if item is None:
            continue
        code = row.criterion.code
        row.self_values = typed.get(f"self:{code}") or {
            **shown(row.criterion.rule_type, item.self_inputs),
            "note": item.note,
            "claimed": "on" if item.not_applicable_claimed else "",
            "claim_reason": item.not_applicable_reason,
        }
        if row.proposal is not None and row.proposal.values:
            row.proposal_taken = all(
                row.self_values.get(name) == value
                for name, value in row.proposal.values.items()
                if name != "claim_reason"
            )
        accepted = item.not_applicable_accepted
        decision = "" if accepted is None else ("accept" if accepted else "reject")
        row.appraisal_values = typed.get(f"appraisal:{code}") or {
            **shown(row.criterion.rule_type, item.appraised_inputs),
            "appraisal_note": item.appraisal_note,
            "claim_decision": decision,
        }


@require_GET
@login_required
def assessment_detail(request: HttpRequest, year: int, code: str) -> HttpResponse:
    """The unit's assessment as a tree: its answers, evidence and points; the appraisal
    beside them for those who may see it."""
    assessment, role = _get_assessment_for_user(request, year, code)
    kept = _kept_post(request)
    if kept:
        messages.warning(
            request,
            _(
                "You were logged out before this was saved: it is shown below as you typed "
                "it, not saved yet. Check it and press Save."
            ),
        )
    context = _page_context(request, assessment, role, typed=kept)
    context["field"] = _field_shown(request, context["view"])
    return render(request, "assessments/detail.html", context)


def _field_shown(request: HttpRequest, view: selectors.AssessmentView) -> str:
    """The field the page shows: the one asked for, else the first not yet answered
    ("all" shows every field, to print)."""
    form = FieldForm(request.GET or None)
    wanted = form.cleaned_data["field"] if form.is_valid() else ""
    codes = {f.code for f in view.fields}
    if wanted == "all" or wanted in codes:
        return str(wanted)
    return view.first_unanswered_field()


# Saving a leaf --------------------------------------------------------------------


def _saved(
    request: HttpRequest,
    assessment: Assessment,
    role: Role,
    code: str,
    *,
    status: str = "",
    error: str = "",
    field_errors: Mapping[str, Any] | None = None,
    conflict: AssessmentItem | None = None,
    typed: dict[str, str] | None = None,
    side: str = "self",
    saved: AssessmentItem | None = None,
) -> HttpResponse:
    """The answer to an HTMX save: only the parts that changed, swapped out of band, so
    that nothing the person is typing is replaced."""
    if saved is not None:  # the assessment as the save read it under the item's lock
        assessment.state = saved.assessment.state
        assessment.state_changed_at = saved.assessment.state_changed_at
    elif side == "appraisal":  # an appraiser's first save starts the appraisal
        assessment.refresh_from_db(fields=["state", "state_changed_at"])
    context = _page_context(request, assessment, role, brief=True)
    view = context["view"]
    row = view.row(code)
    _fill_values([row], {})
    context.update(
        {
            "row": row,
            # The saved leaf's field: its branches' points and its progress, which change.
            "field_branches": [
                node
                for node in view.rows
                if not node.criterion.rule_type and node.own and node.field_code == row.field_code
            ],
            "field_progress": [f for f in view.fields if f.code == row.field_code],
            "status": status,
            "error": error,
            "field_errors": field_errors or {},
            "conflict": conflict,
            # Theirs, as the page would show it: “Có”, a level's name, “Số lần: 2”.
            "conflict_words": rule_kind(conflict.criterion.rule_type).words(
                conflict.criterion.rule(),
                conflict.self_inputs if side == "self" else conflict.appraised_inputs,
            )
            if conflict
            else [],
            "typed_values": typed or {},
            "side": side,
        }
    )
    return render(request, "assessments/_saved.html", context)


def _rerender(
    request: HttpRequest,
    assessment: Assessment,
    role: Role,
    code: str,
    typed: dict[str, str],
    error: str,
    field_errors: Mapping[str, Any] | None = None,
    side: str = "self",
) -> HttpResponse:
    """Without JavaScript: the whole page again, the leaf as it was typed, with why it
    was not saved."""
    messages.error(
        request, _("Criterion %(code)s was not saved: %(error)s") % {"code": code, "error": error}
    )
    context = _page_context(
        request,
        assessment,
        role,
        typed={f"{side}:{code}": typed},
        errors={code: {"error": error, "fields": field_errors or {}}},
    )
    context["field"] = Criterion.field_of(code)
    return render(request, "assessments/detail.html", context, status=400)


def _save_leaf(
    request: HttpRequest,
    year: int,
    code: str,
    criterion: str,
    side: str,
    form_class: type[SelfAnswerForm] | type[AppraisalForm],
    save: Callable[[AssessmentItem, Any, User], object],
) -> HttpResponse:
    """One leaf's save, the unit's or an appraiser's: the form read through the leaf's
    rule, the service called, and the answer as HTMX fragments or a whole page."""
    if side == "self":
        assessment, role = _for_the_unit(request, year, code)
    else:
        assessment, role = _for_an_appraiser(request, year, code, criterion)
    item = _item(assessment, criterion)
    form = form_class(request.POST, criterion=item.criterion)
    htmx = _is_htmx(request)
    if not form.is_valid():
        error = " ".join(str(e) for errors in form.errors.values() for e in errors)
        if htmx:
            return _saved(
                request,
                assessment,
                role,
                criterion,
                error=error,
                field_errors=form.errors,
                side=side,
            )
        return _rerender(
            request, assessment, role, criterion, form.typed(), error, form.errors, side
        )
    try:
        saved = save(item, form, current_user(request))
    except services.StaleItem as stale:
        if htmx:
            return _saved(
                request,
                assessment,
                role,
                criterion,
                conflict=stale.current,
                typed=form.typed(),
                side=side,
            )
        message = _stale_message(stale.current)
        return _rerender(request, assessment, role, criterion, form.typed(), message, side=side)
    except Forbidden as forbidden:
        refuse(request, f"{side} save {year} {code} {criterion}: {forbidden.message}")
    except Refused as refused:
        if htmx:
            return _saved(request, assessment, role, criterion, error=refused.message, side=side)
        return _rerender(
            request, assessment, role, criterion, form.typed(), refused.message, side=side
        )
    if htmx:
        return _saved(
            request,
            assessment,
            role,
            criterion,
            status=_("Saved"),
            side=side,
            saved=saved if isinstance(saved, AssessmentItem) else None,
        )
    messages.success(request, _("Criterion %(code)s saved.") % {"code": criterion})
    return redirect(_leaf_url(year, code, criterion))


@require_POST
@htmx_login_required
def item_save(request: HttpRequest, year: int, code: str, criterion: str) -> HttpResponse:
    """Save the unit's answer to one leaf."""

    def save(item: AssessmentItem, form: Any, user: User) -> object:
        return services.item_save_self(
            item=item,
            answer=services.SelfAnswer(
                form.inputs,
                form.cleaned_data["note"],
                form.cleaned_data["claimed"],
                form.cleaned_data["claim_reason"],
            ),
            version=form.cleaned_data["version"],
            by=user,
        )

    return _save_leaf(request, year, code, criterion, "self", SelfAnswerForm, save)


@require_POST
@htmx_login_required
def item_appraise(request: HttpRequest, year: int, code: str, criterion: str) -> HttpResponse:
    """Save an appraiser's score, comment and decision on one leaf."""

    def save(item: AssessmentItem, form: Any, user: User) -> object:
        return services.item_save_appraisal(
            item=item,
            appraisal=services.Appraisal(
                form.inputs, form.cleaned_data["appraisal_note"], form.claim_accepted
            ),
            version=form.cleaned_data["version"],
            by=user,
        )

    return _save_leaf(request, year, code, criterion, "appraisal", AppraisalForm, save)


def _leaf_url(year: int, code: str, criterion: str) -> str:
    """The page at the leaf (or field), showing its field."""
    url = reverse("assessments:detail", args=[year, code])
    return f"{url}?field={Criterion.field_of(criterion)}#c-{criterion}"


def _stale_message(current: AssessmentItem) -> str:
    who = current.updated_by or _("someone")
    when = clock(current.updated_at)
    return _(
        "%(who)s saved this criterion at %(when)s, after you opened it. Your text is kept "
        "below; check theirs, then save again."
    ) % {"who": who, "when": when}


# Evidence -------------------------------------------------------------------------


def _evidence_answer(
    request: HttpRequest, assessment: Assessment, role: Role, criterion: str, message: str, ok: bool
) -> HttpResponse:
    if _is_htmx(request):
        context = _page_context(request, assessment, role)
        context.update(
            {
                "row": context["view"].row(criterion),
                "evidence_message": message,
                "evidence_ok": ok,
            }
        )
        return render(request, "assessments/_evidence_answer.html", context)
    (messages.success if ok else messages.error)(request, message)
    return redirect(_leaf_url(assessment.cycle.year, assessment.unit.code, criterion))


EvidenceChange = Callable[[HttpRequest, Assessment, AssessmentItem, User], str]


def _evidence_change(
    request: HttpRequest, year: int, code: str, criterion: str, change: EvidenceChange
) -> HttpResponse:
    """One change of a leaf's evidence by the unit: `change` makes it and says what it
    did, or raises Refused (a 403 when Forbidden); the answer is the leaf's evidence."""
    assessment, role = _for_the_unit(request, year, code)
    item = _item(assessment, criterion)
    try:
        done = change(request, assessment, item, current_user(request))
    except Forbidden as forbidden:
        refuse(request, f"evidence {year} {code} {criterion}: {forbidden.message}")
    except Refused as refused:
        return _evidence_answer(request, assessment, role, criterion, refused.message, False)
    return _evidence_answer(request, assessment, role, criterion, done, True)


def _form_refusal(form: Any) -> Refused:
    return Refused(" ".join(str(e) for errors in form.errors.values() for e in errors))


@require_POST
@htmx_login_required
def evidence_upload(request: HttpRequest, year: int, code: str, criterion: str) -> HttpResponse:
    def upload(request: HttpRequest, _a: Assessment, item: AssessmentItem, user: User) -> str:
        form = EvidenceUploadForm(request.POST, request.FILES)
        if not form.is_valid():
            raise Refused(_("Choose a file to add."))
        file = services.evidence_upload(item=item, upload=form.cleaned_data["file"], by=user)
        return _("“%(name)s” added.") % {"name": file.name}

    return _evidence_change(request, year, code, criterion, upload)


@require_POST
@htmx_login_required
def evidence_link(request: HttpRequest, year: int, code: str, criterion: str) -> HttpResponse:
    def cite(request: HttpRequest, assessment: Assessment, item: AssessmentItem, user: User) -> str:
        form = EvidenceLinkForm(request.POST)
        file = (
            EvidenceFile.objects.filter(
                pk=form.cleaned_data["file"], unit_id=assessment.unit_id
            ).first()
            if form.is_valid()
            else None
        )
        if file is None:
            raise Refused(_("Choose one of your unit's files."))
        services.evidence_link(item=item, file=file, by=user)
        return _("“%(name)s” cited.") % {"name": file.name}

    return _evidence_change(request, year, code, criterion, cite)


@require_POST
@htmx_login_required
def evidence_unlink(
    request: HttpRequest, year: int, code: str, criterion: str, file: int
) -> HttpResponse:
    def uncite(
        request: HttpRequest, assessment: Assessment, item: AssessmentItem, user: User
    ) -> str:
        evidence = get_object_or_404(EvidenceFile, pk=file, unit_id=assessment.unit_id)
        services.evidence_unlink(item=item, file=evidence, by=user)
        return _("“%(name)s” no longer cited here.") % {"name": evidence.name}

    return _evidence_change(request, year, code, criterion, uncite)


@require_POST
@htmx_login_required
def evidence_url_add(request: HttpRequest, year: int, code: str, criterion: str) -> HttpResponse:
    """Cite a web page as evidence of the leaf."""

    def cite(request: HttpRequest, _a: Assessment, item: AssessmentItem, user: User) -> str:
        form = EvidenceUrlForm(request.POST)
        if not form.is_valid():
            raise _form_refusal(form)
        cited = services.evidence_url_add(
            item=item, url=form.cleaned_data["url"], title=form.cleaned_data["title"], by=user
        )
        return _("“%(name)s” cited.") % {"name": cited}

    return _evidence_change(request, year, code, criterion, cite)


@require_POST
@htmx_login_required
def evidence_url_remove(
    request: HttpRequest, year: int, code: str, criterion: str, pk: int
) -> HttpResponse:
    def uncite(request: HttpRequest, _a: Assessment, item: AssessmentItem, user: User) -> str:
        cited = get_object_or_404(EvidenceUrl, pk=pk, item=item)
        services.evidence_url_remove(item=item, cited=cited, by=user)
        return _("“%(name)s” no longer cited here.") % {"name": cited}

    return _evidence_change(request, year, code, criterion, uncite)


@require_GET
@login_required
@xframe_options_sameorigin
def evidence_file(request: HttpRequest, pk: int) -> HttpResponseBase:
    """The file, to the unit, its appraisers and the administrators only."""
    user = current_user(request)
    file = EvidenceFile.objects.filter(pk=pk).select_related("unit").first()
    if file is None or not may_download(user, file):
        refuse(request, f"evidence {pk} not readable", hide=True)
    assert file is not None
    return types.file_response(file, inline=request.GET.get("inline") == "1")


# States ---------------------------------------------------------------------------


@require_POST
@login_required
def transition(request: HttpRequest, year: int, code: str) -> HttpResponse:
    """A step of the transitions table; one that cannot be taken back is first shown with
    what it will do, and taken once confirmed."""
    assessment, _role = _get_assessment_for_user(request, year, code)
    form = TransitionForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Unknown action."))
        return redirect("assessments:detail", year=year, code=code)
    action, reason = form.cleaned_data["action"], form.cleaned_data["reason"]
    user = current_user(request)
    try:
        step = services.transition_check(
            assessment=assessment, action=action, by=user, reason=reason
        )
        if step.confirm and not form.cleaned_data["confirmed"]:
            view = selectors.assessment_view(assessment)
            preview = previews.transition_preview(assessment, step, view, timezone.localdate())
            return _confirm(
                request,
                preview,
                {"action": action, "reason": reason},
                reverse("assessments:transition", args=[year, code]),
                reverse("assessments:detail", args=[year, code]),
                step.label,
            )
        done = services.assessment_transition(
            assessment=assessment, action=action, by=user, reason=reason
        )
    except Forbidden as forbidden:
        refuse(request, f"transition {action} {year} {code}: {forbidden.message}")
    except Refused as refused:
        messages.error(request, refused.message)
    else:
        messages.success(
            request,
            _("Done: the assessment is now “%(state)s”.") % {"state": done.get_state_display()},
        )
    return redirect("assessments:detail", year=year, code=code)


def _confirmed(request: HttpRequest) -> bool:
    form = ConfirmForm(request.POST)
    return form.is_valid() and bool(form.cleaned_data["confirmed"])


def _confirm(
    request: HttpRequest,
    preview: previews.Preview,
    fields: dict[str, str],
    action_url: str,
    back_url: str,
    label: object,
) -> HttpResponse:
    """The page that shows what a step will do and asks before it is taken."""
    return render(
        request,
        "assessments/confirm.html",
        {
            "preview": preview,
            "fields": fields,
            "action_url": action_url,
            "back_url": back_url,
            "label": label,
        },
    )


@require_POST
@role_required(Role.ADMIN)
def extend(request: HttpRequest, year: int, code: str) -> HttpResponse:
    """The administrator gives one unit a later deadline, with the reason."""
    assessment, _role = _get_assessment_for_user(request, year, code)
    form = ExtendForm(request.POST)
    if not form.is_valid():
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, str(error))
    else:
        try:
            services.assessment_extend(
                assessment=assessment,
                phase=Phase(form.cleaned_data["phase"]),
                until=form.cleaned_data["until"],
                by=current_user(request),
                reason=form.cleaned_data["reason"],
            )
        except Refused as refused:
            messages.error(request, refused.message)
        else:
            messages.success(
                request,
                _("%(unit)s may now submit until %(date)s.")
                % {
                    "unit": assessment.unit.name,
                    "date": day(form.cleaned_data["until"]),
                },
            )
    return redirect("assessments:detail", year=year, code=code)


# Fields and requests (appraisers) -------------------------------------------------


@require_POST
@login_required
def field_action(
    request: HttpRequest, year: int, code: str, field: str, action: str
) -> HttpResponse:
    """An appraiser's action on a whole field: accept the unit's own scores (those not
    yet appraised this round, or all with `overwrite`), mark it appraised, take that
    back."""
    assessment, _role = _for_an_appraiser(request, year, code, field)
    user = current_user(request)
    form = FieldActionForm(request.POST)
    if action not in ("accept", "finish", "reopen") or not form.is_valid():
        raise Http404("no such field action")
    try:
        if action == "accept":
            accepted = services.field_accept_self(
                assessment=assessment,
                field_code=field,
                by=user,
                overwrite=form.cleaned_data["overwrite"],
            )
            text = _("Field %(field)s: the unit's own scores accepted (%(count)s criteria).") % {
                "field": field,
                "count": accepted.changed,
            }
            if accepted.kept:
                text += " " + ngettext(
                    "%(kept)s criterion already appraised in this round was kept.",
                    "%(kept)s criteria already appraised in this round were kept.",
                    accepted.kept,
                ) % {"kept": accepted.kept}
            messages.success(request, text)
        elif action == "finish":
            services.field_finish(assessment=assessment, field_code=field, by=user)
            messages.success(request, _("Field %(field)s marked as appraised.") % {"field": field})
        else:
            services.field_reopen(assessment=assessment, field_code=field, by=user)
            messages.success(
                request, _("Field %(field)s is no longer marked as appraised.") % {"field": field}
            )
    except Forbidden as forbidden:
        refuse(request, f"field {action} {year} {code} {field}: {forbidden.message}")
    except Refused as refused:
        messages.error(request, refused.message)
    return redirect(_leaf_url(year, code, field))


@require_POST
@login_required
def item_request(request: HttpRequest, year: int, code: str, criterion: str) -> HttpResponse:
    assessment, _role = _for_an_appraiser(request, year, code, criterion)
    item = _item(assessment, criterion)
    form = RequestForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Say what the unit should explain or add."))
    else:
        try:
            services.explanation_request(
                item=item, message=form.cleaned_data["message"], by=current_user(request)
            )
        except Forbidden as forbidden:
            refuse(request, f"request {year} {code} {criterion}: {forbidden.message}")
        except Refused as refused:
            messages.error(request, refused.message)
        else:
            messages.success(
                request, _("Request sent for criterion %(code)s.") % {"code": criterion}
            )
    return redirect(_leaf_url(year, code, criterion))


# History and lists ----------------------------------------------------------------


@require_GET
@login_required
def history(request: HttpRequest, year: int, code: str) -> HttpResponse:
    """The assessment's history, newest first, by criterion and by person if asked."""
    assessment, role = _get_assessment_for_user(request, year, code)
    entries = selectors.audit_for(assessment, current_user(request), unit_view=role in UNIT_ROLES)
    people = selectors.history_people(assessment, entries)
    form = HistoryFilterForm(request.GET or None, people=people)
    if form.is_valid():
        if form.cleaned_data["criterion"]:
            entries = entries.filter(item__criterion__code=form.cleaned_data["criterion"])
        if form.cleaned_data["by"]:
            entries = entries.filter(by_id=int(form.cleaned_data["by"]))
    return render(
        request,
        "assessments/history.html",
        {"assessment": assessment, "entries": entries[:500], "role": role, "form": form},
    )


@require_GET
@login_required
def current(request: HttpRequest) -> HttpResponse:
    """The cycle under way: the unit's own assessment, or the list of assessments."""
    cycle = selectors.current_cycle()
    if cycle is None:
        return render(request, "assessments/none.html")
    return redirect("assessments:list", year=cycle.year)


@require_GET
@login_required
def cycle_list(request: HttpRequest, year: int) -> HttpResponse:
    """The cycle's assessments the user has to do with, with how far each has got."""
    user = current_user(request)
    cycle = get_object_or_404(Cycle, year=year)
    if user.role in UNIT_ROLES and user.unit is not None:
        return redirect("assessments:detail", year=year, code=user.unit.code)
    page = _page(request, selectors.assessments_in(cycle.pk, visible_units(user)))
    rows = selectors.progress(list(page))
    return render(request, "assessments/list.html", {"cycle": cycle, "rows": rows, "page": page})


ROWS_PER_PAGE = 200  # a phone should not receive thousands of rows at once


def _page(request: HttpRequest, assessments: Any) -> Page[Assessment]:
    form = PageForm(request.GET or None)
    number = form.cleaned_data.get("page") if form.is_valid() else None
    return Paginator(assessments, ROWS_PER_PAGE).get_page(number)


# The cycle (administrator, council chair) --------------------------------------------


@require_http_methods(["GET", "POST"])
@role_required(Role.ADMIN, Role.COUNCIL_CHAIR)
def manage(request: HttpRequest, year: int) -> HttpResponse:
    """The cycle's phases, deadlines and progress: the administrator moves it on (closing
    a round also sends the preliminary results), the council chair approves its results."""
    from parindex.notify.models import Message

    cycle = get_object_or_404(Cycle, year=year)
    user = current_user(request)
    form = DeadlinesForm(initial=model_to_dict(cycle, fields=DeadlinesForm.base_fields))
    if request.method == "POST":
        action = request.POST.get("action", "")
        try:
            if action == "deadlines" and user.is_admin:
                form = DeadlinesForm(request.POST)
                if form.is_valid():
                    services.cycle_set_deadlines(cycle=cycle, deadlines=form.deadlines(), by=user)
                    messages.success(request, _("The deadlines are saved."))
                    return redirect("assessments:manage", year=year)
            elif action == "next" and user.is_admin:
                phase_form = PhaseForm(request.POST)
                if not phase_form.is_valid():
                    raise Refused(_("Unknown action."))
                target = phase_form.cleaned_data["phase"]
                if not phase_form.cleaned_data["confirmed"]:
                    step = services.cycle_step_check(cycle=cycle, to=target, by=user)
                    return _confirm(
                        request,
                        previews.step_preview(cycle, step, timezone.localdate()),
                        {"action": "next", "phase": target},
                        reverse("assessments:manage", args=[year]),
                        reverse("assessments:manage", args=[year]),
                        _("Confirm"),
                    )
                moved = services.cycle_advance(cycle=cycle, to=target, by=user)
                cycle.refresh_from_db()
                messages.success(
                    request,
                    " ".join(moved.notes)
                    or _("The cycle is now in “%(phase)s”.") % {"phase": cycle.get_phase_display()},
                )
                return redirect("assessments:manage", year=year)
            elif action == "approve" and user.role == Role.COUNCIL_CHAIR:
                if not _confirmed(request):
                    return _confirm(
                        request,
                        previews.approval_preview(cycle),
                        {"action": "approve"},
                        reverse("assessments:manage", args=[year]),
                        reverse("assessments:manage", args=[year]),
                        _("Approve"),
                    )
                approved = services.cycle_approve(cycle=cycle, by=user)
                messages.success(
                    request, _("%(count)s units' results approved.") % {"count": approved}
                )
                return redirect("assessments:manage", year=year)
            elif action == "send" and user.is_admin:
                from parindex.notify.services import outbox_send

                if not _confirmed(request):
                    return _confirm(
                        request,
                        previews.outbox_preview(),
                        {"action": "send"},
                        reverse("assessments:manage", args=[year]),
                        reverse("assessments:manage", args=[year]),
                        _("Send now"),
                    )

                counts = outbox_send()
                messages.success(
                    request,
                    _("%(sent)s messages sent, %(retried)s to retry, %(failed)s failed.")
                    % {"sent": counts.sent, "retried": counts.retried, "failed": counts.failed},
                )
                return redirect("assessments:manage", year=year)
            else:
                refuse(request, f"cycle action {action} by {user.role}")
        except Forbidden as forbidden:
            refuse(request, f"cycle {action} {year}: {forbidden.message}")
        except Refused as refused:
            messages.error(request, refused.message)
    round_number = 2 if cycle.phase_is_at_least(Phase.REVISION) else 1
    page = _page(request, selectors.assessments_in(cycle.pk))
    rows = selectors.progress(list(page))
    states = selectors.state_counts(cycle.pk)
    return render(
        request,
        "assessments/manage.html",
        {
            "cycle": cycle,
            "phases": [
                (phase, PHASE_ORDER.index(phase) <= PHASE_ORDER.index(Phase(cycle.phase)))
                for phase in PHASE_ORDER
            ],
            "next_step": next_step(cycle),
            "form": form,
            "rows": rows,
            "page": page,
            "states": states,
            "appraisers": selectors.appraisal_progress(cycle.pk, round_number),
            "fields": selectors.field_progress(cycle.pk, round_number),
            "round": round_number,
            "to_approve": Assessment.objects.filter(cycle=cycle, state=State.APPRAISED_2).count(),
            "outbox": {
                status.label: Message.objects.filter(status=status).count()
                for status in Message.Status
            },
            "is_admin": user.is_admin,
            "is_chair": user.role == Role.COUNCIL_CHAIR,
        },
    )
