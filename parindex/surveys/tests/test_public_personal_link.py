"""A civil servant answers the staff survey through the personal link of their
invitation: the same small page as the public form, answered once; a second use is
told kindly that the link has answered, and nothing joins the response to the link."""

from __future__ import annotations

import logging

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from parindex.conftest import Cast
from parindex.org.models import SecurityEvent
from parindex.surveys.models import Campaign, Channel, Respondent, RespondentGroup, Response
from parindex.surveys.responses import new_token

from .factories import campaign, staff_questionnaire

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate()


@pytest.fixture
def staff(cast: Cast) -> tuple[Campaign, RespondentGroup]:
    group = RespondentGroup.objects.create(code="cbccvc-so", name="Công chức sở, ngành")
    other = RespondentGroup.objects.create(code="lanh-dao", name="Lãnh đạo sở, ngành")
    survey = campaign(
        [staff_questionnaire(group), staff_questionnaire(other)], [cast.unit_a], code="cbccvc"
    )
    return survey, group


def invite(survey: Campaign, group: RespondentGroup, unit: object) -> str:
    token, hashed = new_token()
    Respondent.objects.create(
        campaign=survey, unit=unit, group=group, name="Công chức 1", token_hash=hashed
    )  # type: ignore[misc]
    return token


def test_a_staff_member_answers_through_their_link_once(
    cast: Cast, staff: tuple[Campaign, RespondentGroup]
) -> None:
    survey, group = staff
    url = reverse("surveys:personal_form", args=[invite(survey, group, cast.unit_a)])
    client = Client()
    page = client.get(url)
    html = page.content.decode()
    assert page.status_code == 200
    assert "Công chức sở, ngành" in html and "Mức độ hài lòng về tiêu chí 1.3" in html
    assert "Mã hồ sơ" not in html and "Để trống ô này" not in html  # the public form's
    sent = client.post(url, {"q-q1": "4", "q-q2": "5"})
    assert sent.status_code == 302 and sent["Location"] == reverse("surveys:personal_thanks")
    assert "Cảm ơn" in client.get(sent["Location"]).content.decode()
    response = Response.objects.get()
    assert response.channel == Channel.LINK and response.group == group and response.counted
    assert Respondent.objects.get().used
    # Used: the page says so kindly, and a second post stores nothing.
    again = client.get(url)
    assert again.status_code == 409 and "Đã trả lời" in again.content.decode()
    posted = client.post(url, {"q-q1": "1", "q-q2": "1"})
    assert posted.status_code == 409 and Response.objects.count() == 1


def test_errors_keep_the_link_unused(cast: Cast, staff: tuple[Campaign, RespondentGroup]) -> None:
    survey, group = staff
    url = reverse("surveys:personal_form", args=[invite(survey, group, cast.unit_a)])
    page = Client().post(url, {"q-q1": "4"})
    assert page.status_code == 400 and "Câu này cần được trả lời." in page.content.decode()
    assert "name=q-q1 value=4 checked" in page.content.decode()
    assert not Respondent.objects.get().used and not Response.objects.exists()


def test_the_link_works_without_the_security_cookie(
    cast: Cast, staff: tuple[Campaign, RespondentGroup]
) -> None:
    """The token is the secret a forged post would need: no CSRF cookie is asked."""
    survey, group = staff
    url = reverse("surveys:personal_form", args=[invite(survey, group, cast.unit_a)])
    client = Client(enforce_csrf_checks=True)
    assert client.post(url, {"q-q1": "3", "q-q2": "3"}).status_code == 302


def test_an_unknown_link_is_a_404_and_a_closed_survey_says_so(
    cast: Cast, staff: tuple[Campaign, RespondentGroup]
) -> None:
    survey, group = staff
    for token in ("x" * 32, "x" * 300):
        page = Client().get(reverse("surveys:personal_form", args=[token]))
        assert page.status_code == 404 and "không hợp lệ" in page.content.decode()
    url = reverse("surveys:personal_form", args=[invite(survey, group, cast.unit_a)])
    Campaign.objects.filter(pk=survey.pk).update(closes_on=TODAY - timezone.timedelta(days=1))
    page = Client().get(url)
    assert page.status_code == 200 and "đã kết thúc" in page.content.decode()
    assert Client().post(url, {"q-q1": "3", "q-q2": "3"}).status_code == 409
    assert not Response.objects.exists() and not Respondent.objects.get().used


def test_the_token_is_never_logged(
    cast: Cast, staff: tuple[Campaign, RespondentGroup], caplog: pytest.LogCaptureFixture
) -> None:
    survey, group = staff
    token = invite(survey, group, cast.unit_a)
    url = reverse("surveys:personal_form", args=[token])
    with caplog.at_level(logging.INFO, logger="parindex.requests"):
        Client().get(url)
        Client().post(url, {"q-q1": "5", "q-q2": "5"})
        Client().post(url, {"q-q1": "5", "q-q2": "5"})
    logged = " ".join(r.getMessage() + repr(vars(r)) for r in caplog.records)
    assert "/r/<str:token>/" in logged and token not in logged
    assert token not in repr(list(SecurityEvent.objects.values()))


def test_hostile_posts_through_a_link_are_a_400(
    cast: Cast, staff: tuple[Campaign, RespondentGroup]
) -> None:
    survey, group = staff
    url = reverse("surveys:personal_form", args=[invite(survey, group, cast.unit_a)])
    for body in (
        "&".join(f"f{n}=1" for n in range(1500)).encode(),  # more than Django reads
        b"q-q1=4&q-q2=%00",
        b"q-q1=4&q-q2=\xff",
    ):
        page = Client().post(url, body, content_type="application/x-www-form-urlencoded")
        assert page.status_code == 400 and "Chưa có gì được lưu." in page.content.decode()
    assert not Respondent.objects.get().used
