"""Issuing, checking and revoking API tokens; integration accounts; the throttle on failed
attempts."""

from __future__ import annotations

import datetime
import hashlib
import secrets

from django.contrib.admin.models import ADDITION, CHANGE, LogEntry
from django.core.cache import cache
from django.db import transaction
from django.db.models import Case, Count, Max, Q, QuerySet, Value, When
from django.utils import timezone
from django.utils.translation import gettext as _

from parindex.org.errors import Forbidden, Refused
from parindex.org.models import Role, User, make_code, normalize_name

from .models import ApiToken, ApiTokenQuerySet, Scope

PREFIX = "pi_"
# A token lives at most a year; people choose shorter.
LONGEST = datetime.timedelta(days=366)
DEFAULT_LIFE = datetime.timedelta(days=90)
# Failed attempts (a wrong password, an unknown or revoked token) from one address: after
# FAILURES_MOST within FAILURE_WINDOW seconds, every attempt is refused (429) until the
# window has passed.
FAILURES_MOST = 10
FAILURE_WINDOW = 300
# Last use is written at most once a minute per token: reads stay reads.
LAST_USE_EVERY = datetime.timedelta(minutes=1)
# What the tokens pages offer, in days: a token is chosen among these, nothing else.
LIFETIMES = (30, 90, 180, 365)
NAME_MOST = 100


def digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def scopes_for(user: User) -> list[str]:
    """What a token of the user may do: an integration account pushes measured inputs
    and survey responses only; a person acts as themselves."""
    if user.is_integration:
        return [Scope.METRICS, Scope.RESPONSES]
    return [Scope.USER]


@transaction.atomic
def token_issue(
    *, user: User, name: str, by: User, lifetime: datetime.timedelta = DEFAULT_LIFE
) -> tuple[ApiToken, str]:
    """A new token for `user`, and its text (shown once, never stored). People issue their
    own; the administrator issues integration accounts'."""
    if not user.is_active:
        raise Refused(_("This account is not active."))
    if by.pk != user.pk and not (by.is_admin and user.is_integration):
        raise Forbidden(_("You may issue tokens for your own account only."))
    if user.is_integration and not by.is_admin:
        raise Forbidden(_("Only the administrator issues an integration account's tokens."))
    name = name.strip()
    if not name or len(name) > 100:
        raise Refused(_("Give the token a name of at most 100 characters."))
    if not datetime.timedelta(hours=1) <= lifetime <= LONGEST:
        raise Refused(_("A token lives from one hour to one year."))
    text = PREFIX + secrets.token_urlsafe(32)
    token = ApiToken.objects.create(
        user=user,
        name=name,
        digest=digest(text),
        prefix=text[: len(PREFIX) + 6],
        scopes=scopes_for(user),
        created_by=by,
        expires_at=timezone.now() + lifetime,
    )
    return token, text


def token_for(text: str, ip: str | None) -> ApiToken | None:
    """The live token of that text, its last use recorded; None for anything else (the
    caller counts it as a failure)."""
    if not text.startswith(PREFIX) or len(text) > 100:
        return None
    token = ApiToken.objects.live().select_related("user").filter(digest=digest(text)).first()
    if token is None or not token.user.is_active:
        return None
    now = timezone.now()
    if token.last_used_at is None or now - token.last_used_at >= LAST_USE_EVERY:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now, last_used_ip=ip)
        token.last_used_at, token.last_used_ip = now, ip
    return token


def token_revoke(*, token: ApiToken, by: User) -> ApiToken:
    """Revoke one token: its owner or the administrator."""
    if by.pk != token.user_id and not by.is_admin:
        raise Forbidden(_("This token is not yours."))
    if token.revoked_at is None:
        token.revoked_at, token.revoked_by = timezone.now(), by
        token.save(update_fields=["revoked_at", "revoked_by"])
    return token


def tokens_revoke_all(*, user: User, by: User) -> int:
    """Revoke every live token of `user` at once (the user, or the administrator)."""
    if by.pk != user.pk and not by.is_admin:
        raise Forbidden(_("These tokens are not yours."))
    return (
        ApiToken.objects.live().filter(user=user).update(revoked_at=timezone.now(), revoked_by=by)
    )


# What the tokens pages read ------------------------------------------------------


def tokens_of(user: User) -> ApiTokenQuerySet:
    """Every token of the user, the live ones first, each part newest first, with who
    revoked it: one query."""
    live = Q(revoked_at__isnull=True, expires_at__gt=timezone.now())
    return (
        ApiToken.objects.filter(user=user)
        .select_related("revoked_by")
        .alias(ended=Case(When(live, then=Value(0)), default=Value(1)))
        .order_by("ended", "-created_at", "-pk")
    )


def live_tokens() -> ApiTokenQuerySet:
    """Every user's live tokens with their user and unit (one query), user by user."""
    return (
        ApiToken.objects.live()
        .select_related("user__unit")
        .order_by("user__username", "user_id", "-created_at", "-pk")
    )


def integration_accounts() -> QuerySet[User]:
    """The integration accounts, each with its live tokens counted and its last use: one
    query."""
    now = timezone.now()
    live = Q(api_tokens__revoked_at__isnull=True, api_tokens__expires_at__gt=now)
    return (
        User.objects.filter(role=Role.INTEGRATION)
        .annotate(
            live_tokens=Count("api_tokens", filter=live),
            last_used_at=Max("api_tokens__last_used_at"),
        )
        .order_by("-is_active", "display_name", "username")
    )


# Integration accounts -------------------------------------------------------------


def username_for(name: str) -> str:
    """A free username made from a system's name: “Hệ thống một cửa điện tử tỉnh” →
    he-thong-mot-cua-dien-tu-tinh, then -2, -3… if taken."""
    base = make_code(name)[:60].strip("-") or "he-thong"
    taken = set(User.objects.filter(username__startswith=base).values_list("username", flat=True))
    if base not in taken:
        return base
    return next(f"{base}-{n}" for n in range(2, len(taken) + 3) if f"{base}-{n}" not in taken)


def _audit(*, user: User, by: User, action: int, message: list[dict[str, object]]) -> None:
    """The account's history in the Django administration, where accounts are managed
    (its structured messages, which the admin shows in the reader's language)."""
    LogEntry.objects.log_actions(
        user_id=by.pk,
        queryset=[user],
        action_flag=action,
        change_message=message,
        single_object=True,
    )


@transaction.atomic
def integration_create(*, name: str, by: User) -> User:
    """An account for another system of the province: named after it, with the
    integration role, no unit and no usable password (it never logs in; its tokens are
    issued by the administrator)."""
    if not by.is_admin:
        raise Forbidden(_("Only the administrator creates integration accounts."))
    name = normalize_name(name)
    if not name or len(name) > NAME_MOST:
        raise Refused(_("Give the system a name of at most 100 characters."))
    if User.objects.filter(role=Role.INTEGRATION, display_name=name).exists():
        raise Refused(_("An integration account of that name exists already."))
    user = User(username=username_for(name), display_name=name, role=Role.INTEGRATION)
    user.set_unusable_password()
    user.save()
    _audit(user=user, by=by, action=ADDITION, message=[{"added": {}}])
    return user


@transaction.atomic
def integration_deactivate(*, user: User, by: User) -> int:
    """Stop an integration account: it is deactivated and its live tokens revoked, at
    once. Returns how many tokens were revoked."""
    if not by.is_admin:
        raise Forbidden(_("Only the administrator deactivates integration accounts."))
    if not user.is_integration:
        raise Refused(_("Only integration accounts are deactivated here."))
    revoked = tokens_revoke_all(user=user, by=by)
    if user.is_active:
        user.is_active = False
        user.save(update_fields=["is_active"])
        _audit(user=user, by=by, action=CHANGE, message=[{"changed": {"fields": ["active"]}}])
    return revoked


# The throttle ---------------------------------------------------------------------


def _key(ip: str | None) -> str:
    return f"api:failures:{ip or '-'}"


def throttled(ip: str | None) -> bool:
    return int(cache.get(_key(ip), 0)) >= FAILURES_MOST


def failure(ip: str | None) -> None:
    key = _key(ip)
    if cache.add(key, 1, FAILURE_WINDOW):
        return
    try:
        cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.add(key, 1, FAILURE_WINDOW)
