"""Flagged responses wait for the administrator: listed with why, unit, day, channel and
answers; decided one by one, a selection or every one of a kind, after a confirmation,
with a reason recorded; their answers count or not with them; a staff response is never
shown."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from parindex.conftest import Cast
from parindex.org.errors import Refused

from ..campaigns import flags_decide
from ..models import Answer, Channel, Flag, Response
from .campaign_fixtures import TODAY, answer, sipas_campaign, staff_survey

pytestmark = pytest.mark.django_db


@pytest.fixture
def flagged(cast: Cast) -> tuple[object, list[Response]]:
    survey = sipas_campaign([cast.unit_a, cast.unit_b])
    answer(survey, cast.unit_a, {"a1": "5", "p1": "5"})  # counted, not flagged
    bots = [
        answer(survey, cast.unit_a, {"a1": "1", "p1": "1"}, flag=Flag.HONEYPOT),
        answer(survey, cast.unit_b, {"a1": "1", "p1": "2"}, flag=Flag.TOO_MANY),
        answer(survey, cast.unit_b, {"a1": "3", "p1": "3", "note": "Chờ lâu"}, flag=Flag.DUPLICATE),
    ]
    return survey, bots


def test_the_flags_page_lists_why_where_when_and_the_answers(
    cast: Cast, flagged: tuple[object, list[Response]]
) -> None:
    survey, _bots = flagged
    page = cast.client(cast.admin).get(reverse("surveys:flags", args=[survey.code]))  # type: ignore[attr-defined]
    text = page.content.decode()
    assert page.status_code == 200
    assert text.count('name="chosen"') == 3
    assert "Sở Y tế" in text and "<code>a1</code> 1" in text and "“Chờ lâu”" in text
    only = cast.client(cast.admin).get(
        reverse("surveys:flags", args=[survey.code]) + "?flag=honeypot"  # type: ignore[attr-defined]
    )
    assert only.content.decode().count('name="chosen"') == 1


def test_deciding_asks_first_then_records_the_decision_and_the_answers_follow(
    cast: Cast, flagged: tuple[object, list[Response]]
) -> None:
    survey, bots = flagged
    client = cast.client(cast.admin)
    url = reverse("surveys:flags", args=[survey.code])  # type: ignore[attr-defined]
    chosen = [str(bots[1].pk), str(bots[2].pk)]
    data = {
        "chosen": chosen,
        "scope": "chosen",
        "decision": "accept",
        "reason": "Cùng một điểm tiếp nhận",
    }
    asked = client.post(url, data)
    assert asked.status_code == 200
    text = asked.content.decode()
    assert "Sở Y tế" in text and "Cùng một điểm tiếp nhận" in text
    assert Response.objects.flagged().count() == 3  # nothing decided yet
    hidden = re.findall(r'name="chosen" value="([^"]+)"', text)
    assert sorted(hidden) == sorted(chosen)
    done = client.post(url, {**data, "confirmed": "on"})
    assert done.status_code == 302
    decided = Response.objects.filter(pk__in=chosen)
    assert all(
        r.decision == Response.Decision.ACCEPTED
        and r.counted
        and r.decided_by == cast.admin
        and r.decided_on == TODAY
        and r.decision_reason == "Cùng một điểm tiếp nhận"
        for r in decided
    )
    assert Answer.objects.filter(response__in=decided, counted=False).count() == 0
    assert Response.objects.flagged().count() == 1
    # Decided ones are listed apart.
    page = client.get(url).content.decode()
    assert page.count('name="chosen"') == 1 and "Cùng một điểm tiếp nhận" in page


def test_every_one_of_a_kind_is_rejected_at_once(
    cast: Cast, flagged: tuple[object, list[Response]]
) -> None:
    survey, bots = flagged
    client = cast.client(cast.admin)
    url = reverse("surveys:flags", args=[survey.code])  # type: ignore[attr-defined]
    client.post(
        url,
        {
            "scope": "all",
            "flag": "honeypot",
            "decision": "reject",
            "reason": "Ô ẩn được điền: máy gửi",
            "confirmed": "on",
        },
    )
    bot = Response.objects.get(pk=bots[0].pk)
    assert bot.decision == Response.Decision.REJECTED and not bot.counted
    assert Response.objects.flagged().count() == 2  # the other kinds wait


def test_a_decision_needs_a_reason_and_bounded_choices(
    cast: Cast, flagged: tuple[object, list[Response]]
) -> None:
    survey, bots = flagged
    client = cast.client(cast.admin)
    url = reverse("surveys:flags", args=[survey.code])  # type: ignore[attr-defined]
    for data in (
        {"chosen": [str(bots[0].pk)], "scope": "chosen", "decision": "accept", "reason": ""},
        {"chosen": ["not-a-uuid"], "scope": "chosen", "decision": "accept", "reason": "x"},
        {"chosen": [], "scope": "chosen", "decision": "accept", "reason": "x"},
        {"chosen": [str(bots[0].pk)], "scope": "chosen", "decision": "maybe", "reason": "x"},
        {"chosen": [str(bots[0].pk)] * 201, "scope": "chosen", "decision": "accept", "reason": "x"},
    ):
        assert client.post(url, {**data, "confirmed": "on"}).status_code == 400, data
    assert Response.objects.flagged().count() == 3
    with pytest.raises(Refused):
        flags_decide(
            campaign=survey,  # type: ignore[arg-type]
            chosen=__import__("django.db.models", fromlist=["Q"]).Q(),
            accept=True,
            reason="   ",
            by=cast.admin,
            today=TODAY,
        )


def test_a_response_decided_is_not_decided_again(
    cast: Cast, flagged: tuple[object, list[Response]]
) -> None:
    from django.db.models import Q

    survey, bots = flagged
    assert (
        flags_decide(
            campaign=survey,
            chosen=Q(pk=bots[0].pk),
            accept=False,
            reason="máy",
            by=cast.admin,
            today=TODAY,  # type: ignore[arg-type]
        )
        == 1
    )
    assert (
        flags_decide(
            campaign=survey,
            chosen=Q(pk=bots[0].pk),
            accept=True,
            reason="đổi ý",
            by=cast.admin,
            today=TODAY,  # type: ignore[arg-type]
        )
        == 0
    )
    assert Response.objects.get(pk=bots[0].pk).decision == Response.Decision.REJECTED


def test_a_staff_response_is_never_shown_one_by_one(cast: Cast) -> None:
    survey = staff_survey([cast.unit_a])
    answer(
        survey.campaign,
        cast.unit_a,
        {"q1": "2", "q2": "1"},
        group=survey.leaders,
        channel=Channel.PAPER,
        flag=Flag.DUPLICATE,
    )
    page = cast.client(cast.admin).get(reverse("surveys:flags", args=[survey.campaign.code]))
    text = page.content.decode()
    assert page.status_code == 200 and "<code>q1</code>" not in text
