"""Tokens for the API tests: one per role of the cast, issued through the service."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from parindex.api.tokens import token_issue
from parindex.conftest import Cast
from parindex.org.models import User


class Api:
    """A client of /api/v1/ with a user's bearer token."""

    def __init__(self, token: str | None) -> None:
        self.client = Client()
        self.headers = {"Authorization": f"Bearer {token}"} if token else {}

    def get(self, path: str, **kwargs: Any) -> Any:
        return self.client.get("/api/v1" + path, headers=self.headers, **kwargs)

    def post(self, path: str, data: Any = None, **kwargs: Any) -> Any:
        if "content_type" not in kwargs and not isinstance(data, dict | None):
            kwargs["content_type"] = "application/json"
        if isinstance(data, dict) and kwargs.pop("json", True):
            kwargs.setdefault("content_type", "application/json")
        return self.client.post("/api/v1" + path, data, headers=self.headers, **kwargs)

    def put(self, path: str, data: Any = None, **kwargs: Any) -> Any:
        kwargs.setdefault("content_type", "application/json")
        return self.client.put("/api/v1" + path, data, headers=self.headers, **kwargs)


def token_of(user: User) -> str:
    return token_issue(user=user, name="test", by=user)[1]


@pytest.fixture
def api_as(cast: Cast) -> Any:
    """`api_as("scorer_a")`: a client with that cast member's token."""

    def make(name: str | None) -> Api:
        return Api(token_of(getattr(cast, name)) if name else None)

    return make
