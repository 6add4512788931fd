"""Recording log-ins and refusals, and refusing on the server."""

from __future__ import annotations

import logging

from django.http import HttpRequest
from django.utils.translation import gettext_lazy, ngettext_lazy

from .models import SecurityEvent, User

logger = logging.getLogger("parindex.security")


def client_ip(request: HttpRequest | None) -> str | None:
    if request is None:
        return None
    return request.META.get("REMOTE_ADDR") or None


def record(
    kind: str,
    request: HttpRequest | None,
    *,
    user: User | None = None,
    username: str = "",
    detail: str = "",
) -> None:
    """Write a security event to the database and to the security log."""
    if user is None and request is not None and getattr(request, "user", None) is not None:
        candidate = request.user
        user = candidate if isinstance(candidate, User) else None
    if not username and user is not None:
        username = user.username
    path = request.get_full_path()[:500] if request is not None else ""
    ip = client_ip(request)
    SecurityEvent.objects.create(
        kind=kind,
        user=user,
        username=username[:150],
        ip_address=ip,
        path=path,
        detail=detail[:500],
    )
    logger.info("%s user=%s ip=%s path=%s %s", kind, username or "-", ip, path, detail)


# Django's password validators' messages, which its Vietnamese catalogue lacks: named here
# so that makemessages keeps their translations in ours (which Django reads first).
DJANGO_PASSWORD_MESSAGES = (
    ngettext_lazy(
        "This password is too short. It must contain at least %d character.",
        "This password is too short. It must contain at least %d characters.",
        "min_length",
    ),
    ngettext_lazy(
        "Your password must contain at least %(min_length)d character.",
        "Your password must contain at least %(min_length)d characters.",
        "min_length",
    ),
    gettext_lazy("The password is too similar to the %(verbose_name)s."),
    gettext_lazy("Your password can’t be too similar to your other personal information."),
    gettext_lazy("This password is too common."),
    gettext_lazy("Your password can’t be a commonly used password."),
    gettext_lazy("This password is entirely numeric."),
    gettext_lazy("Your password can’t be entirely numeric."),
)
