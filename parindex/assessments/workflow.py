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
    # What the step does, said on the page that asks the administrator to confirm it.
    consequence: Promise | str = ""


PHASE_STEPS: tuple[PhaseStep, ...] = (
    # Opening the self-assessment gives every unit of the cycle's groups its assessment.
    PhaseStep(
        Phase.SETUP,
        Phase.SELF_ASSESSMENT,
        (Role.ADMIN,),
        consequence=_(
            "Every active unit of the cycle's groups gets its assessment and may fill it in until "
            "the self-assessment deadline."
        ),
    ),
    PhaseStep(
        Phase.SELF_ASSESSMENT,
        Phase.APPRAISAL_1,
        (Role.ADMIN,),
        consequence=_(
            "The appraisers may start on the units that have submitted. Units that have not may "
            "still submit until their deadline."
        ),
    ),
    # Closing a round closes every assessment of the round (one never submitted as it
    # stands) and tells each unit its preliminary result; then the revision opens.
    PhaseStep(
        Phase.APPRAISAL_1,
        Phase.REVISION,
        (Role.ADMIN,),
        _("Close round 1, send the preliminary results and open the revision"),
        closes_round=1,
        consequence=_(
            "Every assessment under appraisal is marked appraised and each unit that never "
            "submitted is closed as it stands (its result is provisional); the preliminary results"
            " are computed and sent to the units' heads; then each unit may revise once."
        ),
    ),
    PhaseStep(
        Phase.REVISION,
        Phase.APPRAISAL_2,
        (Role.ADMIN,),
        consequence=_(
            "The appraisers may start the final appraisal of the revisions submitted. Units still "
            "revising may submit until their deadline."
        ),
    ),
    PhaseStep(
        Phase.APPRAISAL_2,
        Phase.COUNCIL,
        (Role.ADMIN,),
        _("Close the final appraisal and send the results"),
        closes_round=2,
        consequence=_(
            "Every revision under appraisal is marked appraised; units that did not submit a "
            "revision keep their round-1 appraisal; the results are computed and sent to the "
            "units' heads; then the council chair approves them."
        ),
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
    # The page shows what the action will do and asks first; off for the steps a person
    # can take back at once (a withdrawal, starting to appraise).
    confirm: bool = True
    consequence: Promise | str = ""  # what it does, said on that page


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
        consequence=_(
            "The unit's answers go to the appraisal council and can no longer be changed; the head"
            " may withdraw the submission until the appraisal starts or the deadline passes."
        ),
    ),
    Transition(
        "withdraw",
        (State.SUBMITTED,),
        State.DRAFT,
        (Role.UNIT_HEAD,),
        (Phase.SELF_ASSESSMENT, Phase.APPRAISAL_1),
        _("Withdraw to edit"),
        deadline=Phase.SELF_ASSESSMENT,
        confirm=False,
    ),
    Transition(
        "start_appraisal",
        (State.SUBMITTED,),
        State.APPRAISING_1,
        (Role.APPRAISER, Role.ADMIN),
        (Phase.APPRAISAL_1,),
        _("Start appraising"),
        confirm=False,
    ),
    Transition(
        "return",
        (State.SUBMITTED, State.APPRAISING_1),
        State.DRAFT,
        (Role.APPRAISER, Role.ADMIN),
        (Phase.SELF_ASSESSMENT, Phase.APPRAISAL_1),
        _("Return to the unit"),
        needs_reason=True,
        consequence=_(
            "The assessment goes back to the unit to be completed; its head submits it again."
        ),
    ),
    Transition(
        "finish_appraisal",
        (State.SUBMITTED, State.APPRAISING_1),
        State.APPRAISED_1,
        (Role.ADMIN,),
        (Phase.APPRAISAL_1,),
        _("Close round 1"),
        consequence=_(
            "Round 1 of this unit's appraisal closes: the unit sees the appraisal and may revise "
            "once."
        ),
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
        consequence=_(
            "The unit's assessment is closed as it stands, unappraised: what it entered counts and"
            " its result is provisional. It may still revise once."
        ),
    ),
    # The revision: once, with what the appraisers asked for.
    Transition(
        "open_revision",
        (State.APPRAISED_1,),
        State.REVISING,
        (Role.ADMIN,),
        (Phase.REVISION,),
        _("Open the revision"),
        consequence=_("The unit may revise its answers once, with what the appraisers asked."),
    ),
    Transition(
        "resubmit",
        (State.REVISING,),
        State.RESUBMITTED,
        (Role.UNIT_HEAD,),
        (Phase.REVISION, Phase.APPRAISAL_2),
        _("Approve and submit the revision"),
        deadline=Phase.REVISION,
        consequence=_(
            "The revision goes to the final appraisal. It is submitted once: the head may withdraw"
            " it only until the final appraisal starts or the deadline passes."
        ),
    ),
    Transition(
        "withdraw_revision",
        (State.RESUBMITTED,),
        State.REVISING,
        (Role.UNIT_HEAD,),
        (Phase.REVISION, Phase.APPRAISAL_2),
        _("Withdraw the revision to edit"),
        deadline=Phase.REVISION,
        confirm=False,
    ),
    Transition(
        "start_appraisal_2",
        (State.RESUBMITTED,),
        State.APPRAISING_2,
        (Role.APPRAISER, Role.ADMIN),
        (Phase.APPRAISAL_2,),
        _("Start the final appraisal"),
        confirm=False,
    ),
    Transition(
        "finish_appraisal_2",
        (State.RESUBMITTED, State.APPRAISING_2),
        State.APPRAISED_2,
        (Role.ADMIN,),
        (Phase.APPRAISAL_2,),
        _("Close the final appraisal"),
        consequence=_("The final appraisal of this unit closes; its result goes to the council."),
    ),
    # A unit that did not submit a revision keeps its round-1 appraised scores.
    Transition(
        "keep_round_1",
        (State.REVISING,),
        State.APPRAISED_2,
        (Role.ADMIN,),
        (Phase.APPRAISAL_2,),
        _("Keep the round-1 appraisal"),
        consequence=_(
            "The unit did not submit a revision: its round-1 appraisal stands as its final result."
        ),
    ),
    Transition(
        "approve",
        (State.APPRAISED_2,),
        State.APPROVED,
        (Role.COUNCIL_CHAIR,),
        (Phase.COUNCIL,),
        _("Approve"),
        consequence=_(
            "The council approves this unit's appraised result; it is then published with the "
            "others."
        ),
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
        consequence=_(
            "The assessment goes back to the unit as a draft; the reason is kept in its history."
        ),
    ),
    Transition(
        "reopen_revision",
        (State.RESUBMITTED, State.APPRAISING_2, State.APPRAISED_2),
        State.REVISING,
        (Role.ADMIN,),
        (Phase.REVISION, Phase.APPRAISAL_2),
        _("Reopen the revision for the unit"),
        needs_reason=True,
        consequence=_("The revision goes back to the unit; the reason is kept in its history."),
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
