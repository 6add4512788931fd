"""What a step that cannot be undone will do, and to whom, read before it is taken.

The pages ask for a confirmation with these facts in front of the person: the criteria
still unanswered before a submission, the units not submitted or never appraised before
a round closes, the messages that will be sent, the deadlines not yet reached. Nothing
here refuses anything: the rules are the workflow's tables; these are reads.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from django.db.models import Count, Q
from django.urls import reverse
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from parindex.org.models import Unit
from parindex.org.templatetags.parindex import day

from .models import (
    AWAITING_APPRAISAL,
    Assessment,
    Cycle,
    CycleGroup,
    Phase,
    State,
)
from .selectors import AssessmentView, request_status
from .workflow import PhaseStep, Transition

NAMES_SHOWN = 30  # past these, a list says how many more


@dataclass(frozen=True)
class Fact:
    """One thing to know before confirming: a sentence, and what it names (with links)."""

    text: str
    names: list[tuple[str, str]] = field(default_factory=list)  # (label, url)
    more: int = 0  # named things not listed
    warn: bool = False


@dataclass(frozen=True)
class Preview:
    title: str
    consequence: str | Promise
    facts: list[Fact]


def _named(pairs: list[tuple[str, str]]) -> tuple[list[tuple[str, str]], int]:
    return pairs[:NAMES_SHOWN], max(0, len(pairs) - NAMES_SHOWN)


def _deadline_fact(until: datetime.date | None, today: datetime.date) -> Fact | None:
    if until is None or until < today:
        return None
    left = (until - today).days
    return Fact(
        ngettext(
            "The deadline, %(date)s, is not reached yet: %(days)s day left.",
            "The deadline, %(date)s, is not reached yet: %(days)s days left.",
            left,
        )
        % {"date": day(until), "days": left},
        warn=True,
    )


# A unit's step ------------------------------------------------------------------------


def transition_preview(
    assessment: Assessment, transition: Transition, view: AssessmentView, today: datetime.date
) -> Preview:
    """What the action does to this unit's assessment, and what is still open in it."""
    facts: list[Fact] = []
    url = reverse("assessments:detail", args=[assessment.cycle.year, assessment.unit.code])
    leaves = [row for row in view.rows if row.item is not None and row.criterion.is_answerable]
    unanswered = [row for row in leaves if not row.item or not row.item.is_answered]
    if transition.action in ("submit", "resubmit", "close_unsubmitted"):
        if unanswered:
            names, more = _named(
                [
                    (row.criterion.code, f"{url}?field={row.field_code}#c-{row.criterion.code}")
                    for row in unanswered
                ]
            )
            facts.append(
                Fact(
                    ngettext(
                        "%(count)s of %(total)s criteria is not answered: it counts 0 points.",
                        "%(count)s of %(total)s criteria are not answered: they count 0 points.",
                        len(unanswered),
                    )
                    % {"count": len(unanswered), "total": len(leaves)},
                    names,
                    more,
                    warn=True,
                )
            )
        else:
            facts.append(
                Fact(_("Every criterion is answered (%(total)s).") % {"total": len(leaves)})
            )
        if view.explained_only:
            names, more = _named([(code, f"{url}#c-{code}") for code in view.explained_only])
            facts.append(
                Fact(
                    _("Explained without a file or link (the appraisers judge the explanation):"),
                    names,
                    more,
                )
            )
        claims = [row for row in leaves if row.item and row.item.not_applicable_claimed]
        if claims:
            facts.append(
                Fact(
                    ngettext(
                        "%(count)s criterion is declared not applicable: the appraisers decide.",
                        "%(count)s criteria are declared not applicable: the appraisers decide.",
                        len(claims),
                    )
                    % {"count": len(claims)},
                    [(row.criterion.code, f"{url}#c-{row.criterion.code}") for row in claims],
                )
            )
    if transition.action == "resubmit":
        open_requests = [r for r in request_status(assessment) if not r.answered]
        if open_requests:
            facts.append(
                Fact(
                    ngettext(
                        "%(count)s request of the appraisers has no answer yet:",
                        "%(count)s requests of the appraisers have no answer yet:",
                        len(open_requests),
                    )
                    % {"count": len(open_requests)},
                    [(r.request.item.criterion.code, f"{url}#c-{r.code}") for r in open_requests],
                    warn=True,
                )
            )
    if transition.deadline is not None and transition.action in ("submit", "resubmit"):
        until = assessment.deadline(transition.deadline)
        if until is not None:
            facts.append(Fact(_("The last day is %(date)s.") % {"date": day(until)}))
    if transition.action in ("finish_appraisal", "finish_appraisal_2", "close_unsubmitted"):
        unappraised = [row for row in leaves if row.item and row.item.appraised_inputs is None]
        if unappraised:
            facts.append(
                Fact(
                    ngettext(
                        "%(count)s criterion is not appraised: the unit's own score counts "
                        "and its result is provisional.",
                        "%(count)s criteria are not appraised: the unit's own scores count "
                        "and its result is provisional.",
                        len(unappraised),
                    )
                    % {"count": len(unappraised)},
                    warn=True,
                )
            )
    title = _("%(action)s — %(unit)s") % {"action": transition.label, "unit": assessment.unit}
    return Preview(title, transition.consequence, facts)


# A cycle's step ------------------------------------------------------------------------


def step_preview(cycle: Cycle, step: PhaseStep, today: datetime.date) -> Preview:
    """What moving the cycle on does, to which units, and who will be told."""
    facts: list[Fact] = []
    assessments = Assessment.objects.filter(cycle=cycle).select_related("unit")
    states = dict(assessments.values_list("state").annotate(n=Count("pk")).order_by())

    def units_in(*wanted: State) -> list[tuple[str, str]]:
        return [
            (a.unit.name, reverse("assessments:detail", args=[cycle.year, a.unit.code]))
            for a in assessments.filter(state__in=wanted).order_by("unit__position", "unit__name")
        ]

    if step.target == Phase.SELF_ASSESSMENT:
        groups = CycleGroup.objects.filter(cycle=cycle).values("group")
        units = Unit.objects.active().filter(group__in=groups).exclude(assessments__cycle=cycle)
        facts.append(
            Fact(
                ngettext(
                    "%(count)s unit receives its assessment.",
                    "%(count)s units receive their assessment.",
                    units.count(),
                )
                % {"count": units.count()}
            )
        )
    waiting = {
        Phase.APPRAISAL_1: (State.DRAFT,),
        Phase.APPRAISAL_2: (State.REVISING,),
        Phase.REVISION: (State.DRAFT,),
        Phase.COUNCIL: (State.REVISING,),
    }.get(Phase(step.target), ())
    if waiting:
        names, more = _named(units_in(*waiting))
        if names:
            facts.append(
                Fact(
                    ngettext(
                        "%(count)s unit has not submitted:",
                        "%(count)s units have not submitted:",
                        len(names) + more,
                    )
                    % {"count": len(names) + more},
                    names,
                    more,
                    warn=True,
                )
            )
    if step.closes_round is not None:
        under = [s for s in AWAITING_APPRAISAL if s in _round_states(step.closes_round)]
        never = (
            assessments.filter(state__in=under)
            .annotate(scored=Count("items", filter=Q(items__appraised_inputs__isnull=False)))
            .filter(scored=0)
            .order_by("unit__position", "unit__name")
        )
        never_names = [
            (a.unit.name, reverse("assessments:detail", args=[cycle.year, a.unit.code]))
            for a in never
        ]
        if never_names:
            names, more = _named(never_names)
            facts.append(
                Fact(
                    ngettext(
                        "%(count)s unit was submitted but not appraised at all: its own "
                        "scores will count, provisionally:",
                        "%(count)s units were submitted but not appraised at all: their own "
                        "scores will count, provisionally:",
                        len(never_names),
                    )
                    % {"count": len(never_names)},
                    names,
                    more,
                    warn=True,
                )
            )
        closing = list(
            assessments.filter(state__in=[*under, *waiting]).values_list("unit_id", flat=True)
        )
        contacts = Unit.objects.filter(pk__in=closing).contacts()
        emails = sum(
            1 for found in contacts.values() for channel, _a in found if channel == "email"
        )
        sms = sum(1 for found in contacts.values() for channel, _a in found if channel == "sms")
        unreachable = [pk for pk, found in contacts.items() if not found]
        facts.append(
            Fact(
                _(
                    "The preliminary results of %(units)s units are sent: %(emails)s e-mails "
                    "and %(sms)s SMS to their heads."
                )
                % {"units": len(closing), "emails": emails, "sms": sms}
            )
        )
        if unreachable:
            names, more = _named(
                [
                    (unit.name, reverse("org:unit_detail", args=[unit.code]))
                    for unit in Unit.objects.filter(pk__in=unreachable)
                ]
            )
            facts.append(
                Fact(
                    _("These units have no e-mail or mobile number: they will not be told."),
                    names,
                    more,
                    warn=True,
                )
            )
    deadline = _deadline_fact(cycle.deadline(cycle.phase), today)
    if deadline is not None:
        facts.append(deadline)
    counts = ", ".join(f"{State(state).label}: {count}" for state, count in sorted(states.items()))
    if counts:
        facts.append(Fact(_("Where the units are now: %(counts)s.") % {"counts": counts}))
    label = step.label or _("Move on to “%(phase)s”") % {"phase": step.target.label}
    return Preview(str(label), step.consequence, facts)


def _round_states(round_number: int) -> tuple[State, ...]:
    if round_number == 1:
        return (State.SUBMITTED, State.APPRAISING_1)
    return (State.RESUBMITTED, State.APPRAISING_2)


def approval_preview(cycle: Cycle) -> Preview:
    """The council chair approves every unit's appraised results at once."""
    waiting = Assessment.objects.filter(cycle=cycle, state=State.APPRAISED_2).count()
    others = Assessment.objects.filter(cycle=cycle).exclude(state=State.APPRAISED_2).count()
    facts = [
        Fact(
            ngettext(
                "The results of %(count)s unit are approved.",
                "The results of %(count)s units are approved.",
                waiting,
            )
            % {"count": waiting}
        )
    ]
    if others:
        facts.append(
            Fact(
                _("%(count)s units are not appraised to the end and are not approved now.")
                % {"count": others},
                warn=True,
            )
        )
    return Preview(
        _("Approve the results"),
        _(
            "The approval cannot be undone: the administrator then publishes the results "
            "with the province's decision."
        ),
        facts,
    )


def outbox_preview() -> Preview:
    """The messages that are due: sent at once, by e-mail and SMS."""
    from parindex.notify.models import Message

    due = Message.objects.due()
    by_channel = dict(due.values_list("channel").annotate(n=Count("pk")).order_by())
    recipients = [(m.recipient, "") for m in due.order_by("pk")[:NAMES_SHOWN]]
    total = sum(by_channel.values())
    return Preview(
        _("Send what is due now"),
        _("Each message is sent once; a failed one is retried later."),
        [
            Fact(
                _("%(emails)s e-mails and %(sms)s SMS are due, to:")
                % {"emails": by_channel.get("email", 0), "sms": by_channel.get("sms", 0)},
                recipients,
                max(0, total - len(recipients)),
            )
        ],
    )
