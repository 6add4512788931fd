"""Schemathesis against the API's own OpenAPI document, in-process (Django's WSGI app,
the test database): generated requests — valid and not — with real tokens of several
roles and none. No 5xx, and no response that contradicts the document. Bounded: a few
examples per operation and role (FUZZ_EXAMPLES)."""

from __future__ import annotations

import os
from collections.abc import Iterator
from typing import Any

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from parindex.api.api import api
from parindex.api.tests.conftest import token_of
from parindex.conftest import Cast
from parindex.org.models import Role, User

EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "12"))
CHECKS = (
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
)
schema = schemathesis.openapi.from_dict(api.get_openapi_schema(path_prefix="/api/v1"))
schema.app = get_wsgi_application()


@pytest.fixture(autouse=True)
def _connections_kept() -> Iterator[None]:
    """As Django's test client does: a request through the WSGI app must not close the
    test's database connection (its transaction holds the test's data)."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.fixture
def tokens(cast: Cast, assessment_a: Any) -> dict[str, str]:
    """A token per caller; the cycle of 2024 open for self-assessment behind them."""
    system = User.objects.create(username="mot-cua", role=Role.INTEGRATION)
    from parindex.api.tokens import token_issue

    return {
        "scorer_a": token_of(cast.scorer_a),
        "admin": token_of(cast.admin),
        "appraiser": token_of(cast.appraiser),
        "integration": token_issue(user=system, name="fuzz", by=cast.admin)[1],
    }


@pytest.mark.django_db
@pytest.mark.parametrize("caller", ["scorer_a", "admin", "integration", None])
@schema.parametrize()
@settings(
    max_examples=EXAMPLES,
    deadline=None,
    suppress_health_check=list(HealthCheck),
    derandomize=True,
)
def test_the_api_holds_to_its_document(
    case: Any, tokens: dict[str, str], caller: str | None
) -> None:
    # The answers compressed by the site's middleware are left as they are by the WSGI
    # transport: ask for them uncompressed, as the check reads them.
    headers = {"Accept-Encoding": "identity"}
    if caller:
        headers["Authorization"] = f"Bearer {tokens[caller]}"
    case.call_and_validate(headers=headers, checks=CHECKS)
