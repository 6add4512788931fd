"""A unit's assessment: read it, answer a leaf, appraise a leaf, move it by an action of
the transitions table — through the pages' own forms, services and checks."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, QueryDict
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Router, Schema
from pydantic import Field

from parindex.assessments import selectors, services
from parindex.assessments.forms import AppraisalForm, SelfAnswerForm
from parindex.assessments.models import Assessment, AssessmentItem
from parindex.assessments.services import StaleItem
from parindex.assessments.workflow import allowed_actions
from parindex.frameworks.models import Criterion
from parindex.org.errors import Forbidden, Refused
from parindex.org.models import UNIT_ROLES
from parindex.results.interchange import json_number

from ..access import assessment_for, refuse
from ..auth import user_of
from ..errors import ApiError, not_found
from ..params import Code, CriterionCode, Year

router = Router(tags=["assessments"])


class EvidenceOut(Schema):
    id: int
    name: str
    kind: str
    size: int
    sha256: str
    url: str
    # What was read from the file (number and symbol, date, issuer, title); null until read.
    document: dict[str, Any] | None


class LinkOut(Schema):
    url: str
    title: str


class NotApplicableOut(Schema):
    claimed: bool
    reason: str
    accepted: bool | None


class ItemOut(Schema):
    criterion: str
    title: str
    field: str
    max_points: float
    rule: str
    self_points: float | None
    inputs: dict[str, Any] | None
    note: str
    not_applicable: NotApplicableOut
    appraised_points: float | None
    appraisal_inputs: dict[str, Any] | None
    appraisal_note: str | None
    evidence: list[EvidenceOut]
    links: list[LinkOut]
    version: int


class AssessmentOut(Schema):
    year: int
    unit: str
    unit_name: str
    group: str
    state: str
    state_label: str
    round: int
    items: list[ItemOut]


def _points(node: Any) -> float | None:
    return json_number(node.points) if node is not None else None


def assessment_out(assessment: Assessment, role: str) -> AssessmentOut:
    """The assessment as the pages show it to that role: the appraisal only where the
    pages show it (to a unit, once the first round has ended)."""
    show_appraisal = role not in UNIT_ROLES or assessment.round_ended(1)
    view = selectors.assessment_view(
        assessment, evidence=True, appraisal=show_appraisal, proposals=False
    )
    items = []
    for row in view.rows:
        item = row.item
        if item is None or row.later:
            continue
        criterion = row.criterion
        appraised = show_appraisal and item.appraised_inputs is not None
        items.append(
            ItemOut(
                criterion=criterion.code,
                title=criterion.title,
                field=criterion.field_code,
                max_points=json_number(criterion.max_points),
                rule=criterion.rule_type,
                self_points=_points(row.own) if item.self_inputs is not None else None,
                inputs=item.self_inputs,
                note=item.note,
                not_applicable=NotApplicableOut(
                    claimed=item.not_applicable_claimed,
                    reason=item.not_applicable_reason,
                    accepted=item.not_applicable_accepted if show_appraisal else None,
                ),
                appraised_points=_points(row.appraised) if appraised else None,
                appraisal_inputs=item.appraised_inputs if show_appraisal else None,
                appraisal_note=item.appraisal_note if show_appraisal else None,
                evidence=[
                    EvidenceOut(
                        id=file.pk,
                        name=file.name,
                        kind=file.kind,
                        size=file.size,
                        sha256=file.sha256,
                        url=f"/api/v1/evidence/{file.pk}",
                        document=file.document,
                    )
                    for file in row.files
                ],
                links=[LinkOut(url=link.url, title=link.title) for link in row.urls],
                version=item.version,
            )
        )
    return AssessmentOut(
        year=assessment.cycle.year,
        unit=assessment.unit.code,
        unit_name=assessment.unit.name,
        group=assessment.group.code,
        state=assessment.state,
        state_label=str(assessment.get_state_display()),
        round=assessment.round,
        items=items,
    )


@router.get(
    "/{year}/{unit}",
    response=AssessmentOut,
    url_name="assessment",
    summary="Hồ sơ tự đánh giá của đơn vị",
)
def assessment(request: HttpRequest, year: Year, unit: Code) -> AssessmentOut:
    user = user_of(request)
    found, role = assessment_for(request, user, year, unit)
    return assessment_out(found, role)


# Answering and appraising a leaf -------------------------------------------------------

# A leaf's inputs as JSON: what a form's fields hold, typed. Each is read by the pages'
# form, so the same bounds and the same engine checks apply.
Scalar = bool | int | float | str | None


class InputsIn(Schema):
    score: int | float | str | None = None
    yes: bool | None = None
    level: str | None = Field(default=None, max_length=500)
    numerator: int | float | str | None = None
    denominator: int | float | str | None = None
    occurrences: int | str | None = None
    items: list[int | float | str] | None = Field(default=None, max_length=50)


class NotApplicableIn(Schema):
    claimed: bool
    reason: str = Field(default="", max_length=2000)


class AnswerIn(Schema):
    version: int = Field(ge=0, le=2**31 - 1)
    inputs: InputsIn | None = None
    note: str = Field(default="", max_length=5000)
    not_applicable: NotApplicableIn | None = None


class AppraisalIn(Schema):
    version: int = Field(ge=0, le=2**31 - 1)
    inputs: InputsIn | None = None
    note: str = Field(default="", max_length=5000)
    # the decision on the unit's not-applicable claim: true accepts, false refuses
    not_applicable_accepted: bool | None = None


def _text(value: Scalar) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    return str(value)


def _form_data(inputs: InputsIn | None, **fields: str) -> QueryDict:
    """The JSON body as the page's form would post it."""
    data = QueryDict(mutable=True)
    if inputs is not None:
        for name in ("score", "yes", "level", "numerator", "denominator", "occurrences"):
            data[name] = _text(getattr(inputs, name))
        if inputs.items is not None:
            data["items"] = "\n".join(_text(value) for value in inputs.items)
    data.update(fields)
    return data


def item_of(assessment: Assessment, criterion: str) -> AssessmentItem:
    item = (
        AssessmentItem.objects.select_related("criterion")
        .filter(assessment=assessment, criterion__code=criterion)
        .first()
    )
    if item is None or not item.criterion.is_answerable:
        raise not_found()
    return item


def _invalid(form: Any) -> ApiError:
    details = [
        {"field": name if name != "__all__" else None, "problem": str(error)}
        for name, errors in form.errors.items()
        for error in errors
    ]
    message = " ".join(str(detail["problem"]) for detail in details)
    return ApiError(400, "invalid", message or _("The request is not valid."), details)


def _stale(stale: StaleItem) -> ApiError:
    current = stale.current
    return ApiError(
        409,
        "stale_version",
        _("Someone saved this criterion after you read it: read it again, then send yours."),
        {"version": current.version},
    )


class SavedOut(Schema):
    criterion: str
    version: int
    self_points: float | None = None
    appraised_points: float | None = None


def _saved(assessment: Assessment, role: str, code: str) -> SavedOut:
    out = assessment_out(assessment, role)
    item = next(item for item in out.items if item.criterion == code)
    return SavedOut(
        criterion=code,
        version=item.version,
        self_points=item.self_points,
        appraised_points=item.appraised_points,
    )


@router.put(
    "/{year}/{unit}/items/{criterion}",
    response=SavedOut,
    url_name="item_answer",
    summary="Đơn vị trả lời một tiêu chí",
)
def item_answer(
    request: HttpRequest,
    body: AnswerIn,
    year: Year,
    unit: Code,
    criterion: CriterionCode,
) -> SavedOut:
    """The unit's answer to one leaf: the same form, checks and service as the page."""
    user = user_of(request)
    found, role = assessment_for(request, user, year, unit)
    if role not in UNIT_ROLES:
        refuse(request, f"{role} may not answer {year} {unit} {criterion}")
    item = item_of(found, criterion)
    claim = body.not_applicable
    form = SelfAnswerForm(
        _form_data(
            body.inputs,
            version=str(body.version),
            note=body.note,
            claimed="on" if claim and claim.claimed else "",
            claim_reason=claim.reason if claim else "",
        ),
        criterion=item.criterion,
    )
    if not form.is_valid():
        raise _invalid(form)
    try:
        services.item_save_self(
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
    except StaleItem as stale:
        raise _stale(stale) from None
    except Forbidden as forbidden:
        refuse(request, f"self save {year} {unit} {criterion}: {forbidden.message}")
    return _saved(found, role, criterion)


@router.put(
    "/{year}/{unit}/items/{criterion}/appraisal",
    response=SavedOut,
    url_name="item_appraise",
    summary="Thẩm định một tiêu chí",
)
def item_appraise(
    request: HttpRequest,
    body: AppraisalIn,
    year: Year,
    unit: Code,
    criterion: CriterionCode,
) -> SavedOut:
    """An appraiser's score, comment and decision on one leaf of a field of theirs."""
    user = user_of(request)
    found, role = assessment_for(request, user, year, unit)
    if not services.may_appraise(found, user, Criterion.field_of(criterion)):
        refuse(request, f"{role} may not appraise {year} {unit} {criterion}")
    item = item_of(found, criterion)
    decision = {True: "accept", False: "reject", None: ""}[body.not_applicable_accepted]
    form = AppraisalForm(
        _form_data(
            body.inputs,
            version=str(body.version),
            appraisal_note=body.note,
            claim_decision=decision,
        ),
        criterion=item.criterion,
    )
    if not form.is_valid():
        raise _invalid(form)
    try:
        services.item_save_appraisal(
            item=item,
            appraisal=services.Appraisal(
                form.inputs, form.cleaned_data["appraisal_note"], form.claim_accepted
            ),
            version=form.cleaned_data["version"],
            by=user,
        )
    except StaleItem as stale:
        raise _stale(stale) from None
    except Forbidden as forbidden:
        refuse(request, f"appraisal {year} {unit} {criterion}: {forbidden.message}")
    found.refresh_from_db(fields=["state", "state_changed_at"])
    return _saved(found, role, criterion)


# Transitions ---------------------------------------------------------------------------


class TransitionIn(Schema):
    action: str = Field(min_length=1, max_length=40)
    reason: str = Field(default="", max_length=2000)


class TransitionOut(Schema):
    state: str
    state_label: str
    allowed: list[str]


@router.post(
    "/{year}/{unit}/transitions",
    response=TransitionOut,
    url_name="transition",
    summary="Chuyển trạng thái hồ sơ (nộp, rút, trả lại, …)",
)
def transition(request: HttpRequest, body: TransitionIn, year: Year, unit: Code) -> TransitionOut:
    """One action of the transitions table; a refused one is a 409 listing the allowed."""
    user = user_of(request)
    found, role = assessment_for(request, user, year, unit)
    try:
        moved = services.assessment_transition(
            assessment=found, action=body.action, by=user, reason=body.reason
        )
    except Forbidden as forbidden:
        refuse(
            request,
            f"transition {body.action} {year} {unit}: {forbidden.message}",
            message=forbidden.message,
            details={"allowed": forbidden.allowed},
        )
    except Refused as refused:
        raise ApiError(409, "refused", refused.message, {"allowed": refused.allowed}) from None
    return TransitionOut(
        state=moved.state,
        state_label=str(moved.get_state_display()),
        allowed=allowed_actions(moved, role, timezone.localdate()),
    )
