"""The administrator finds the outbox, the security log and the units' contacts from
the menu and the home page's to-do; no one else sees the way there."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse

from parindex.conftest import Cast
from parindex.notify.models import Message
from parindex.notify.services import message_enqueue
from parindex.org.models import SecurityEvent

MENU = f'href="{reverse("manage:index")}"'


def test_the_menu_leads_the_administrator_to_the_administration(cast: Cast) -> None:
    page = cast.client(cast.admin).get(reverse("home")).content.decode()
    assert MENU in page and ">Quản trị</a>" in page
    for who in ("scorer_a", "head_a", "appraiser", "chair", "viewer"):
        assert MENU not in cast.client(getattr(cast, who)).get(reverse("home")).content.decode()


def test_the_administration_page_counts_what_waits(cast: Cast) -> None:
    message_enqueue(event_key="a", channel="sms", recipient="0912345678", body="x")
    failed = message_enqueue(event_key="b", channel="sms", recipient="0912345679", body="x")
    assert failed is not None
    Message.objects.filter(pk=failed.pk).update(status="failed")
    SecurityEvent.objects.create(kind="locked_out", username="head_a")
    page = cast.client(cast.admin).get(reverse("manage:index")).content.decode()
    assert "4 đơn vị còn thiếu" in page  # the cast's four units have no mobile number
    assert "chờ gửi: 1" in page and "không gửi được: 1" in page
    assert "tạm khóa: 1" in page
    for name in ("manage:contacts", "manage:outbox", "manage:security", "admin:index"):
        assert f'href="{reverse(name)}' in page


def test_the_home_page_to_do_says_what_is_missing_and_links_to_it(cast: Cast) -> None:
    failed = message_enqueue(event_key="b", channel="sms", recipient="0912345679", body="x")
    assert failed is not None
    Message.objects.filter(pk=failed.pk).update(status="failed")
    SecurityEvent.objects.create(kind="locked_out", username="head_a")
    page = cast.client(cast.admin).get(reverse("home")).content.decode()
    assert "4 đơn vị còn thiếu thủ trưởng, thư điện tử hoặc số điện thoại di động" in page
    assert f'href="{reverse("manage:contacts")}?missing=on"' in page
    assert "1 tin nhắn không gửi được." in page
    assert f'href="{reverse("manage:outbox")}?state=failed"' in page
    assert f'href="{reverse("manage:security")}?kind=locked_out"' in page


def test_a_unit_is_told_who_completes_its_contacts(cast: Cast) -> None:
    page = cast.client(cast.scorer_a).get(reverse("home")).content.decode()
    assert "Đề nghị quản trị viên bổ sung" in page or "quản trị viên" in page
    assert reverse("manage:contacts") not in page


@pytest.mark.parametrize("extra_units", [0, 6])
def test_the_home_page_queries_stay_the_same_with_the_administrators_counts(
    cast: Cast, extra_units: int, django_assert_num_queries: Any
) -> None:
    from parindex.org.models import Unit

    for number in range(extra_units):
        Unit.objects.create(code=f"xa-{number}", name=f"UBND xã {number}", group=cast.districts)
    client = cast.client(cast.admin)
    client.get(reverse("home"))
    with django_assert_num_queries(14):
        client.get(reverse("home"))


def test_favicons_are_served_and_named(cast: Cast) -> None:
    from django.contrib.staticfiles import finders

    page = cast.client(None).get(reverse("login")).content.decode()
    assert 'rel="icon" href="/static/favicon.svg" type="image/svg+xml"' in page
    assert 'href="/static/favicon-32.png"' in page
    assert finders.find("favicon.svg") and finders.find("favicon-32.png")
    assert finders.find("apple-touch-icon.png")
    response = cast.client(None).get("/favicon.ico")
    assert response.status_code == 301 and response["Location"] == "/static/favicon-32.png"
