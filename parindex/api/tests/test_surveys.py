"""The surveys' public side through the API: the questionnaire; a response for a unit
(anonymous, throttled by address), through an invitation's token (once: then 409), or
pushed by a survey kiosk's integration account."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from parindex.api.tests.conftest import Api
from parindex.api.tokens import token_issue
from parindex.conftest import Cast
from parindex.org.models import Role, User
from parindex.surveys.models import Campaign, Channel, Respondent, Response
from parindex.surveys.public import forget_entries
from parindex.surveys.responses import new_token
from parindex.surveys.tests.campaign_fixtures import sipas_campaign, staff_survey

pytestmark = pytest.mark.django_db


@pytest.fixture
def sipas(cast: Cast) -> Campaign:
    forget_entries()
    return sipas_campaign([cast.unit_a, cast.unit_b])


def _post(path: str, body: Any, headers: dict[str, str] | None = None) -> Any:
    return Client().post(
        "/api/v1" + path, body, content_type="application/json", headers=headers or {}
    )


def test_anyone_reads_the_questionnaire(cast: Cast, sipas: Campaign) -> None:
    answer = Client().get("/api/v1/surveys/sipas-2024")
    assert answer.status_code == 200
    body = answer.json()
    assert body["open"] is True and [u["code"] for u in body["units"]] == ["so-tu-phap", "so-y-te"]
    [form] = body["questionnaires"]
    questions = [q for section in form["sections"] for q in section["questions"]]
    assert [q["code"] for q in questions] == ["a1", "a2", "p1", "r1", "age", "note"]
    r1 = next(q for q in questions if q["code"] == "r1")
    assert r1["choices"][0] == {"value": "1", "label": "A. Tốt"} or r1["choices"]
    assert Client().get("/api/v1/surveys/khong-co").status_code == 404


def test_an_anonymous_response_for_a_unit(cast: Cast, sipas: Campaign) -> None:
    sent = _post(
        "/surveys/sipas-2024/responses",
        {"unit": "so-tu-phap", "answers": {"a1": 4, "p1": "5", "r1": 1, "note": "Tốt"}},
    )
    assert sent.status_code == 201, sent.content
    response = Response.objects.get()
    assert (response.unit, response.channel, response.counted) == (cast.unit_a, Channel.WEB, True)


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"unit": "so-tu-phap", "answers": {"a1": 9, "p1": 5}}, "a1"),
        ({"unit": "so-tu-phap", "answers": {"p1": 5, "zz": 1}}, "_"),
        ({"unit": "so-tu-phap", "answers": {"a1": 4}}, "p1"),  # p1 is required
        ({"answers": {"a1": 4, "p1": 5}}, "unit"),
        ({"unit": "so-tu-phap", "answers": {"a1": 4, "p1": 5}, "dossier": "<script>"}, "dossier"),
    ],
)
def test_answers_that_need_correcting_are_a_400_naming_them(
    cast: Cast, sipas: Campaign, body: Any, field: str
) -> None:
    sent = _post("/surveys/sipas-2024/responses", body)
    assert sent.status_code == 400, sent.content
    assert field in {detail["field"] for detail in sent.json()["details"]}
    assert not Response.objects.exists()


def test_a_unit_the_campaign_does_not_cover_is_a_404(cast: Cast, sipas: Campaign) -> None:
    sent = _post("/surveys/sipas-2024/responses", {"unit": "so-noi-vu", "answers": {"p1": 5}})
    assert sent.status_code == 404


def test_an_invitation_answers_once(cast: Cast) -> None:
    survey = staff_survey([cast.unit_a])
    token, hashed = new_token()
    Respondent.objects.create(
        campaign=survey.campaign, unit=cast.unit_a, group=survey.staff, name="Công chức 1",
        token_hash=hashed,
    )  # fmt: skip
    path = f"/surveys/{survey.campaign.code}/responses"
    questions = Client().get(f"/api/v1/surveys/{survey.campaign.code}").json()["questionnaires"]
    codes = [q["code"] for s in questions[0]["sections"] for q in s["questions"]]
    answers = dict.fromkeys(codes, 4)
    first = _post(path, {"token": token, "answers": answers})
    assert first.status_code == 201, first.content
    assert Response.objects.get().channel == Channel.LINK
    again = _post(path, {"token": token, "answers": answers})
    assert again.status_code == 409 and again.json()["error"] == "used"
    assert _post(path, {"token": "x" * 30, "answers": answers}).status_code == 404
    assert Response.objects.count() == 1


def test_a_kiosk_pushes_responses_without_the_address_throttle(cast: Cast, sipas: Campaign) -> None:
    kiosk = User.objects.create(username="kiosk", first_name="Ki-ốt", role=Role.INTEGRATION)
    text = token_issue(user=kiosk, name="Ki-ốt Trung tâm PVHCC", by=cast.admin)[1]
    headers = {"Authorization": f"Bearer {text}"}
    sipas.hourly_limit = 2
    sipas.save()
    for _ in range(5):
        sent = _post(
            "/surveys/sipas-2024/responses",
            {"unit": "so-y-te", "answers": {"a1": 5, "p1": 5}},
            headers,
        )
        assert sent.status_code == 201
    assert set(Response.objects.values_list("channel", "counted")) == {(Channel.PORTAL, True)}
    # a person's token may not push responses; a wrong token is a 401
    person = Api(token_issue(user=cast.viewer, name="x", by=cast.viewer)[1])
    refused = _post(
        "/surveys/sipas-2024/responses", {"unit": "so-y-te", "answers": {"p1": 5}}, person.headers
    )
    assert refused.status_code == 403
    wrong = _post(
        "/surveys/sipas-2024/responses",
        {"unit": "so-y-te", "answers": {"p1": 5}},
        {"Authorization": "Bearer pi_wrong"},
    )
    assert wrong.status_code == 401


def test_a_flood_from_one_address_is_throttled(cast: Cast, sipas: Campaign) -> None:
    sipas.hourly_limit = 1
    sipas.save()
    statuses = [
        _post(
            "/surveys/sipas-2024/responses",
            {"unit": "so-tu-phap", "answers": {"a1": 4, "p1": n % 5 + 1}},
        ).status_code
        for n in range(12)
    ]
    assert statuses[0] == 201 and statuses[-1] == 429
    flagged = Response.objects.filter(counted=False).count()
    assert flagged >= 1  # beyond the hourly limit: kept, flagged, not counted
