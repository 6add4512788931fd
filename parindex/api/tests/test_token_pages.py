"""The tokens pages: each person creates, sees and revokes their own tokens (the text shown
once, only its digest kept); the administrator sees every live token, revokes any, and
keeps the integration accounts, which never log in."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.contrib.admin.models import ADDITION, CHANGE, LogEntry
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from parindex.api import tokens
from parindex.api.models import ApiToken
from parindex.conftest import PASSWORD, Cast
from parindex.org.models import Role, SecurityEvent, User

from .conftest import Api

pytestmark = pytest.mark.django_db

ROLES = ["admin", "scorer_a", "head_a", "scorer_b", "appraiser", "chair", "viewer"]
NOT_ADMIN = [role for role in ROLES if role != "admin"]
MINE = reverse("tokens:mine")
FIELD = 'id="token-text" type="text" value="'


def _issue(user: User, name: str = "Trang tính", days: int = 90) -> tuple[ApiToken, str]:
    return tokens.token_issue(user=user, name=name, by=user, lifetime=datetime.timedelta(days=days))


def _system(cast: Cast, name: str = "Hệ thống một cửa điện tử tỉnh") -> User:
    return tokens.integration_create(name=name, by=cast.admin)


def _refusals(username: str) -> int:
    return SecurityEvent.objects.filter(kind=SecurityEvent.Kind.REFUSED, username=username).count()


def _text(response: Any) -> str:
    return str(response.content.decode())


def _shown(response: Any) -> str:
    """The token's text in the page that shows it once."""
    html = _text(response)
    start = html.index(FIELD) + len(FIELD)
    return html[start : html.index('"', start)]


# A person's own tokens -------------------------------------------------------------


@pytest.mark.parametrize("who", ROLES)
def test_every_person_sees_their_own_tokens_and_no_one_else_s(cast: Cast, who: str) -> None:
    user = getattr(cast, who)
    mine, _ = _issue(user, "Của tôi")
    theirs, _ = _issue(cast.head_b, "Của người khác")
    page = cast.client(user).get(MINE)
    assert page.status_code == 200
    html = _text(page)
    assert "Mã truy cập API" in html and "Của tôi" in html and mine.prefix in html
    assert "Của người khác" not in html and theirs.prefix not in html
    assert "Tạo mã truy cập" in html  # the form


def test_the_list_says_what_each_token_is_and_where_it_was_last_used(cast: Cast) -> None:
    used, _ = _issue(cast.viewer, "Bảng điều khiển")
    ApiToken.objects.filter(pk=used.pk).update(
        created_at=timezone.make_aware(datetime.datetime(2020, 4, 23, 9)),
        expires_at=timezone.now() + datetime.timedelta(days=3),
        last_used_at=timezone.make_aware(datetime.datetime(2020, 4, 24, 14, 5)),
        last_used_ip="10.0.0.8",
    )
    revoked, _ = _issue(cast.viewer, "Cũ")
    tokens.token_revoke(token=revoked, by=cast.admin)
    expired, _ = _issue(cast.viewer, "Hết hạn")
    ApiToken.objects.filter(pk=expired.pk).update(expires_at=timezone.now())
    html = _text(cast.client(cast.viewer).get(MINE))
    assert "23/04/2020" in html and "14:05 24/04/2020" in html and "10.0.0.8" in html
    assert "còn hiệu lực" in html and "đã thu hồi" in html and "đã hết hạn" in html
    assert "admin" in html  # who revoked it, when not the owner
    names = [html.index(f'stack-title">{name}<') for name in ("Bảng điều khiển", "Hết hạn", "Cũ")]
    assert names[0] < min(names[1:])  # the live ones first
    # Revoke links for the live token only.
    assert reverse("tokens:revoke", args=[used.pk]) in html
    assert reverse("tokens:revoke", args=[revoked.pk]) not in html
    assert reverse("tokens:revoke", args=[expired.pk]) not in html


def test_a_new_token_is_shown_once_and_only_its_digest_is_kept(cast: Cast) -> None:
    client = cast.client(cast.scorer_a)
    answer = client.post(MINE, {"name": "  Bảng   điều khiển ", "lifetime": "30"})
    assert answer.status_code == 200
    token = ApiToken.objects.get(user=cast.scorer_a)
    html = _text(answer)
    text = _shown(answer)
    assert text.startswith(tokens.PREFIX) and token.digest == tokens.digest(text)
    assert "sẽ không được hiển thị lại" in html
    assert token.name == "Bảng điều khiển" and token.scopes == ["user"]
    assert token.created_by == cast.scorer_a
    life = token.expires_at - timezone.now()
    assert datetime.timedelta(days=29, hours=23) < life <= datetime.timedelta(days=30)
    # Nowhere else: not in the row, the URL, the session's messages, a cache.
    assert text not in str(ApiToken.objects.filter(pk=token.pk).values().get())
    assert "no-store" in answer["Cache-Control"]
    assert text not in str(dict(client.session.items()))
    again = _text(client.get(MINE))
    assert text not in again and token.prefix in again
    assert Api(text).get("/cycles").status_code == 200


def test_a_long_history_lists_the_live_tokens_and_the_latest_ended_ones(cast: Cast) -> None:
    from parindex.api.token_views import LISTED_MOST

    live, _ = _issue(cast.chair, "Còn dùng")
    ApiToken.objects.filter(pk=live.pk).update(
        created_at=timezone.now() - datetime.timedelta(days=9)
    )
    for n in range(LISTED_MOST + 1):
        tokens.token_revoke(token=_issue(cast.chair, f"Cũ số {n:03}")[0], by=cast.chair)
    html = _text(cast.client(cast.chair).get(MINE))
    assert "Còn dùng" in html and html.index("Còn dùng") < html.index("Cũ số")
    assert f"Cũ số {LISTED_MOST:03}" in html and "Cũ số 000" not in html  # the latest kept
    assert html.count("Cũ số") == LISTED_MOST - 1 and "không được liệt kê" in html


@pytest.mark.parametrize("who", ROLES)
def test_revoking_a_token_asks_first_then_stops_it(cast: Cast, who: str) -> None:
    user = getattr(cast, who)
    token, text = _issue(user, "Kịch bản hằng đêm")
    client = cast.client(user)
    url = reverse("tokens:revoke", args=[token.pk])
    ask = client.get(url)
    assert ask.status_code == 200
    html = _text(ask)
    assert "Kịch bản hằng đêm" in html and "ngừng truy cập được API" in html
    assert 'name="confirmed"' in html
    assert client.post(url).status_code == 200  # not confirmed: the question again
    token.refresh_from_db()
    assert token.is_live
    done = client.post(url, {"confirmed": "on"})
    assert done.status_code == 302 and done["Location"] == MINE
    token.refresh_from_db()
    assert token.revoked_at is not None and token.revoked_by == user
    assert Api(text).get("/cycles").status_code == 401
    # Asked again, it says there is nothing to do.
    assert "đã bị thu hồi hoặc đã hết hạn" in _text(client.get(url))


@pytest.mark.parametrize("who", ROLES)
def test_another_person_s_token_is_a_logged_404(cast: Cast, who: str) -> None:
    token, text = _issue(cast.head_b, "Của Sở Y tế")
    client = cast.client(getattr(cast, who))
    url = reverse("tokens:revoke", args=[token.pk])
    assert client.get(url).status_code == 404
    assert client.post(url, {"confirmed": "on"}).status_code == 404
    assert _refusals(who) == 2
    token.refresh_from_db()
    assert token.is_live and Api(text).get("/cycles").status_code == 200


def test_revoking_all_my_tokens_lists_them_first(cast: Cast) -> None:
    texts = [_issue(cast.scorer_a, f"Mã {n}")[1] for n in range(3)]
    old, _ = _issue(cast.scorer_a, "Đã thu hồi")
    tokens.token_revoke(token=old, by=cast.scorer_a)
    _other, other_text = _issue(cast.scorer_b, "Của người khác")
    client = cast.client(cast.scorer_a)
    url = reverse("tokens:revoke_all")
    html = _text(client.get(url))
    assert all(f"Mã {n}" in html for n in range(3)) and "Đã thu hồi" not in html
    assert "Thu hồi 3 mã truy cập" in html and "ngừng truy cập được API" in html
    assert ApiToken.objects.live().filter(user=cast.scorer_a).count() == 3  # only asked
    done = client.post(url, {"confirmed": "on"})
    assert done.status_code == 302
    assert ApiToken.objects.live().filter(user=cast.scorer_a).count() == 0
    assert all(Api(text).get("/cycles").status_code == 401 for text in texts)
    assert Api(other_text).get("/cycles").status_code == 200
    assert "Không còn mã truy cập nào còn hiệu lực" in _text(client.get(url))


# The administrator's pages ---------------------------------------------------------


def test_the_administrator_sees_every_live_token_with_its_user_unit_and_role(
    cast: Cast,
) -> None:
    a, _ = _issue(cast.scorer_a, "Trang tính của Sở Tư pháp")
    b, _ = _issue(cast.head_b, "Bảng của Sở Y tế")
    gone, _ = _issue(cast.viewer, "Đã thu hồi")
    tokens.token_revoke(token=gone, by=cast.viewer)
    client = cast.client(cast.admin)
    html = _text(client.get(reverse("tokens:manage")))
    assert "Trang tính của Sở Tư pháp" in html and "Bảng của Sở Y tế" in html
    assert "Sở Tư pháp" in html and "Sở Y tế" in html and "Đầu mối CCHC của đơn vị" in html
    assert "Đã thu hồi" not in html
    assert reverse("tokens:manage_revoke_user", args=[cast.scorer_a.pk]) in html
    found = _text(client.get(reverse("tokens:manage"), {"q": "head_b"}))
    assert "Bảng của Sở Y tế" in found and "Trang tính của Sở Tư pháp" not in found
    assert a.prefix not in found and b.prefix in found


def test_the_administrator_revokes_any_token_asking_first(cast: Cast) -> None:
    token, text = _issue(cast.head_a, "Của trưởng đơn vị")
    client = cast.client(cast.admin)
    url = reverse("tokens:manage_revoke", args=[token.pk])
    html = _text(client.get(url))
    assert "Của trưởng đơn vị" in html and "head_a" in html and "Sở Tư pháp" in html
    token.refresh_from_db()
    assert token.is_live
    done = client.post(url, {"confirmed": "on"})
    assert done.status_code == 302 and done["Location"] == reverse("tokens:manage")
    token.refresh_from_db()
    assert token.revoked_by == cast.admin and Api(text).get("/cycles").status_code == 401
    # The owner sees who revoked it.
    owner = _text(cast.client(cast.head_a).get(MINE))
    assert "đã thu hồi" in owner and "admin" in owner


def test_the_administrator_revokes_all_of_a_user_s_tokens_asking_first(cast: Cast) -> None:
    texts = [_issue(cast.appraiser, f"Mã {n}")[1] for n in range(2)]
    kept = _issue(cast.viewer, "Của người khác")[1]
    client = cast.client(cast.admin)
    url = reverse("tokens:manage_revoke_user", args=[cast.appraiser.pk])
    html = _text(client.get(url))
    assert "Mã 0" in html and "Mã 1" in html and "Thu hồi 2 mã truy cập" in html
    assert ApiToken.objects.live().filter(user=cast.appraiser).count() == 2
    assert client.post(url, {"confirmed": "on"}).status_code == 302
    assert not ApiToken.objects.live().filter(user=cast.appraiser).exists()
    assert all(Api(text).get("/cycles").status_code == 401 for text in texts)
    assert Api(kept).get("/cycles").status_code == 200
    assert client.get(reverse("tokens:manage_revoke_user", args=[10**30])).status_code == 404


@pytest.mark.parametrize("who", NOT_ADMIN)
def test_the_administrator_s_pages_are_a_logged_403_for_anyone_else(cast: Cast, who: str) -> None:
    system = _system(cast)
    token, text = _issue(cast.viewer, "x")
    client = cast.client(getattr(cast, who))
    urls = [
        reverse("tokens:manage"),
        reverse("tokens:manage_revoke", args=[token.pk]),
        reverse("tokens:manage_revoke_user", args=[cast.viewer.pk]),
        reverse("tokens:integrations"),
        reverse("tokens:integration", args=[system.pk]),
        reverse("tokens:integration_deactivate", args=[system.pk]),
    ]
    for url in urls:
        assert client.get(url).status_code == 403, url
        assert client.post(url, {"confirmed": "on", "name": "x", "lifetime": "30"}).status_code == (
            405 if url == urls[0] else 403
        ), url
    assert _refusals(who) == 2 * len(urls) - 1  # a POST to the list is no method, not a refusal
    token.refresh_from_db()
    system.refresh_from_db()
    assert token.is_live and system.is_active and not system.api_tokens.exists()
    assert Api(text).get("/cycles").status_code == 200
    assert User.objects.filter(role=Role.INTEGRATION).count() == 1


# Integration accounts --------------------------------------------------------------


def test_an_integration_account_is_made_from_its_name(cast: Cast) -> None:
    client = cast.client(cast.admin)
    answer = client.post(reverse("tokens:integrations"), {"name": "Hệ thống một cửa điện tử tỉnh"})
    system = User.objects.get(role=Role.INTEGRATION)
    assert answer.status_code == 302
    assert answer["Location"] == reverse("tokens:integration", args=[system.pk])
    assert system.username == "he-thong-mot-cua-dien-tu-tinh"
    assert system.display_name == "Hệ thống một cửa điện tử tỉnh"
    assert system.unit is None and not system.has_usable_password()
    assert not system.is_staff and not system.is_superuser and system.is_active
    assert LogEntry.objects.filter(
        object_id=str(system.pk), action_flag=ADDITION, user=cast.admin
    ).exists()
    # The same name again is refused; another whose username would be the same is told apart.
    again = client.post(reverse("tokens:integrations"), {"name": "Hệ thống một cửa điện tử tỉnh"})
    assert again.status_code == 400 and "Đã có một tài khoản tích hợp" in _text(again)
    client.post(reverse("tokens:integrations"), {"name": "Hệ thống Một cửa điện tử tỉnh"})
    assert User.objects.filter(username="he-thong-mot-cua-dien-tu-tinh-2").exists()
    listed = _text(client.get(reverse("tokens:integrations")))
    assert "Hệ thống một cửa điện tử tỉnh" in listed and "he-thong-mot-cua-dien-tu-tinh-2" in listed


def test_an_integration_account_cannot_log_in(cast: Cast) -> None:
    system = _system(cast)
    page = Client().post(reverse("login"), {"username": system.username, "password": PASSWORD})
    assert page.status_code == 200 and "_auth_user_id" not in page.client.session
    # Even with a session made by hand, no page is theirs.
    client = cast.client(system)
    assert client.get(MINE).status_code == 403
    assert client.post(MINE, {"name": "x", "lifetime": "30"}).status_code == 403
    assert not system.api_tokens.exists()


def test_the_administrator_issues_an_integration_account_s_token_shown_once(cast: Cast) -> None:
    system = _system(cast)
    client = cast.client(cast.admin)
    url = reverse("tokens:integration", args=[system.pk])
    page = _text(client.get(url))
    assert "Gửi số liệu đo lường" in page and "Cấp mã truy cập" in page
    answer = client.post(url, {"name": "Máy chủ một cửa", "lifetime": "365"})
    assert answer.status_code == 200 and "no-store" in answer["Cache-Control"]
    token = ApiToken.objects.get(user=system)
    text = _shown(answer)
    assert token.digest == tokens.digest(text) and text not in _text(client.get(url))
    assert token.scopes == ["metrics", "responses"] and token.created_by == cast.admin
    assert datetime.timedelta(days=364) < token.expires_at - timezone.now()
    # A person's endpoint is not for this token.
    assert Api(text).get("/cycles").status_code == 403
    # Its tokens are revoked from its page, which the revocation returns to.
    revoke = reverse("tokens:manage_revoke", args=[token.pk])
    assert client.post(revoke, {"confirmed": "on"})["Location"] == url
    assert Api(text).get("/cycles").status_code == 401


def test_deactivating_an_integration_account_asks_first_and_revokes_its_tokens(
    cast: Cast,
) -> None:
    system = _system(cast)
    texts = [
        tokens.token_issue(user=system, name=f"Máy chủ {n}", by=cast.admin)[1] for n in range(2)
    ]
    client = cast.client(cast.admin)
    url = reverse("tokens:integration_deactivate", args=[system.pk])
    html = _text(client.get(url))
    assert "Máy chủ 0" in html and "Máy chủ 1" in html and "ngừng truy cập được API" in html
    system.refresh_from_db()
    assert system.is_active
    done = client.post(url, {"confirmed": "on"})
    assert done.status_code == 302
    system.refresh_from_db()
    assert not system.is_active
    assert not ApiToken.objects.live().filter(user=system).exists()
    assert all(Api(text).get("/cycles").status_code == 401 for text in texts)
    assert LogEntry.objects.filter(object_id=str(system.pk), action_flag=CHANGE).exists()
    page = client.get(reverse("tokens:integration", args=[system.pk]))
    assert "đã ngừng hoạt động" in _text(page) and 'name="lifetime"' not in _text(page)
    # No token for a deactivated account, even asked by hand.
    refused = client.post(
        reverse("tokens:integration", args=[system.pk]), {"name": "x", "lifetime": "30"}
    )
    assert refused.status_code == 400 and "không còn hoạt động" in _text(refused)
    assert ApiToken.objects.filter(user=system).count() == 2


def test_a_person_is_no_integration_account_on_its_pages(cast: Cast) -> None:
    client = cast.client(cast.admin)
    for name in ("integration", "integration_deactivate"):
        assert client.get(reverse(f"tokens:{name}", args=[cast.viewer.pk])).status_code == 404
    assert cast.viewer.is_active


# Query counts ----------------------------------------------------------------------


def test_the_lists_take_as_many_queries_for_many_tokens_as_for_one(
    cast: Cast, django_assert_num_queries: Any
) -> None:
    system = _system(cast)
    admin = cast.client(cast.admin)
    pages: list[tuple[Client, str, int]] = [
        (cast.client(cast.scorer_a), MINE, 3),
        (admin, reverse("tokens:manage"), 4),
        (admin, reverse("tokens:integrations"), 3),
        (admin, reverse("tokens:integration", args=[system.pk]), 4),
        (admin, reverse("tokens:revoke_all"), 3),
        (admin, reverse("tokens:manage_revoke_user", args=[cast.scorer_a.pk]), 4),
    ]
    for client, url, _queries in pages:
        client.get(url)  # the request log's cache of the user's unit code, warmed
    for many in (1, 12):
        for user in (cast.scorer_a, cast.head_b, cast.admin):
            for n in range(many):
                _issue(user, f"{user.username} {many} {n}")
        for n in range(many):
            tokens.token_issue(user=system, name=f"system {many} {n}", by=cast.admin)
            tokens.integration_create(name=f"Hệ thống {many} {n}", by=cast.admin)
        for client, url, queries in pages:
            with django_assert_num_queries(queries, info=url):
                assert client.get(url).status_code == 200, url


# Hostile input ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("data", "says"),
    [
        ({}, "bắt buộc"),
        ({"name": "   ", "lifetime": "30"}, "bắt buộc"),
        ({"name": "x" * 101, "lifetime": "30"}, "100"),
        ({"name": "a\x00b", "lifetime": "30"}, "ký tự điều khiển"),
        ({"name": "x", "lifetime": "7"}, "lựa chọn hợp lệ"),
        ({"name": "x", "lifetime": "366"}, "lựa chọn hợp lệ"),
        ({"name": "x", "lifetime": "-30"}, "lựa chọn hợp lệ"),
        ({"name": "a\x1bb", "lifetime": "30"}, "ký tự điều khiển"),
        ({"name": "x", "lifetime": "1e9"}, "lựa chọn hợp lệ"),
        ({"name": "x", "lifetime": "90; DROP TABLE api_apitoken"}, "lựa chọn hợp lệ"),
        ({"name": "x", "lifetime": "9" * 5000}, "lựa chọn hợp lệ"),
        ({"name": "x"}, "bắt buộc"),
    ],
)
def test_a_hostile_new_token_is_a_400_in_vietnamese(
    cast: Cast, data: dict[str, str], says: str
) -> None:
    answer = cast.client(cast.viewer).post(MINE, data)
    assert answer.status_code == 400
    assert says in _text(answer)
    assert not ApiToken.objects.exists()
    system = _system(cast)
    issued = cast.client(cast.admin).post(reverse("tokens:integration", args=[system.pk]), data)
    assert issued.status_code == 400 and says in _text(issued)
    assert not ApiToken.objects.exists()


@pytest.mark.parametrize(
    ("data", "says"),
    [({}, "bắt buộc"), ({"name": "x" * 101}, "100"), ({"name": "\x00"}, "ký tự điều khiển")],
)
def test_a_hostile_integration_account_is_a_400_in_vietnamese(
    cast: Cast, data: dict[str, str], says: str
) -> None:
    answer = cast.client(cast.admin).post(reverse("tokens:integrations"), data)
    assert answer.status_code == 400 and says in _text(answer)
    assert not User.objects.filter(role=Role.INTEGRATION).exists()


@pytest.mark.parametrize(
    "query", [{"q": "x" * 101}, {"page": "0"}, {"page": "abc"}, {"page": "9" * 40}]
)
def test_a_hostile_filter_is_a_400(cast: Cast, query: dict[str, str]) -> None:
    _issue(cast.viewer)
    answer = cast.client(cast.admin).get(reverse("tokens:manage"), query)
    assert answer.status_code == 400 and "Trang tính" not in _text(answer)


@pytest.mark.parametrize("pk", [0, 10**30])
def test_an_address_with_no_such_token_is_a_logged_404(cast: Cast, pk: int) -> None:
    admin = cast.client(cast.admin)
    for url in (
        reverse("tokens:revoke", args=[pk]),
        reverse("tokens:manage_revoke", args=[pk]),
        reverse("tokens:manage_revoke_user", args=[pk]),
        reverse("tokens:integration", args=[pk]),
        reverse("tokens:integration_deactivate", args=[pk]),
    ):
        assert admin.get(url).status_code == 404, url
    assert _refusals("admin") == 5
