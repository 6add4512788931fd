"""Abuse of the public form is held off without knowing who anyone is: a program that
fills the hidden field, an address that sends too many, the same answers sent twice, a
dossier rated twice are all stored flagged — kept, not counted, for the administrator to
decide; an address that floods is refused before anything is read. Whatever is sent, the
answer is a page in Vietnamese, never an error of the server."""

from __future__ import annotations

import time
from collections.abc import Iterator
from types import SimpleNamespace

import pytest
from django.core.cache import cache
from django.test import Client
from django.urls import reverse

from parindex.conftest import Cast
from parindex.org.models import SecurityEvent
from parindex.surveys.models import Answer, Campaign, Flag, Response

from .factories import campaign, sipas_questionnaire
from .factories_public import all_satisfied, sipas_national

pytestmark = pytest.mark.django_db


@pytest.fixture
def survey(cast: Cast) -> Campaign:
    return campaign([sipas_national()], [cast.unit_a, cast.unit_b])


def link(survey: Campaign, unit: object) -> str:
    return reverse("surveys:public_form", args=[survey.units.get(unit=unit).link_code])


def post(url: str, data: dict[str, str], address: str = "198.51.100.7", **extra: str) -> object:
    return Client().post(url, data, REMOTE_ADDR=address, **extra)


class Clock:
    """Time moved forward for the cache's expiry and the hour's counters."""

    def __init__(self) -> None:
        self.offset = 0.0

    def time(self) -> float:
        return time.time() + self.offset


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> Iterator[Clock]:
    from django.core.cache.backends import locmem

    from parindex.surveys import public

    moved = Clock()
    monkeypatch.setattr(locmem, "time", SimpleNamespace(time=moved.time))
    monkeypatch.setattr(public, "time", SimpleNamespace(time=moved.time, monotonic=time.monotonic))
    yield moved


def test_a_filled_honeypot_is_stored_flagged_and_thanked_like_any(
    cast: Cast, survey: Campaign
) -> None:
    sent = post(link(survey, cast.unit_a), {**all_satisfied(), "website": "http://spam.example"})
    assert sent.status_code == 302 and "/thanks/" in sent["Location"]  # type: ignore[attr-defined]
    response = Response.objects.get()
    assert response.flag == Flag.HONEYPOT and not response.counted
    assert not Answer.objects.filter(counted=True).exists()


def test_too_many_from_one_address_are_flagged_then_refused(cast: Cast, survey: Campaign) -> None:
    Campaign.objects.filter(pk=survey.pk).update(hourly_limit=2)
    url = link(survey, cast.unit_a)
    for n in range(20):  # different answers each time: none is a duplicate
        sent = post(url, {**all_satisfied(), "q-note": f"Phiếu {n}"})
        assert sent.status_code == 302  # type: ignore[attr-defined]
    flags = list(Response.objects.order_by("flag").values_list("flag", flat=True))
    assert flags.count("") == 2 and flags.count(Flag.TOO_MANY) == 18  # kept, flagged
    refused = post(url, {**all_satisfied(), "q-note": "Phiếu 21"})
    assert refused.status_code == 429  # type: ignore[attr-defined]
    assert "Quá nhiều phiếu" in refused.content.decode()  # type: ignore[attr-defined]
    assert 0 < int(refused["Retry-After"]) <= 3600  # type: ignore[index]
    assert Response.objects.count() == 20  # nothing stored
    # Another address is not held back by the first.
    assert post(url, {**all_satisfied(), "q-note": "Khác"}, "198.51.100.8").status_code == 302  # type: ignore[attr-defined]
    assert Response.objects.filter(flag="").count() == 3


def test_the_counters_reset_with_the_hour(cast: Cast, survey: Campaign, clock: Clock) -> None:
    Campaign.objects.filter(pk=survey.pk).update(hourly_limit=1)
    url = link(survey, cast.unit_a)
    for n in range(10):
        post(url, {**all_satisfied(), "q-note": str(n)})
    assert post(url, {**all_satisfied(), "q-note": "x"}).status_code == 429  # type: ignore[attr-defined]
    clock.offset = 3600
    assert post(url, {**all_satisfied(), "q-note": "y"}).status_code == 302  # type: ignore[attr-defined]
    assert Response.objects.filter(flag="").count() == 2


def test_the_address_behind_the_proxy_is_the_one_counted(
    cast: Cast, survey: Campaign, settings: object
) -> None:
    settings.CLIENT_IP_HEADER = "X-Forwarded-For"  # type: ignore[attr-defined]
    Campaign.objects.filter(pk=survey.pk).update(hourly_limit=1)
    url = link(survey, cast.unit_a)
    # Two people behind one proxy: one count each.
    for n, person in enumerate(["203.0.113.5", "203.0.113.6"]):
        sent = post(url, {**all_satisfied(), "q-note": str(n)}, "10.0.0.1",
                    HTTP_X_FORWARDED_FOR=person)  # fmt: skip
        assert sent.status_code == 302  # type: ignore[attr-defined]
    assert not Response.objects.exclude(flag="").exists()
    post(
        url, {**all_satisfied(), "q-note": "again"}, "10.0.0.1", HTTP_X_FORWARDED_FOR="203.0.113.5"
    )
    assert Response.objects.filter(flag=Flag.TOO_MANY).count() == 1


def test_the_same_answers_twice_within_the_window_are_flagged(
    cast: Cast, survey: Campaign, clock: Clock
) -> None:
    answers = {**all_satisfied("4"), "q-note": "Tốt"}
    url_a = link(survey, cast.unit_a)
    assert post(url_a, answers).status_code == 302  # type: ignore[attr-defined]
    post(url_a, answers)  # the same, from the same address, at once
    post(link(survey, cast.unit_b), answers)  # another unit
    post(url_a, answers, "198.51.100.99")  # another address
    post(url_a, {**answers, "q-note": "Tốt lắm"})  # other answers
    clock.offset = 31 * 60  # past the campaign's 30 minutes
    post(url_a, answers)
    flags = sorted(Response.objects.values_list("flag", flat=True))
    assert flags == ["", "", "", "", "", Flag.DUPLICATE]


def test_a_dossier_rated_twice_is_flagged_not_dropped(cast: Cast, survey: Campaign) -> None:
    url = link(survey, cast.unit_a)
    post(url, {**all_satisfied("5"), "dossier": "000.00.12.H53-240101-0001"}, "198.51.100.1")
    post(url, {**all_satisfied("1"), "dossier": "000.00.12.H53-240101-0001"}, "198.51.100.2")
    first, second = Response.objects.order_by("flag")
    assert first.counted and first.flag == ""
    assert second.flag == Flag.DOSSIER and not second.counted
    assert Response.objects.count() == 2


def test_no_address_is_kept_in_the_cache_or_the_database(cast: Cast, survey: Campaign) -> None:
    post(link(survey, cast.unit_a), all_satisfied(), "203.0.113.250")
    kept = repr(list(cache._cache.items()))  # type: ignore[attr-defined]
    assert "sv:h:" in kept and "203.0.113.250" not in kept
    assert not SecurityEvent.objects.exists()
    assert "203.0.113.250" not in repr(list(Response.objects.values()))


HOSTILE = {
    "a huge number": ({"q-a1": "9" * 5000, "q-p1": "3"}, "Chọn một mức từ 1 đến 5."),
    "a number far off": ({"q-a1": "4", "q-p1": "3", "q-age": "1" * 40}, "từ 15 đến 120"),
    "a long text": ({"q-a1": "4", "q-p1": "3", "q-note": "x" * 10_000}, "Tối đa 2000 ký tự"),
    "two answers to one": ({"q-a1": ["4", "5"], "q-p1": "3"}, "Xin chọn một câu trả lời."),
    "500 fields": (
        {"q-a1": "4", "q-p1": "3", **{f"f{n}": "1" for n in range(500)}},
        "nhiều ô hơn số câu hỏi",
    ),
    "a NUL byte": ({"q-a1": "4", "q-p1": "3", "q-note": "a\x00b"}, "không phải là văn bản"),
    "a bad dossier": ({"q-a1": "4", "q-p1": "3", "dossier": "<script>"}, "Mã hồ sơ gồm tối đa"),
}


@pytest.mark.parametrize("case", list(HOSTILE))
def test_hostile_posts_get_a_vietnamese_400_and_store_nothing(cast: Cast, case: str) -> None:
    survey = campaign([sipas_questionnaire()], [cast.unit_a])
    data, words = HOSTILE[case]
    page = Client().post(link(survey, cast.unit_a), data)
    assert page.status_code == 400
    assert words in page.content.decode()
    assert not Response.objects.exists()


@pytest.mark.parametrize(
    "body",
    [
        b"q-a1=4&q-p1=3&q-note=%FF%FEabc",  # percent-encoded bytes that are not UTF-8
        b"q-a1=4&q-p1=3&q-note=caf\xe9",  # raw Latin-1 (Django would read it as such)
    ],
)
def test_text_that_is_not_utf8_is_refused(cast: Cast, body: bytes) -> None:
    survey = campaign([sipas_questionnaire()], [cast.unit_a])
    page = Client().post(
        link(survey, cast.unit_a), body, content_type="application/x-www-form-urlencoded"
    )
    assert page.status_code == 400 and "UTF-8" in page.content.decode()
    assert not Response.objects.exists()


def test_more_fields_than_django_reads_is_a_400_not_a_500(cast: Cast) -> None:
    """Over DATA_UPLOAD_MAX_NUMBER_FIELDS the CSRF check cannot read the post: Django
    answers 400 itself, with the project's page in Vietnamese."""
    survey = campaign([sipas_questionnaire()], [cast.unit_a])
    body = "&".join(f"f{n}=1" for n in range(1500)).encode()
    page = Client().post(
        link(survey, cast.unit_a), body, content_type="application/x-www-form-urlencoded"
    )
    assert page.status_code == 400 and not Response.objects.exists()
    assert "Không đọc được yêu cầu" in page.content.decode()
