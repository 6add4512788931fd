"""The API's refusals, logged as the pages' are (parindex.org.access.refuse)."""

from __future__ import annotations

from typing import NoReturn

from django.http import HttpRequest
from django.utils.translation import gettext as _

from parindex.assessments.access import acting_role
from parindex.assessments.models import Assessment
from parindex.org.models import UNIT_ROLES, Role, SecurityEvent, User
from parindex.org.security import record

from .errors import ApiError, not_found

# The contract's "the unit, its appraisers, admins" (shared/docs/api.md).
ASSESSMENT_READERS = (Role.ADMIN, *UNIT_ROLES, Role.APPRAISER)


def refuse(
    request: HttpRequest,
    detail: str,
    *,
    hide: bool = False,
    message: str = "",
    details: object = None,
) -> NoReturn:
    """Log the refusal; a 404 when the caller may not learn that the object exists, else
    a 403 with `message` (or a general one) and `details`."""
    request._refusal_recorded = True  # type: ignore[attr-defined]
    record(SecurityEvent.Kind.REFUSED, request, detail=f"api: {detail}"[:500])
    if hide:
        raise not_found()
    raise ApiError(403, "forbidden", message or _("You may not do this."), details)


def assessment_for(
    request: HttpRequest, user: User, year: int, unit: str
) -> tuple[Assessment, Role]:
    """The assessment and the caller's role towards it, if it is the caller's to read:
    another unit's, or one the caller has nothing to do with, is a logged 404; a role
    the contract does not name (the chair, the viewer) a logged 403."""
    assessment = (
        Assessment.objects.select_related("cycle", "unit", "group")
        .filter(cycle__year=year, unit__code=unit)
        .first()
    )
    role = acting_role(user, assessment) if assessment is not None else None
    if assessment is None or role is None:
        refuse(request, f"assessment {year} {unit} not visible", hide=True)
    if role not in ASSESSMENT_READERS:
        refuse(request, f"{role} may not read assessment {year} {unit} through the API")
    return assessment, role
