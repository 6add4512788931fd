"""Where every point of a unit went, and what would raise it (issue 15, items 1 and 2).

Everything is read through the engine from the unit's answers, its survey results and
its earlier years, as the cycle's results are (`compute.load_unit`). A node's points lost
are kept unrounded — its maximum after lowering, minus its points, minus its survey
points still pending — so that they sum exactly at every node; pages round them only to
show them.

The what-if scores answers a person types, through the rules' own forms, and places the
result among the other units' indexes of the newest revision the person may read: it
reuses their stored results and never writes.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from functools import cached_property
from typing import Any

from django.utils.translation import gettext as _

from parindex.assessments.access import acting_role
from parindex.assessments.forms import RuleInputsForm
from parindex.assessments.models import (
    Assessment,
    AssessmentItem,
    bands_from_json,
    inputs_from_json,
)
from parindex.assessments.selectors import request_status
from parindex.frameworks.models import Criterion
from parindex.frameworks.rules import describe, rule_kind, shown
from parindex.org.models import UNIT_ROLES, Role, User
from parindex.org.templatetags.parindex import percent, points
from parindex.scoring.engine import (
    Answer,
    Band,
    NodeResult,
    UnitResult,
    band_of,
    compute_unit,
    index_with_gain,
    rank_among,
    rank_pool,
)
from parindex.scoring.numbers import ZERO
from parindex.scoring.rules import InputError, Inputs, Rule, SurveyRule

from .compute import UnitInputs, load_unit
from .models import ResultRow, ResultSnapshot
from .provisional import survey_names, unranked_reason
from .selectors import DRAFT_READERS

# Who reads a unit's explanation: the unit's own people and those who oversee every unit.
# An appraiser sees the fields they appraise on the assessment page, not the whole.
READERS = (Role.ADMIN, Role.COUNCIL_CHAIR, Role.VIEWER, Role.UNIT_SCORER, Role.UNIT_HEAD)
# Who tries answers in the what-if: the unit and the administrator.
TRIERS = (Role.ADMIN, Role.UNIT_SCORER, Role.UNIT_HEAD)
# The cheapest points listed on the page; the Excel file lists them all.
CHEAPEST_SHOWN = 10


def reader_role(user: User, assessment: Assessment) -> Role | None:
    """The role in which the user reads this unit's explanation, or None."""
    role = acting_role(user, assessment)
    return role if role in READERS else None


def shows_appraisal(role: Role, assessment: Assessment) -> bool:
    """The unit sees its appraisal once the first round is over, as on its assessment
    page; before that, its explanation is of its own scores."""
    return role not in UNIT_ROLES or assessment.round_ended(1)


# One unit, explained ----------------------------------------------------------------


@dataclass(frozen=True)
class Reason:
    kind: str  # what it is about, for the page's marks: see REASON_KINDS
    text: str


REASON_KINDS = (
    "claim",  # not-applicable claims
    "pending",  # survey results not in
    "survey",
    "history",
    "unanswered",
    "unappraised",
    "appraisal",
    "problem",
    "evidence",
    "request",
)


@dataclass
class Line:
    """A node of the unit's tree: what it could have had, what it claimed, what counts."""

    criterion: Criterion
    node: NodeResult  # the points that count (appraised where appraised)
    own: NodeResult | None  # the unit's own claim
    rule: Rule | None = None
    reasons: list[Reason] = field(default_factory=list)
    own_words: list[str] = field(default_factory=list)
    counted_words: list[str] = field(default_factory=list)
    comment: str = ""  # the appraiser's
    note: str = ""  # the unit's explanation
    values: dict[str, str] = field(default_factory=dict)  # the what-if's form values
    error: str = ""  # the what-if's, for what was typed here

    @property
    def code(self) -> str:
        return self.criterion.code

    @cached_property
    def rule_words(self) -> str:
        """The rule in words (read only for the leaves a page shows with their reasons)."""
        if self.rule is None:
            return ""
        return rule_kind(self.rule.type).summary(self.rule)

    @property
    def is_leaf(self) -> bool:
        return bool(self.criterion.rule_type)

    @property
    def field_code(self) -> str:
        return self.criterion.field_code

    @property
    def lost(self) -> Decimal:
        """Unrounded: the maximum after lowering, minus the points, minus those pending."""
        return self.node.max_points - self.node.points - self.node.pending

    @property
    def claimed_more(self) -> bool:
        return self.own is not None and self.own.points > self.node.points

    @property
    def template(self) -> str | None:
        """The partial of the rule's inputs (the assessment page's own)."""
        return rule_kind(self.criterion.rule_type).template if self.is_leaf else None

    @property
    def name_prefix(self) -> str:
        """Before the names of its inputs in the what-if's one form."""
        return f"{self.code}-"

    @property
    def tryable(self) -> bool:
        """A leaf the unit answers and that counts: the what-if may change its answer."""
        return (
            self.is_leaf
            and rule_kind(self.criterion.rule_type).answered
            and not self.node.not_applicable
        )


@dataclass(frozen=True)
class Standing:
    """A unit's index, band and rank among the others of its group made of the same
    parts (`rank_pool`); rank None with the reason why not."""

    index_pct: Decimal
    band: int
    rank: int | None
    rank_of: int | None
    why_unranked: str = ""


@dataclass(frozen=True)
class Comparison:
    """The other units of the group as the newest readable revision has them."""

    snapshot: ResultSnapshot | None
    bands: tuple[Band, ...]
    others: Mapping[tuple[str, ...], list[Decimal]]  # rank pool -> indexes, lowest first
    row: ResultRow | None  # the unit's own row in that revision

    def standing(self, result: UnitResult, *, index: Decimal | None = None) -> Standing:
        """Where `result` stands; with `index`, where it would with that index instead."""
        index = result.index_pct if index is None else index
        band = band_of(index, self.bands)
        pool = rank_pool(result)
        if pool is None:
            return Standing(index, band, None, None, unranked_reason(result))
        if self.snapshot is None:
            return Standing(index, band, None, None, _("no results of the cycle to compare with"))
        others = self.others.get(pool, [])
        return Standing(index, band, rank_among(index, others), len(others) + 1)


@dataclass(frozen=True)
class Cheap:
    """A criterion below its maximum: the points it would bring at its maximum, and
    where the unit would stand then (the other criteria as they are)."""

    line: Line
    gain: Decimal
    standing: Standing


@dataclass(frozen=True)
class FieldPart:
    field: Line
    losing: list[Line]
    rest: list[Line]
    leaves: list[Line]

    @property
    def has_error(self) -> bool:
        """An answer tried under it could not be scored (its what-if part opens)."""
        return any(line.error for line in self.leaves)


@dataclass
class Explanation:
    assessment: Assessment
    inputs: UnitInputs
    appraisal_shown: bool
    result: UnitResult  # the answers that count
    lines: list[Line]  # every node, in document order
    comparison: Comparison
    standing: Standing

    @property
    def fields(self) -> list[Line]:
        return [line for line in self.lines if line.criterion.depth == 0]

    @property
    def parts(self) -> list[FieldPart]:
        """Each field with its leaves: those that lost points or have something to say
        (most lost first), the rest, and all of them in document order (the what-if's
        form); in one pass over the lines."""
        leaves: dict[str, list[Line]] = {line.code: [] for line in self.fields}
        for line in self.lines:
            if line.is_leaf:
                leaves[line.field_code].append(line)
        parts = []
        for top in self.fields:
            mine = leaves[top.code]
            losing = [
                line for line in mine if line.lost > ZERO or line.reasons or line.node.adjustment
            ]
            losing.sort(key=lambda line: (-line.lost, line.criterion.position))
            shown = {line.code for line in losing}
            rest = [line for line in mine if line.code not in shown]
            parts.append(FieldPart(top, losing, rest, mine))
        return parts

    @property
    def lost(self) -> Decimal:
        """Points lost in the criteria, unrounded: the fields' sum."""
        return sum((line.lost for line in self.fields), ZERO)

    @property
    def points(self) -> Decimal:
        return sum((line.node.points for line in self.fields), ZERO)

    @property
    def counted_adjustment(self) -> Decimal:
        """Bonus minus penalty as they count: the total never goes above the maximum nor
        below zero. The maximum, minus the points pending, minus the total, is the points
        lost minus this."""
        return self.result.total - self.points

    @property
    def cheapest(self) -> list[Cheap]:
        """The leaves below their maximum, the most points first: what each would bring."""
        found = []
        for line in self.lines:
            if not line.is_leaf or line.lost <= ZERO:
                continue
            index = index_with_gain(self.result, line.lost)
            found.append(Cheap(line, line.lost, self.comparison.standing(self.result, index=index)))
        found.sort(key=lambda cheap: (-cheap.gain, cheap.line.criterion.position))
        return found

    def answers(self) -> dict[str, Answer]:
        """The answers the explanation counts (the unit's own, before its appraisal)."""
        return _counted(self.inputs.answers, self.appraisal_shown)


def explain(assessment: Assessment, *, role: Role, user: User) -> Explanation:
    """The unit's explanation as `role` may read it, in a dozen queries whatever the size
    of the framework or of the cycle."""
    inputs = load_unit(assessment)
    appraisal = shows_appraisal(role, assessment)
    counted = _counted(inputs.answers, appraisal)
    result = inputs.compute(counted)
    own = compute_unit(
        inputs.tree,
        _counted(inputs.answers, False),
        surveys=inputs.surveys,
        history=inputs.history,
    )
    comparison = compare(
        assessment, drafts=user.role in DRAFT_READERS, bands=inputs.cycle_group.band_rules()
    )
    explanation = Explanation(
        assessment,
        inputs,
        appraisal,
        result,
        _lines(assessment, inputs, result, own, appraisal),
        comparison,
        comparison.standing(result),
    )
    return explanation


def _counted(answers: Mapping[str, Answer], appraisal: bool) -> dict[str, Answer]:
    """The answers as they count; without the appraisal, the unit's own claims."""
    if appraisal:
        return dict(answers)
    return {
        code: Answer(
            self_inputs=answer.self_inputs,
            not_applicable_claimed=answer.not_applicable_claimed,
        )
        for code, answer in answers.items()
    }


def compare(assessment: Assessment, *, drafts: bool, bands: tuple[Band, ...]) -> Comparison:
    """The group's other units in the newest revision published (or any, for those who
    read drafts): their indexes by rank pool, in one query; the bands frozen with that
    revision, else the cycle's (`bands`)."""
    snapshots = ResultSnapshot.objects.filter(cycle_id=assessment.cycle_id)
    if not drafts:
        snapshots = snapshots.filter(status=ResultSnapshot.Status.PUBLISHED)
    snapshot = snapshots.order_by("-revision").first()
    if snapshot is None:
        return Comparison(None, bands, {}, None)
    stored = snapshot.bands.get(str(assessment.group_id))
    bands = bands_from_json(stored) if stored else bands
    others: dict[tuple[str, ...], list[Decimal]] = {}
    for unit_id, index, missing in ResultRow.objects.filter(
        snapshot=snapshot, group_id=assessment.group_id, rank__isnull=False
    ).values_list("unit_id", "index_pct", "missing_surveys"):
        if unit_id != assessment.unit_id:
            others.setdefault(tuple(missing), []).append(index)
    for indexes in others.values():
        indexes.sort()
    row = ResultRow.objects.filter(snapshot=snapshot, unit_id=assessment.unit_id).first()
    return Comparison(snapshot, bands, others, row)


def _lines(
    assessment: Assessment,
    inputs: UnitInputs,
    result: UnitResult,
    own: UnitResult,
    appraisal: bool,
) -> list[Line]:
    items = {
        item.criterion_id: item
        for item in AssessmentItem.objects.filter(assessment=assessment).only(
            "criterion_id",
            "self_inputs",
            "appraised_inputs",
            "not_applicable_claimed",
            "not_applicable_accepted",
            "not_applicable_reason",
            "note",
            "appraisal_note",
        )
    }
    missing, explained = AssessmentItem.objects.filter(assessment=assessment).evidence_gaps()
    unanswered_requests: dict[str, list[str]] = {}
    if appraisal:
        for status in request_status(assessment):
            if not status.answered and assessment.round_ended(status.request.round):
                unanswered_requests.setdefault(status.code, []).append(status.request.message)
    surveys = inputs.surveys
    lines = []
    for criterion in inputs.criteria:
        node = result.nodes.get(criterion.code)
        if node is None:
            continue
        line = Line(criterion, node, own.nodes.get(criterion.code))
        item = items.get(criterion.pk)
        if criterion.rule_type:
            rule = line.rule = inputs.rules[criterion.pk]
            kind = rule_kind(criterion.rule_type)
            if item is not None:
                line.own_words = kind.words(rule, item.self_inputs)
                counted = item.appraised_inputs if appraisal and item.appraised_inputs else None
                line.counted_words = kind.words(rule, counted) if counted else line.own_words
                line.values = shown(criterion.rule_type, counted or item.self_inputs)
                line.note = item.note
                line.comment = item.appraisal_note if appraisal else ""
            line.reasons = _reasons(
                line,
                item,
                appraisal=appraisal,
                evidence_missing=criterion.code in missing,
                evidence_explained=criterion.code in explained,
                requests=unanswered_requests.get(criterion.code, []),
                survey_pct=surveys.get(rule.source, rule.indicator)
                if surveys is not None and isinstance(rule, SurveyRule)
                else None,
                history=inputs.history.index_by_year if inputs.history else {},
                year=assessment.cycle.year,
            )
        lines.append(line)
    return lines


def _reasons(
    line: Line,
    item: AssessmentItem | None,
    *,
    appraisal: bool,
    evidence_missing: bool,
    evidence_explained: bool,
    requests: list[str],
    survey_pct: Decimal | None,
    history: Mapping[int, Decimal],
    year: int,
) -> list[Reason]:
    """Why a leaf has the points it has, in words, the most telling first."""
    node, rule = line.node, line.rule
    assert rule is not None
    found: list[Reason] = []
    claimed = item is not None and item.not_applicable_claimed
    if claimed and item is not None:
        decided = item.not_applicable_accepted if appraisal else None
        if decided is True:
            found.append(Reason("claim", _("Not applicable, accepted: left out of the maximum")))
        elif decided is False:
            found.append(
                Reason("claim", _("The claim that it does not apply was refused: it counts"))
            )
        else:
            found.append(Reason("claim", _("Claimed not applicable: not decided yet")))
    if node.pending:
        found.append(
            Reason(
                "pending",
                _("Survey results not in: %(points)s points pending, not lost")
                % {"points": points(node.pending)},
            )
        )
    elif rule.type == "survey" and survey_pct is not None:
        found.append(
            Reason(
                "survey",
                _("Survey result: %(pct)s satisfied") % {"pct": percent(survey_pct)},
            )
        )
    if node.short_sample:
        found.append(
            Reason(
                "survey",
                _("Read from a sample short of the unit's target: %(survey)s")
                % {"survey": survey_names([getattr(rule, "source", "")])},
            )
        )
    if rule.type == "history":
        known = [
            _("%(year)s: %(index)s") % {"year": y, "index": percent(history[y])}
            for y in (year - 1, year - 2)
            if y in history
        ]
        found.append(
            Reason(
                "history",
                _("Published index of the years before: %(years)s")
                % {"years": "; ".join(known) if known else _("none")},
            )
        )
    answered = rule_kind(rule.type).answered
    if answered and not node.not_applicable:
        # A bonus or a penalty counts outside the maximum: its figure is its adjustment.
        counted = node.adjustment if rule.adjusts else node.points
        own = None if line.own is None else line.own.adjustment if rule.adjusts else line.own.points
        if item is None or (item.self_inputs is None and not claimed):
            if not rule.adjusts:  # no bonus or penalty claimed is no answer to give
                found.append(Reason("unanswered", _("The unit did not answer: it counts 0")))
        elif node.provisional:
            found.append(Reason("unappraised", _("Not appraised yet: the unit's own score counts")))
        elif own is not None and own != counted:
            found.append(
                Reason(
                    "appraisal",
                    (
                        _("The appraisal lowered the unit's %(own)s to %(counted)s")
                        if own > counted
                        else _("The appraisal raised the unit's %(own)s to %(counted)s")
                    )
                    % {"own": points(own), "counted": points(counted)},
                )
            )
    if node.problem and item is not None:
        found.append(Reason("problem", _problem(line, item, appraisal)))
    if evidence_missing:
        found.append(Reason("evidence", _("Required evidence missing")))
    elif evidence_explained:
        found.append(Reason("evidence", _("Required evidence missing, explained by the unit")))
    for message in requests:
        found.append(
            Reason(
                "request", _("Asked to explain, not answered: %(message)s") % {"message": message}
            )
        )
    return found


def _problem(line: Line, item: AssessmentItem, appraisal: bool) -> str:
    """The engine's problem with the inputs that count, as the form would have said it."""
    rule = line.rule
    assert rule is not None
    stored = item.appraised_inputs if appraisal and item.appraised_inputs else item.self_inputs
    inputs = inputs_from_json(stored) or Inputs()
    try:
        rule.score(Decimal(line.criterion.max_points), inputs)
    except InputError as error:
        return _("Could not be scored, counts 0: %(why)s") % {"why": describe(error, rule)}
    return _("Could not be scored, counts 0")


# The what-if --------------------------------------------------------------------------


@dataclass(frozen=True)
class Change:
    line: Line
    before: Decimal
    after: Decimal


@dataclass
class WhatIf:
    """Answers tried: the unit's result with them, beside the one that counts."""

    result: UnitResult
    standing: Standing
    before: Standing
    changes: list[Change]  # each leaf whose points the answers tried change
    fields: list[Change]  # each field's points, before and after


class TriedAnswers:
    """What was typed in the what-if, read leaf by leaf through the rules' own forms
    (their bounds and their checks). A leaf not in the data keeps its answer."""

    def __init__(self, explanation: Explanation, data: Mapping[str, Any]) -> None:
        self.explanation = explanation
        self.errors: dict[str, str] = {}
        self.tried: dict[str, Inputs | None] = {}
        for line in explanation.lines:
            if not line.tryable:
                continue
            prefix = f"{line.code}-"
            if not any(name.startswith(prefix) for name in data):
                continue
            form = RuleInputsForm(data, prefix=line.code, criterion=line.criterion, rule=line.rule)
            typed = {name: str(data.get(f"{prefix}{name}", "")) for name in form.fields}
            line.values = {name: value for name, value in typed.items() if value}
            if form.is_valid() and form.read_rule_inputs(form.cleaned_data):
                self.tried[line.code] = form.inputs
            else:
                line.error = " ".join(
                    str(message) for messages in form.errors.values() for message in messages
                )
                self.errors[line.code] = line.error

    @property
    def is_valid(self) -> bool:
        return not self.errors

    def answers(self) -> dict[str, Answer]:
        """The answers that count, with those tried in their place: a leaf not yet
        appraised stays so (its claim counts), an appraised one counts what was tried."""
        answers = self.explanation.answers()
        for code, inputs in self.tried.items():
            answer = answers.get(code) or Answer()
            counted = (
                answer.appraised_inputs
                if answer.appraised_inputs is not None
                else answer.self_inputs
            )
            if inputs == counted:
                continue
            answers[code] = Answer(
                self_inputs=inputs,
                appraised_inputs=inputs if answer.appraised_inputs is not None else None,
                not_applicable_claimed=answer.not_applicable_claimed,
                not_applicable_accepted=answer.not_applicable_accepted,
            )
        return answers


def what_if(explanation: Explanation, tried: TriedAnswers) -> WhatIf:
    """The unit through the engine with the answers tried, placed among the others."""
    result = explanation.inputs.compute(tried.answers())
    changes = []
    for line in explanation.lines:
        if not line.is_leaf:
            continue
        after = result.nodes[line.code].points + result.nodes[line.code].adjustment
        before = line.node.points + line.node.adjustment
        if after != before:
            changes.append(Change(line, before, after))
    fields = [
        Change(line, line.node.points, result.nodes[line.code].points)
        for line in explanation.fields
    ]
    return WhatIf(
        result,
        explanation.comparison.standing(result),
        explanation.standing,
        changes,
        fields,
    )
