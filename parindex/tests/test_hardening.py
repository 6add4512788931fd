"""What an installation on the internet needs: `check --deploy` clean under production
settings, which refuse to start without their own secret, DEBUG off and the site's names;
the security headers on every page; no page behind the log-in kept by a cache; the
Django admin for administrators only; a password policy; user text shown as text."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.test import Client, override_settings
from django.utils import translation

from parindex.assessments.models import Assessment
from parindex.assessments.services import SelfAnswer, item_save_self
from parindex.conftest import Cast
from parindex.org.models import Unit

ROOT = Path(__file__).resolve().parents[2]
PRODUCTION = {
    "PARINDEX_ENV": "production",
    "SECRET_KEY": "a-production-secret-of-fifty-characters-or-more-0123456789",
    "ALLOWED_HOSTS": "parindex.example.vn",
    "SECURE_PROXY_SSL_HEADER": "X-Forwarded-Proto",
}


def _manage(*args: str, **env: str) -> subprocess.CompletedProcess[str]:
    # Not the browser tests' DJANGO_ALLOW_ASYNC_UNSAFE: no deployment sets it.
    unset = {*PRODUCTION, "DEBUG", "DJANGO_ALLOW_ASYNC_UNSAFE"}
    clean = {k: v for k, v in os.environ.items() if k not in unset}
    return subprocess.run(  # noqa: S603 - the test's own interpreter and manage.py
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env={**clean, **env},
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_check_deploy_is_clean_under_production_settings() -> None:
    done = _manage("check", "--deploy", "--fail-level", "WARNING", **PRODUCTION)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "no issues" in done.stdout


@pytest.mark.parametrize(
    ("changed", "complaint"),
    [
        ({"SECRET_KEY": ""}, "SECRET_KEY"),
        ({"DEBUG": "1"}, "DEBUG"),
        ({"ALLOWED_HOSTS": ""}, "ALLOWED_HOSTS"),
    ],
    ids=["demo secret", "debug", "no hosts"],
)
def test_production_refuses_to_start_without_its_own_settings(
    changed: dict[str, str], complaint: str
) -> None:
    env = {**PRODUCTION, **changed}
    env = {k: v for k, v in env.items() if v}
    done = _manage("check", **env)
    assert done.returncode != 0
    assert "ImproperlyConfigured" in done.stderr and complaint in done.stderr


@pytest.mark.django_db
def test_every_page_carries_the_security_headers() -> None:
    response = Client().get("/results/")
    assert response.status_code == 200
    policy = response["Content-Security-Policy"]
    assert "default-src 'self'" in policy and "frame-ancestors 'none'" in policy
    assert "unsafe-inline" not in policy and "unsafe-eval" not in policy
    assert response["X-Frame-Options"] == "DENY"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["X-Content-Type-Options"] == "nosniff"


def test_pages_behind_the_log_in_are_never_stored_but_public_ones_may_be(cast: Cast) -> None:
    signed_in = cast.client(cast.scorer_a)
    for url in ("/", "/units/", "/results/"):
        response = signed_in.get(url)
        assert response.status_code == 200, url
        assert response["Cache-Control"] == "private, no-store", url
    public = Client().get("/results/")
    assert "no-store" not in public.get("Cache-Control", "")


def test_the_django_admin_is_for_administrators_only(cast: Cast) -> None:
    assert cast.client(cast.admin).get("/admin/").status_code == 200
    for user in (cast.scorer_a, cast.head_a, cast.appraiser, cast.chair, cast.viewer):
        assert not user.is_staff and not user.is_superuser
        response = cast.client(user).get("/admin/org/user/")
        assert response.status_code == 302 and "/admin/login/" in response["Location"]


def test_a_password_needs_ten_characters_and_must_not_be_common_or_all_digits(
    cast: Cast,
) -> None:
    for weak in ("ngan12345", "1234567890", "password123", "scorer_a2024"):
        with pytest.raises(ValidationError):
            validate_password(weak, user=cast.scorer_a)
    try:
        validate_password("mùa lúa chín vàng 2024", user=cast.scorer_a)
    except ValidationError as error:
        raise AssertionError(f"a passphrase is refused: {error.messages}") from error
    with translation.override("vi"), pytest.raises(ValidationError) as refused:
        validate_password("ngan12345")
    assert "cần ít nhất 10 ký tự" in " ".join(refused.value.messages)


def test_a_units_name_with_markup_is_shown_as_text(cast: Cast) -> None:
    hostile = '<script>alert("x")</script><img src=x onerror=alert(1)>'
    Unit.objects.filter(pk=cast.unit_a.pk).update(name=hostile)
    for url in ("/units/", f"/units/{cast.unit_a.code}/"):
        page = cast.client(cast.admin).get(url).content.decode()
        assert "<script>alert" not in page and "<img src=x" not in page, url
        assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in page, url


def test_a_note_with_markup_is_shown_as_text_on_the_assessment_pages(
    cast: Cast, assessment_a: Assessment
) -> None:
    hostile = '</textarea><script>alert(document.cookie)</script><b onmouseover="x()">'
    leaf = assessment_a.items.select_related("criterion").get(criterion__code="1.1.1")
    item_save_self(
        item=leaf,
        answer=SelfAnswer(inputs=None, note=hostile, claimed=False, claim_reason=""),
        version=leaf.version,
        by=cast.scorer_a,
    )
    base = f"/assessments/{assessment_a.cycle.year}/{cast.unit_a.code}/"
    for user, url in (
        (cast.scorer_a, base + "?field=1"),
        (cast.admin, base + "?field=1"),
        (cast.scorer_a, base + "history/"),
    ):
        response = cast.client(user).get(url)
        assert response.status_code == 200, url
        page = response.content.decode()
        assert "<script>alert" not in page and '<b onmouseover="x()">' not in page, url
        assert "&lt;script&gt;alert(document.cookie)&lt;/script&gt;" in page, url


@pytest.mark.django_db
@override_settings(
    SECURE_SSL_REDIRECT=True,
    SECURE_PROXY_SSL_HEADER=("HTTP_X_FORWARDED_PROTO", "https"),
    SECURE_HSTS_SECONDS=3600,
    SECURE_HSTS_INCLUDE_SUBDOMAINS=True,
)
def test_behind_the_tls_proxy_https_is_believed_and_plain_http_redirected() -> None:
    plain = Client().get("/results/?year=2023")
    assert plain.status_code == 301 and plain["Location"] == "https://testserver/results/?year=2023"
    secure = Client().get("/results/", HTTP_X_FORWARDED_PROTO="https")
    assert secure.status_code == 200
    assert secure["Strict-Transport-Security"] == "max-age=3600; includeSubDomains"
