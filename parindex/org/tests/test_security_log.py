"""The administrator reads the security log in the app: who, what, when, from where."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone

from parindex.conftest import PASSWORD, Cast
from parindex.org.models import SecurityEvent

LOG = reverse("manage:security")


def add_events(cast: Cast, count: int, **fields: Any) -> None:
    SecurityEvent.objects.bulk_create(
        SecurityEvent(
            kind=fields.get("kind", SecurityEvent.Kind.LOGIN),
            user=fields.get("user", cast.scorer_a),
            username=fields.get("username", "scorer_a"),
            ip_address=fields.get("ip", "10.0.0.7"),
            path="/accounts/login/",
        )
        for _ in range(count)
    )


def test_a_failed_log_in_and_a_refusal_show_who_what_when_and_from_where(cast: Cast) -> None:
    from django.test import Client

    Client(REMOTE_ADDR="203.0.113.9").post(
        reverse("login"), {"username": "head_a", "password": "sai mat khau"}
    )
    cast.client(cast.viewer).get(reverse("manage:outbox"))
    page = cast.client(cast.admin).get(LOG).content.decode()
    assert "Đăng nhập không thành công" in page and "head_a" in page and "203.0.113.9" in page
    assert "Bị từ chối truy cập" in page and "viewer" in page and "/manage/outbox/" in page
    failed = SecurityEvent.objects.get(kind="login_failed")
    assert timezone.localtime(failed.at).strftime("%H:%M") in page


def test_the_log_is_filtered_by_kind_person_address_and_days(cast: Cast) -> None:
    add_events(cast, 2)
    add_events(cast, 1, kind="refused", user=cast.viewer, username="viewer", ip="192.0.2.1")
    old = SecurityEvent.objects.create(kind="logout", username="chair", ip_address="10.0.0.8")
    SecurityEvent.objects.filter(pk=old.pk).update(at=timezone.now() - datetime.timedelta(days=40))
    client = cast.client(cast.admin)  # its log-in is an event too

    def count(**query: str) -> int:
        response = client.get(LOG, query)
        assert response.status_code == 200
        return int(response.context["page"].paginator.count)

    assert count() == 5
    assert count(kind="refused") == 1
    assert count(who="SCORER") == 2
    assert count(ip="10.0.0.") == 3
    today = timezone.localdate().isoformat()
    assert count(since=today) == 4
    assert count(until=(timezone.localdate() - datetime.timedelta(days=30)).isoformat()) == 1
    assert count(since="9999-12-31", until="9999-12-31") == 0


@pytest.mark.parametrize(
    "query",
    [
        {"kind": "zzz"},
        {"since": "2024-13-01"},
        {"since": "2024-05-02", "until": "2024-05-01"},
        {"page": "abc"},
        {"page": "1e9999999"},
        {"page": str(10**12)},
        {"who": "x" * 10_000},
    ],
)
def test_a_hostile_filter_gets_a_vietnamese_400(cast: Cast, query: dict[str, str]) -> None:
    response = cast.client(cast.admin).get(LOG, query)
    assert response.status_code == 400
    assert 'class="field-error"' in response.content.decode() or "errors" in (
        response.content.decode()
    )
    assert response.context["page"].paginator.count == 0


def test_the_log_is_paged_and_its_queries_do_not_grow(
    cast: Cast, django_assert_num_queries: Any
) -> None:
    client = cast.client(cast.admin)
    add_events(cast, 5)
    client.get(LOG)  # warm the session
    with django_assert_num_queries(4):  # session, user, count, the page with its users
        client.get(LOG)
    add_events(cast, 120, user=cast.head_a, username="head_a")
    with django_assert_num_queries(4):
        response = client.get(LOG, {"page": "2"})
    page = response.content.decode()
    assert "Trang 2/3" in page and page.count("<tr>") == 50 + 1
    assert "page=3" in client.get(LOG, {"kind": "login", "page": "2"}).content.decode()


@pytest.mark.parametrize("who", ["scorer_a", "head_a", "appraiser", "chair", "viewer"])
def test_only_the_administrator_reads_it(cast: Cast, who: str) -> None:
    assert cast.client(getattr(cast, who)).get(LOG).status_code == 403
    assert SecurityEvent.objects.filter(kind="refused", username=who, path=LOG).exists()


def test_the_password_is_never_in_the_log(cast: Cast) -> None:
    from django.test import Client

    Client().post(reverse("login"), {"username": "head_a", "password": PASSWORD + "x"})
    assert PASSWORD not in cast.client(cast.admin).get(LOG).content.decode()
