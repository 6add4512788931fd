"""Who may act on an assessment, and on which of its fields. Used by the views to hide
what a user may not see, and by the services to refuse what they may not do."""

from __future__ import annotations

from django.db.models import Q

from parindex.org.models import UNIT_ROLES, AppraisalAssignment, Role, User

from .models import Assessment, EvidenceFile, ItemEvidence


def appraiser_fields(user: User, assessment: Assessment) -> set[str]:
    """The fields of this unit the appraiser checks (none of their own unit's)."""
    if user.role != Role.APPRAISER or not user.is_active:
        return set()
    if user.unit_id is not None and user.unit_id == assessment.unit_id:
        return set()
    return set(
        AppraisalAssignment.objects.filter(appraiser=user, group_id=assessment.group_id)
        .filter(Q(unit__isnull=True) | Q(unit_id=assessment.unit_id))
        .values_list("field_code", flat=True)
    )


def acting_role(user: User, assessment: Assessment) -> Role | None:
    """The role the user holds towards this assessment, or None if it is not theirs."""
    if not user.is_active:
        return None
    role = Role(user.role)
    if role in (Role.ADMIN, Role.COUNCIL_CHAIR, Role.VIEWER):
        return role
    if role in UNIT_ROLES:
        return role if user.unit_id == assessment.unit_id else None
    if role == Role.APPRAISER and appraiser_fields(user, assessment):
        return role
    return None


def may_read_evidence(user: User, assessment: Assessment) -> bool:
    """The unit, its appraisers and the administrators: nobody else, not other units."""
    return acting_role(user, assessment) in (
        Role.ADMIN,
        Role.UNIT_SCORER,
        Role.UNIT_HEAD,
        Role.APPRAISER,
    )


def may_download(user: User, file: EvidenceFile) -> bool:
    """A unit's people read their unit's files; others, the files cited in an assessment
    whose evidence they may read (`may_read_evidence`)."""
    if user.is_active and user.role in UNIT_ROLES:
        return user.unit_id == file.unit_id
    assessments = Assessment.objects.filter(
        items__in=ItemEvidence.objects.filter(file=file).values("item_id")
    ).select_related("cycle")
    return any(may_read_evidence(user, a) for a in assessments.distinct())
