"""Questionnaires and campaigns for the surveys' tests, built through the models."""

from __future__ import annotations

import datetime
from collections.abc import Sequence

from django.utils import timezone

from parindex.org.models import Unit

from ..models import (
    Campaign,
    CampaignUnit,
    Indicator,
    Question,
    Questionnaire,
    RespondentGroup,
    Source,
)

A_B_C_D = [
    {"value": 1, "label": "A. Rất tốt", "worth": 100},
    {"value": 2, "label": "B. Tốt", "worth": 60},
    {"value": 3, "label": "C. Trung bình", "worth": 20},
    {"value": 4, "label": "D. Kém", "worth": 0},
]


def sipas_questionnaire(year: int = 2024, code: str = "") -> Questionnaire:
    """A small SIPAS form: access (two scale questions), procedure (one), results (an
    A/B/C/D question), an age question that is not scored, and a free-text comment."""
    questionnaire = Questionnaire.objects.create(
        code=code or f"sipas-{year}",
        title=f"Phiếu khảo sát SIPAS năm {year}",
        source=Source.SIPAS,
        year=year,
    )
    access = Indicator.objects.create(
        questionnaire=questionnaire, code="access", title="Tiếp cận dịch vụ", position=1
    )
    procedure = Indicator.objects.create(
        questionnaire=questionnaire, code="procedure", title="Thủ tục hành chính", position=2
    )
    results = Indicator.objects.create(
        questionnaire=questionnaire, code="results", title="Kết quả giải quyết", position=3
    )
    questions = [
        ("a1", access, Question.Kind.SCALE, "Nơi ngồi chờ có đủ chỗ ngồi", [], True),
        ("a2", access, Question.Kind.SCALE, "Trang thiết bị phục vụ đầy đủ", [], False),
        ("p1", procedure, Question.Kind.SCALE, "Thủ tục được niêm yết công khai", [], True),
        ("r1", results, Question.Kind.SINGLE, "Kết quả đúng quy định", A_B_C_D, False),
        ("age", None, Question.Kind.NUMBER, "Tuổi của ông/bà", [], False),
        ("note", None, Question.Kind.TEXT, "Góp ý thêm", [], False),
    ]
    for position, (qcode, indicator, kind, text, choices, required) in enumerate(questions):
        Question.objects.create(
            questionnaire=questionnaire,
            indicator=indicator,
            code=qcode,
            kind=kind,
            text=text,
            choices=choices,
            required=required,
            position=position,
            min_value=15 if qcode == "age" else None,
            max_value=120 if qcode == "age" else None,
        )
    return questionnaire


def staff_questionnaire(group: RespondentGroup, year: int = 2024) -> Questionnaire:
    """A staff form for one group: indicators named after the criteria they measure."""
    questionnaire = Questionnaire.objects.create(
        code=f"cbccvc-{group.code}-{year}",
        title=f"Phiếu khảo sát {group.name} năm {year}",
        source=Source.STAFF,
        year=year,
        respondent_group=group,
    )
    for position, code in enumerate(("1.3", "5.2")):
        indicator = Indicator.objects.create(
            questionnaire=questionnaire, code=code, title=f"Tiêu chí {code}", position=position
        )
        Question.objects.create(
            questionnaire=questionnaire,
            indicator=indicator,
            code=f"q{position + 1}",
            kind=Question.Kind.SCALE,
            text=f"Mức độ hài lòng về tiêu chí {code}",
            required=True,
            position=position,
        )
    return questionnaire


def campaign(
    questionnaires: Sequence[Questionnaire],
    units: Sequence[Unit],
    *,
    code: str = "sipas-2024",
    method: str = Campaign.Method.SHARE,
    transactions: int | None = None,
) -> Campaign:
    """A campaign open from yesterday to a month from now over the units."""
    today = timezone.localdate()
    first = questionnaires[0]
    made = Campaign.objects.create(
        code=code,
        title=f"Khảo sát {code}",
        year=first.year,
        source=first.source,
        method=method,
        opens_on=today - datetime.timedelta(days=1),
        closes_on=today + datetime.timedelta(days=30),
    )
    made.questionnaires.set(questionnaires)
    for position, unit in enumerate(units):
        CampaignUnit.objects.create(
            campaign=made,
            unit=unit,
            link_code=f"{code[:8]}{position}",
            transactions=transactions,
        )
    return made
