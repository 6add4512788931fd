"""The two tables of the workflow: the cycle's phases, and a unit's assessment's states.

A cycle moves from phase to phase by the steps of `PHASE_STEPS`: who may take each, which
closes an appraisal round, which waits for the council's approval. Nothing else changes a
cycle's phase: `services.cycle_advance` looks the step up here, refuses what the table
does not allow, and writes the move to the audit.

Each action of `TRANSITIONS` moves an assessment from one of its source states to its
target state, for the roles named, while the cycle is in one of the phases named and,
where a deadline binds, until that deadline (the unit's own if the administrator extended
it). Nothing else changes an assessment's state: `services.assessment_transition` looks
the action up here, refuses what the table does not allow, and writes the change to the
audit.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from parindex.org.errors import Refused
from parindex.org.models import Role
from parindex.org.templatetags.parindex import day

from .models import Assessment, Cycle, Phase, State

# The cycle's phases ----------------------------------------------------------------


@dataclass(frozen=True)
class PhaseStep:
    source: Phase
    target: Phase
    roles: tuple[Role, ...]
    # What the button taking the step says, where more than "Move on to <target>".
    label: Promise | str = ""
    closes_round: int | None = None  # the appraisal round that ends with the step
    needs_approval: bool = False  # only once the council approved every unit
    # Taken by publishing the results (with their decision), not from the cycle's page.
    by_publication: bool = False


PHASE_STEPS: tuple[PhaseStep, ...] = (
    # Opening the self-assessment gives every unit of the cycle's groups its assessment.
    PhaseStep(
        Phase.SETUP,
        Phase.SELF_ASSESSMENT,
        (Role.ADMIN,),
    ),
    PhaseStep(
        Phase.SELF_ASSESSMENT,
        Phase.APPRAISAL_1,
        (Role.ADMIN,),
    ),
    # Closing a round closes every assessment of the round (one never submitted as it
    # stands) and tells each unit its preliminary result; then the revision opens.
    PhaseStep(
        Phase.APPRAISAL_1,
        Phase.REVISION,
        (Role.ADMIN,),
        _("Close round 1, send the preliminary results and open the revision"),
        closes_round=1,
    ),
    PhaseStep(
        Phase.REVISION,
        Phase.APPRAISAL_2,
        (Role.ADMIN,),
    ),
    PhaseStep(
        Phase.APPRAISAL_2,
        Phase.COUNCIL,
        (Role.ADMIN,),
        _("Close the final appraisal and send the results"),
        closes_round=2,
    ),
    PhaseStep(
        Phase.COUNCIL,
        Phase.PUBLISHED,
        (Role.ADMIN,),
        needs_approval=True,
        by_publication=True,
    ),
)


def phase_step(source: str, target: str) -> PhaseStep | None:
    return next((s for s in PHASE_STEPS if s.source == source and s.target == target), None)


def next_step(cycle: Cycle) -> PhaseStep | None:
    """The step the cycle's page offers from the cycle's phase, if any."""
    return next((s for s in PHASE_STEPS if s.source == cycle.phase and not s.by_publication), None)


def step_refusal(
    cycle: Cycle, target: str, role: str, *, unapproved: int = 0
) -> tuple[PhaseStep | None, str | None]:
    """The step from the cycle's phase to `target`, and why it is refused now (None when
    the table allows it). `unapproved` counts the units the council has not approved."""
    step = phase_step(cycle.phase, target)
    if step is None:
        into = next((s for s in PHASE_STEPS if s.target == target), None)
        if into is None:
            return None, str(_("The cycle cannot move back."))
        return None, str(
            _("Not possible during the phase “%(phase)s”: “%(target)s” follows “%(source)s”.")
            % {
                "phase": cycle.get_phase_display(),
                "target": Phase(target).label,
                "source": into.source.label,
            }
        )
    if role not in step.roles:
        return step, str(_("Only the administrator changes the cycle's phase."))
    if step.needs_approval and unapproved:
        return step, str(_("The council chair has not approved every unit's results yet."))
    return step, None


# A unit's assessment ---------------------------------------------------------------

ANY_APPRAISAL = (State.SUBMITTED, State.APPRAISING_1, State.APPRAISED_1)


@dataclass(frozen=True)
class Transition:
    action: str
    sources: tuple[State, ...]
    target: State
    roles: tuple[Role, ...]
    phases: tuple[Phase, ...]
    label: Promise | str
    deadline: Phase | None = None  # the phase whose last day binds the action
    needs_reason: bool = False


TRANSITIONS: tuple[Transition, ...] = (
    # Round 1: the head submits what the unit filled in, and may take it back while the
    # round is open and nobody has started appraising it.
    Transition(
        "submit",
        (State.DRAFT,),
        State.SUBMITTED,
        (Role.UNIT_HEAD,),
        (Phase.SELF_ASSESSMENT, Phase.APPRAISAL_1),
        _("Approve and submit"),
        deadline=Phase.SELF_ASSESSMENT,
    ),
    Transition(
        "withdraw",
        (State.SUBMITTED,),
        State.DRAFT,
        (Role.UNIT_HEAD,),
        (Phase.SELF_ASSESSMENT, Phase.APPRAISAL_1),
        _("Withdraw to edit"),
        deadline=Phase.SELF_ASSESSMENT,
    ),
    Transition(
        "start_appraisal",
        (State.SUBMITTED,),
        State.APPRAISING_1,
        (Role.APPRAISER, Role.ADMIN),
        (Phase.APPRAISAL_1,),
        _("Start appraising"),
    ),
    Transition(
        "return",
        (State.SUBMITTED, State.APPRAISING_1),
        State.DRAFT,
        (Role.APPRAISER, Role.ADMIN),
        (Phase.SELF_ASSESSMENT, Phase.APPRAISAL_1),
        _("Return to the unit"),
        needs_reason=True,
    ),
    Transition(
        "finish_appraisal",
        (State.SUBMITTED, State.APPRAISING_1),
        State.APPRAISED_1,
        (Role.ADMIN,),
        (Phase.APPRAISAL_1,),
        _("Close round 1"),
    ),
    # A unit that never submitted is closed as it stands when the round ends: what it
    # entered counts, unappraised (provisional), and it may still revise once.
    Transition(
        "close_unsubmitted",
        (State.DRAFT,),
        State.APPRAISED_1,
        (Role.ADMIN,),
        (Phase.APPRAISAL_1,),
        _("Close without a submission"),
    ),
    # The revision: once, with what the appraisers asked for.
    Transition(
        "open_revision",
        (State.APPRAISED_1,),
        State.REVISING,
        (Role.ADMIN,),
        (Phase.REVISION,),
        _("Open the revision"),
    ),
    Transition(
        "resubmit",
        (State.REVISING,),
        State.RESUBMITTED,
        (Role.UNIT_HEAD,),
        (Phase.REVISION, Phase.APPRAISAL_2),
        _("Approve and submit the revision"),
        deadline=Phase.REVISION,
    ),
    Transition(
        "withdraw_revision",
        (State.RESUBMITTED,),
        State.REVISING,
        (Role.UNIT_HEAD,),
        (Phase.REVISION, Phase.APPRAISAL_2),
        _("Withdraw the revision to edit"),
        deadline=Phase.REVISION,
    ),
    Transition(
        "start_appraisal_2",
        (State.RESUBMITTED,),
        State.APPRAISING_2,
        (Role.APPRAISER, Role.ADMIN),
        (Phase.APPRAISAL_2,),
        _("Start the final appraisal"),
    ),
    Transition(
        "finish_appraisal_2",
        (State.RESUBMITTED, State.APPRAISING_2),
        State.APPRAISED_2,
        (Role.ADMIN,),
        (Phase.APPRAISAL_2,),
        _("Close the final appraisal"),
    ),
    # A unit that did not submit a revision keeps its round-1 appraised scores.
    Transition(
        "keep_round_1",
        (State.REVISING,),
        State.APPRAISED_2,
        (Role.ADMIN,),
        (Phase.APPRAISAL_2,),
        _("Keep the round-1 appraisal"),
    ),
    Transition(
        "approve",
        (State.APPRAISED_2,),
        State.APPROVED,
        (Role.COUNCIL_CHAIR,),
        (Phase.COUNCIL,),
        _("Approve"),
    ),
    # The administrator's way back, always with a written reason.
    Transition(
        "reopen",
        (State.SUBMITTED, State.APPRAISING_1, State.APPRAISED_1),
        State.DRAFT,
        (Role.ADMIN,),
        (Phase.SELF_ASSESSMENT, Phase.APPRAISAL_1),
        _("Reopen for the unit"),
        needs_reason=True,
    ),
    Transition(
        "reopen_revision",
        (State.RESUBMITTED, State.APPRAISING_2, State.APPRAISED_2),
        State.REVISING,
        (Role.ADMIN,),
        (Phase.REVISION, Phase.APPRAISAL_2),
        _("Reopen the revision for the unit"),
        needs_reason=True,
    ),
)
BY_ACTION = {t.action: t for t in TRANSITIONS}


class TransitionRefused(Refused):
    """The table does not allow the action; `allowed` lists the actions it allows now."""


def refusal(
    transition: Transition,
    assessment: Assessment,
    role: str,
    today: datetime.date,
    *,
    reason: str = "",
) -> str | None:
    """Why the action is refused now, or None when the table allows it."""
    if role not in transition.roles:
        return str(_("Your role cannot do this."))
    if assessment.state not in transition.sources:
        return str(
            _("Not possible while the assessment is “%(state)s”.")
            % {"state": assessment.get_state_display()}
        )
    if assessment.cycle.phase not in transition.phases:
        return str(
            _("Not possible during the phase “%(phase)s”.")
            % {"phase": assessment.cycle.get_phase_display()}
        )
    if transition.deadline is not None:
        deadline = assessment.deadline(transition.deadline)
        if deadline is not None and today > deadline:
            return str(_("The deadline was %(date)s.") % {"date": day(deadline)})
    if transition.needs_reason and not reason.strip():
        return str(_("Give the reason."))
    return None


def allowed_actions(assessment: Assessment, role: str, today: datetime.date) -> list[str]:
    """Actions the table allows this role now (those that need a reason included)."""
    return [
        t.action
        for t in TRANSITIONS
        if refusal(t, assessment, role, today, reason="(reason given)") is None
    ]
