"""Proposals for a leaf from the follow-up: what a unit did about last year's index.

A framework's leaf may name a `prefill` source: the criterion asks whether the unit fixed
what the province's inspection found, finished the tasks the province gave it, or had
initiatives recognised and maintained — all recorded in the follow-up during the year.
The follow-up counts what it holds (`Facts`, with a line per finding, task or initiative
and where to read it); `propose` turns the count into inputs of the leaf's rule, which the
assessment page shows as a proposal with its sources. The unit takes it or not; nothing
is saved by a proposal, and the appraisers still decide.

This module is the vocabulary's one home: the sources, the rule types each can fill, the
words of a proposal and of a source line's state.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal

from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from parindex.scoring.rules import (
    DeductionRule,
    Inputs,
    LevelsRule,
    RatioRule,
    Rule,
    YesNoRule,
)

FINDINGS = "inspection_findings_fixed"
TASKS = "province_tasks_done"
RECOGNISED = "initiatives_recognised"
MAINTAINED = "initiatives_maintained"


@dataclass(frozen=True)
class Source:
    key: str
    label: str | Promise  # on the framework page
    excel_label: str  # the Excel template's words: the officials' Vietnamese, untranslated
    rule_types: frozenset[str]  # the leaves' rules it can fill in


_COUNTED = frozenset({"yes_no", "proportional", "ratio_tiers", "deduction"})

SOURCES: dict[str, Source] = {
    source.key: source
    for source in (
        Source(
            FINDINGS,
            gettext_lazy("inspection findings fixed"),
            "Khắc phục tồn tại qua kiểm tra",
            _COUNTED,
        ),
        Source(
            TASKS,
            gettext_lazy("tasks of the province done"),
            "Nhiệm vụ UBND tỉnh giao",
            _COUNTED,
        ),
        Source(
            RECOGNISED,
            gettext_lazy("initiatives recognised"),
            "Sáng kiến được công nhận",
            frozenset({"yes_no", "levels"}),
        ),
        Source(
            MAINTAINED,
            gettext_lazy("initiatives maintained"),
            "Duy trì và nhân rộng sáng kiến",
            frozenset({"yes_no", "levels", "proportional", "ratio_tiers"}),
        ),
    )
}


def source_issue(key: str, rule_type: str | None) -> tuple[str, dict[str, object]] | None:
    """Why a leaf of `rule_type` cannot be filled from `key`: an issue code and its
    parameters (frameworks.messages words them), or None when it can."""
    source = SOURCES.get(key)
    if source is None:
        return "unknown_prefill", {"name": key}
    if rule_type is None:
        return "prefill_on_inner_node", {}
    if rule_type not in source.rule_types:
        return "prefill_rule", {"name": key, "type": rule_type}
    return None


def source_from_excel(text: str) -> str:
    """A source as the Excel template writes it (its label or its key) → its key; what
    is neither is returned as it is, for the spec to refuse by name."""
    wanted = text.strip().casefold()
    for source in SOURCES.values():
        if wanted in (source.key, source.excel_label.casefold()):
            return source.key
    return text.strip()


# What the follow-up holds ------------------------------------------------------------

# A source line's state, in words. One vocabulary for the four sources.
LINE_STATES: dict[str, str | Promise] = {
    "fixed": gettext_lazy("fixed, verified by the province"),
    "reported": gettext_lazy("reported fixed, not verified yet"),
    "open": gettext_lazy("not fixed yet"),
    "no_task": gettext_lazy("no remediation task yet"),
    "done": gettext_lazy("reported done"),
    "in_progress": gettext_lazy("in progress"),
    "not_reported": gettext_lazy("not reported"),
    "not_possible": gettext_lazy("could not be done"),
    "recognised": gettext_lazy("recognised"),
    "not_recognised": gettext_lazy("not recognised"),
    "submitted": gettext_lazy("submitted, not decided yet"),
    "extended": gettext_lazy("maintained and extended"),
    "maintained": gettext_lazy("maintained"),
    "not_maintained": gettext_lazy("not maintained"),
    "no_report": gettext_lazy("no report for the year"),
}


@dataclass(frozen=True)
class SourceLine:
    """One finding, task or initiative behind a proposal, and where to read it."""

    text: str
    url: str
    state: str  # a key of LINE_STATES
    counts: bool  # whether it counts for the unit

    @property
    def state_words(self) -> str:
        return str(LINE_STATES[self.state])


@dataclass(frozen=True)
class Facts:
    """What the follow-up counts for one unit and year, for one source.

    `done` of `of`: findings fixed of those found, tasks done of those given,
    initiatives recognised of those submitted, maintained of those recognised before.
    `better`: initiatives maintained and also extended. `pending`: initiatives submitted
    the council has not decided on yet. `applies`: whether the unit had anything of the
    kind (was inspected; was given tasks; submitted or had initiatives).
    """

    source: str
    year: int
    done: int
    of: int
    applies: bool
    better: int = 0
    pending: int = 0
    lines: tuple[SourceLine, ...] = ()


@dataclass(frozen=True)
class Proposal:
    """What the follow-up proposes for one leaf: its inputs, or that the leaf does not
    apply, or nothing but the facts (inputs None and not_applicable False)."""

    facts: Facts
    inputs: Inputs | None
    not_applicable: bool
    summary: str

    @property
    def lines(self) -> tuple[SourceLine, ...]:
        return self.facts.lines


def propose(rule: Rule, facts: Facts, *, allow_not_applicable: bool) -> Proposal:
    """The proposal for a leaf of `rule` from `facts`."""
    summary = _SUMMARIES[facts.source](facts)
    if not facts.applies and allow_not_applicable:
        return Proposal(facts, None, True, summary)
    inputs = _inputs(rule, facts)
    return Proposal(facts, inputs, False, summary)


def _inputs(rule: Rule, facts: Facts) -> Inputs | None:
    initiatives = facts.source in (RECOGNISED, MAINTAINED)
    if isinstance(rule, RatioRule):
        return Inputs(numerator=Decimal(facts.done), denominator=Decimal(facts.of))
    if not facts.applies and not initiatives:
        return None  # nothing was found or given: the framework does not say what it is worth
    if facts.pending and not facts.done:
        return None  # the council has not decided yet: nothing to propose but the facts
    if isinstance(rule, YesNoRule):
        return Inputs(yes=facts.done > 0 if initiatives else facts.done == facts.of)
    if isinstance(rule, DeductionRule):
        return Inputs(occurrences=facts.of - facts.done)
    if isinstance(rule, LevelsRule):
        return Inputs(level=_level(rule, facts))
    return None


def _level(rule: LevelsRule, facts: Facts) -> str:
    """Levels from best to worst: the best when the unit did it all (an initiative
    recognised; one maintained and extended), the second when it did part of it (one
    submitted but not recognised; one maintained only) and the rule has three levels or
    more, else the worst."""
    ranked = sorted(rule.levels, key=lambda level: level.points, reverse=True)
    best, second, worst = ranked[0], ranked[1], ranked[-1]
    if facts.source == RECOGNISED:
        full, part = facts.done > 0, facts.of > facts.done
    else:
        full, part = facts.better > 0, facts.done > 0
        if len(ranked) == 2:
            full = full or part
    if full:
        return best.label
    if part and len(ranked) > 2:
        return second.label
    return worst.label


def _findings(facts: Facts) -> str:
    if not facts.applies:
        return _("The unit was not inspected in %(year)s.") % {"year": facts.year}
    return ngettext(
        "%(done)s of %(of)s finding of the %(year)s inspection fixed and verified.",
        "%(done)s of %(of)s findings of the %(year)s inspection fixed and verified.",
        facts.of,
    ) % {"done": facts.done, "of": facts.of, "year": facts.year}


def _tasks(facts: Facts) -> str:
    if not facts.applies:
        return _("The province gave the unit no task due in %(year)s.") % {"year": facts.year}
    return ngettext(
        "%(done)s of %(of)s task given by the province, due in %(year)s, reported done.",
        "%(done)s of %(of)s tasks given by the province, due in %(year)s, reported done.",
        facts.of,
    ) % {"done": facts.done, "of": facts.of, "year": facts.year}


def _recognised(facts: Facts) -> str:
    if not facts.applies:
        return _("The unit submitted no initiative for %(year)s.") % {"year": facts.year}
    said = ngettext(
        "%(done)s of %(of)s initiative submitted for %(year)s recognised by the council.",
        "%(done)s of %(of)s initiatives submitted for %(year)s recognised by the council.",
        facts.of,
    ) % {"done": facts.done, "of": facts.of, "year": facts.year}
    if facts.pending:
        said += " " + ngettext(
            "%(pending)s is waiting for the council's decision.",
            "%(pending)s are waiting for the council's decision.",
            facts.pending,
        ) % {"pending": facts.pending}
    return said


def _maintained(facts: Facts) -> str:
    if not facts.applies:
        return _("The unit has no initiative recognised before %(year)s.") % {"year": facts.year}
    return ngettext(
        "%(done)s of %(of)s initiative recognised before %(year)s maintained in %(year)s, "
        "%(better)s also extended.",
        "%(done)s of %(of)s initiatives recognised before %(year)s maintained in %(year)s, "
        "%(better)s also extended.",
        facts.of,
    ) % {"done": facts.done, "of": facts.of, "year": facts.year, "better": facts.better}


_SUMMARIES: dict[str, Callable[[Facts], str]] = {
    FINDINGS: _findings,
    TASKS: _tasks,
    RECOGNISED: _recognised,
    MAINTAINED: _maintained,
}
