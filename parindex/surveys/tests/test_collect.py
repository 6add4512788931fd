"""A partner's collector records people's responses in person, for the units assigned
to them: the open surveys and their units with what they recorded today and in all,
then the unit's form, saved and empty again for the next person."""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils import timezone

from parindex.conftest import Cast
from parindex.org.models import SecurityEvent
from parindex.surveys.models import Campaign, Channel, Flag, Response

from .factories import campaign
from .factories_public import PartnerPeople, all_satisfied, assign, sipas_national

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate()


@pytest.fixture
def survey(cast: Cast, people: PartnerPeople) -> Campaign:
    made = campaign([sipas_national()], [cast.unit_a, cast.unit_b, cast.district])
    assign(made, people.collector, cast.unit_a, cast.unit_b)
    assign(made, people.other_collector, cast.district)
    return made


def unit_url(survey: Campaign, unit: object) -> str:
    return reverse("surveys:collect_unit", args=[survey.code, unit.code])  # type: ignore[attr-defined]


def test_a_collector_records_a_response_and_gets_an_empty_form_again(
    cast: Cast, people: PartnerPeople, survey: Campaign
) -> None:
    client = cast.client(people.collector)
    url = unit_url(survey, cast.unit_a)
    page = client.get(url)
    assert page.status_code == 200 and "Sở Tư pháp" in page.content.decode()
    sent = client.post(url, {**all_satisfied("4"), "q-note": "Ghi tại quầy"})
    assert sent.status_code == 302 and sent["Location"] == url
    again = client.get(url).content.decode()
    assert "Đã lưu phiếu" in again and " checked" not in again
    assert "Hôm nay ông/bà đã ghi nhận 1 phiếu" in again
    response = Response.objects.get()
    assert response.channel == Channel.COLLECTOR and response.collector == people.collector
    assert response.counted and response.unit == cast.unit_a


def test_a_collector_is_not_throttled_nor_flagged_for_many_alike(
    cast: Cast, people: PartnerPeople, survey: Campaign
) -> None:
    """At a counter one collector records many people's alike answers within the hour."""
    Campaign.objects.filter(pk=survey.pk).update(hourly_limit=1)
    client = cast.client(people.collector)
    for _n in range(12):
        assert client.post(unit_url(survey, cast.unit_a), all_satisfied("5")).status_code == 302
    assert Response.objects.counted().count() == 12
    client.post(unit_url(survey, cast.unit_a), {**all_satisfied(), "dossier": "H53-9"})
    client.post(unit_url(survey, cast.unit_a), {**all_satisfied(), "dossier": "H53-9"})
    assert Response.objects.filter(flag=Flag.DOSSIER).count() == 1  # one rating per dossier


def test_errors_are_shown_and_nothing_is_stored(
    cast: Cast, people: PartnerPeople, survey: Campaign
) -> None:
    answers = all_satisfied("4")
    answers.pop("q-access1")
    page = cast.client(people.collector).post(unit_url(survey, cast.unit_a), answers)
    assert page.status_code == 400 and "Câu này cần được trả lời." in page.content.decode()
    assert not Response.objects.exists()


def test_the_list_shows_the_collectors_units_with_their_counts(
    cast: Cast, people: PartnerPeople, survey: Campaign, django_assert_num_queries: object
) -> None:
    collector = cast.client(people.collector)
    for _n in range(3):
        collector.post(unit_url(survey, cast.unit_a), all_satisfied("4"))
    cast.client(people.other_collector).post(unit_url(survey, cast.district), all_satisfied())
    Response.objects.filter(collector=people.collector).order_by("id").filter(
        pk__in=Response.objects.filter(collector=people.collector).values("pk")[:1]
    ).update(day=TODAY - timezone.timedelta(days=1))
    closed = campaign([sipas_national(code="cu")], [cast.unit_b], code="cu-2023")
    Campaign.objects.filter(pk=closed.pk).update(
        opens_on=TODAY - timezone.timedelta(days=90), closes_on=TODAY - timezone.timedelta(days=60)
    )
    assign(closed, people.collector, cast.unit_b)
    with django_assert_num_queries(4):  # type: ignore[operator]
        # the session, the user, the assignments, the counts
        page = collector.get(reverse("surveys:collect"))
    html = page.content.decode()
    assert page.status_code == 200
    assert "Sở Tư pháp" in html and "Sở Y tế" in html and "Mỹ Xuyên" not in html
    assert survey.title in html and "cu-2023" not in html  # only open campaigns
    rows = page.context["campaigns"][0].units
    assert [(r.unit.code, r.today, r.total) for r in rows] == [
        ("so-tu-phap", 2, 3),
        ("so-y-te", 0, 0),
    ]


def test_a_unit_not_assigned_is_a_404_and_logged(
    cast: Cast, people: PartnerPeople, survey: Campaign
) -> None:
    client = cast.client(people.collector)
    assert client.get(unit_url(survey, cast.district)).status_code == 404
    assert client.post(unit_url(survey, cast.district), all_satisfied()).status_code == 404
    assert client.get(unit_url(survey, cast.home_unit)).status_code == 404  # not in the survey
    assert (
        client.get(reverse("surveys:collect_unit", args=["khong-co", "so-tu-phap"])).status_code
        == 404
    )
    refused = SecurityEvent.objects.filter(username="collector", kind=SecurityEvent.Kind.REFUSED)
    assert refused.count() == 4
    assert not Response.objects.exists()


def test_a_closed_campaign_takes_no_more(
    cast: Cast, people: PartnerPeople, survey: Campaign
) -> None:
    Campaign.objects.filter(pk=survey.pk).update(closes_on=TODAY - timezone.timedelta(days=1))
    client = cast.client(people.collector)
    page = client.get(unit_url(survey, cast.unit_a))
    assert page.status_code == 200 and "đã kết thúc" in page.content.decode()
    assert "<fieldset" not in page.content.decode()
    assert client.post(unit_url(survey, cast.unit_a), all_satisfied()).status_code == 409
    assert not Response.objects.exists()
