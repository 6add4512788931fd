"""Tokens: issued for a password, stored hashed, throttled on failure, revocable; the
errors in the contract's shape."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from parindex.api import tokens
from parindex.api.models import ApiToken
from parindex.conftest import PASSWORD, Cast
from parindex.org.errors import Forbidden
from parindex.org.models import Role, User

from .conftest import Api

pytestmark = pytest.mark.django_db


def _token(client: Client, username: str, password: str = PASSWORD) -> Any:
    return client.post(
        "/api/v1/auth/token",
        {"username": username, "password": password},
        content_type="application/json",
    )


def test_a_password_gets_a_token_stored_only_as_its_digest(cast: Cast) -> None:
    answer = _token(Client(), "scorer_a")
    assert answer.status_code == 201, answer.content
    text = answer.json()["token"]
    stored = ApiToken.objects.get(user=cast.scorer_a)
    assert stored.digest == tokens.digest(text) and text not in str(stored.__dict__)
    assert Api(text).get("/cycles").status_code == 200
    stored.refresh_from_db()
    assert stored.last_used_at is not None and stored.last_used_ip == "127.0.0.1"


def test_a_missing_wrong_revoked_or_expired_token_is_a_401_in_the_contract_s_shape(
    cast: Cast,
) -> None:
    answer = Api(None).get("/cycles")
    assert answer.status_code == 401
    body = answer.json()
    assert body["error"] == "unauthenticated" and body["message"].startswith("Hãy gửi")
    token, text = tokens.token_issue(user=cast.viewer, name="x", by=cast.viewer)
    tokens.token_revoke(token=token, by=cast.viewer)
    assert Api(text).get("/cycles").status_code == 401
    other, other_text = tokens.token_issue(user=cast.viewer, name="y", by=cast.viewer)
    ApiToken.objects.filter(pk=other.pk).update(expires_at=timezone.now())
    assert Api(other_text).get("/cycles").status_code == 401
    assert Api("pi_" + "x" * 43).get("/cycles").status_code == 401


def test_password_failures_lock_the_account_as_the_log_in_page_does(
    cast: Cast, settings: Any
) -> None:
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        assert _token(Client(), "scorer_a", "wrong").status_code == 401
    locked = _token(Client(), "scorer_a", "wrong")
    assert locked.status_code == 429 and locked.json()["error"] == "throttled"
    assert _token(Client(), "scorer_a").status_code == 429  # even the right password


def test_token_failures_from_one_address_are_throttled(cast: Cast) -> None:
    text = tokens.token_issue(user=cast.viewer, name="x", by=cast.viewer)[1]
    for n in range(tokens.FAILURES_MOST):
        assert Api(f"pi_wrong{n}").get("/cycles").status_code == 401
    answer = Api(text).get("/cycles")
    assert answer.status_code == 429 and answer.json()["error"] == "throttled"


def test_integration_accounts_get_no_token_by_password_and_cannot_log_in(cast: Cast) -> None:
    system = User.objects.create_user("mot-cua", password="test-pass-123", role=Role.INTEGRATION)
    assert _token(Client(), "mot-cua").status_code == 401
    page = Client().post("/accounts/login/", {"username": "mot-cua", "password": "test-pass-123"})
    assert page.status_code == 200 and "_auth_user_id" not in page.client.session
    with pytest.raises(Forbidden):
        tokens.token_issue(user=system, name="x", by=cast.viewer)
    token, text = tokens.token_issue(user=system, name="Hệ thống một cửa", by=cast.admin)
    assert token.scopes == ["metrics", "responses"]
    answer = Api(text).get("/cycles")  # a person's endpoint: not for this token
    assert answer.status_code == 403 and answer.json()["error"] == "forbidden"


def test_revoking_all_of_a_user_s_tokens(cast: Cast) -> None:
    texts = [
        tokens.token_issue(user=cast.scorer_a, name=str(n), by=cast.scorer_a)[1] for n in range(3)
    ]
    with pytest.raises(Forbidden):
        tokens.tokens_revoke_all(user=cast.scorer_a, by=cast.scorer_b)
    assert tokens.tokens_revoke_all(user=cast.scorer_a, by=cast.admin) == 3
    assert all(Api(text).get("/cycles").status_code == 401 for text in texts)


def test_a_token_lives_from_an_hour_to_a_year(cast: Cast) -> None:
    from parindex.org.errors import Refused

    for life in (datetime.timedelta(minutes=5), datetime.timedelta(days=400)):
        with pytest.raises(Refused):
            tokens.token_issue(user=cast.viewer, name="x", by=cast.viewer, lifetime=life)


@pytest.mark.parametrize(
    "body",
    ['{"username": "a"}', "not json", '{"username": "' + "a" * 500 + '", "password": "x"}', "[]"],
)
def test_a_hostile_body_is_a_400_in_vietnamese(cast: Cast, body: str) -> None:
    answer = Client().post("/api/v1/auth/token", body, content_type="application/json")
    assert answer.status_code == 400
    assert answer.json()["error"] == "invalid" and answer.json()["message"]


def test_the_openapi_document_and_its_page(cast: Cast) -> None:
    document = Client().get("/api/v1/openapi.json")
    assert document.status_code == 200
    assert "/api/v1/cycles" in document.json()["paths"]
    assert Client().get("/api/v1/docs").status_code == 200
