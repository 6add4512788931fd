"""Who gets what on the campaigns' pages, role by role and unit against unit: the
administrator runs them; the chair and the viewer read the campaigns and every unit's
results; a unit's scorer and head read their own unit's results (another unit: 404); a
partner's supervisor reads the progress of their partner's campaigns (another's: 404);
a collector, an appraiser and anonymous visitors get none of it. Every refusal is in the
security log."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from parindex.conftest import Cast
from parindex.org.models import SecurityEvent

from ..aggregation import campaign_aggregate
from .campaign_fixtures import Partners, answer, partners, sipas_campaign, staff_survey

pytestmark = pytest.mark.django_db
__all__ = ["partners"]

WHO = [
    "admin",
    "chair",
    "viewer",
    "scorer_a",
    "head_a",
    "scorer_b",
    "appraiser",
    "collector",
    "supervisor",
    "outsider",
]
OVERSIGHT = {"admin": 200, "chair": 200, "viewer": 200}


def expect(allowed: dict[str, int], *, others: int = 403) -> dict[str, int]:
    return {who: allowed.get(who, others) for who in WHO}


def pages(cast: Cast) -> list[tuple[str, str, dict[str, int]]]:
    sipas = "sipas-2024"
    staff = "cbccvc-2024"
    unit_a, unit_b = cast.unit_a.code, cast.unit_b.code
    own_a = {**OVERSIGHT, "scorer_a": 200, "head_a": 200, "scorer_b": 404}
    admin = {"admin": 200}
    return [
        ("GET", reverse("surveys:campaigns"), expect(OVERSIGHT)),
        ("GET", reverse("surveys:campaign_new"), expect(admin)),
        ("POST", reverse("surveys:campaign_new"), expect({"admin": 400})),  # empty form
        ("GET", reverse("surveys:campaign", args=[sipas]), expect(OVERSIGHT)),
        ("GET", reverse("surveys:campaign_edit", args=[sipas]), expect(admin)),
        ("POST", reverse("surveys:campaign_open", args=[sipas]), expect(admin)),  # asks
        ("GET", reverse("surveys:campaign_transactions", args=[sipas]), expect(admin)),
        ("POST", reverse("surveys:transactions_import", args=[sipas]), expect({"admin": 400})),
        ("GET", reverse("surveys:campaign_collectors", args=[sipas]), expect(admin)),
        ("POST", reverse("surveys:campaign_aggregate", args=[sipas]), expect({"admin": 302})),
        ("GET", reverse("surveys:campaign_xlsx", args=[sipas]), expect(OVERSIGHT)),
        ("GET", reverse("surveys:responses_import", args=[sipas]), expect(admin)),
        ("POST", reverse("surveys:responses_import", args=[sipas]), expect({"admin": 400})),
        ("GET", reverse("surveys:flags", args=[sipas]), expect(admin)),
        ("POST", reverse("surveys:flags", args=[sipas]), expect({"admin": 400})),
        ("GET", reverse("surveys:respondents", args=[staff]), expect(admin)),
        ("POST", reverse("surveys:respondents_import", args=[staff]), expect({"admin": 400})),
        ("POST", reverse("surveys:respondents_remove", args=[staff]), expect(admin)),  # asks
        ("POST", reverse("surveys:invitations_send", args=[staff]), expect({"admin": 302})),
        ("POST", reverse("surveys:reminders_send", args=[staff]), expect({"admin": 302})),
        (
            "GET",
            reverse("surveys:progress"),
            expect({"admin": 200, "supervisor": 200, "outsider": 200}),
        ),
        (
            "GET",
            reverse("surveys:campaign_progress", args=[sipas]),
            expect({"admin": 200, "supervisor": 200, "outsider": 404}),
        ),
        ("GET", reverse("surveys:unit_results", args=[sipas, unit_a]), expect(own_a)),
        ("GET", reverse("surveys:unit_results_xlsx", args=[sipas, unit_a]), expect(own_a)),
        (
            "GET",
            reverse("surveys:unit_results", args=[sipas, unit_b]),
            expect({**OVERSIGHT, "scorer_a": 404, "head_a": 404, "scorer_b": 200}),
        ),
        # A unit the campaign does not cover: nobody's page.
        (
            "GET",
            reverse("surveys:unit_results", args=[sipas, cast.district.code]),
            expect(
                {
                    "admin": 404,
                    "chair": 404,
                    "viewer": 404,
                    "scorer_a": 404,
                    "head_a": 404,
                    "scorer_b": 404,
                }
            ),
        ),
        (
            "GET",
            reverse("surveys:campaign", args=["no-such-campaign"]),
            expect({"admin": 404, "chair": 404, "viewer": 404}),
        ),
    ]


@pytest.fixture
def surveys(cast: Cast, partners: Partners) -> None:
    survey = sipas_campaign([cast.unit_a, cast.unit_b])
    survey.partners.set([partners.post, partners.front])
    answer(survey, cast.unit_a, {"a1": "5", "p1": "4"})
    campaign_aggregate(campaign=survey)
    staff_survey([cast.unit_a])


def person(cast: Cast, partners: Partners, who: str) -> Any:
    return (
        getattr(partners, who)
        if who in ("collector", "supervisor", "outsider")
        else getattr(cast, who)
    )


@pytest.mark.parametrize("who", WHO)
def test_what_each_role_gets_on_the_campaigns_pages(
    cast: Cast, partners: Partners, surveys: None, who: str
) -> None:
    user = person(cast, partners, who)
    client = cast.client(user)
    refusals = 0
    for method, url, expected in pages(cast):
        response = client.get(url) if method == "GET" else client.post(url)
        assert response.status_code == expected[who], f"{who} {method} {url}"
        refusals += expected[who] in (403, 404)
    logged = SecurityEvent.objects.filter(kind=SecurityEvent.Kind.REFUSED, username=user.username)
    # A campaign that does not exist is a plain 404 for those who may read campaigns.
    unknown = 1 if who in OVERSIGHT else 0
    assert logged.count() == refusals - unknown


def test_anonymous_visitors_are_sent_to_log_in(
    cast: Cast, partners: Partners, surveys: None
) -> None:
    client = Client()
    for method, url, _expected in pages(cast):
        response = client.get(url) if method == "GET" else client.post(url)
        assert response.status_code == 302 and "/accounts/login/" in response["Location"], url


def test_every_refusal_is_in_the_security_log(
    cast: Cast, partners: Partners, surveys: None
) -> None:
    client = cast.client(partners.collector)
    client.get(reverse("surveys:campaign", args=["sipas-2024"]))
    client.get(reverse("surveys:unit_results", args=["sipas-2024", cast.unit_a.code]))
    cast.client(cast.scorer_a).get(
        reverse("surveys:unit_results", args=["sipas-2024", cast.unit_b.code])
    )
    events = SecurityEvent.objects.filter(kind=SecurityEvent.Kind.REFUSED)
    assert events.filter(username="collector").count() == 2
    assert events.filter(username="scorer_a").count() == 1
