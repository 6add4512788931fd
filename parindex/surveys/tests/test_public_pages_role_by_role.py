"""Every page of collecting responses, role by role and unit against unit: the public
form and a personal link answer anyone; a collector records only for the units assigned
(another unit is a 404), every other role is refused (403, logged), a supervisor
included: partners' supervisors follow progress and see no response; posters are the
administrator's and each unit's own."""

from __future__ import annotations

import pytest
from django.urls import reverse

from parindex.conftest import Cast
from parindex.org.models import SecurityEvent, User
from parindex.surveys.models import Campaign, Respondent, RespondentGroup
from parindex.surveys.responses import new_token

from .factories import campaign, sipas_questionnaire, staff_questionnaire
from .factories_public import PartnerPeople, assign

pytestmark = pytest.mark.django_db

WHO = [
    "admin",
    "scorer_a",
    "head_a",
    "scorer_b",
    "appraiser",
    "chair",
    "viewer",
    "collector",
    "other_collector",
    "supervisor",
    "anonymous",
]


def expect(**special: int) -> dict[str, int]:
    """Refused to all (403; the anonymous to the log-in page) but the roles named."""
    return {who: special.get(who, 302 if who == "anonymous" else 403) for who in WHO}


ANYONE = dict.fromkeys(WHO, 200)


def pages(cast: Cast, survey: Campaign, token: str) -> list[tuple[str, dict[str, int]]]:
    code = survey.units.get(unit=cast.unit_a).link_code
    return [
        (reverse("surveys:public_form", args=[code]), ANYONE),
        (reverse("surveys:public_thanks", args=[code]), ANYONE),
        (reverse("surveys:personal_form", args=[token]), ANYONE),
        (reverse("surveys:personal_thanks"), ANYONE),
        (reverse("surveys:collect"), expect(collector=200, other_collector=200)),
        (
            reverse("surveys:collect_unit", args=[survey.code, cast.unit_a.code]),
            expect(collector=200, other_collector=404),
        ),
        (
            reverse("surveys:posters", args=[survey.code]),
            expect(admin=200, scorer_a=200, head_a=200, scorer_b=200),
        ),
    ]


@pytest.mark.parametrize("who", WHO)
def test_what_each_role_gets(cast: Cast, people: PartnerPeople, who: str) -> None:
    survey = campaign([sipas_questionnaire()], [cast.unit_a, cast.unit_b])
    assign(survey, people.collector, cast.unit_a)
    assign(survey, people.other_collector, cast.unit_b)
    group = RespondentGroup.objects.create(code="cbccvc", name="Công chức")
    staff = campaign([staff_questionnaire(group)], [cast.unit_a], code="cbccvc-2024")
    token, hashed = new_token()
    Respondent.objects.create(
        campaign=staff, unit=cast.unit_a, group=group, name="Công chức 1", token_hash=hashed
    )
    user: User | None = None
    if who in ("collector", "other_collector", "supervisor"):
        user = getattr(people, who)
    elif who != "anonymous":
        user = getattr(cast, who)
    client = cast.client(user)
    table = pages(cast, survey, token)
    for url, expected in table:
        response = client.get(url)
        assert response.status_code == expected[who], f"{who} {url}"
        if expected[who] == 302:
            assert "/accounts/login/" in response["Location"]
    if user is not None:
        refused = SecurityEvent.objects.filter(
            kind=SecurityEvent.Kind.REFUSED, username=user.username
        ).count()
        assert refused == sum(expected[who] in (403, 404) for _url, expected in table)
