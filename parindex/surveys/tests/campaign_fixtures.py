"""The cast of the campaigns' tests, beside the shared one (parindex/conftest.py): the
post office that collects and the Fatherland Front that supervises, their staff, a SIPAS
campaign over units A and B with responses, and a staff survey of two groups. Imported
explicitly by the tests that use them."""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from dataclasses import dataclass

import pytest
from django.utils import timezone

from parindex.conftest import PASSWORD, Cast
from parindex.org.models import Partner, Role, Unit, User

from ..models import Campaign, Channel, RespondentGroup, Response
from ..responses import Who, form_of, parse_answers, response_store
from .factories import campaign, sipas_questionnaire, staff_questionnaire

TODAY = timezone.localdate()


@dataclass
class Partners:
    post: Partner  # collects in person
    front: Partner  # supervises
    collector: User  # of the post office
    supervisor: User  # of the Fatherland Front
    outsider: User  # a supervisor of a partner of no campaign


def partner_user(username: str, role: Role, partner: Partner) -> User:
    user = User(username=username, role=role, partner=partner, display_name=username)
    user.set_password(PASSWORD)
    user.save()
    return user


@pytest.fixture
def partners(cast: Cast) -> Partners:
    post = Partner.objects.create(body=cast.body, name="Bưu điện tỉnh")
    front = Partner.objects.create(body=cast.body, name="Ủy ban MTTQ tỉnh")
    other = Partner.objects.create(body=cast.body, name="Hội Cựu chiến binh tỉnh")
    return Partners(
        post=post,
        front=front,
        collector=partner_user("collector", Role.COLLECTOR, post),
        supervisor=partner_user("supervisor", Role.SUPERVISOR, front),
        outsider=partner_user("outsider", Role.SUPERVISOR, other),
    )


def answer(
    survey: Campaign,
    unit: Unit,
    raw: dict[str, object],
    *,
    day: datetime.date = TODAY,
    channel: str = Channel.WEB,
    group: RespondentGroup | None = None,
    collector: User | None = None,
    flag: str = "",
) -> Response:
    """One response stored the way every channel stores one."""
    questionnaire = survey.questionnaires.filter(respondent_group=group).get()
    parsed = parse_answers(form_of(questionnaire), raw)
    assert parsed.ok, parsed.errors
    return response_store(
        who=Who(survey, questionnaire, unit, channel, day, group=group, collector=collector),
        parsed=parsed,
        flag=flag,
    )


def sipas_campaign(units: Sequence[Unit], *, transactions: int | None = 100) -> Campaign:
    """A SIPAS campaign open since yesterday over the units, N = 100 each (target 80)."""
    return campaign([sipas_questionnaire()], units, transactions=transactions)


@dataclass
class StaffSurvey:
    campaign: Campaign
    leaders: RespondentGroup
    staff: RespondentGroup


def staff_survey(units: Sequence[Unit]) -> StaffSurvey:
    leaders = RespondentGroup.objects.create(code="lanh-dao", name="Lãnh đạo phòng", position=1)
    staff = RespondentGroup.objects.create(code="cong-chuc", name="Công chức", position=2)
    survey = campaign(
        [staff_questionnaire(leaders), staff_questionnaire(staff)], units, code="cbccvc-2024"
    )
    return StaffSurvey(survey, leaders, staff)
