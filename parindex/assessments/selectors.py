"""Reading an assessment for its pages: the framework's tree with the unit's answers, the
appraisers' scores, the evidence, the requests, and the engine's points at every node."""

from __future__ import annotations

import datetime
import threading
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db.models import Count, Q, QuerySet

from parindex.frameworks.models import Criterion, Framework
from parindex.frameworks.prefill import Proposal
from parindex.frameworks.rules import COMPUTED, rule_kind, shown
from parindex.org.models import User
from parindex.scoring.engine import Answer, NodeResult, UnitResult, compute_unit
from parindex.scoring.rules import InputError, Rule
from parindex.scoring.tree import Tree, without_rules

from .models import (
    ANSWERED,
    Assessment,
    AssessmentItem,
    AssessmentQuerySet,
    AuditEntry,
    Cycle,
    CycleGroup,
    EvidenceFile,
    EvidenceUrl,
    ExplanationRequest,
    FieldAppraisal,
    ItemEvidence,
    State,
    inputs_from_json,
    inputs_to_json,
)
from .signals import proposals_wanted

LATER = COMPUTED  # points known only from surveys and earlier years


@dataclass
class Row:
    """A node of the tree as a page shows it; leaves carry their item."""

    criterion: Criterion
    own: NodeResult | None  # the unit's own score (its claims count)
    appraised: NodeResult | None  # the score that counts: appraised where appraised
    item: AssessmentItem | None = None
    rule: Rule | None = None
    files: list[EvidenceFile] = field(default_factory=list)
    urls: list[EvidenceUrl] = field(default_factory=list)
    requests: list[ExplanationRequest] = field(default_factory=list)
    # What the forms show: as stored, or as typed when a save was refused.
    self_values: dict[str, str] = field(default_factory=dict)
    appraisal_values: dict[str, str] = field(default_factory=dict)
    proposal: LeafProposal | None = None  # from the follow-up (frameworks.prefill)
    proposal_taken: bool = False  # the unit's answer is the proposal's

    @property
    def field_code(self) -> str:
        return self.criterion.field_code

    @property
    def later(self) -> bool:
        """Scored from survey results or earlier years, not by the unit."""
        return not self.criterion.is_answerable


@dataclass(frozen=True)
class LeafProposal:
    """A proposal as a leaf shows it: in words, with the points the engine gives it, and
    as the form's values that “use the proposal” fills in."""

    proposal: Proposal
    words: list[str]
    points: Decimal | None
    values: dict[str, str]


@dataclass(frozen=True)
class FieldProgress:
    code: str
    title: str
    answered: int
    leaves: int
    own: NodeResult | None


@dataclass
class AssessmentView:
    assessment: Assessment
    tree: Tree
    rows: list[Row]
    own: UnitResult  # what the unit claims (leaves it answers only)
    # The same leaves with the appraisers' scores where given; None when the page does
    # not show the appraisal (the unit's people before round 1 has ended).
    appraised: UnitResult | None
    answered: int
    leaves: int
    missing_evidence: list[str]  # need evidence, have no file, no link, no explanation
    explained_only: list[str]  # need evidence, have an explanation but no file nor link
    fields: list[FieldProgress] = field(default_factory=list)

    def row(self, code: str) -> Row:
        return next(r for r in self.rows if r.criterion.code == code)

    def of_field(self, code: str) -> list[Row]:
        return [r for r in self.rows if r.field_code == code]

    def first_unanswered_field(self) -> str:
        unfinished = next((f for f in self.fields if f.answered < f.leaves), None)
        return (unfinished or self.fields[0]).code if self.fields else ""


def framework_of(assessment: Assessment) -> CycleGroup:
    return CycleGroup.objects.select_related("framework__group").get(
        cycle_id=assessment.cycle_id, group_id=assessment.group_id
    )


@dataclass(frozen=True)
class FrameworkParts:
    """A framework's criteria, its tree and its rules parsed (once per process, frozen)."""

    criteria: list[Criterion]  # in document order
    tree: Tree
    claimed: Tree  # without the leaves scored later
    rules: dict[int, Rule]  # by criterion pk


# A frozen framework never changes (editing it makes a new version): each process reads
# its criteria and parses their rules once, not on every page and save.
_FROZEN: dict[tuple[int, datetime.datetime | None], FrameworkParts] = {}
_FROZEN_MOST = 64
_FROZEN_LOCK = threading.Lock()  # a threaded server's requests share it


def framework_parts(framework: Framework) -> FrameworkParts:
    key = (framework.pk, framework.frozen_at)
    found = _FROZEN.get(key) if framework.is_frozen else None
    if found is not None:
        return found
    criteria = list(Criterion.objects.filter(framework=framework).order_by("position"))
    tree = framework.to_tree(criteria)
    found = FrameworkParts(
        criteria,
        tree,
        without_rules(tree, LATER),
        {c.pk: c.rule() for c in criteria if c.rule_type},
    )
    if framework.is_frozen:
        with _FROZEN_LOCK:
            if len(_FROZEN) >= _FROZEN_MOST:
                _FROZEN.clear()
            _FROZEN[key] = found
    return found


def assessment_view(
    assessment: Assessment,
    *,
    evidence: bool = True,
    appraisal: bool = True,
    viewer: User | None = None,
    proposals: bool = True,
) -> AssessmentView:
    """The whole assessment: every node's row, the engine's totals of the unit; without
    `evidence`, no leaf's files, links and requests (a save's answer shows none); without
    `appraisal`, no appraised points (a page that does not show them)."""
    cycle_group = framework_of(assessment)
    parts = framework_parts(cycle_group.framework)
    criteria, tree, claimed = parts.criteria, parts.tree, parts.claimed
    items = {
        item.criterion_id: item for item in AssessmentItem.objects.filter(assessment=assessment)
    }
    by_code = {c.code: items.get(c.pk) for c in criteria if c.rule_type}
    own = compute_unit(claimed, {code: _answer(i, own=True) for code, i in by_code.items() if i})
    appraised = (
        compute_unit(claimed, {code: _answer(i) for code, i in by_code.items() if i})
        if appraisal
        else None
    )
    wanted = criteria
    leaf_items = list(items.values()) if evidence else []
    files = _files(leaf_items) if evidence else {}
    urls: dict[int, list[EvidenceUrl]] = defaultdict(list)
    requests: dict[int, list[ExplanationRequest]] = defaultdict(list)
    if evidence:
        for cited in EvidenceUrl.objects.filter(item__in=leaf_items):
            urls[cited.item_id].append(cited)
        for request in ExplanationRequest.objects.filter(item__in=leaf_items).select_related(
            "requested_by"
        ):
            requests[request.item_id].append(request)
    rows = []
    for criterion in wanted:
        item = items.get(criterion.pk)
        rows.append(
            Row(
                criterion=criterion,
                own=own.nodes.get(criterion.code),
                appraised=appraised.nodes.get(criterion.code) if appraised else None,
                item=item,
                rule=parts.rules.get(criterion.pk),
                files=files.get(item.pk, []) if item else [],
                urls=urls.get(item.pk, []) if item else [],
                requests=requests.get(item.pk, []) if item else [],
            )
        )
    answerable = {c.code: items[c.pk] for c in criteria if c.is_answerable and c.pk in items}
    in_field: dict[str, list[AssessmentItem]] = defaultdict(list)
    for code, answerable_item in answerable.items():
        in_field[Criterion.field_of(code)].append(answerable_item)
    fields = []
    for criterion in criteria:
        if criterion.depth != 0:
            continue
        mine = in_field.get(criterion.code, [])
        fields.append(
            FieldProgress(
                criterion.code,
                criterion.title,
                sum(1 for i in mine if i.is_answered),
                len(mine),
                own.nodes.get(criterion.code),
            )
        )
    if evidence and proposals:
        _propose(assessment, rows, viewer)
    missing, explained = AssessmentItem.objects.filter(assessment=assessment).evidence_gaps()
    return AssessmentView(
        assessment=assessment,
        tree=tree,
        rows=rows,
        own=own,
        appraised=appraised,
        answered=sum(f.answered for f in fields),
        leaves=sum(f.leaves for f in fields),
        missing_evidence=missing,
        explained_only=explained,
        fields=fields,
    )


def _propose(assessment: Assessment, rows: list[Row], viewer: User | None) -> None:
    """Attach to the leaves that name a source the follow-up's proposal for them."""
    wanted = {
        row.criterion.code: row
        for row in rows
        if row.criterion.prefill and row.rule is not None and row.item is not None
    }
    if not wanted:
        return
    proposals: dict[str, Proposal] = {}
    for _receiver, answer in proposals_wanted.send(
        sender=Assessment,
        assessment=assessment,
        criteria=[row.criterion for row in wanted.values()],
        viewer=viewer,
    ):
        if isinstance(answer, dict):
            proposals.update(answer)
    for code, proposal in proposals.items():
        row = wanted.get(code)
        if row is None or row.rule is None:
            continue
        stored = inputs_to_json(proposal.inputs) if proposal.inputs is not None else None
        points = None
        if proposal.inputs is not None:
            try:
                points = row.rule.score(Decimal(row.criterion.max_points), proposal.inputs)
            except InputError:  # e.g. a level the framework no longer has: words only
                stored = None
        values = shown(row.rule.type, stored)
        if proposal.not_applicable:
            values |= {"claimed": "on", "claim_reason": proposal.summary}
        row.proposal = LeafProposal(
            proposal=proposal,
            words=rule_kind(row.rule.type).words(row.rule, stored),
            points=points,
            values=values,
        )


def _answer(item: AssessmentItem, *, own: bool = False) -> Answer:
    return Answer(
        self_inputs=inputs_from_json(item.self_inputs),
        appraised_inputs=None if own else inputs_from_json(item.appraised_inputs),
        not_applicable_claimed=item.not_applicable_claimed,
        not_applicable_accepted=None if own else item.not_applicable_accepted,
    )


def _files(items: list[AssessmentItem]) -> dict[int, list[EvidenceFile]]:
    found: dict[int, list[EvidenceFile]] = defaultdict(list)
    links = ItemEvidence.objects.filter(item__in=items).select_related("file").order_by("pk")
    for link in links:
        found[link.item_id].append(link.file)
    return found


def unit_files(assessment: Assessment) -> QuerySet[EvidenceFile]:
    """The unit's uploaded files, to cite one again for another criterion."""
    return EvidenceFile.objects.filter(unit_id=assessment.unit_id).order_by("name")


# Lists ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Progress:
    assessment: Assessment
    answered: int
    leaves: int
    appraised: int
    fields_done: int


def assessments_in(cycle_id: int, units: QuerySet[Any] | None = None) -> AssessmentQuerySet:
    """The cycle's assessments (of these units), in the order of the units' list."""
    assessments = Assessment.objects.filter(cycle_id=cycle_id).select_related("unit", "group")
    if units is not None:
        assessments = assessments.filter(unit__in=units)
    return assessments.order_by("group__position", "unit__position", "unit__name")


def progress(assessments: list[Assessment]) -> list[Progress]:
    """How far each of these assessments has got, in two queries: call it on a page of
    assessments, not on a whole cycle of thousands."""
    counts = {
        row["assessment_id"]: row
        for row in AssessmentItem.objects.filter(assessment__in=assessments)
        .answerable()
        .values("assessment_id")
        .annotate(
            leaves=Count("pk"),
            answered=Count("pk", filter=ANSWERED),
            appraised=Count("pk", filter=Q(appraised_inputs__isnull=False)),
        )
    }
    done = dict(
        FieldAppraisal.objects.filter(assessment__in=assessments)
        .values_list("assessment_id")
        .annotate(n=Count("pk"))
    )
    empty = {"leaves": 0, "answered": 0, "appraised": 0}
    return [
        Progress(
            a,
            counts.get(a.pk, empty)["answered"],
            counts.get(a.pk, empty)["leaves"],
            counts.get(a.pk, empty)["appraised"],
            done.get(a.pk, 0),
        )
        for a in assessments
    ]


def state_counts(cycle_id: int) -> dict[str, int]:
    """How many assessments are in each state, in words."""
    found = dict(
        Assessment.objects.filter(cycle_id=cycle_id)
        .values_list("state")
        .annotate(n=Count("pk"))
        .order_by()
    )
    return {str(state.label): found[state.value] for state in State if state.value in found}


def audit_for(assessment: Assessment, user: User, *, unit_view: bool) -> QuerySet[Any]:
    """The assessment's history. The unit sees the appraisers' changes to its scores only
    once the round they belong to has ended."""
    entries = assessment.audit.select_related("by", "item__criterion").order_by("-at", "-pk")
    if unit_view:
        entries = entries.seen_by_unit(assessment)
    return entries


@dataclass(frozen=True)
class AppraiserProgress:
    appraiser: User
    assigned: int  # (unit, field) pairs to appraise
    done: int  # of which marked as appraised this round


def appraisal_progress(cycle_id: int, round_number: int) -> list[AppraiserProgress]:
    """For each appraiser: the unit-fields assigned in the cycle and those finished, in a
    few queries whatever the number of units."""
    from parindex.org.models import AppraisalAssignment

    assessments = list(
        Assessment.objects.filter(cycle_id=cycle_id).values_list("pk", "unit_id", "group_id")
    )
    finished = set(
        FieldAppraisal.objects.filter(
            assessment__cycle_id=cycle_id, round=round_number
        ).values_list("assessment_id", "field_code")
    )
    by_appraiser: dict[int, list[tuple[int, str]]] = defaultdict(list)
    people: dict[int, User] = {}
    for assignment in AppraisalAssignment.objects.select_related("appraiser"):
        people[assignment.appraiser_id] = assignment.appraiser
        for pk, unit_id, group_id in assessments:
            covered = (
                assignment.unit_id == unit_id
                if assignment.unit_id is not None
                else group_id == assignment.group_id and unit_id != assignment.appraiser.unit_id
            )
            if covered:
                by_appraiser[assignment.appraiser_id].append((pk, assignment.field_code))
    return [
        AppraiserProgress(people[pk], len(pairs), sum(1 for pair in pairs if pair in finished))
        for pk, pairs in sorted(by_appraiser.items(), key=lambda item: str(people[item[0]]))
    ]


def current_cycle() -> Cycle | None:
    """The cycle people work on now: the newest one under way, else the newest."""
    from .models import Phase

    cycles = Cycle.objects.order_by("-year")
    return cycles.exclude(phase__in=[Phase.SETUP, Phase.PUBLISHED]).first() or cycles.first()


@dataclass(frozen=True)
class FieldDone:
    group: str
    code: str
    title: str
    done: int  # units whose field is marked appraised this round
    units: int


def field_progress(cycle_id: int, round_number: int) -> list[FieldDone]:
    """For each group and field of the cycle: how many units' field is appraised."""
    units = dict(
        Assessment.objects.filter(cycle_id=cycle_id).values_list("group_id").annotate(n=Count("pk"))
    )
    done = {
        (group, code): n
        for group, code, n in FieldAppraisal.objects.filter(
            assessment__cycle_id=cycle_id, round=round_number
        )
        .values_list("assessment__group_id", "field_code")
        .annotate(n=Count("pk"))
    }
    fields = Criterion.objects.filter(
        depth=0, framework__in=CycleGroup.objects.filter(cycle_id=cycle_id).values("framework")
    ).values_list("framework__group_id", "framework__group__name", "code", "title")
    return [
        FieldDone(name, code, title, done.get((group, code), 0), units.get(group, 0))
        for group, name, code, title in fields.order_by("framework__group__position", "position")
    ]


# What the unit did with the appraisers' requests, and in its revision ------------------

# The unit's own kinds of change: its answer, explanation, claim and evidence.
UNIT_KINDS = (
    AuditEntry.Kind.SELF,
    AuditEntry.Kind.NOTE,
    AuditEntry.Kind.CLAIM,
    AuditEntry.Kind.EVIDENCE,
)


@dataclass(frozen=True)
class RequestStatus:
    request: ExplanationRequest
    code: str
    answered: bool  # the unit changed the criterion (answer, explanation, evidence) since


def request_status(assessment: Assessment) -> list[RequestStatus]:
    """Each request for explanation of the assessment, and whether the unit answered it:
    changed that criterion's answer, explanation or evidence after it was asked."""
    requests = list(
        ExplanationRequest.objects.filter(item__assessment=assessment)
        .select_related("item__criterion", "requested_by")
        .order_by("item__criterion__position", "requested_at")
    )
    if not requests:
        return []
    changes: dict[int, list[datetime.datetime]] = {}
    for item_id, at in AuditEntry.objects.filter(
        assessment=assessment, kind__in=UNIT_KINDS, item__in=[r.item_id for r in requests]
    ).values_list("item_id", "at"):
        changes.setdefault(item_id, []).append(at)
    return [
        RequestStatus(
            request,
            request.item.criterion.code,
            any(at > request.requested_at for at in changes.get(request.item_id, [])),
        )
        for request in requests
    ]


@dataclass
class RevisionChange:
    """What the unit changed in one criterion during its revision (round 2): each kind's
    value before the first change of the round and as it is now, files cited and
    uncited."""

    before: dict[str, Any] = field(default_factory=dict)  # kind -> value before
    after: dict[str, Any] = field(default_factory=dict)  # kind -> value now
    added: list[str] = field(default_factory=list)  # evidence cited in the revision
    removed: list[str] = field(default_factory=list)


def revision_changes(assessment: Assessment) -> dict[int, RevisionChange]:
    """By item: what the unit changed since round 1 closed, from the audit, in one query."""
    changes: dict[int, RevisionChange] = {}
    entries = AuditEntry.objects.filter(
        assessment=assessment, round=2, kind__in=UNIT_KINDS, item__isnull=False
    ).order_by("at", "pk")
    for item_id, kind, old, new in entries.values_list("item_id", "kind", "old", "new"):
        change = changes.setdefault(item_id, RevisionChange())
        if kind == AuditEntry.Kind.EVIDENCE:
            name = (new or old or {}).get("name", "")
            if new is not None:
                change.added.append(name)
            elif name in change.added:
                change.added.remove(name)
            else:
                change.removed.append(name)
            continue
        change.before.setdefault(kind, old)
        change.after[kind] = new
    for change in changes.values():
        for kind in list(change.after):
            if change.after[kind] == change.before.get(kind):  # changed and changed back
                del change.after[kind], change.before[kind]
    return {pk: c for pk, c in changes.items() if c.after or c.added or c.removed}


def history_people(assessment: Assessment, entries: QuerySet[Any]) -> list[tuple[int, str]]:
    """Who appears in these entries of the history, for its filter."""
    people = User.objects.filter(pk__in=entries.values("by")).order_by("display_name", "username")
    return [(person.pk, str(person)) for person in people]
