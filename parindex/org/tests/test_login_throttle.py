"""On top of the lock-out of one username: an address that fails too many log-ins over
any usernames (password spraying) is refused for the rest of the window, in Vietnamese,
while other addresses log in as usual."""

from __future__ import annotations

from django.test import Client, override_settings
from django.urls import reverse

from parindex.conftest import PASSWORD, Cast


@override_settings(LOGIN_THROTTLE_FAILURES=4)
def test_an_address_failing_over_many_usernames_is_throttled(cast: Cast) -> None:
    sprayer = Client(REMOTE_ADDR="203.0.113.9")
    for username in ("scorer_a", "head_a", "scorer_b", "head_b"):  # one try each: no lock-out
        response = sprayer.post(reverse("login"), {"username": username, "password": "Mùa2024"})
        assert response.status_code == 200
    response = sprayer.post(reverse("login"), {"username": "viewer", "password": PASSWORD})
    assert response.status_code == 429
    assert "Quá nhiều lần đăng nhập" in response.content.decode()
    assert 0 < int(response["Retry-After"]) <= 15 * 60
    admin_login = sprayer.post("/admin/login/", {"username": "admin", "password": PASSWORD})
    assert admin_login.status_code == 429
    # Someone else, from another address, logs in as usual.
    other = Client(REMOTE_ADDR="198.51.100.20")
    response = other.post(reverse("login"), {"username": "viewer", "password": PASSWORD})
    assert response.status_code == 302


@override_settings(LOGIN_THROTTLE_FAILURES=2, CLIENT_IP_HEADER="X-Real-IP")
def test_behind_the_proxy_the_address_it_passes_is_counted(cast: Cast) -> None:
    proxy = Client(REMOTE_ADDR="127.0.0.1")
    for _ in range(2):
        proxy.post(
            reverse("login"), {"username": "head_a", "password": "x"}, HTTP_X_REAL_IP="203.0.113.9"
        )
    refused = proxy.post(
        reverse("login"), {"username": "viewer", "password": PASSWORD}, HTTP_X_REAL_IP="203.0.113.9"
    )
    assert refused.status_code == 429
    allowed = proxy.post(
        reverse("login"),
        {"username": "viewer", "password": PASSWORD},
        HTTP_X_REAL_IP="198.51.100.20",
    )
    assert allowed.status_code == 302


def test_successful_log_ins_from_one_office_are_not_counted(cast: Cast) -> None:
    office = "192.0.2.44"  # a whole department behind one address
    with override_settings(LOGIN_THROTTLE_FAILURES=3):
        for username in ("scorer_a", "head_a", "scorer_b", "head_b", "viewer", "chair"):
            response = Client(REMOTE_ADDR=office).post(
                reverse("login"), {"username": username, "password": PASSWORD}
            )
            assert response.status_code == 302, username
