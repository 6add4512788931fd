"""POST /auth/token: a token for a username and password (a person's, never an
integration account's: those are issued by the administrator)."""

from __future__ import annotations

from django.contrib.auth import authenticate
from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Router, Schema, Status
from pydantic import Field

from parindex.org.models import User
from parindex.org.security import client_ip

from .. import tokens
from ..errors import ApiError

router = Router(tags=["auth"])


class Credentials(Schema):
    username: str = Field(min_length=1, max_length=150)
    password: str = Field(min_length=1, max_length=200)
    name: str = Field(default="API", min_length=1, max_length=100)


class TokenOut(Schema):
    token: str
    expires_at: str


@router.post(
    "/token",
    response={201: TokenOut},
    auth=None,
    url_name="auth_token",
    summary="Cấp mã truy cập (token) theo tên đăng nhập và mật khẩu",
)
def token(request: HttpRequest, body: Credentials) -> Status[TokenOut]:
    ip = client_ip(request)
    if tokens.throttled(ip):
        raise ApiError(429, "throttled", _("Too many failed attempts: wait a few minutes."))
    user = authenticate(request, username=body.username, password=body.password)
    if getattr(request, "axes_locked_out", False):
        # the web log-in's lock-out (django-axes), answered in the API's shape
        request.axes_locked_out = False  # type: ignore[attr-defined]
        tokens.failure(ip)
        raise ApiError(429, "throttled", _("Too many failed attempts: wait a few minutes."))
    if not isinstance(user, User) or not user.is_active or user.is_integration:
        tokens.failure(ip)
        raise ApiError(401, "unauthenticated", _("Wrong username or password."))
    issued, text = tokens.token_issue(user=user, name=body.name, by=user)
    return Status(201, TokenOut(token=text, expires_at=issued.expires_at.isoformat()))
