"""The cycle's phases move only by the steps of the phase table, each one audited."""

from __future__ import annotations

import datetime

import pytest

from parindex.assessments.models import Assessment, AuditEntry, Cycle, Phase, State
from parindex.assessments.services import cycle_advance, cycle_approve, cycle_set_deadlines
from parindex.assessments.workflow import PHASE_STEPS, next_step
from parindex.conftest import Cast
from parindex.org.errors import Refused

pytestmark = pytest.mark.django_db


def phase_moves(cycle: Cycle) -> list[tuple[str, str]]:
    entries = AuditEntry.objects.filter(cycle=cycle, kind=AuditEntry.Kind.PHASE).order_by("pk")
    return [(entry.old, entry.new) for entry in entries]


def test_the_table_covers_every_phase_in_order() -> None:
    assert [step.source for step in PHASE_STEPS] == list(Phase)[:-1]
    assert [step.target for step in PHASE_STEPS] == list(Phase)[1:]
    assert [step.closes_round for step in PHASE_STEPS if step.closes_round] == [1, 2]


def test_a_cycle_moves_through_every_phase_each_move_audited(cast: Cast, cycle: Cycle) -> None:
    # The fixture opened the self-assessment through the table.
    assert phase_moves(cycle) == [("setup", "self_assessment")]
    for target in (Phase.APPRAISAL_1, Phase.REVISION, Phase.APPRAISAL_2, Phase.COUNCIL):
        step = next_step(cycle)
        assert step is not None and step.target == target
        moved = cycle_advance(cycle=cycle, to=target, by=cast.admin)
        cycle.refresh_from_db()
        assert cycle.phase == target and moved.step == step
        entry = AuditEntry.objects.filter(cycle=cycle, kind="phase").latest("pk")
        assert (entry.new, entry.by, entry.assessment) == (target, cast.admin, None)
    # Closing the rounds closed every unit, which never submitted, as it stood.
    assert set(Assessment.objects.filter(cycle=cycle).values_list("state", flat=True)) == {
        State.APPRAISED_2
    }
    assert next_step(cycle) is None  # the last step is taken by publishing the results
    with pytest.raises(Refused, match="chưa thông qua"):
        cycle_advance(cycle=cycle, to=Phase.PUBLISHED, by=cast.admin)
    cycle_approve(cycle=cycle, by=cast.chair)
    cycle_advance(cycle=cycle, to=Phase.PUBLISHED, by=cast.admin)
    assert phase_moves(cycle) == [
        ("setup", "self_assessment"),
        ("self_assessment", "appraisal_1"),
        ("appraisal_1", "revision"),
        ("revision", "appraisal_2"),
        ("appraisal_2", "council"),
        ("council", "published"),
    ]


@pytest.mark.parametrize(
    ("target", "message"),
    [
        (Phase.REVISION, "giai đoạn"),  # skips round 1
        (Phase.COUNCIL, "giai đoạn"),
        (Phase.SETUP, "quay lại"),  # backwards
        (Phase.SELF_ASSESSMENT, "giai đoạn"),  # where it already is
    ],
)
def test_a_move_the_table_does_not_have_is_refused(
    cast: Cast, cycle: Cycle, target: Phase, message: str
) -> None:
    with pytest.raises(Refused, match=message):
        cycle_advance(cycle=cycle, to=target, by=cast.admin)
    cycle.refresh_from_db()
    assert cycle.phase == Phase.SELF_ASSESSMENT
    assert len(phase_moves(cycle)) == 1


@pytest.mark.parametrize("who", ["chair", "viewer", "appraiser", "head_a", "scorer_a"])
def test_only_the_administrator_moves_the_phase(cast: Cast, cycle: Cycle, who: str) -> None:
    with pytest.raises(Refused, match="quản trị viên"):
        cycle_advance(cycle=cycle, to=Phase.APPRAISAL_1, by=getattr(cast, who))
    cycle.refresh_from_db()
    assert cycle.phase == Phase.SELF_ASSESSMENT and len(phase_moves(cycle)) == 1


def test_deadlines_are_audited_one_row_per_change(cast: Cast, cycle: Cycle) -> None:
    before = cycle.self_assessment_until
    later = before + datetime.timedelta(days=7)
    cycle_set_deadlines(
        cycle=cycle,
        deadlines={"self_assessment": later, "appraisal_1": cycle.appraisal_1_until},
        by=cast.admin,
    )
    cycle.refresh_from_db()
    assert cycle.self_assessment_until == later
    entry = AuditEntry.objects.get(cycle=cycle, kind=AuditEntry.Kind.DEADLINE)
    assert entry.old == {"phase": "self_assessment", "until": before.isoformat()}
    assert entry.new == {"phase": "self_assessment", "until": later.isoformat()}
    assert entry.assessment is None and entry.by == cast.admin
    with pytest.raises(Refused):
        cycle_set_deadlines(cycle=cycle, deadlines={"revision": later}, by=cast.chair)
