"""The surveys' public side through the API: a campaign's questionnaire, and responses —
from anyone (a unit named, throttled by address as the public form is), from a staff
member's invitation token (answered once), or from a trusted system's integration
account (a survey kiosk, the public-service portal)."""

from __future__ import annotations

import datetime
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Router, Schema, Status
from pydantic import Field

from parindex.surveys.models import Campaign, CampaignUnit, Channel
from parindex.surveys.public import (
    NeedsCorrecting,
    NotInSurvey,
    SurveyClosed,
    Throttled,
    address_key,
    data_submit,
    sections_of,
)
from parindex.surveys.responses import (
    AnswersInvalid,
    LinkUnknown,
    LinkUsed,
    respondent_for,
    response_submit_by_link,
)

from ..auth import optional_bearer
from ..errors import ApiError, error_response, not_found
from ..models import Scope
from ..params import Code

router = Router(tags=["surveys"])


class ChoiceOut(Schema):
    value: str
    label: str


class QuestionOut(Schema):
    code: str
    text: str
    hint: str
    kind: str
    required: bool
    choices: list[ChoiceOut]
    min: int | None
    max: int | None


class SectionOut(Schema):
    title: str
    questions: list[QuestionOut]


class QuestionnaireOut(Schema):
    group: str | None  # the respondent group of a staff survey's form; null: the public's
    title: str
    sections: list[SectionOut]


class UnitOut(Schema):
    code: str
    name: str


class SurveyOut(Schema):
    code: str
    title: str
    year: int
    source: str
    opens_on: datetime.date
    closes_on: datetime.date
    open: bool
    units: list[UnitOut]
    questionnaires: list[QuestionnaireOut]


def _campaign(code: str) -> Campaign:
    campaign = Campaign.objects.filter(code=code).first()
    if campaign is None:
        raise not_found()
    return campaign


@router.get(
    "/{campaign}",
    response=SurveyOut,
    auth=None,
    url_name="survey",
    summary="Phiếu khảo sát của đợt khảo sát",
)
def survey(request: HttpRequest, campaign: Code) -> SurveyOut:
    """The campaign, the units it covers and its forms, as the public pages show them."""
    found = _campaign(campaign)
    questionnaires = found.questionnaires.select_related("respondent_group").order_by("pk")
    units = (
        CampaignUnit.objects.filter(campaign=found)
        .select_related("unit")
        .order_by("unit__group__position", "unit__position")
    )
    return SurveyOut(
        code=found.code,
        title=found.title,
        year=found.year,
        source=found.source,
        opens_on=found.opens_on,
        closes_on=found.closes_on,
        open=found.is_open(timezone.localdate()),
        units=[UnitOut(code=row.unit.code, name=row.unit.name) for row in units],
        questionnaires=[
            QuestionnaireOut(
                group=q.respondent_group.code if q.respondent_group else None,
                title=q.title,
                sections=[
                    SectionOut(
                        title=section.title,
                        questions=[
                            QuestionOut(
                                code=shown.code,
                                text=shown.text,
                                hint=shown.hint,
                                kind=shown.kind,
                                required=shown.required,
                                choices=[
                                    ChoiceOut(value=v, label=label) for v, label in shown.choices
                                ],
                                min=shown.low,
                                max=shown.high,
                            )
                            for shown in section.questions
                        ],
                    )
                    for section in sections_of(q)
                ],
            )
            for q in questionnaires
        ],
    )


Answer = int | str | list[int | str] | None


class ResponseIn(Schema):
    answers: dict[str, Answer] = Field(max_length=300)
    token: str | None = Field(default=None, max_length=100)
    unit: str | None = Field(default=None, max_length=60)
    dossier: str | None = Field(default=None, max_length=200)


class ResponseStored(Schema):
    stored: bool


def _corrections(refused: NeedsCorrecting | AnswersInvalid) -> ApiError:
    errors = refused.errors if isinstance(refused, NeedsCorrecting) else refused.parsed.errors
    details = [{"field": code, "problem": message} for code, message in errors.items()]
    if isinstance(refused, NeedsCorrecting) and refused.dossier:
        details.append({"field": "dossier", "problem": refused.dossier})
    return ApiError(400, "invalid", refused.message, details)


@router.post(
    "/{campaign}/responses",
    response={201: ResponseStored},
    auth=optional_bearer,
    url_name="survey_response",
    summary="Gửi một phiếu khảo sát",
)
def respond(request: HttpRequest, body: ResponseIn, campaign: Code) -> Any:
    """One response: with an invitation `token`, the staff member's (answered once: a
    used token is a 409); otherwise for the `unit` named, anonymous."""
    found = _campaign(campaign)
    today = timezone.localdate()
    token = getattr(request, "api_token", None)
    if token is not None and not token.allows(Scope.RESPONSES):
        raise ApiError(403, "forbidden", _("This token may not do this."))
    try:
        if body.token:
            respondent = respondent_for(body.token)
            if respondent is None or respondent.campaign_id != found.pk:
                raise not_found()
            response_submit_by_link(token=body.token, raw=body.answers, day=today, strict=True)
        else:
            if not body.unit:
                raise ApiError(
                    400,
                    "invalid",
                    _("Name the unit the response is about, or send the invitation's token."),
                    [{"field": "unit", "problem": "missing"}],
                )
            data_submit(
                campaign=found,
                unit_code=body.unit,
                answers=body.answers,
                dossier=body.dossier or "",
                address=None if token is not None else address_key(request),
                day=today,
                channel=Channel.PORTAL if token is not None else Channel.WEB,
            )
    except (NeedsCorrecting, AnswersInvalid) as refused:
        raise _corrections(refused) from None
    except LinkUsed as refused:
        raise ApiError(409, "used", refused.message) from None
    except (LinkUnknown, NotInSurvey) as refused:
        raise ApiError(404, "not_found", refused.message) from None
    except SurveyClosed as refused:
        raise ApiError(409, "closed", refused.message) from None
    except Throttled as refused:
        response: HttpResponse = error_response(429, "throttled", refused.message)
        response["Retry-After"] = str(refused.retry_after)
        return response
    return Status(201, ResponseStored(stored=True))
