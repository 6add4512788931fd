"""Log-in with username and password; lock-out after repeated failures; all logged."""

from __future__ import annotations

from django.test import Client
from django.urls import reverse

from parindex.conftest import PASSWORD, Cast
from parindex.org.models import SecurityEvent


def test_the_login_page_is_vietnamese_by_default(cast: Cast) -> None:
    page = Client().get(reverse("login")).content.decode()
    assert "Đăng nhập" in page
    assert 'lang="vi"' in page


def test_a_successful_login_is_logged_and_lands_home(cast: Cast) -> None:
    client = Client()
    response = client.post(reverse("login"), {"username": "scorer_a", "password": PASSWORD})
    assert response.status_code == 302 and response["Location"] == reverse("home")
    assert SecurityEvent.objects.filter(kind="login", username="scorer_a").exists()


def test_a_wrong_password_is_refused_in_vietnamese_and_logged(cast: Cast) -> None:
    response = Client().post(reverse("login"), {"username": "scorer_a", "password": "wrong"})
    assert response.status_code == 200
    assert "Sai tên đăng nhập hoặc mật khẩu" in response.content.decode()
    assert SecurityEvent.objects.filter(kind="login_failed", username="scorer_a").exists()


def test_five_failures_lock_the_account_even_for_the_right_password(cast: Cast) -> None:
    client = Client()
    for _ in range(5):
        client.post(reverse("login"), {"username": "head_a", "password": "wrong"})
    response = client.post(reverse("login"), {"username": "head_a", "password": PASSWORD})
    assert response.status_code == 429
    assert "tạm khóa" in response.content.decode()
    assert SecurityEvent.objects.filter(kind="locked_out", username="head_a").exists()
    # Another account from the same address is not affected.
    other = client.post(reverse("login"), {"username": "head_b", "password": PASSWORD})
    assert other.status_code == 302


def test_passwords_are_hashed_by_django(cast: Cast) -> None:
    from django.contrib.auth.hashers import identify_hasher

    cast.admin.refresh_from_db()
    assert identify_hasher(cast.admin.password).algorithm  # a Django hash, never plain text
    assert PASSWORD not in cast.admin.password
    assert cast.admin.check_password(PASSWORD)


def test_logout_is_a_post_and_is_logged(cast: Cast) -> None:
    client = Client()
    client.post(reverse("login"), {"username": "viewer", "password": PASSWORD})
    assert client.post(reverse("logout")).status_code == 302
    assert SecurityEvent.objects.filter(kind="logout", username="viewer").exists()
