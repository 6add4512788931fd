"""Responses parsed with bounds and stored whole; a personal link answers once; nothing
joins a staff response to its invitation; a campaign's figures against hand-computed
ones, under both formulas, and into the engine's survey leaves."""

from __future__ import annotations

import threading
from decimal import Decimal

import pytest
from django.db import connection, connections
from django.utils import timezone

from parindex.conftest import Cast
from parindex.org.errors import Refused
from parindex.surveys.aggregation import campaign_aggregate
from parindex.surveys.models import (
    Aggregate,
    Answer,
    Campaign,
    Channel,
    Flag,
    Respondent,
    RespondentGroup,
    Response,
    TextAnswer,
    UnitSurveyResult,
)
from parindex.surveys.responses import (
    AnswersInvalid,
    LinkUsed,
    Who,
    form_of,
    new_token,
    parse_answers,
    response_store,
    response_submit_by_link,
)

from .factories import campaign, sipas_questionnaire, staff_questionnaire

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate()


def submit(survey: Campaign, unit: object, raw: dict[str, object], **extra: object) -> Response:
    questionnaire = survey.questionnaires.get()
    parsed = parse_answers(form_of(questionnaire), raw)
    assert parsed.ok, parsed.errors
    return response_store(
        who=Who(survey, questionnaire, unit, Channel.WEB, TODAY),  # type: ignore[arg-type]
        parsed=parsed,
        **extra,  # type: ignore[arg-type]
    )


@pytest.mark.parametrize(
    ("raw", "error_on"),
    [
        ({"a1": "6", "p1": "3"}, "a1"),  # off the scale
        ({"a1": "1e9999999", "p1": "3"}, "a1"),  # ten characters, never an integer
        ({"a1": ["4", "5"], "p1": "3"}, "a1"),  # two answers to one
        ({"p1": "3"}, "a1"),  # required
        ({"a1": "4", "p1": "3", "r1": "5"}, "r1"),  # not a choice
        ({"a1": "4", "p1": "3", "age": "14"}, "age"),  # below the question's bound
        ({"a1": "4", "p1": "3", "age": "9" * 40}, "age"),
        ({"a1": "4", "p1": "3", "note": "x" * 2001}, "note"),
    ],
)
def test_every_answer_is_parsed_with_bounds(
    cast: Cast, raw: dict[str, object], error_on: str
) -> None:
    form = form_of(sipas_questionnaire())
    parsed = parse_answers(form, raw)
    assert error_on in parsed.errors


def test_an_api_body_with_unknown_questions_is_refused_whole(cast: Cast) -> None:
    form = form_of(sipas_questionnaire())
    parsed = parse_answers(form, {"a1": 4, "p1": 3, "zz": 1}, strict=True)
    assert "_" in parsed.errors and not parsed.numbers
    assert parse_answers(form, {"a1": 4, "p1": 3, "zz": 1}).ok  # a web form's extra field


def test_a_response_is_stored_whole_with_its_answers(cast: Cast) -> None:
    survey = campaign([sipas_questionnaire()], [cast.unit_a])
    response = submit(
        survey, cast.unit_a, {"a1": "5", "p1": "4", "r1": "2", "age": "42", "note": " Tốt "}
    )
    assert response.counted and response.day == TODAY
    assert sorted(Answer.objects.filter(response=response).values_list("value", flat=True)) == [
        2,
        4,
        5,
        42,
    ]
    assert TextAnswer.objects.get(response=response).text == "Tốt"
    with pytest.raises(Refused):
        response_store(
            who=Who(survey, survey.questionnaires.get(), cast.unit_a, Channel.WEB, TODAY),
            parsed=parse_answers(form_of(survey.questionnaires.get()), {}),
        )


def test_a_dossier_rated_twice_flags_the_second_rating(cast: Cast) -> None:
    survey = campaign([sipas_questionnaire()], [cast.unit_a])
    first = submit(
        survey, cast.unit_a, {"a1": "5", "p1": "4"}, dossier_code="000.00.12.H53-240101-0001"
    )
    second = submit(
        survey, cast.unit_a, {"a1": "1", "p1": "1"}, dossier_code="000.00.12.H53-240101-0001"
    )
    assert first.counted and not first.flag
    assert second.flag == Flag.DOSSIER and not second.counted  # kept, not counted
    assert not Answer.objects.filter(response=second, counted=True).exists()


def staff_campaign(cast: Cast) -> tuple[Campaign, RespondentGroup]:
    group = RespondentGroup.objects.create(code="cbccvc-so", name="Công chức sở, ngành")
    survey = campaign([staff_questionnaire(group)], [cast.unit_a], code="cbccvc-2024")
    return survey, group


def invite(survey: Campaign, group: RespondentGroup, unit: object, name: str) -> str:
    token, hashed = new_token()
    Respondent.objects.create(
        campaign=survey,
        unit=unit,
        group=group,
        name=name,
        token_hash=hashed,  # type: ignore[misc]
    )
    return token


def test_a_personal_link_answers_once(cast: Cast) -> None:
    survey, group = staff_campaign(cast)
    token = invite(survey, group, cast.unit_a, "Công chức 1")
    with pytest.raises(AnswersInvalid):
        response_submit_by_link(token=token, raw={"q1": "9"}, day=TODAY)
    assert not Respondent.objects.get().used  # a refused response does not use the link
    response = response_submit_by_link(token=token, raw={"q1": "4", "q2": "5"}, day=TODAY)
    assert response.group == group and response.channel == Channel.LINK
    with pytest.raises(LinkUsed):
        response_submit_by_link(token=token, raw={"q1": "1", "q2": "1"}, day=TODAY)
    assert Response.objects.count() == 1 and Respondent.objects.get().used


@pytest.mark.django_db(transaction=True)
def test_two_submissions_through_one_link_at_once_store_one(cast: Cast) -> None:
    survey, group = staff_campaign(cast)
    token = invite(survey, group, cast.unit_a, "Công chức 1")
    outcomes: list[str] = []
    barrier = threading.Barrier(2)

    def answer() -> None:
        try:
            barrier.wait()
            response_submit_by_link(token=token, raw={"q1": "4", "q2": "4"}, day=TODAY)
            outcomes.append("stored")
        except LinkUsed:
            outcomes.append("refused")
        finally:
            connections.close_all()

    threads = [threading.Thread(target=answer) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    if connection.vendor == "sqlite" and sorted(outcomes) != ["refused", "stored"]:
        # SQLite serialises writers: the second may also wait and then be refused.
        assert outcomes.count("stored") == 1
    assert sorted(outcomes) == ["refused", "stored"]
    assert Response.objects.count() == 1


def test_nothing_joins_a_staff_response_to_its_invitation(cast: Cast) -> None:
    """No column of a response names its invitation or its token, no time finer than a
    day orders responses, and their keys are random: tried the ways a curious
    administrator would."""
    survey, group = staff_campaign(cast)
    tokens = [invite(survey, group, cast.unit_a, f"Công chức {n}") for n in range(1, 7)]
    for n, token in enumerate(tokens):
        response_submit_by_link(token=token, raw={"q1": str(1 + n % 5), "q2": "4"}, day=TODAY)
    names = {f.name for f in Response._meta.get_fields()} | {
        f.name for f in Answer._meta.get_fields()
    }
    assert not names & {"respondent", "token", "token_hash", "invitation", "created_at"}
    assert not {f.name for f in Respondent._meta.get_fields()} & {"response", "used_at"}
    for model in (Response, Answer):
        for f in model._meta.concrete_fields:
            assert f.get_internal_type() not in ("DateTimeField", "AutoField", "BigAutoField")
    assert Response._meta.pk.get_internal_type() == "UUIDField"
    # The keys are random (UUID version 4), not a sequence in the order of arrival.
    keys = list(Response.objects.values_list("id", flat=True))
    assert len(set(keys)) == 6 and all(key.version == 4 for key in keys)
    invitations = list(Respondent.objects.order_by("pk").values_list("used", flat=True))
    assert invitations == [True] * 6  # only that each link was used


def test_a_campaign_is_aggregated_as_computed_by_hand(cast: Cast) -> None:
    survey = campaign([sipas_questionnaire()], [cast.unit_a, cast.unit_b], transactions=20)
    # Sở Tư pháp: four people.
    for a1, a2, p1, r1 in [
        ("5", "4", "4", "1"),
        ("4", "", "2", "2"),
        ("3", "5", "5", "1"),
        ("2", "2", "4", ""),
    ]:
        submit(survey, cast.unit_a, {"a1": a1, "a2": a2, "p1": p1, "r1": r1})
    submit(survey, cast.unit_a, {"a1": "1", "p1": "1"}, flag=Flag.HONEYPOT)  # not counted
    for unit in (cast.unit_a, cast.unit_b):  # typed in before the campaign's figures
        UnitSurveyResult.objects.create(year=2024, unit=unit, source="sipas", percent=50)
    outcome = campaign_aggregate(campaign=survey)
    # N = 20 transactions: n = 20 / 1.05 = 19.05, rounded up to 20; 4 is short of it.
    assert outcome.units == 1 and outcome.responses == 4 and outcome.short == 1
    # Share: a1 2/4 = 50 %, a2 2/3 = 66.67 %: access 58.33 %; p1 3/4 = 75 %;
    # r1 (100 + 60 + 100) / 3 = 86.67 %; overall (58.3333 + 75 + 86.6667) / 3 = 73.3333 %.
    overall = UnitSurveyResult.objects.get(unit=cast.unit_a, source="sipas", indicator="")
    assert overall.percent == Decimal("73.3333") and overall.respondents == 4
    assert overall.target == 20 and overall.short and overall.campaign == survey
    assert overall.low is not None and overall.low < overall.percent < overall.high
    procedure = UnitSurveyResult.objects.get(unit=cast.unit_a, indicator="procedure")
    assert procedure.percent == Decimal("75.0000") and procedure.respondents == 4
    a1 = Aggregate.objects.get(unit=cast.unit_a, question__code="a1", group=None)
    assert a1.counts == {"2": 1, "3": 1, "4": 1, "5": 1} and a1.pct == Decimal("50.0000")
    # Nobody answered for Sở Y tế: its typed-in figure stays, the campaign has none.
    kept = UnitSurveyResult.objects.get(unit=cast.unit_b)
    assert kept.campaign is None and kept.percent == 50
    # The mean: a1 (4+3+2+1)/4/4 = 62.5 %, a2 (3+1+4)/3/4 = 66.67 %: access 64.5833 %;
    # p1 (3+1+4+3)/4/4 = 68.75 %; r1 86.6667 %; overall 73.3333 %.
    survey.method = Campaign.Method.MEAN
    survey.save(update_fields=["method"])
    campaign_aggregate(campaign=survey)
    access = UnitSurveyResult.objects.get(unit=cast.unit_a, indicator="access")
    assert access.percent == Decimal("64.5833")
    overall = UnitSurveyResult.objects.get(unit=cast.unit_a, source="sipas", indicator="")
    assert overall.percent == Decimal("73.3333")
    assert (
        Aggregate.objects.filter(
            campaign=survey, unit=cast.unit_a, question=None, indicator=""
        ).count()
        == 1
    )


def test_a_staff_campaign_keeps_each_groups_figures_apart(cast: Cast) -> None:
    survey, group = staff_campaign(cast)
    for n in range(3):
        token = invite(survey, group, cast.unit_a, f"Công chức {n}")
        response_submit_by_link(token=token, raw={"q1": "5", "q2": str(2 + n)}, day=TODAY)
    campaign_aggregate(campaign=survey)
    by_group = Aggregate.objects.get(unit=cast.unit_a, group=group, indicator="5.2", question=None)
    everyone = Aggregate.objects.get(unit=cast.unit_a, group=None, indicator="5.2", question=None)
    assert by_group.pct == everyone.pct == Decimal("33.3333")  # 4 of (2, 3, 4)
    result = UnitSurveyResult.objects.get(unit=cast.unit_a, source="staff", indicator="1.3")
    assert result.percent == Decimal("100.0000") and result.respondents == 3


def test_each_campaign_keeps_its_answers_apart_and_takes_them_when_it_goes(cast: Cast) -> None:
    first = campaign([sipas_questionnaire()], [cast.unit_a])
    second = campaign([sipas_questionnaire(code="sipas-2024-b")], [cast.unit_a], code="b-2024")
    submit(first, cast.unit_a, {"a1": "5", "p1": "5"})
    submit(second, cast.unit_a, {"a1": "1", "p1": "1"})
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT count(*) FROM surveys_answer_c{first.pk}")  # noqa: S608
            assert cursor.fetchone()[0] == 2  # its own partition, nothing of the other's
    campaign_aggregate(campaign=first)
    assert UnitSurveyResult.objects.get(campaign=first, indicator="").percent == 100
    second.delete()
    assert not Answer.objects.filter(campaign_id=second.pk).exists()
    assert Answer.objects.filter(campaign=first).count() == 2
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT to_regclass(%s)", [f"surveys_answer_c{second.pk}"])
            assert cursor.fetchone()[0] is None
