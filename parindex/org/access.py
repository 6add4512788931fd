"""Who may see what. Every view goes through these helpers; refusals are logged."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.http import Http404, HttpRequest, HttpResponse

from .models import UNIT_ROLES, AppraisalAssignment, Role, SecurityEvent, Unit, UnitQuerySet, User
from .security import record

View = TypeVar("View", bound=Callable[..., HttpResponse])


def current_user(request: HttpRequest) -> User:
    user = request.user
    assert isinstance(user, User), "login_required runs first"
    return user


def refuse(request: HttpRequest, detail: str, *, hide: bool = False) -> None:
    """Log the refusal and stop: 404 when the object's existence is not theirs to know."""
    request._refusal_recorded = True  # type: ignore[attr-defined]
    record(SecurityEvent.Kind.REFUSED, request, detail=detail)
    if hide:
        raise Http404(detail)
    raise PermissionDenied(detail)


def role_required(*roles: Role) -> Callable[[View], View]:
    """Log-in required, and one of `roles`."""

    def decorator(view: View) -> View:
        @login_required
        @wraps(view)
        def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            user = current_user(request)
            if not (user.is_active and user.role in roles):
                refuse(request, f"role {user.role} not in {','.join(roles)}")
            return view(request, *args, **kwargs)

        return wrapper  # type: ignore[return-value]

    return decorator


def visible_units(user: User) -> UnitQuerySet:
    """The units whose pages the user may open."""
    units = Unit.objects.all()
    if not user.is_active:
        return units.none()
    if user.sees_all_units:
        return units
    if user.role in UNIT_ROLES and user.unit_id is not None:
        return units.filter(pk=user.unit_id)
    if user.role == Role.APPRAISER:
        return units.filter(appraisal_scope_q(user)).exclude(pk=user.unit_id or 0)
    return units.none()


def appraisal_scope_q(user: User) -> Q:
    """Units covered by the appraiser's assignments (their own unit is excluded apart)."""
    assignments = list(
        AppraisalAssignment.objects.filter(appraiser=user).values_list("group_id", "unit_id")
    )
    whole_groups = [group for group, unit in assignments if unit is None]
    single_units = [unit for _group, unit in assignments if unit is not None]
    return Q(group_id__in=whole_groups) | Q(pk__in=single_units)


def get_unit_for_user(request: HttpRequest, code: str) -> Unit:
    """The unit with this code if the user may see it; otherwise a logged 404."""
    unit = (
        visible_units(current_user(request))
        .select_related("group", "parent")
        .filter(code=code)
        .first()
    )
    if unit is None:
        refuse(request, f"unit {code} not visible", hide=True)
    assert unit is not None
    return unit
