"""The demo province's surveys of 2024: the SIPAS form and the six staff forms, a SIPAS
campaign over the 40 units with the post office collecting and the Fatherland Front and
the veterans' association supervising, and a staff survey part-way answered.

Every response here is generated (`Response.generated`), from a fixed seed so that each
load gives the same figures; no person's name is invented: staff are listed as
"Công chức 01 – Sở Tư pháp". Responses are written in bulk (two thousand of them through
the forms' one-by-one path would take the demo's whole loading time again); they are
what `responses.response_store` writes, and `campaign_aggregate` turns them into each
unit's figures as it does for collected ones.
"""

from __future__ import annotations

import datetime
import random
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.utils import timezone

from parindex.org.models import Partner, Role, Unit, User
from parindex.surveys.aggregation import campaign_aggregate
from parindex.surveys.campaigns import CampaignData, campaign_save, collector_units_set
from parindex.surveys.models import (
    Campaign,
    Channel,
    Flag,
    Question,
    Questionnaire,
    Respondent,
    RespondentGroup,
    Response,
    Source,
)
from parindex.surveys.questionnaires import questionnaire_import
from parindex.surveys.responses import answer_rows, answers_write, new_token

QUESTIONNAIRES = Path(__file__).resolve().parent / "data" / "questionnaires"
YEAR = 2024
SIPAS_CODE = "sipas-2024"
STAFF_CODE = "cbccvc-2024"
POST_OFFICE = "Bưu điện tỉnh Sóc Trăng"
FRONT = "Ủy ban Mặt trận Tổ quốc Việt Nam tỉnh Sóc Trăng"
VETERANS = "Hội Cựu chiến binh tỉnh Sóc Trăng"
# (username, display name, role, partner): named by role and partner, never after people.
PARTNER_LOGINS = [
    ("buu-dien.collector", f"Điều tra viên – {POST_OFFICE}", Role.COLLECTOR, POST_OFFICE),
    ("mttq.supervisor", f"Giám sát viên – {FRONT}", Role.SUPERVISOR, FRONT),
    ("hoi-ccb.supervisor", f"Giám sát viên – {VETERANS}", Role.SUPERVISOR, VETERANS),
]
PARTNERS = (POST_OFFICE, FRONT, VETERANS)
SIPAS_SAMPLE = 50  # the province's plan: fifty people a unit
# Who answers the staff survey about a unit of each group: (respondent group, how many).
STAFF_GROUPS = {
    "so-nganh": [("so-nganh", 12), ("hdnd-tinh", 3)],
    "huyen": [("phong-huyen", 10), ("hdnd-huyen", 3), ("lanh-dao-xa", 4)],
    "dvsn": [("dvsn-trung-uong", 8), ("hdnd-tinh", 2)],
    "trung-uong": [("dvsn-trung-uong", 8), ("hdnd-tinh", 2)],
}
STAFF_ANSWERED = 0.6  # part-way: about six in ten have answered
WHO = {
    "so-nganh": "Công chức",
    "phong-huyen": "Công chức",
    "dvsn-trung-uong": "Viên chức",
    "hdnd-tinh": "Đại biểu HĐND tỉnh",
    "hdnd-huyen": "Đại biểu HĐND huyện",
    "lanh-dao-xa": "Lãnh đạo UBND xã",
}


def load_surveys(admin: User, users: dict[str, User]) -> int:
    """The questionnaires, the partners and the two 2024 campaigns with their generated
    responses, aggregated; returns the responses made (0 when they exist already)."""
    if Campaign.objects.filter(code=SIPAS_CODE).exists():
        return 0
    forms = {
        path.stem: Questionnaire.objects.filter(code=path.stem).first()
        or questionnaire_import(data=path.read_bytes(), by=admin)
        for path in sorted(QUESTIONNAIRES.glob("*-2024.yaml"))
    }
    partners = {p.name: p for p in Partner.objects.filter(name__in=PARTNERS)}
    today = timezone.localdate()
    opens, closes = today - datetime.timedelta(days=30), today + datetime.timedelta(days=20)
    units = list(Unit.objects.select_related("group").order_by("group__position", "position"))
    rng = random.Random(YEAR)
    sipas = campaign_save(
        campaign=None,
        data=CampaignData(
            code=SIPAS_CODE,
            title="Khảo sát sự hài lòng của người dân, tổ chức năm 2024 (Chỉ số SIPAS)",
            year=YEAR,
            source=Source.SIPAS,
            method=Campaign.Method.SHARE,
            questionnaires=[forms["sipas-2024"]],
            units=units,
            partners=list(partners.values()),
            sample=Campaign.Sample.FIXED,
            fixed_sample=SIPAS_SAMPLE,
            opens_on=opens,
            closes_on=closes,
        ),
        by=admin,
        today=today,
    )
    collector = users["buu-dien.collector"]
    districts = [u for u in units if u.group.code == "huyen"]
    collector_units_set(campaign=sipas, collector=collector, units=districts)
    made = _sipas_responses(sipas, units, set(districts), collector, rng, opens, today)
    staff = campaign_save(
        campaign=None,
        data=CampaignData(
            code=STAFF_CODE,
            title="Khảo sát ý kiến cán bộ, công chức, viên chức về công tác CCHC năm 2024",
            year=YEAR,
            source=Source.STAFF,
            method=Campaign.Method.SHARE,
            questionnaires=[q for code, q in forms.items() if code.startswith("cbccvc-")],
            units=units,
            sample=Campaign.Sample.FIXED,
            fixed_sample=8,
            opens_on=opens,
            closes_on=closes,
        ),
        by=admin,
        today=today,
    )
    made += _staff_responses(staff, units, rng, opens, today)
    campaign_aggregate(campaign=sipas, by=admin)
    campaign_aggregate(campaign=staff, by=admin)
    return made


@dataclass(frozen=True)
class _Scored:
    pk: int
    kind: str
    values: list[int]


def _questions(questionnaire: Questionnaire) -> list[_Scored]:
    found = []
    for question in Question.objects.filter(questionnaire=questionnaire).order_by("position"):
        if question.kind == Question.Kind.SCALE:
            found.append(_Scored(question.pk, question.kind, [1, 2, 3, 4, 5]))
        elif question.kind in (Question.Kind.SINGLE, Question.Kind.MULTIPLE):
            values = [int(c["value"]) for c in question.choices]
            found.append(_Scored(question.pk, question.kind, values))
        elif question.kind == Question.Kind.NUMBER:
            low = question.min_value if question.min_value is not None else 18
            high = question.max_value if question.max_value is not None else 80
            found.append(_Scored(question.pk, question.kind, [max(low, 18), min(high, 75)]))
    return found


def _answer(question: _Scored, mood: float, rng: random.Random) -> list[tuple[int, int]]:
    """(choice, value) rows of one generated answer; satisfaction leans on the unit's mood."""
    if question.kind == Question.Kind.SCALE:
        draw = rng.random()
        value = 5 if draw < mood * 0.45 else 4 if draw < mood else 3 if draw < 0.97 else 2
        return [(0, value)]
    if question.kind == Question.Kind.NUMBER:
        return [(0, rng.randint(*question.values))]
    if question.kind == Question.Kind.MULTIPLE:
        chosen = rng.sample(question.values, k=min(len(question.values), rng.randint(1, 2)))
        return [(value, value) for value in sorted(chosen)]
    return [(0, rng.choice(question.values))]


def _sipas_responses(
    campaign: Campaign,
    units: list[Unit],
    collected: set[Unit],
    collector: User,
    rng: random.Random,
    opens: datetime.date,
    today: datetime.date,
) -> int:
    questionnaire = campaign.questionnaires.get()
    questions = _questions(questionnaire)
    responses: list[Response] = []
    answers: list[tuple[Any, ...]] = []
    span = (today - opens).days
    for unit in units:
        mood = rng.uniform(0.82, 0.97)  # the share of satisfied answers the unit earns
        for n in range(rng.randint(42, 64)):  # some units short of the fifty
            by_collector = unit in collected and n % 3 == 0
            flag = ""
            if unit.position == 2 and n < 2:
                flag = Flag.DUPLICATE if n == 0 else Flag.HONEYPOT  # waiting for a decision
            response = Response(
                campaign=campaign,
                questionnaire=questionnaire,
                unit=unit,
                channel=Channel.COLLECTOR if by_collector else Channel.WEB,
                collector=collector if by_collector else None,
                day=opens + datetime.timedelta(days=rng.randint(0, span)),
                dossier_code=f"000.00.{unit.pk:02d}.H53-{n:04d}" if n % 4 == 0 else "",
                flag=flag,
                counted=not flag,
                generated=True,
            )
            responses.append(response)
            answers += _answers_of(response, questions, mood, rng)
    Response.objects.bulk_create(responses, batch_size=500)
    answers_write(answers)
    return len(responses)


def _answers_of(
    response: Response, questions: list[_Scored], mood: float, rng: random.Random
) -> list[tuple[Any, ...]]:
    return answer_rows(
        response,
        [
            (question.pk, choice, value)
            for question in questions
            for choice, value in _answer(question, mood, rng)
        ],
    )


def _staff_responses(
    campaign: Campaign,
    units: list[Unit],
    rng: random.Random,
    opens: datetime.date,
    today: datetime.date,
) -> int:
    groups = {g.code: g for g in RespondentGroup.objects.all()}
    forms = {q.respondent_group_id: q for q in campaign.questionnaires.all()}
    questions = {group_id: _questions(form) for group_id, form in forms.items()}
    now = timezone.now()
    respondents: list[Respondent] = []
    responses: list[Response] = []
    answers: list[tuple[Any, ...]] = []
    for unit in units:
        mood = rng.uniform(0.78, 0.96)
        for group_code, count in STAFF_GROUPS[unit.group.code]:
            group = groups[group_code]
            for n in range(1, count + 1):
                answered = rng.random() < STAFF_ANSWERED
                _token, hashed = new_token()  # the link went by e-mail; only its hash stays
                respondents.append(
                    Respondent(
                        campaign=campaign,
                        unit=unit,
                        group=group,
                        name=f"{WHO[group_code]} {n:02d} – {unit.name}",
                        email=f"{unit.code}.{group_code}.{n:02d}@demo.parindex.invalid",
                        token_hash=hashed,
                        invited_at=now,
                        used=answered,
                    )
                )
                if not answered:
                    continue
                response = Response(
                    campaign=campaign,
                    questionnaire=forms[group.pk],
                    unit=unit,
                    group=group,
                    channel=Channel.LINK,
                    day=opens + datetime.timedelta(days=rng.randint(0, (today - opens).days)),
                    generated=True,
                )
                responses.append(response)
                answers += _answers_of(response, questions[group.pk], mood, rng)
    # Respondents and responses are written apart, each list shuffled: neither table's
    # order says which invitation gave which response.
    rng.shuffle(responses)
    Respondent.objects.bulk_create(respondents, batch_size=500)
    Response.objects.bulk_create(responses, batch_size=500)
    answers_write(answers)
    return len(responses)
