"""The transitions table: every action from every state, by every role, in and out of its
phases and deadlines; what is forbidden is refused and changes nothing."""

from __future__ import annotations

import datetime

import pytest

from parindex.assessments.models import Assessment, AssessmentItem, AuditEntry, Phase, State
from parindex.assessments.services import (
    SelfAnswer,
    assessment_extend,
    assessment_transition,
    evidence_url_add,
    item_save_self,
)
from parindex.assessments.workflow import TRANSITIONS, TransitionRefused
from parindex.conftest import Cast
from parindex.org.errors import Forbidden, Refused
from parindex.org.models import PARTNER_ROLES, Partner, Role, User

from .conftest import DEADLINE, TODAY

pytestmark = pytest.mark.django_db


def actor(cast: Cast, role: Role) -> User:
    """Someone of that role who has to do with unit A's assessment (a survey partner's
    staff and an integration account have nothing to do with any)."""
    if role in PARTNER_ROLES:
        partner, _new = Partner.objects.get_or_create(body=cast.body, name="Bưu điện tỉnh")
        return User.objects.get_or_create(
            username=f"partner-{role}", defaults={"role": role, "partner": partner}
        )[0]
    if role == Role.INTEGRATION:  # another system of the province, through the API only
        return User.objects.get_or_create(username="integration", defaults={"role": role})[0]
    return {
        Role.ADMIN: cast.admin,
        Role.UNIT_SCORER: cast.scorer_a,
        Role.UNIT_HEAD: cast.head_a,
        Role.APPRAISER: cast.appraiser,
        Role.COUNCIL_CHAIR: cast.chair,
        Role.VIEWER: cast.viewer,
    }[role]


@pytest.fixture
def ready_a(assessment_a: Assessment) -> Assessment:
    """Unit A's assessment with an explanation wherever evidence is required."""
    assessment_a.items.filter(criterion__evidence_required=True).update(
        note="Xem công văn số 45/STP-VP"
    )
    return assessment_a


def set_to(assessment: Assessment, state: State, phase: Phase) -> None:
    assessment.state = state
    assessment.save(update_fields=["state"])
    assessment.cycle.phase = phase
    assessment.cycle.save(update_fields=["phase"])


@pytest.mark.parametrize("transition", TRANSITIONS, ids=lambda t: t.action)
def test_every_action_from_every_state(cast: Cast, ready_a: Assessment, transition: object) -> None:
    assessment_a = ready_a
    from parindex.assessments.workflow import Transition

    assert isinstance(transition, Transition)
    role = transition.roles[0]
    for state in State:
        set_to(assessment_a, state, transition.phases[0])
        if state in transition.sources:
            done = assessment_transition(
                assessment=assessment_a,
                action=transition.action,
                by=actor(cast, role),
                reason="Lý do",
                today=TODAY,
            )
            assert done.state == transition.target
        else:
            with pytest.raises(TransitionRefused) as refused:
                assessment_transition(
                    assessment=assessment_a,
                    action=transition.action,
                    by=actor(cast, role),
                    reason="Lý do",
                    today=TODAY,
                )
            assert "Không thể thực hiện khi" in refused.value.message
            assessment_a.refresh_from_db()
            assert assessment_a.state == state


@pytest.mark.parametrize("transition", TRANSITIONS, ids=lambda t: t.action)
def test_every_other_role_and_phase_is_refused(
    cast: Cast, assessment_a: Assessment, transition: object
) -> None:
    from parindex.assessments.workflow import Transition

    assert isinstance(transition, Transition)
    source = transition.sources[0]
    for role in Role:
        if role in transition.roles:
            continue
        set_to(assessment_a, source, transition.phases[0])
        with pytest.raises(Forbidden):  # not theirs at all: a 403 and a log line on the pages
            assessment_transition(
                assessment=assessment_a,
                action=transition.action,
                by=actor(cast, role),
                reason="Lý do",
                today=TODAY,
            )
    for phase in Phase:
        if phase in transition.phases:
            continue
        set_to(assessment_a, source, phase)
        with pytest.raises(TransitionRefused, match="giai đoạn"):
            assessment_transition(
                assessment=assessment_a,
                action=transition.action,
                by=actor(cast, transition.roles[0]),
                reason="Lý do",
                today=TODAY,
            )
    assessment_a.refresh_from_db()
    assert assessment_a.state == source
    assert not AuditEntry.objects.filter(kind=AuditEntry.Kind.STATE).exists()


def test_another_units_head_and_an_unassigned_appraiser_are_refused(
    cast: Cast, ready_a: Assessment
) -> None:
    assessment_a = ready_a
    with pytest.raises(Forbidden, match="không phải"):
        assessment_transition(assessment=assessment_a, action="submit", by=cast.head_b)
    set_to(assessment_a, State.SUBMITTED, Phase.APPRAISAL_1)
    outsider = User.objects.create(username="other-appraiser", role=Role.APPRAISER)
    with pytest.raises(Forbidden):
        assessment_transition(assessment=assessment_a, action="start_appraisal", by=outsider)


def test_the_deadline_binds_unless_extended_for_the_unit(cast: Cast, ready_a: Assessment) -> None:
    assessment_a = ready_a
    late = DEADLINE + datetime.timedelta(days=1)
    with pytest.raises(TransitionRefused, match=DEADLINE.strftime("%d/%m/%Y")):
        assessment_transition(assessment=assessment_a, action="submit", by=cast.head_a, today=late)
    with pytest.raises(Refused):
        assessment_extend(
            assessment=assessment_a,
            phase=Phase.SELF_ASSESSMENT,
            until=DEADLINE + datetime.timedelta(days=5),
            by=cast.admin,
            reason=" ",
        )
    assessment_extend(
        assessment=assessment_a,
        phase=Phase.SELF_ASSESSMENT,
        until=DEADLINE + datetime.timedelta(days=5),
        by=cast.admin,
        reason="Đơn vị mất điện 3 ngày",
    )
    done = assessment_transition(
        assessment=assessment_a, action="submit", by=cast.head_a, today=late
    )
    assert done.state == State.SUBMITTED
    extension = AuditEntry.objects.get(kind=AuditEntry.Kind.DEADLINE)
    assert extension.reason == "Đơn vị mất điện 3 ngày" and extension.by == cast.admin


def test_a_submission_lists_the_criteria_still_missing_evidence(
    cast: Cast, assessment_a: Assessment
) -> None:
    items = {i.criterion.code: i for i in assessment_a.items.select_related("criterion")}
    needing = [code for code, i in items.items() if i.criterion.evidence_required]
    for code in needing[1:]:
        item = items[code]
        item_save_self(
            item=item,
            answer=SelfAnswer(None, "Kế hoạch số 12/KH-STP", False, ""),
            version=item.version,
            by=cast.scorer_a,
            today=TODAY,
        )
    with pytest.raises(TransitionRefused) as refused:
        assessment_transition(assessment=assessment_a, action="submit", by=cast.head_a, today=TODAY)
    assert needing[0] in refused.value.message and needing[1] not in refused.value.message
    assert refused.value.allowed == ["submit"]


def test_the_gaps_in_evidence_are_the_missing_and_the_explained_only_leaves(
    cast: Cast, assessment_a: Assessment
) -> None:
    items = {i.criterion.code: i for i in assessment_a.items.select_related("criterion")}
    needing = [code for code, i in items.items() if i.criterion.evidence_required]
    assert len(needing) >= 3
    explained, cited = needing[0], needing[1]
    for code in (explained, cited):
        item_save_self(
            item=items[code],
            answer=SelfAnswer(None, "Kế hoạch số 12/KH-STP", False, ""),
            version=items[code].version,
            by=cast.scorer_a,
            today=TODAY,
        )
    evidence_url_add(
        item=AssessmentItem.objects.get(pk=items[cited].pk),
        url="https://sotuphap.example.gov.vn/ke-hoach",
        title="Kế hoạch",
        by=cast.scorer_a,
        today=TODAY,
    )
    leaves = AssessmentItem.objects.filter(assessment=assessment_a)
    missing, explained_only = leaves.evidence_gaps()
    assert explained_only == [explained]
    assert cited not in missing and explained not in missing
    assert missing == [code for code in needing if code not in (explained, cited)]
    in_order = leaves.order_by("criterion__position")
    assert missing == list(in_order.missing_evidence().values_list("criterion__code", flat=True))
    assert explained_only == list(
        in_order.explained_without_evidence().values_list("criterion__code", flat=True)
    )


def test_withdrawal_only_until_appraisal_has_started(cast: Cast, assessment_a: Assessment) -> None:
    set_to(assessment_a, State.SUBMITTED, Phase.APPRAISAL_1)
    assessment_transition(assessment=assessment_a, action="start_appraisal", by=cast.appraiser)
    with pytest.raises(TransitionRefused):
        assessment_transition(
            assessment=assessment_a, action="withdraw", by=cast.head_a, today=TODAY
        )


def test_reopening_needs_and_keeps_its_reason(cast: Cast, assessment_a: Assessment) -> None:
    set_to(assessment_a, State.APPRAISED_1, Phase.APPRAISAL_1)
    with pytest.raises(TransitionRefused, match="lý do"):
        assessment_transition(assessment=assessment_a, action="reopen", by=cast.admin, reason="")
    assessment_transition(
        assessment=assessment_a, action="reopen", by=cast.admin, reason="Nộp nhầm bộ hồ sơ"
    )
    entry = AuditEntry.objects.get(kind=AuditEntry.Kind.STATE)
    assert entry.reason == "Nộp nhầm bộ hồ sơ"
    assert entry.old == State.APPRAISED_1 and entry.new["state"] == State.DRAFT
