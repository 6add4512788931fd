"""A citizen answers a unit's public form on a phone, without logging in and without
JavaScript: a plain post, the errors beside each question, then a thank-you page; the
response is stored and counted, and nothing of the person is kept."""

from __future__ import annotations

import gzip
import logging
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from parindex.conftest import Cast
from parindex.org.models import SecurityEvent
from parindex.surveys.models import Answer, Campaign, Channel, Response, TextAnswer

from .factories import campaign, sipas_questionnaire, staff_questionnaire
from .factories_public import SCALE_CODES, all_satisfied, sipas_national

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate()
SURVEY_CSS = Path(settings.BASE_DIR) / "parindex" / "static" / "css" / "survey.css"


@pytest.fixture
def survey(cast: Cast) -> Campaign:
    return campaign([sipas_national()], [cast.unit_a, cast.unit_b])


def link(survey: Campaign, unit: object) -> str:
    code = survey.units.get(unit=unit).link_code
    return reverse("surveys:public_form", args=[code])


def test_the_form_shows_the_unit_the_campaign_and_the_scale_in_words(
    cast: Cast, survey: Campaign
) -> None:
    page = Client().get(link(survey, cast.unit_a))
    html = page.content.decode()
    assert page.status_code == 200
    assert "Sở Tư pháp" in html and survey.title in html
    assert "1 Rất không hài lòng" in html and "5 Rất hài lòng" in html
    assert html.count("type=radio name=q-access1 value=") == 5
    assert "Mã hồ sơ" in html  # the optional dossier code
    assert "Để trống ô này" in html  # the honeypot's label, for screen readers
    # A page of its own: no menu of the app, no script at all.
    assert "<script" not in html and "mainnav" not in html and "htmx" not in html
    assert "csrftoken" in page.cookies  # set with the form, for its post


def test_a_citizen_answers_and_is_thanked(cast: Cast, survey: Campaign) -> None:
    client = Client()
    url = link(survey, cast.unit_a)
    client.get(url)
    sent = client.post(url, {**all_satisfied("4"), "q-channel": "1", "q-note": " Nhanh gọn "})
    thanks = reverse("surveys:public_thanks", args=[survey.units.get(unit=cast.unit_a).link_code])
    assert sent.status_code == 302 and sent["Location"] == thanks
    page = client.get(thanks)
    assert page.status_code == 200 and "Cảm ơn" in page.content.decode()
    response = Response.objects.get()
    assert response.channel == Channel.WEB and response.unit == cast.unit_a
    assert response.counted and response.flag == "" and response.day == TODAY
    assert Answer.objects.filter(response=response, counted=True).count() == len(SCALE_CODES) + 1
    assert TextAnswer.objects.get(response=response).text == "Nhanh gọn"
    assert Response.objects.counted().filter(unit=cast.unit_a).count() == 1


def test_errors_show_beside_each_question_and_what_was_typed_stays(
    cast: Cast, survey: Campaign
) -> None:
    answers = all_satisfied("5")
    del answers["q-staff2"]  # required, left out
    answers["q-results1"] = "7"  # off the scale
    page = Client().post(
        link(survey, cast.unit_a), {**answers, "q-note": "Góp ý", "dossier": "mã hồ sơ?"}
    )
    html = page.content.decode()
    assert page.status_code == 400
    assert "Câu này cần được trả lời." in html  # beside staff2
    assert "Chọn một mức từ 1 đến 5." in html  # beside results1
    assert "id=e-q-staff2" in html and "id=e-q-results1" in html and "id=e-dossier" in html
    assert "name=q-access1 value=5 checked" in html  # what was chosen stays chosen
    assert ">Góp ý</textarea>" in html and 'value="mã hồ sơ?"' in html
    assert not Response.objects.exists()


def test_a_form_with_no_answer_is_refused(cast: Cast) -> None:
    survey = campaign([sipas_questionnaire()], [cast.unit_a])  # no required question
    page = Client().post(link(survey, cast.unit_a), {"q-a1": "", "q-p1": ""})
    assert page.status_code == 400 and not Response.objects.exists()
    assert "nhiều câu hỏi" not in page.content.decode()


@pytest.mark.parametrize("when", ["closed", "not yet open"])
def test_a_closed_or_not_yet_open_campaign_shows_no_form(
    cast: Cast, survey: Campaign, when: str
) -> None:
    if when == "closed":
        survey.opens_on = TODAY - timezone.timedelta(days=30)
        survey.closes_on = TODAY - timezone.timedelta(days=1)
    else:
        survey.opens_on = TODAY + timezone.timedelta(days=2)
        survey.closes_on = TODAY + timezone.timedelta(days=30)
    survey.save(update_fields=["opens_on", "closes_on"])
    client = Client()
    page = client.get(link(survey, cast.unit_a))
    html = page.content.decode()
    assert page.status_code == 200 and "<form" not in html
    assert ("đã kết thúc" in html) if when == "closed" else ("chưa bắt đầu" in html)
    posted = client.post(link(survey, cast.unit_a), all_satisfied())
    assert posted.status_code == 409 and not Response.objects.exists()


def test_an_unknown_link_and_a_staff_campaign_have_no_public_form(cast: Cast) -> None:
    from parindex.surveys.models import RespondentGroup

    group = RespondentGroup.objects.create(code="cbccvc-so", name="Công chức sở")
    staff = campaign([staff_questionnaire(group)], [cast.unit_a], code="cbccvc-2024")
    for url in ("/s/khongco/", "/s/" + "x" * 40 + "/", link(staff, cast.unit_a)):
        page = Client().get(url)
        assert page.status_code == 404 and "không hợp lệ" in page.content.decode(), url


def test_the_page_follows_the_language_chosen(cast: Cast, survey: Campaign) -> None:
    client = Client()
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    html = client.get(link(survey, cast.unit_a)).content.decode()
    assert "1 Very dissatisfied" in html and '<html lang="en">' in html


def test_the_page_is_small(cast: Cast, survey: Campaign) -> None:
    """The 25-question form with its stylesheet: under 15 KB as sent, under 4 KB
    compressed (the page is compressed for visitors who are not logged in)."""
    plain = Client().get(link(survey, cast.unit_a))
    zipped = Client().get(link(survey, cast.unit_a), HTTP_ACCEPT_ENCODING="gzip")
    css = SURVEY_CSS.read_bytes()
    assert zipped["Content-Encoding"] == "gzip"
    assert len(plain.content) + len(css) < 15 * 1024
    assert len(zipped.content) + len(gzip.compress(css)) < 4 * 1024


def test_the_public_pages_query_the_database_little(
    cast: Cast, survey: Campaign, django_assert_num_queries: object
) -> None:
    """A link is read in two queries and its frozen form in one, then remembered a few
    seconds: a response is then its row, its answers in one statement and its texts."""
    url = link(survey, cast.unit_a)
    client = Client()
    with django_assert_num_queries(3):  # type: ignore[operator]
        assert client.get(url).status_code == 200
    with django_assert_num_queries(0):  # type: ignore[operator]
        assert client.get(url).status_code == 200
    # The first post reads the parser's form; a savepoint here is a transaction live.
    with django_assert_num_queries(6):  # type: ignore[operator]
        assert client.post(url, {**all_satisfied("4"), "q-note": "x"}).status_code == 302
    with django_assert_num_queries(5):  # type: ignore[operator]
        assert client.post(url, {**all_satisfied("3"), "q-note": "y"}).status_code == 302
    # Without a text, on PostgreSQL, the response and its answers are one statement.
    alone = 1 if connection.vendor == "postgresql" else 4
    with django_assert_num_queries(alone):  # type: ignore[operator]
        assert client.post(url, all_satisfied("2")).status_code == 302


def test_nothing_of_the_person_is_kept_or_logged(
    cast: Cast, survey: Campaign, caplog: pytest.LogCaptureFixture
) -> None:
    """No address, browser or time finer than the day in the response; the request log
    has the path and the status, never the answers."""
    client = Client(HTTP_USER_AGENT="Mozilla/5.0 (Linux; Android 8.1.0; Nokia 2.2)")
    with caplog.at_level(logging.INFO, logger="parindex.requests"):
        sent = client.post(
            link(survey, cast.unit_a),
            {**all_satisfied("3"), "q-note": "Cán bộ tên Lan rất tận tình", "dossier": "H53-1"},
            REMOTE_ADDR="203.0.113.77",
        )
    assert sent.status_code == 302
    lines = [r for r in caplog.records if r.name == "parindex.requests"]
    assert lines and any(getattr(r, "status", None) == 302 for r in lines)
    for record in lines:
        logged = record.getMessage() + repr(vars(record))
        assert "Lan" not in logged and "H53-1" not in logged and "q-" not in logged
        assert "203.0.113.77" not in logged
    row = Response.objects.values().get()
    assert not {"ip", "address", "user_agent", "created_at"} & set(row)
    assert "203.0.113.77" not in repr(row) and "Nokia" not in repr(row)
    assert not SecurityEvent.objects.exists()
