"""The assessment endpoints: who reads what, answers through the pages' forms and
services, stale versions, refused transitions with the allowed ones, hostile bodies."""

from __future__ import annotations

from typing import Any

import pytest

from parindex.assessments.models import Assessment, AuditEntry, State
from parindex.assessments.tests.test_appraisal_pages import submitted
from parindex.conftest import Cast
from parindex.org.models import SecurityEvent

pytestmark = pytest.mark.django_db
URL = "/assessments/2024/so-tu-phap"


def test_the_unit_reads_its_assessment_with_versions_and_no_appraisal_yet(
    cast: Cast, assessment_a: Assessment, api_as: Any
) -> None:
    answer = api_as("scorer_a").get(URL)
    assert answer.status_code == 200, answer.content
    body = answer.json()
    assert (body["unit"], body["state"], body["round"]) == ("so-tu-phap", "draft", 1)
    items = {item["criterion"]: item for item in body["items"]}
    assert items["1.1.1"]["version"] == 1 and items["1.1.1"]["rule"] == "yes_no"
    assert items["1.1.1"]["appraised_points"] is None
    assert items["1.1.1"]["appraisal_note"] is None
    # survey and history leaves are not the unit's to answer: not listed
    assert all(item["rule"] not in ("survey", "history") for item in body["items"])


@pytest.mark.parametrize(
    ("who", "status"),
    [("scorer_b", 404), ("head_b", 404), ("chair", 403), ("viewer", 403), ("admin", 200)],
)
def test_who_reads_an_assessment(
    cast: Cast, assessment_a: Assessment, api_as: Any, who: str, status: int
) -> None:
    events = SecurityEvent.objects.count()
    answer = api_as(who).get(URL)
    assert answer.status_code == status
    if status != 200:
        assert answer.json()["error"] in ("not_found", "forbidden")
        assert SecurityEvent.objects.count() == events + 1
        assert "Sở Tư pháp" not in answer.content.decode()


def test_an_unknown_unit_and_another_unit_s_look_the_same(
    cast: Cast, assessment_a: Assessment, api_as: Any
) -> None:
    other = api_as("scorer_b").get(URL)
    missing = api_as("scorer_b").get("/assessments/2024/khong-co")
    assert other.status_code == missing.status_code == 404
    assert other.json() == missing.json()


def test_the_unit_answers_a_leaf_through_the_page_s_checks(
    cast: Cast, assessment_a: Assessment, api_as: Any
) -> None:
    client = api_as("scorer_a")
    saved = client.put(
        URL + "/items/1.1.1", {"version": 1, "inputs": {"yes": True}, "note": "Kế hoạch số 12"}
    )
    assert saved.status_code == 200, saved.content
    assert saved.json() == {
        "criterion": "1.1.1",
        "version": 2,
        "self_points": 0.5,
        "appraised_points": None,
    }
    item = assessment_a.items.get(criterion__code="1.1.1")
    assert item.self_inputs == {"yes": True} and item.note == "Kế hoạch số 12"
    assert item.updated_by == cast.scorer_a
    assert AuditEntry.objects.filter(item=item, kind=AuditEntry.Kind.SELF).exists()
    # the version read before the save is stale now
    stale = client.put(URL + "/items/1.1.1", {"version": 1, "inputs": {"yes": False}})
    assert stale.status_code == 409
    assert stale.json()["error"] == "stale_version" and stale.json()["details"] == {"version": 2}
    ratio = client.put(
        URL + "/items/1.1.2", {"version": 1, "inputs": {"numerator": 18, "denominator": 25}}
    )
    assert ratio.status_code == 200, ratio.content
    stored = assessment_a.items.get(criterion__code="1.1.2").self_inputs
    assert stored == {"numerator": "18", "denominator": "25"}  # as the page stores them


@pytest.mark.parametrize(
    ("criterion", "body", "field"),
    [
        (
            "1.1.2",
            {"version": 1, "inputs": {"numerator": "1e9999999", "denominator": 3}},
            "numerator",
        ),
        ("1.1.2", {"version": 1, "inputs": {"numerator": 30, "denominator": 25}}, "numerator"),
        ("1.5.1", {"version": 1, "inputs": {"level": "Không có mức này"}}, "level"),
        ("1.1.1", {"version": 1, "note": "x" * 5001}, "note"),
        ("1.1.1", {"version": -1}, "version"),
        ("1.1.1", {"inputs": {"yes": True}}, "version"),
    ],
)
def test_a_hostile_answer_is_a_400_naming_the_field(
    cast: Cast, assessment_a: Assessment, api_as: Any, criterion: str, body: Any, field: str
) -> None:
    answer = api_as("scorer_a").put(f"{URL}/items/{criterion}", body)
    assert answer.status_code == 400, answer.content
    error = answer.json()
    assert error["error"] == "invalid" and error["message"]
    assert field in {detail["field"] for detail in error["details"]}
    assert assessment_a.items.get(criterion__code=criterion).version == 1


@pytest.mark.parametrize("body", ["not json", "[]", '{"version": "1; DROP"}', "{" * 5000])
def test_a_body_that_is_not_an_answer_is_a_400(
    cast: Cast, assessment_a: Assessment, api_as: Any, body: str
) -> None:
    answer = api_as("scorer_a").put(URL + "/items/1.1.1", body)
    assert answer.status_code == 400 and answer.json()["error"] == "invalid"


@pytest.mark.parametrize(("who", "status"), [("admin", 403), ("appraiser", 403), ("scorer_b", 404)])
def test_only_the_unit_answers(
    cast: Cast, assessment_a: Assessment, api_as: Any, who: str, status: int
) -> None:
    answer = api_as(who).put(URL + "/items/1.1.1", {"version": 1, "inputs": {"yes": True}})
    assert answer.status_code == status
    assert assessment_a.items.get(criterion__code="1.1.1").self_inputs is None


def test_a_leaf_the_unit_does_not_answer_is_not_found(
    cast: Cast, assessment_a: Assessment, api_as: Any
) -> None:
    for code in ("1", "9.9.9"):
        answer = api_as("scorer_a").put(f"{URL}/items/{code}", {"version": 1})
        assert answer.status_code == 404


def test_a_refused_transition_lists_the_allowed_ones(
    cast: Cast, assessment_a: Assessment, api_as: Any
) -> None:
    answer = api_as("head_a").post(URL + "/transitions", {"action": "approve"})
    assert answer.status_code == 403
    refused = api_as("head_a").post(URL + "/transitions", {"action": "submit"})
    assert refused.status_code == 409, refused.content
    assert "submit" not in refused.json()["details"]["allowed"] or refused.json()["message"]
    unknown = api_as("head_a").post(URL + "/transitions", {"action": "fly"})
    assert unknown.status_code == 409 and unknown.json()["details"]["allowed"] is not None


def test_the_unit_submits_and_the_appraiser_appraises(
    cast: Cast, assessment_a: Assessment, api_as: Any
) -> None:
    assessment_a.items.filter(criterion__evidence_required=True).update(note="Có giải trình")
    moved = api_as("head_a").post(URL + "/transitions", {"action": "submit"})
    assert moved.status_code == 200, moved.content
    assert moved.json()["state"] == State.SUBMITTED
    assessment_a.refresh_from_db()
    submitted_already = assessment_a.state == State.SUBMITTED
    assert submitted_already


def test_an_appraiser_appraises_only_their_fields(
    cast: Cast, assessment_a: Assessment, api_as: Any
) -> None:
    submitted(cast, assessment_a)
    item = assessment_a.items.get(criterion__code="1.2")
    client = api_as("appraiser")
    saved = client.put(
        URL + "/items/1.2/appraisal",
        {"version": item.version, "inputs": {"occurrences": 1}, "note": "Một báo cáo trễ"},
    )
    assert saved.status_code == 200, saved.content
    assert saved.json()["appraised_points"] is not None
    assessment_a.refresh_from_db()
    assert assessment_a.state == State.APPRAISING_1
    other_field = assessment_a.items.filter(criterion__code__startswith="2.").first()
    assert other_field is not None
    refused = client.put(
        f"{URL}/items/{other_field.criterion.code}/appraisal", {"version": other_field.version}
    )
    assert refused.status_code == 403
    read = client.get(URL).json()
    item_1_2 = next(i for i in read["items"] if i["criterion"] == "1.2")
    assert item_1_2["appraisal_note"] == "Một báo cáo trễ"
