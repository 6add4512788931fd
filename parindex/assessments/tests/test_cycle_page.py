"""The cycle's page: the administrator moves the phases and sets the deadlines, the
council chair approves; nobody else acts there."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from parindex.assessments.models import Assessment, Cycle, Phase, State
from parindex.assessments.services import cycle_open
from parindex.conftest import DEADLINE, Cast
from parindex.org.models import SecurityEvent, Unit

pytestmark = pytest.mark.django_db


def url(cycle: Cycle) -> str:
    return reverse("assessments:manage", args=[cycle.year])


def test_the_administrator_moves_the_cycle_on(cast: Cast, cycle: Cycle) -> None:
    client = cast.client(cast.admin)
    page = client.get(url(cycle)).content.decode()
    assert "Chuyển sang giai đoạn “Thẩm định lần 1”" in page
    assert "Sở Tư pháp" in page and "<td>appraiser</td>" in page  # units and appraisers
    # First what it will do: the units not submitted, the deadline not reached.
    asked = client.post(url(cycle), {"action": "next", "phase": "appraisal_1"}).content.decode()
    assert "3 đơn vị chưa gửi" in asked and "Sở Tư pháp" in asked and "Chưa đến hạn" in asked
    cycle.refresh_from_db()
    assert cycle.phase == Phase.SELF_ASSESSMENT  # nothing done yet
    response = client.post(
        url(cycle), {"action": "next", "phase": "appraisal_1", "confirmed": "on"}, follow=True
    )
    assert "Kỳ đánh giá đã chuyển sang giai đoạn “Thẩm định lần 1”." in response.content.decode()
    cycle.refresh_from_db()
    assert cycle.phase == Phase.APPRAISAL_1
    # The next step closes the round, from the same page.
    assert "Kết thúc thẩm định lần 1, gửi kết quả sơ bộ" in response.content.decode()
    # The same post again (a second tab) does not skip a phase.
    again = client.post(
        url(cycle), {"action": "next", "phase": "appraisal_1", "confirmed": "on"}, follow=True
    )
    assert "Không thể thực hiện trong giai đoạn" in again.content.decode()
    cycle.refresh_from_db()
    assert cycle.phase == Phase.APPRAISAL_1


def test_deadlines_in_order_or_nothing_changes(cast: Cast, cycle: Cycle) -> None:
    client = cast.client(cast.admin)
    before = cycle.appraisal_1_until
    data = {
        "action": "deadlines",
        "self_assessment_until": (DEADLINE).strftime("%d/%m/%Y"),
        "appraisal_1_until": "01/01/2020",
        "revision_until": "",
        "appraisal_2_until": "",
        "council_until": "",
    }
    page = client.post(url(cycle), data).content.decode()
    assert "Mỗi giai đoạn phải kết thúc sau giai đoạn trước." in page
    cycle.refresh_from_db()
    assert cycle.appraisal_1_until == before
    data["appraisal_1_until"] = "31/12/2099"
    assert client.post(url(cycle), data).status_code == 302
    cycle.refresh_from_db()
    assert cycle.appraisal_1_until.year == 2099 and cycle.revision_until is None


def test_the_chair_approves_in_council(cast: Cast, cycle: Cycle) -> None:
    Assessment.objects.filter(cycle=cycle).update(state=State.APPRAISED_2)
    cycle.phase = Phase.COUNCIL
    cycle.save()
    client = cast.client(cast.chair)
    assert "Thông qua kết quả của 3 đơn vị" in client.get(url(cycle)).content.decode()
    asked = client.post(url(cycle), {"action": "approve"}).content.decode()
    assert "Thông qua kết quả của 3 đơn vị." in asked and "không thể hoàn tác" in asked
    assert Assessment.objects.filter(cycle=cycle, state=State.APPRAISED_2).count() == 3
    response = client.post(url(cycle), {"action": "approve", "confirmed": "on"}, follow=True)
    assert "Đã thông qua kết quả của 3 đơn vị." in response.content.decode()
    assert not Assessment.objects.filter(cycle=cycle).exclude(state=State.APPROVED).exists()
    # The chair does not move phases; the administrator does not approve.
    client.post(url(cycle), {"action": "next", "phase": "published"})
    assert cast.client(cast.admin).post(url(cycle), {"action": "approve"}).status_code == 403
    assert SecurityEvent.objects.filter(kind="refused").count() == 2


@pytest.mark.parametrize("who", ["scorer_a", "head_a", "appraiser", "viewer"])
def test_nobody_else_sees_or_acts(cast: Cast, cycle: Cycle, who: str) -> None:
    client = cast.client(getattr(cast, who))
    assert client.get(url(cycle)).status_code == 403
    for phase in ("appraisal_1", "revision"):
        assert client.post(url(cycle), {"action": "next", "phase": phase}).status_code == 403
    cycle.refresh_from_db()
    assert cycle.phase == Phase.SELF_ASSESSMENT


def test_the_lists_cost_the_same_queries_with_more_units(cast: Cast, cycle: Cycle) -> None:
    client = cast.client(cast.admin)
    pages = [url(cycle), reverse("assessments:list", args=[2024]), reverse("home")]

    def counts() -> list[int]:
        found = []
        for page in pages:
            with CaptureQueriesContext(connection) as queries:
                assert client.get(page).status_code == 200
            found.append(len(queries))
        return found

    before = counts()
    for n in range(6):
        Unit.objects.create(code=f"so-thu-{n}", name=f"Sở thử {n}", group=cast.departments)
    cycle_open(cycle=cycle, by=cast.admin)
    assert Assessment.objects.filter(cycle=cycle).count() == 9
    assert counts() == before
