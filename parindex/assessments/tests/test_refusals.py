"""What a role may never do on an assessment is refused with a 403 and written to the
security log, whatever the post holds: no message, no redirect, nothing saved."""

from __future__ import annotations

import pytest
from django.urls import reverse

from parindex.assessments.models import Assessment, AuditEntry, Phase, State
from parindex.conftest import Cast
from parindex.org.models import SecurityEvent

pytestmark = pytest.mark.django_db
YEAR, UNIT = 2024, "so-tu-phap"


def url(name: str, *more: object) -> str:
    return reverse(f"assessments:{name}", args=[YEAR, UNIT, *more])


UNIT_POSTS = [
    (url("item_save", "1.1.1"), {"version": "1", "yes": "yes", "note": "x"}),
    (url("item_save", "1.1.1"), {}),
    (url("evidence_upload", "1.1.1"), {}),
    (url("evidence_link", "1.1.1"), {"file": "1"}),
    (url("evidence_url_add", "1.1.1"), {"url": "https://example.org/", "title": "x"}),
    (url("evidence_url_add", "1.1.1"), {}),
]
# Field 2 is not the appraiser's (the cast's appraiser has field 1 of the departments).
APPRAISER_POSTS = [
    (url("item_appraise", "2.1.1"), {"version": "1", "yes": "yes", "appraisal_note": "x"}),
    (url("item_appraise", "2.1.1"), {}),
    (url("item_request", "2.1.1"), {"message": "Bổ sung"}),
    (url("item_request", "2.1.1"), {}),
    (url("field_action", "2", "accept"), {}),
    (url("field_action", "2", "finish"), {}),
]


@pytest.fixture
def in_appraisal(assessment_a: Assessment) -> Assessment:
    Assessment.objects.filter(pk=assessment_a.pk).update(state=State.SUBMITTED)
    assessment_a.cycle.phase = Phase.APPRAISAL_1
    assessment_a.cycle.save()
    return assessment_a


@pytest.mark.parametrize("who", ["viewer", "chair", "appraiser", "admin"])
@pytest.mark.parametrize(("path", "data"), UNIT_POSTS)
def test_only_the_unit_changes_its_answers_and_evidence(
    cast: Cast, assessment_a: Assessment, who: str, path: str, data: dict[str, str]
) -> None:
    response = cast.client(getattr(cast, who)).post(path, data)
    assert response.status_code == 403
    assert SecurityEvent.objects.filter(kind=SecurityEvent.Kind.REFUSED).count() == 1
    assert not AuditEntry.objects.filter(assessment=assessment_a).exclude(kind="state").exists()


@pytest.mark.parametrize("who", ["viewer", "chair", "appraiser", "scorer_a", "head_a"])
@pytest.mark.parametrize(("path", "data"), APPRAISER_POSTS)
def test_only_the_fields_appraisers_appraise_them(
    cast: Cast, in_appraisal: Assessment, who: str, path: str, data: dict[str, str]
) -> None:
    response = cast.client(getattr(cast, who)).post(path, data)
    assert response.status_code == 403
    assert SecurityEvent.objects.filter(kind=SecurityEvent.Kind.REFUSED).count() == 1
    assert not in_appraisal.field_appraisals.exists()
    assert not AuditEntry.objects.filter(assessment=in_appraisal).exclude(kind="state").exists()


@pytest.mark.parametrize(
    ("who", "action"),
    [("viewer", "submit"), ("chair", "submit"), ("scorer_a", "submit"), ("head_a", "reopen")],
)
def test_a_transition_the_role_never_takes_is_a_403(
    cast: Cast, assessment_a: Assessment, who: str, action: str
) -> None:
    response = cast.client(getattr(cast, who)).post(
        url("transition"), {"action": action, "reason": "x", "confirmed": "on"}
    )
    assert response.status_code == 403
    assert SecurityEvent.objects.filter(kind=SecurityEvent.Kind.REFUSED).count() == 1
    assessment_a.refresh_from_db()
    assert assessment_a.state == State.DRAFT
