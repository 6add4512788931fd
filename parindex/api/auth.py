"""Bearer tokens on every endpoint but the public ones; scopes checked per endpoint."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja.security import HttpBearer

from parindex.org.models import User
from parindex.org.security import client_ip

from . import tokens
from .errors import ApiError
from .models import ApiToken, Scope


class BearerAuth(HttpBearer):
    """`Authorization: Bearer <token>`: the token's user becomes the request's user; failed
    attempts from one address are throttled (429)."""

    def __call__(self, request: HttpRequest) -> Any:
        ip = client_ip(request)
        if tokens.throttled(ip):
            raise ApiError(429, "throttled", _("Too many failed attempts: wait a few minutes."))
        found = super().__call__(request)
        if found is None:
            tokens.failure(ip)
        return found

    def authenticate(self, request: HttpRequest, token: str) -> ApiToken | None:
        found = tokens.token_for(token, client_ip(request))
        if found is None:
            return None
        request.user = found.user
        request.api_token = found  # type: ignore[attr-defined]
        return found


bearer = BearerAuth()


def token_of(request: HttpRequest) -> ApiToken:
    return request.api_token  # type: ignore[attr-defined,no-any-return]


def user_of(request: HttpRequest, scope: str = Scope.USER) -> User:
    """The caller, if its token holds `scope`; a 403 otherwise (an integration account on
    a person's endpoint, a person's token on an integration's)."""
    token = token_of(request)
    if not token.allows(scope):
        raise ApiError(403, "forbidden", _("This token may not do this."))
    return token.user


ANONYMOUS = "anonymous"


class OptionalBearer(BearerAuth):
    """A public endpoint: no Authorization header is an anonymous caller; a header with a
    token that is not valid is still a 401 (a system must learn its token is wrong)."""

    def __call__(self, request: HttpRequest) -> Any:
        if not request.headers.get(self.header):
            request.api_token = None  # type: ignore[attr-defined]
            return ANONYMOUS
        return super().__call__(request)


optional_bearer = OptionalBearer()
