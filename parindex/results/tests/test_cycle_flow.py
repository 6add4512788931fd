"""A whole cycle through the services: self-assessment, round 1, the preliminary results
sent once, the one revision, the final round, the council's approval, publication."""

from __future__ import annotations

import datetime
import random
from decimal import Decimal

import pytest

from parindex.assessments.models import Assessment, Cycle, Phase, State
from parindex.assessments.services import (
    SelfAnswer,
    assessment_reminders,
    assessment_transition,
    cycle_advance,
    cycle_approve,
    field_accept_self,
    item_save_self,
)
from parindex.assessments.workflow import TransitionRefused
from parindex.conftest import DEADLINE, Cast
from parindex.notify.models import Message
from parindex.notify.services import outbox_send
from parindex.org.errors import Refused
from parindex.results.compute import load_and_compute
from parindex.results.models import ResultRow, ResultSnapshot
from parindex.results.services import results_publish
from parindex.results.tests.factories import sample_inputs
from parindex.scoring.rules import Inputs

pytestmark = pytest.mark.django_db


def fill_in(assessment: Assessment, cast: Cast, seed: int) -> None:
    """The unit answers every leaf it can, explains what needs evidence."""
    rng = random.Random(seed)
    scorer = cast.scorer_a if assessment.unit_id == cast.unit_a.pk else cast.scorer_b
    for item in assessment.items.select_related("criterion"):
        criterion = item.criterion
        inputs = sample_inputs(criterion.rule(), Decimal(criterion.max_points), rng)
        if inputs is None:
            continue
        note = "Văn bản số 12/BC-ĐV ngày 05/12" if criterion.evidence_required else ""
        item_save_self(
            item=item,
            answer=SelfAnswer(inputs, note, False, ""),
            version=item.version,
            by=scorer,
        )


@pytest.fixture
def contacts(cast: Cast) -> None:
    for unit, number in ((cast.unit_a, "0912000001"), (cast.unit_b, "0912000002")):
        unit.email = f"{unit.code}@demo.parindex.invalid"
        unit.mobile = number
        unit.save()


def test_the_cycle_from_self_assessment_to_publication(
    cast: Cast, cycle: Cycle, contacts: None
) -> None:
    a = Assessment.objects.get(cycle=cycle, unit=cast.unit_a)
    b = Assessment.objects.get(cycle=cycle, unit=cast.unit_b)
    fill_in(a, cast, 1)
    fill_in(b, cast, 2)
    assessment_transition(assessment=a, action="submit", by=cast.head_a)
    assessment_transition(assessment=b, action="submit", by=cast.head_b)

    cycle_advance(cycle=cycle, to=Phase.APPRAISAL_1, by=cast.admin)
    field_accept_self(assessment=a, field_code="1", by=cast.appraiser)
    closed = cycle_advance(cycle=cycle, to=Phase.REVISION, by=cast.admin)
    cycle.refresh_from_db()
    # A and B appraised; Sở Nội vụ, which never submitted, closed as it stood.
    assert cycle.phase == Phase.REVISION and len(closed.closed) == 3
    assert "3" in closed.notes[0]  # the results app computed and queued the messages
    preliminary = ResultSnapshot.objects.get(cycle=cycle)
    a.refresh_from_db()
    assert a.state == State.REVISING
    # The heads got their preliminary result, by e-mail and SMS, once.
    sms = Message.objects.get(channel="sms", recipient="0912000001")
    assert (
        "Sở Tư pháp" in sms.body and "%" in sms.body and "/assessments/2024/so-tu-phap/" in sms.body
    )
    email = Message.objects.get(channel="email", recipient="so-tu-phap@demo.parindex.invalid")
    assert "Điểm bị trừ theo lĩnh vực" in email.body
    queued = Message.objects.count()
    with pytest.raises(Refused):
        cycle_advance(cycle=cycle, to=Phase.REVISION, by=cast.admin)  # no round is open now
    assert outbox_send().sent == queued and outbox_send().sent == 0

    # The revision: A adjusts once and submits; B does not.
    item = a.items.select_related("criterion").get(criterion__code="1.2")
    item_save_self(
        item=item,
        answer=SelfAnswer(Inputs(occurrences=0), "Bổ sung công văn", False, ""),
        version=item.version,
        by=cast.scorer_a,
    )
    assessment_transition(assessment=a, action="resubmit", by=cast.head_a)
    with pytest.raises(TransitionRefused):
        assessment_transition(assessment=a, action="resubmit", by=cast.head_a)

    cycle_advance(cycle=cycle, to=Phase.APPRAISAL_2, by=cast.admin)
    field_accept_self(assessment=a, field_code="1", by=cast.appraiser)
    a.refresh_from_db()
    assert a.state == State.APPRAISING_2
    with pytest.raises(TransitionRefused):  # a second revision is refused
        assessment_transition(assessment=a, action="withdraw_revision", by=cast.head_a)
    cycle_advance(cycle=cycle, to=Phase.COUNCIL, by=cast.admin)
    a.refresh_from_db()
    b.refresh_from_db()
    assert (a.state, b.state) == (State.APPRAISED_2, State.APPRAISED_2)  # B kept round 1
    assert Message.objects.filter(event_key__startswith="preliminary:2024:2:").exists()

    with pytest.raises(Refused):  # not before the council approves
        results_publish(
            snapshot=preliminary,
            decision="Quyết định số 25/QĐ-UBND",
            decision_date=datetime.date(2025, 1, 8),
            by=cast.admin,
            allow_provisional=True,
        )
    assert cycle_approve(cycle=cycle, by=cast.chair) == 3
    snapshot = results_publish(
        snapshot=preliminary,
        decision="Quyết định số 25/QĐ-UBND",
        decision_date=datetime.date(2025, 1, 8),
        by=cast.admin,
        allow_provisional=True,
    )
    cycle.refresh_from_db()
    assert cycle.phase == Phase.PUBLISHED
    engine = {r.unit: r.index_pct for r in load_and_compute(cycle).results}
    published = dict(
        ResultRow.objects.filter(snapshot=snapshot).values_list("unit_id", "index_pct")
    )
    assert {str(k): v for k, v in published.items()} == engine


def test_reminders_go_to_units_that_have_not_submitted_once(
    cast: Cast, cycle: Cycle, contacts: None, settings: object
) -> None:
    settings.REMINDER_DAYS = [3, 1]  # type: ignore[attr-defined]
    a = Assessment.objects.get(cycle=cycle, unit=cast.unit_a)
    a.items.filter(criterion__evidence_required=True).update(note="Có giải trình")
    assessment_transition(assessment=a, action="submit", by=cast.head_a)
    three_days_before = DEADLINE - datetime.timedelta(days=3)
    assert assessment_reminders(today=DEADLINE - datetime.timedelta(days=5)) == 0
    queued = assessment_reminders(today=three_days_before)
    assert queued == 2  # Sở Y tế's e-mail and mobile; Sở Tư pháp has submitted
    assert assessment_reminders(today=three_days_before) == 0  # once
    reminder = Message.objects.get(channel="sms")
    assert reminder.recipient == "0912000002" and DEADLINE.strftime("%d/%m/%Y") in reminder.body
    assert assessment_reminders(today=DEADLINE - datetime.timedelta(days=1)) == 2
