from typing import Any

from axes.signals import user_locked_out
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.dispatch import receiver
from django.http import HttpRequest

from .middleware import login_failure_count
from .models import SecurityEvent, User
from .security import record


@receiver(user_logged_in)
def _logged_in(sender: Any, request: HttpRequest, user: User, **kwargs: Any) -> None:
    record(SecurityEvent.Kind.LOGIN, request, user=user)


@receiver(user_logged_out)
def _logged_out(sender: Any, request: HttpRequest, user: User | None, **kwargs: Any) -> None:
    if user is not None:
        record(SecurityEvent.Kind.LOGOUT, request, user=user)


@receiver(user_login_failed)
def _login_failed(
    sender: Any, credentials: dict[str, Any], request: HttpRequest | None = None, **kwargs: Any
) -> None:
    record(SecurityEvent.Kind.LOGIN_FAILED, request, username=str(credentials.get("username", "")))
    login_failure_count(request)


@receiver(user_locked_out)
def _locked_out(sender: Any, request: HttpRequest, username: str, **kwargs: Any) -> None:
    record(SecurityEvent.Kind.LOCKED_OUT, request, username=username or "")
