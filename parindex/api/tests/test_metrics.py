"""Measured inputs from the province's other systems: integration accounts only, fed to
ratio-based leaves as the unit's own inputs, audited as the system's, all or nothing."""

from __future__ import annotations

from typing import Any

import pytest

from parindex.api.tests.conftest import Api, token_of
from parindex.assessments.models import Assessment, AuditEntry
from parindex.conftest import Cast
from parindex.org.models import Role, User

pytestmark = pytest.mark.django_db
TTHC = "3.4.3"  # Tỷ lệ hồ sơ TTHC giải quyết đúng hạn (ratio_tiers)


@pytest.fixture
def system(cast: Cast) -> Api:
    account = User.objects.create(
        username="mot-cua", first_name="Hệ thống một cửa điện tử tỉnh", role=Role.INTEGRATION
    )
    from parindex.api.tokens import token_issue

    return Api(token_issue(user=account, name="Đồng bộ hằng đêm", by=cast.admin)[1])


def test_a_system_feeds_a_unit_s_ratio_leaf_as_its_own_inputs_would(
    cast: Cast, assessment_a: Assessment, system: Api
) -> None:
    answer = system.put(
        "/cycles/2024/metrics/so-tu-phap", {TTHC: {"numerator": 1200, "denominator": 1250}}
    )
    assert answer.status_code == 200, answer.content
    assert answer.json() == {"units": 1, "changed": 1}
    item = assessment_a.items.get(criterion__code=TTHC)
    assert item.self_inputs == {"numerator": "1200", "denominator": "1250"}
    assert item.version == 2 and item.updated_by.username == "mot-cua"
    audit = AuditEntry.objects.get(item=item)
    assert audit.kind == AuditEntry.Kind.SELF and "Hệ thống một cửa điện tử tỉnh" in audit.reason
    # the same numbers again change nothing
    again = system.put(
        "/cycles/2024/metrics/so-tu-phap", {TTHC: {"numerator": 1200, "denominator": 1250}}
    )
    assert again.json()["changed"] == 0 and AuditEntry.objects.filter(item=item).count() == 1
    # the unit reads them as its own answer
    page = Api(token_of(cast.scorer_a)).get("/assessments/2024/so-tu-phap").json()
    fed = next(i for i in page["items"] if i["criterion"] == TTHC)
    assert fed["inputs"] == {"numerator": "1200", "denominator": "1250"}
    assert fed["self_points"] is not None


def test_a_batch_is_all_or_nothing(cast: Cast, assessment_a: Assessment, system: Api) -> None:
    from parindex.assessments.models import Assessment as A

    b = A.objects.get(cycle=assessment_a.cycle, unit=cast.unit_b)
    good = {TTHC: {"numerator": 10, "denominator": 10}}
    answer = system.put(
        "/cycles/2024/metrics",
        {"units": {"so-tu-phap": good, "so-y-te": {TTHC: {"numerator": 12, "denominator": 10}}}},
    )
    assert answer.status_code == 400, answer.content
    [problem] = answer.json()["details"]
    assert (problem["unit"], problem["criterion"], problem["problem"]) == (
        "so-y-te",
        TTHC,
        "invalid",
    )
    assert assessment_a.items.get(criterion__code=TTHC).self_inputs is None
    both = system.put("/cycles/2024/metrics", {"units": {"so-tu-phap": good, "so-y-te": good}})
    assert both.status_code == 200 and both.json() == {"units": 2, "changed": 2}
    assert b.items.get(criterion__code=TTHC).self_inputs == {"numerator": "10", "denominator": "10"}


@pytest.mark.parametrize(
    ("body", "problem"),
    [
        ({"1.1.1": {"numerator": 1, "denominator": 2}}, "not_measurable"),  # a yes/no leaf
        ({"9.9": {"numerator": 1, "denominator": 2}}, "unknown_criterion"),
        ({TTHC: {"numerator": "1e9999999", "denominator": 2}}, "invalid"),
        ({TTHC: {"numerator": -1, "denominator": 2}}, "invalid"),
        ({"1;DROP": {"numerator": 1}}, "bad_criterion_code"),
        ({}, "criteria_count"),
    ],
)
def test_what_a_system_may_not_push_is_a_400_naming_it(
    cast: Cast, assessment_a: Assessment, system: Api, body: Any, problem: str
) -> None:
    answer = system.put("/cycles/2024/metrics/so-tu-phap", body)
    assert answer.status_code == 400, answer.content
    assert problem in {detail["problem"] for detail in answer.json()["details"]}


def test_a_unit_that_submitted_is_a_409(cast: Cast, assessment_a: Assessment, system: Api) -> None:
    from parindex.assessments.services import assessment_transition

    assessment_a.items.filter(criterion__evidence_required=True).update(note="Có giải trình")
    assessment_transition(assessment=assessment_a, action="submit", by=cast.head_a)
    answer = system.put(
        "/cycles/2024/metrics/so-tu-phap", {TTHC: {"numerator": 1, "denominator": 2}}
    )
    assert answer.status_code == 409 and answer.json()["error"] == "not_editable"


@pytest.mark.parametrize("who", ["admin", "scorer_a", "appraiser"])
def test_only_an_integration_account_pushes_and_it_does_nothing_else(
    cast: Cast, assessment_a: Assessment, system: Api, api_as: Any, who: str
) -> None:
    body = {TTHC: {"numerator": 1, "denominator": 2}}
    assert api_as(who).put("/cycles/2024/metrics/so-tu-phap", body).status_code == 403
    for path in ("/cycles", "/cycles/2024/units", "/assessments/2024/so-tu-phap"):
        assert system.get(path).status_code == 403
    assert system.put("/assessments/2024/so-tu-phap/items/1.1.1", {"version": 1}).status_code == 403
    assert system.put("/cycles/2024/metrics/khong-co", body).status_code == 404
    assert system.put("/cycles/2031/metrics/so-tu-phap", body).status_code == 404
