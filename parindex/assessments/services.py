"""Actions on assessments: opening a cycle, moving states, saving what the unit and the
appraisers enter, evidence. Each runs in one transaction and writes its audit entries;
each checks on the server who may do it, whatever the page offered."""

from __future__ import annotations

import datetime
import hashlib
import json
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import UploadedFile
from django.db import connection, transaction
from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from parindex.frameworks.models import Criterion
from parindex.frameworks.rules import InputsError, read_inputs
from parindex.org.errors import Forbidden, Refused
from parindex.org.models import UNIT_ROLES, Role, Unit, User
from parindex.org.templatetags.parindex import megabytes
from parindex.scoring.rules import Inputs

from . import evidence as types
from . import reading
from .access import acting_role, appraiser_fields
from .models import (
    Assessment,
    AssessmentItem,
    AuditEntry,
    Cycle,
    CycleGroup,
    EvidenceFile,
    EvidenceUrl,
    ExplanationRequest,
    FieldAppraisal,
    ItemEvidence,
    Phase,
    State,
    inputs_to_json,
)
from .signals import round_closed
from .workflow import (
    BY_ACTION,
    PhaseStep,
    Transition,
    TransitionRefused,
    allowed_actions,
    refusal,
    step_refusal,
)


class StaleItem(Exception):
    """Someone saved the item since it was read: nothing was written. `current` is the
    item as it is now, so the page can show what changed."""

    def __init__(self, current: AssessmentItem) -> None:
        super().__init__("stale")
        self.current = current


def _today() -> datetime.date:
    return timezone.localdate()


def _audit(
    assessment: Assessment,
    kind: str,
    *,
    by: User | None,
    item: AssessmentItem | None = None,
    old: Any = None,
    new: Any = None,
    reason: str = "",
) -> AuditEntry:
    return AuditEntry.objects.create(
        cycle_id=assessment.cycle_id,
        assessment=assessment,
        item=item,
        kind=kind,
        round=assessment.round,
        old=old,
        new=new,
        reason=reason,
        by=by,
    )


# Opening a cycle -----------------------------------------------------------------------


@transaction.atomic
def cycle_open(*, cycle: Cycle, by: User | None) -> int:
    """Give every active unit of the cycle's groups its assessment, one item per leaf of
    its group's framework (units already in the cycle are kept as they are)."""
    existing = set(Assessment.objects.filter(cycle=cycle).values_list("unit_id", flat=True))
    created = 0
    for cycle_group in CycleGroup.objects.filter(cycle=cycle).select_related("framework"):
        leaves = list(
            Criterion.objects.filter(framework=cycle_group.framework)
            .exclude(rule_type="")
            .values_list("pk", flat=True)
        )
        units = Unit.objects.active().filter(group_id=cycle_group.group_id).exclude(pk__in=existing)
        assessments = Assessment.objects.bulk_create(
            Assessment(cycle=cycle, unit=unit, group_id=cycle_group.group_id) for unit in units
        )
        AssessmentItem.objects.bulk_create(
            (
                AssessmentItem(assessment=assessment, criterion_id=leaf)
                for assessment in assessments
                for leaf in leaves
            ),
            batch_size=2000,
        )
        created += len(assessments)
    return created


@dataclass(frozen=True)
class PhaseMoved:
    step: PhaseStep
    closed: list[Assessment]  # the assessments the step's round closed
    # What the apps listening to `round_closed` did, each in one sentence for the page.
    notes: list[str]


def cycle_step_check(*, cycle: Cycle, to: str, by: User) -> PhaseStep:
    """The step of the phase table from the cycle's phase to `to`, if the user may take
    it now; otherwise Forbidden or Refused (as `cycle_advance` would)."""
    if not by.is_admin:
        raise Forbidden(_("Only the administrator changes the cycle's phase."))
    unapproved = cycle.assessments.exclude(state=State.APPROVED).count()
    step, problem = step_refusal(cycle, to, by.role, unapproved=unapproved)
    if problem is not None or step is None:
        raise Refused(problem or "")
    return step


@transaction.atomic
def cycle_advance(*, cycle: Cycle, to: Phase, by: User) -> PhaseMoved:
    """Move the cycle to its next phase by a step of `workflow.PHASE_STEPS`, or refuse.

    Opening the self-assessment gives the units their assessments. A step that closes an
    appraisal round closes every assessment of the round and sends `round_closed` (the
    results app computes and sends the preliminary results); opening the revision opens
    it for every unit whose round-1 appraisal is closed. The move is audited.
    """
    cycle = Cycle.objects.select_for_update().get(pk=cycle.pk)
    step = cycle_step_check(cycle=cycle, to=to, by=by)
    if step.target == Phase.SELF_ASSESSMENT:
        cycle_open(cycle=cycle, by=by)
    closed: list[Assessment] = []
    notes: list[str] = []
    if step.closes_round is not None:
        closed = _close_round(cycle, step.closes_round, by)
        for _receiver, note in round_closed.send(
            sender=Cycle, cycle=cycle, round_number=step.closes_round, closed=closed, by=by
        ):
            if note:
                notes.append(str(note))
    old = cycle.phase
    cycle.phase = step.target
    cycle.save(update_fields=["phase"])
    _cycle_audit(cycle, AuditEntry.Kind.PHASE, by=by, old=old, new=step.target)
    if step.target == Phase.REVISION:
        for assessment in Assessment.objects.filter(cycle=cycle, state=State.APPRAISED_1):
            assessment_transition(assessment=assessment, action="open_revision", by=by)
    return PhaseMoved(step, closed, notes)


# How a round's end closes each assessment, by the state it is in.
_ROUND_CLOSE = {
    1: {
        State.DRAFT: "close_unsubmitted",
        State.SUBMITTED: "finish_appraisal",
        State.APPRAISING_1: "finish_appraisal",
    },
    2: {
        State.RESUBMITTED: "finish_appraisal_2",
        State.APPRAISING_2: "finish_appraisal_2",
        State.REVISING: "keep_round_1",
    },
}


def _close_round(cycle: Cycle, round_number: int, by: User) -> list[Assessment]:
    """Every assessment under appraisal is appraised, one never submitted is closed as it
    stands; in the final round, units that did not submit a revision keep their round-1
    appraisal. Returns the assessments closed now."""
    actions = _ROUND_CLOSE[round_number]
    return [
        assessment_transition(assessment=assessment, action=actions[State(assessment.state)], by=by)
        for assessment in Assessment.objects.filter(
            cycle=cycle, state__in=list(actions)
        ).select_related("unit")
    ]


@transaction.atomic
def cycle_set_deadlines(
    *, cycle: Cycle, deadlines: dict[str, datetime.date | None], by: User
) -> Cycle:
    """Set the last day of the cycle's phases (`deadlines` by phase); each change is
    audited. A unit's own extension is `assessment_extend`."""
    if not by.is_admin:
        raise Forbidden(_("Only the administrator sets the cycle's deadlines."))
    cycle = Cycle.objects.select_for_update().get(pk=cycle.pk)
    changed = []
    for phase, until in deadlines.items():
        field = f"{Phase(phase)}_until"
        old = getattr(cycle, field)
        if old == until:
            continue
        setattr(cycle, field, until)
        changed.append(field)
        _cycle_audit(
            cycle,
            AuditEntry.Kind.DEADLINE,
            by=by,
            old={"phase": phase, "until": old.isoformat() if old else None},
            new={"phase": phase, "until": until.isoformat() if until else None},
        )
    if changed:
        cycle.save(update_fields=changed)
    return cycle


def _cycle_audit(cycle: Cycle, kind: str, *, by: User, old: Any, new: Any) -> AuditEntry:
    return AuditEntry.objects.create(cycle=cycle, kind=kind, old=old, new=new, by=by)


@transaction.atomic
def cycle_approve(*, cycle: Cycle, by: User) -> int:
    """The council chair approves the appraised results of every unit of the cycle."""
    approved = 0
    for assessment in Assessment.objects.filter(cycle=cycle, state=State.APPRAISED_2):
        assessment_transition(assessment=assessment, action="approve", by=by)
        approved += 1
    return approved


# States ----------------------------------------------------------------------------


def transition_check(
    *,
    assessment: Assessment,
    action: str,
    by: User,
    reason: str = "",
    today: datetime.date | None = None,
) -> Transition:
    """The transition if the table allows the user to take it now; otherwise Forbidden
    (not the user's to take at all) or Refused (not now, and why)."""
    today = today or _today()
    role = acting_role(by, assessment)
    transition = BY_ACTION.get(action)
    if role is None:
        raise Forbidden(_("This assessment is not yours to act on."))
    if transition is None:
        raise TransitionRefused(
            _("Unknown action “%(action)s”.") % {"action": action},
            allowed_actions(assessment, role, today),
        )
    if role not in transition.roles:
        raise Forbidden(_("Your role cannot do this."), allowed_actions(assessment, role, today))
    problem = refusal(transition, assessment, role, today, reason=reason)
    if problem is None and action == "submit":
        problem = _submission_problem(assessment)
    if problem is not None:
        raise TransitionRefused(problem, allowed_actions(assessment, role, today))
    return transition


@transaction.atomic
def assessment_transition(
    *,
    assessment: Assessment,
    action: str,
    by: User,
    reason: str = "",
    today: datetime.date | None = None,
) -> Assessment:
    """Move the assessment by one action of the transitions table, or refuse."""
    assessment = (
        Assessment.objects.select_for_update().select_related("cycle", "unit").get(pk=assessment.pk)
    )
    transition = transition_check(
        assessment=assessment, action=action, by=by, reason=reason, today=today
    )
    old = assessment.state
    assessment.state = transition.target
    assessment.state_changed_at = timezone.now()
    if action == "resubmit":
        assessment.revised = True
    assessment.save(update_fields=["state", "state_changed_at", "revised"])
    _audit(
        assessment,
        AuditEntry.Kind.STATE,
        by=by,
        old=old,
        new={"state": transition.target, "action": action},
        reason=reason.strip(),
    )
    return assessment


def _submission_problem(assessment: Assessment) -> str | None:
    """A submission needs, for every leaf that requires evidence, evidence or an
    explanation; the message names the leaves that have neither."""
    missing = missing_evidence(assessment)
    if not missing:
        return None
    return _(
        "Every criterion that needs evidence must have evidence or an explanation. Still "
        "missing: %(codes)s."
    ) % {"codes": ", ".join(missing)}


def missing_evidence(assessment: Assessment) -> list[str]:
    """Codes of the leaves that need evidence and have neither a file, a link nor an
    explanation (leaves claimed not applicable excepted), in the framework's order."""
    return list(
        AssessmentItem.objects.filter(assessment=assessment)
        .missing_evidence()
        .order_by("criterion__position")
        .values_list("criterion__code", flat=True)
    )


@transaction.atomic
def assessment_extend(
    *, assessment: Assessment, phase: Phase, until: datetime.date, by: User, reason: str
) -> Assessment:
    """Give one unit a later deadline for its self-assessment or its revision."""
    if not by.is_admin:
        raise Forbidden(_("Only the administrator extends a deadline."))
    if phase not in (Phase.SELF_ASSESSMENT, Phase.REVISION):
        raise Refused(_("Only the self-assessment and the revision have unit deadlines."))
    if not reason.strip():
        raise Refused(_("Give the reason."))
    assessment = Assessment.objects.select_for_update().get(pk=assessment.pk)
    field = f"{phase}_until"
    old = getattr(assessment, field)
    setattr(assessment, field, until)
    assessment.save(update_fields=[field])
    _audit(
        assessment,
        AuditEntry.Kind.DEADLINE,
        by=by,
        old={"phase": phase, "until": old.isoformat() if old else None},
        new={"phase": phase, "until": until.isoformat()},
        reason=reason.strip(),
    )
    return assessment


# What the unit enters -------------------------------------------------------------


def unit_edit_problem(
    assessment: Assessment, role: Role | None, today: datetime.date
) -> str | None:
    """Why the unit may not edit now (the window of its next submission), or None."""
    if role not in UNIT_ROLES:
        return _("Only the unit's scorer and head fill in its self-assessment.")
    action = "resubmit" if assessment.state == State.REVISING else "submit"
    return refusal(BY_ACTION[action], assessment, Role.UNIT_HEAD, today)


@dataclass(frozen=True)
class SelfAnswer:
    inputs: Inputs | None
    note: str
    claimed: bool
    claim_reason: str


@transaction.atomic
def item_save_self(
    *,
    item: AssessmentItem,
    answer: SelfAnswer,
    version: int,
    by: User,
    today: datetime.date | None = None,
) -> AssessmentItem:
    """Save the unit's answer to one leaf, if nobody saved it since `version` was read."""
    item = _locked_for_unit(item, by, today)
    assessment = item.assessment
    if item.version != version:
        raise StaleItem(item)
    if answer.claimed and not item.criterion.allow_not_applicable:
        raise Refused(_("This criterion cannot be declared not applicable."))
    if answer.claimed and not answer.claim_reason.strip():
        raise Refused(_("Say why the criterion does not apply to the unit."))
    stored = inputs_to_json(answer.inputs) if answer.inputs is not None else None
    changes: list[tuple[str, Any, Any]] = []
    if stored != item.self_inputs:
        changes.append((AuditEntry.Kind.SELF, item.self_inputs, stored))
        item.self_inputs = stored
    if answer.note.strip() != item.note:
        changes.append((AuditEntry.Kind.NOTE, item.note, answer.note.strip()))
        item.note = answer.note.strip()
    reason = answer.claim_reason.strip() if answer.claimed else ""
    claim = {"claimed": answer.claimed, "reason": reason}
    before = {"claimed": item.not_applicable_claimed, "reason": item.not_applicable_reason}
    if claim != before:
        changes.append((AuditEntry.Kind.CLAIM, before, claim))
        item.not_applicable_claimed = answer.claimed
        item.not_applicable_reason = reason
    if changes:
        _touch(item, by)
        for kind, old, new in changes:
            _audit(assessment, kind, by=by, item=item, old=old, new=new)
    return item


def _locked_for_unit(item: AssessmentItem, by: User, today: datetime.date | None) -> AssessmentItem:
    """The item, locked, if the user may change the unit's answers now; else refused."""
    item = _locked(item)
    assessment = item.assessment
    role = acting_role(by, assessment)
    problem = unit_edit_problem(assessment, role, today or _today())
    if problem is not None:
        raise (Forbidden if role not in UNIT_ROLES else Refused)(problem)
    return item


def _locked(item: AssessmentItem) -> AssessmentItem:
    return (
        AssessmentItem.objects.select_for_update()
        .select_related("assessment__cycle", "assessment__unit", "criterion")
        .get(pk=item.pk)
    )


def _touch(item: AssessmentItem, by: User) -> None:
    item.version += 1
    item.updated_at = timezone.now()
    item.updated_by = by
    item.save()


# Appraisal ------------------------------------------------------------------------


def may_appraise(assessment: Assessment, user: User, field_code: str) -> bool:
    """The administrator appraises every field; an appraiser the fields assigned."""
    if user.role == Role.ADMIN and user.is_active:
        return True
    return field_code in appraiser_fields(user, assessment)


def appraisal_problem(assessment: Assessment, user: User, field_code: str) -> str | None:
    """Why the user may not appraise this field of the unit now, or None."""
    if not may_appraise(assessment, user, field_code):
        return _("This field of this unit is not assigned to you.")
    if assessment.open_for_appraisal:
        return None
    return _("The unit's assessment is not open for appraisal now (%(state)s, %(phase)s).") % {
        "state": assessment.get_state_display(),
        "phase": assessment.cycle.get_phase_display(),
    }


def _check_appraisal(assessment: Assessment, user: User, field_code: str) -> None:
    if not may_appraise(assessment, user, field_code):
        raise Forbidden(_("This field of this unit is not assigned to you."))
    problem = appraisal_problem(assessment, user, field_code)
    if problem is not None:
        raise Refused(problem)


def _start_appraisal(assessment: Assessment, by: User) -> None:
    """The first appraisal of a submitted assessment starts its appraisal (through the
    transitions table): from then on the unit can no longer withdraw it."""
    action = {State.SUBMITTED: "start_appraisal", State.RESUBMITTED: "start_appraisal_2"}.get(
        State(assessment.state)
    )
    if action is not None:
        started = assessment_transition(assessment=assessment, action=action, by=by)
        assessment.state = started.state
        assessment.state_changed_at = started.state_changed_at


@dataclass(frozen=True)
class Appraisal:
    inputs: Inputs | None
    note: str
    claim_accepted: bool | None  # the decision on a not-applicable claim, if one is made


@transaction.atomic
def item_save_appraisal(
    *, item: AssessmentItem, appraisal: Appraisal, version: int, by: User
) -> AssessmentItem:
    """Save the appraiser's score, comment and decision on one leaf."""
    item = _locked(item)
    assessment = item.assessment
    _check_appraisal(assessment, by, item.criterion.field_code)
    if item.version != version:
        raise StaleItem(item)
    _start_appraisal(assessment, by)
    stored = inputs_to_json(appraisal.inputs) if appraisal.inputs is not None else None
    changes: list[tuple[str, Any, Any]] = []
    if stored != item.appraised_inputs:
        changes.append((AuditEntry.Kind.APPRAISAL, item.appraised_inputs, stored))
        item.appraised_inputs = stored
    if appraisal.note.strip() != item.appraisal_note:
        changes.append(
            (
                AuditEntry.Kind.APPRAISAL,
                {"note": item.appraisal_note},
                {"note": appraisal.note.strip()},
            )
        )
        item.appraisal_note = appraisal.note.strip()
    if item.not_applicable_claimed and appraisal.claim_accepted != item.not_applicable_accepted:
        changes.append(
            (AuditEntry.Kind.DECISION, item.not_applicable_accepted, appraisal.claim_accepted)
        )
        item.not_applicable_accepted = appraisal.claim_accepted
    if changes:
        _touch(item, by)
        for kind, old, new in changes:
            _audit(assessment, kind, by=by, item=item, old=old, new=new)
    return item


@transaction.atomic
def item_correct_appraisal(
    *, item: AssessmentItem, inputs: Inputs, reason: str, by: User
) -> AssessmentItem:
    """The council's correction of one leaf's appraisal after publication (an upheld
    appeal): the appraised inputs it sets, audited with the council's reason. Only the
    council's chair or the administrator corrects, never during an appraisal round."""
    item = _locked(item)
    assessment = item.assessment
    if not (by.is_active and by.role in (Role.ADMIN, Role.COUNCIL_CHAIR)):
        raise Forbidden(_("Only the council's chair or the administrator corrects an appraisal."))
    # The results' app checks that the results are published; while a round is open the
    # appraisers' own path applies.
    if assessment.open_for_appraisal:
        raise Refused(_("The assessment is open for appraisal: the appraisers score it."))
    if not reason.strip():
        raise Refused(_("A correction needs its reason."))
    stored = inputs_to_json(inputs)
    if stored != item.appraised_inputs:
        _audit(
            assessment,
            AuditEntry.Kind.APPRAISAL,
            by=by,
            item=item,
            old=item.appraised_inputs,
            new=stored,
            reason=reason.strip(),
        )
        item.appraised_inputs = stored
        _touch(item, by)
    return item


@dataclass(frozen=True)
class FieldAccepted:
    changed: int  # leaves that now carry the unit's own score as appraised
    kept: int  # leaves already appraised this round, left as the appraisers set them


def _field_of(assessment: Assessment, field_code: str) -> str:
    """The field's code if the unit's framework has that field; refused otherwise."""
    exists = Criterion.objects.filter(
        framework__in=CycleGroup.objects.filter(
            cycle_id=assessment.cycle_id, group_id=assessment.group_id
        ).values("framework"),
        depth=0,
        code=field_code,
    ).exists()
    if not exists:
        raise Refused(_("The framework has no field “%(field)s”.") % {"field": field_code})
    return field_code


def appraised_this_round(assessment: Assessment) -> set[int]:
    """Items an appraiser scored or decided on in the assessment's current round."""
    return set(
        AuditEntry.objects.filter(
            assessment=assessment,
            round=assessment.round,
            kind__in=[AuditEntry.Kind.APPRAISAL, AuditEntry.Kind.DECISION],
        ).values_list("item_id", flat=True)
    )


@transaction.atomic
def field_accept_self(
    *, assessment: Assessment, field_code: str, by: User, overwrite: bool = False
) -> FieldAccepted:
    """The appraiser accepts the unit's own scores (and its not-applicable claims) for a
    whole field in one action: the leaves not yet appraised this round, and with
    `overwrite` those already appraised too."""
    assessment = (
        Assessment.objects.select_for_update().select_related("cycle").get(pk=assessment.pk)
    )
    _check_appraisal(assessment, by, _field_of(assessment, field_code))
    _start_appraisal(assessment, by)
    done = set() if overwrite else appraised_this_round(assessment)
    changed = kept = 0
    items = (
        AssessmentItem.objects.select_for_update()
        .filter(assessment=assessment)
        .in_field(field_code)
        .select_related("criterion")
    )
    for item in items:
        accepted = True if item.not_applicable_claimed else item.not_applicable_accepted
        if item.appraised_inputs == item.self_inputs and accepted == item.not_applicable_accepted:
            continue
        if item.pk in done:
            kept += 1
            continue
        _audit(
            assessment,
            AuditEntry.Kind.APPRAISAL,
            by=by,
            item=item,
            old=item.appraised_inputs,
            new=item.self_inputs,
            reason=_("Self score accepted for the whole field"),
        )
        item.appraised_inputs = item.self_inputs
        item.not_applicable_accepted = accepted
        _touch(item, by)
        changed += 1
    return FieldAccepted(changed, kept)


@transaction.atomic
def field_finish(*, assessment: Assessment, field_code: str, by: User) -> FieldAppraisal:
    """The appraiser says a field of the unit is appraised for this round."""
    assessment = (
        Assessment.objects.select_for_update().select_related("cycle").get(pk=assessment.pk)
    )
    _check_appraisal(assessment, by, _field_of(assessment, field_code))
    done, _new = FieldAppraisal.objects.get_or_create(
        assessment=assessment,
        field_code=field_code,
        round=assessment.round,
        defaults={"done_by": by},
    )
    return done


@transaction.atomic
def field_reopen(*, assessment: Assessment, field_code: str, by: User) -> bool:
    """Take back "appraised" from a field of the unit in this round (to appraise it
    further); True if it was marked."""
    assessment = (
        Assessment.objects.select_for_update().select_related("cycle").get(pk=assessment.pk)
    )
    _check_appraisal(assessment, by, _field_of(assessment, field_code))
    deleted, _rows = FieldAppraisal.objects.filter(
        assessment=assessment, field_code=field_code, round=assessment.round
    ).delete()
    return bool(deleted)


@transaction.atomic
def explanation_request(*, item: AssessmentItem, message: str, by: User) -> ExplanationRequest:
    """Ask the unit to explain a criterion or add evidence to it in its revision."""
    item = _locked(item)
    _check_appraisal(item.assessment, by, item.criterion.field_code)
    if not message.strip():
        raise Refused(_("Say what the unit should explain or add."))
    request = ExplanationRequest.objects.create(
        item=item, round=item.assessment.round, message=message.strip(), requested_by=by
    )
    _audit(item.assessment, AuditEntry.Kind.REQUEST, by=by, item=item, new=message.strip())
    return request


# Evidence -------------------------------------------------------------------------


@transaction.atomic
def evidence_upload(
    *,
    item: AssessmentItem,
    upload: UploadedFile[bytes],
    by: User,
    today: datetime.date | None = None,
) -> EvidenceFile:
    """Store an uploaded file as evidence of the leaf. The type is read from the content;
    the same document uploaded again is the same file, linked once more."""
    item = _locked_for_unit(item, by, today)
    file = evidence_store(unit_id=item.assessment.unit_id, upload=upload, by=by)
    _link(item, file, by)
    return file


class FileTooLarge(Refused):
    """The file, or the unit's evidence with it, is larger than allowed (an API's 413)."""


class FileTypeRefused(Refused):
    """The file is not of a type evidence may be (an API's 415)."""


def evidence_store(*, unit_id: int, upload: UploadedFile[bytes], by: User) -> EvidenceFile:
    """Keep an uploaded file in the unit's evidence store: typed by its content, within
    the file's and the unit's limits, stored once per unit (the same document again is
    the same file, not read again). A new file's document is read by a job once the
    upload is committed (`evidence_read`). The assessment's evidence and the
    follow-up's reports share it."""
    size = upload.size or 0
    if size == 0:
        raise Refused(_("The file is empty."))
    if size > settings.EVIDENCE_MAX_FILE_BYTES:
        raise FileTooLarge(
            _("The file is %(size)s MB; a file may be %(max)s MB at most.")
            % {"size": megabytes(size), "max": megabytes(settings.EVIDENCE_MAX_FILE_BYTES)}
        )
    content = upload.read()
    kind = types.detect(content[:16], content)
    if kind is None:
        raise FileTypeRefused(
            _("“%(name)s” is not a PDF, Word (DOCX), Excel (XLSX), JPEG or PNG file.")
            % {"name": upload.name}
        )
    digest = hashlib.sha256(content).hexdigest()
    file = EvidenceFile.objects.filter(unit_id=unit_id, sha256=digest).first()
    if file is None:
        used = (
            EvidenceFile.objects.filter(unit_id=unit_id).aggregate(total=Sum("size"))["total"] or 0
        )
        if used + size > settings.EVIDENCE_MAX_UNIT_BYTES:
            raise FileTooLarge(
                _("The unit's evidence would exceed its %(max)s MB.")
                % {"max": megabytes(settings.EVIDENCE_MAX_UNIT_BYTES)}
            )
        file = EvidenceFile(
            unit_id=unit_id,
            name=(upload.name or "")[:255],
            kind=kind,
            size=size,
            sha256=digest,
            uploaded_by=by,
        )
        file.file.save(types.EXTENSIONS[kind], ContentFile(content), save=False)
        file.save()
        _read_later(file)
    return file


def _read_later(file: EvidenceFile) -> None:
    """Read the new file's document in the background once it is stored for good (the
    job finds the row only after the commit; a rolled-back upload is never read)."""
    from parindex.jobs.services import job_enqueue

    from .tasks import evidence_read_task

    pk, name = file.pk, file.name

    def queue() -> None:
        job_enqueue(
            task=evidence_read_task,
            kind=_("Read the evidence file “%(name)s”") % {"name": name[:150]},
            file_id=pk,
        )

    # Robust: the upload is committed whatever happens here; `read_evidence` reads what
    # was left unread.
    transaction.on_commit(queue, robust=True)


def evidence_read(*, file: EvidenceFile) -> reading.DocumentHeader:
    """Read what the file's document is (its number and symbol, date, issuer, title) and
    keep it on the file; images and workbooks are read as nothing found (no OCR).

    The file is read outside any transaction (pdftotext may take seconds, and SQLite's
    immediate transactions would hold the database's write lock meanwhile); the result
    is one UPDATE. Raises ReaderUnavailable, leaving the file unread, when this server
    cannot read PDFs.
    """
    with file.file.open("rb") as stored:
        content = stored.read(settings.EVIDENCE_MAX_FILE_BYTES + 1)
    header = reading.read(content, file.kind)
    file.document = header.to_json()
    file.read_at = timezone.now()
    EvidenceFile.objects.filter(pk=file.pk).update(document=file.document, read_at=file.read_at)
    return header


def _link(item: AssessmentItem, file: EvidenceFile, by: User) -> None:
    _cited, created = ItemEvidence.objects.get_or_create(
        item=item, file=file, defaults={"linked_by": by}
    )
    if created:
        _touch(item, by)
        _audit(
            item.assessment,
            AuditEntry.Kind.EVIDENCE,
            by=by,
            item=item,
            new=file.audit_value,
        )


@transaction.atomic
def evidence_link(
    *, item: AssessmentItem, file: EvidenceFile, by: User, today: datetime.date | None = None
) -> None:
    """Cite a file the unit uploaded before as evidence of another leaf."""
    item = _locked_for_unit(item, by, today)
    if file.unit_id != item.assessment.unit_id:
        raise Forbidden(_("This file is not your unit's."))
    _link(item, file, by)


@transaction.atomic
def evidence_unlink(
    *, item: AssessmentItem, file: EvidenceFile, by: User, today: datetime.date | None = None
) -> None:
    """Stop citing a file for a leaf; the file itself stays with the unit."""
    item = _locked_for_unit(item, by, today)
    deleted, _rows = ItemEvidence.objects.filter(item=item, file=file).delete()
    if deleted:
        _touch(item, by)
        _audit(
            item.assessment,
            AuditEntry.Kind.EVIDENCE,
            by=by,
            item=item,
            old=file.audit_value,
        )


@transaction.atomic
def evidence_url_add(
    *, item: AssessmentItem, url: str, title: str, by: User, today: datetime.date | None = None
) -> EvidenceUrl:
    """Cite a web page as evidence of the leaf (the address is checked by the form: http
    or https, 500 characters at most); citing it again changes nothing."""
    item = _locked_for_unit(item, by, today)
    cited, created = EvidenceUrl.objects.get_or_create(
        item=item, url=url, defaults={"title": title.strip()[:300], "added_by": by}
    )
    if created:
        _touch(item, by)
        _audit(item.assessment, AuditEntry.Kind.EVIDENCE, by=by, item=item, new=cited.audit_value)
    return cited


@transaction.atomic
def evidence_url_remove(
    *, item: AssessmentItem, cited: EvidenceUrl, by: User, today: datetime.date | None = None
) -> None:
    """Stop citing a web page for a leaf."""
    item = _locked_for_unit(item, by, today)
    deleted, _rows = EvidenceUrl.objects.filter(pk=cited.pk, item=item).delete()
    if deleted:
        _touch(item, by)
        _audit(item.assessment, AuditEntry.Kind.EVIDENCE, by=by, item=item, old=cited.audit_value)


# Reminders ------------------------------------------------------------------------


def assessment_reminders(*, today: datetime.date | None = None) -> int:
    """Remind the units that have not submitted, REMINDER_DAYS days before their deadline
    (by e-mail and SMS to the head and the scorer; each reminder once)."""
    from parindex.notify.services import notice_enqueue

    from . import notices

    today = today or _today()
    waiting = {Phase.SELF_ASSESSMENT: State.DRAFT, Phase.REVISION: State.REVISING}
    queued = 0
    assessments = Assessment.objects.filter(
        cycle__phase__in=list(waiting), state__in=list(waiting.values())
    ).select_related("cycle", "unit")
    for assessment in assessments:
        phase = Phase(assessment.cycle.phase)
        deadline = assessment.deadline(phase)
        if assessment.state != waiting[phase] or deadline is None:
            continue
        days = (deadline - today).days
        if days not in settings.REMINDER_DAYS:
            continue
        queued += notice_enqueue(
            notice=notices.reminder(assessment, phase, deadline),
            event=f"reminder:{assessment.pk}:{phase}:{deadline}:{days}",
            contacts=assessment.unit.contacts(heads_only=False),
        )
    return queued


# Measured inputs from another system ------------------------------------------------

# The rules whose inputs are counts another system can measure: dossiers received and
# resolved on time (ratio_tiers, proportional), occurrences (deduction).
MEASURABLE = frozenset({"ratio_tiers", "proportional", "deduction"})


@dataclass(frozen=True)
class MeasureProblem:
    unit: str
    criterion: str | None
    kind: str  # unknown_unit, not_editable, unknown_criterion, not_measurable, invalid
    message: str
    field: str | None = None


class MeasureRefused(Refused):
    """Nothing was written: `problems` says what and where, unit by unit."""

    def __init__(self, problems: list[MeasureProblem]) -> None:
        super().__init__(" ".join(problem.message for problem in problems[:5]))
        self.problems = problems


ROWS_PER_UPDATE = 1000


def _set_self_inputs(rows: list[tuple[int, Any]], now: datetime.datetime, by: User) -> None:
    """Each item's new inputs, its version moved on, who and when: one UPDATE … FROM
    VALUES per thousand items (Django's bulk_update builds a CASE per row in Python,
    seconds for thousands)."""
    table = AssessmentItem._meta.db_table
    cast = "CAST(v.inputs AS jsonb)" if connection.vendor == "postgresql" else "v.inputs"
    when = connection.ops.adapt_datetimefield_value(now)
    for start in range(0, len(rows), ROWS_PER_UPDATE):
        chunk = rows[start : start + ROWS_PER_UPDATE]
        values = ", ".join(["(%s, %s)"] * len(chunk))
        params: list[Any] = [when, by.pk]
        for pk, stored in chunk:
            params += [pk, None if stored is None else json.dumps(stored)]
        sql = (
            f"UPDATE {table} SET self_inputs = {cast}, version = {table}.version + 1, "  # noqa: S608 - names from the model, values as parameters
            f"updated_at = %s, updated_by_id = %s FROM (SELECT column1 AS id, column2 AS "
            f"inputs FROM (VALUES {values}) AS given) AS v WHERE {table}.id = v.id"
        )
        with connection.cursor() as cursor:
            cursor.execute(sql, params)


@transaction.atomic
def items_measure(
    *,
    cycle: Cycle,
    measured: Mapping[str, Mapping[str, Mapping[str, str]]],
    by: User,
    today: datetime.date | None = None,
) -> int:
    """Measured inputs of rule-based leaves, {unit: {criterion: {input: text}}}, written
    as the units' own inputs while each unit may edit, all or nothing; each change in the
    audit by the integration account that measured it. Returns the leaves changed."""
    if not (by.is_active and by.is_integration):
        raise Forbidden(_("Only an integration account pushes measured inputs."))
    today = today or _today()
    found = {
        assessment.unit.code: assessment
        for assessment in Assessment.objects.filter(
            cycle=cycle, unit__code__in=list(measured)
        ).select_related("cycle", "unit")
    }
    problems: list[MeasureProblem] = []
    for code in measured:
        assessment = found.get(code)
        if assessment is None:
            problems.append(MeasureProblem(code, None, "unknown_unit", _("Unknown unit.")))
            continue
        problem = unit_edit_problem(assessment, Role.UNIT_HEAD, today)
        if problem is not None:
            problems.append(MeasureProblem(code, None, "not_editable", problem))
    codes = {criterion for values in measured.values() for criterion in values}
    rows = list(
        AssessmentItem.objects.select_for_update()
        .filter(assessment__in=list(found.values()), criterion__code__in=codes)
        .only("pk", "assessment_id", "criterion_id", "self_inputs")
    )
    criteria = Criterion.objects.in_bulk({row.criterion_id for row in rows})
    items = {(row.assessment_id, criteria[row.criterion_id].code): row for row in rows}
    rules: dict[int, Any] = {}
    changed: list[tuple[AssessmentItem, Any, Any]] = []
    for code, values in measured.items():
        assessment = found.get(code)
        if assessment is None:
            continue
        for criterion, data in values.items():
            item = items.get((assessment.pk, criterion))
            if item is None:
                problems.append(
                    MeasureProblem(code, criterion, "unknown_criterion", _("Unknown criterion."))
                )
                continue
            if criteria[item.criterion_id].rule_type not in MEASURABLE:
                problems.append(
                    MeasureProblem(
                        code,
                        criterion,
                        "not_measurable",
                        _("Criterion %(code)s is not scored from measured numbers.")
                        % {"code": criterion},
                    )
                )
                continue
            rule = rules.get(item.criterion_id)
            if rule is None:
                rule = rules[item.criterion_id] = criteria[item.criterion_id].rule()
            try:
                inputs = read_inputs(rule, Decimal(criteria[item.criterion_id].max_points), data)
            except InputsError as error:
                problems.append(
                    MeasureProblem(code, criterion, "invalid", error.message, error.field)
                )
                continue
            stored = inputs_to_json(inputs) if inputs is not None else None
            if stored != item.self_inputs:
                changed.append((item, item.self_inputs, stored))
    if problems:
        raise MeasureRefused(problems)
    now = timezone.now()
    rounds = {assessment.pk: assessment.round for assessment in found.values()}
    reason = _("Measured by %(system)s") % {"system": by.get_full_name() or by.username}
    _set_self_inputs([(item.pk, stored) for item, _old, stored in changed], now, by)
    AuditEntry.objects.bulk_create(
        [
            AuditEntry(
                cycle_id=cycle.pk,
                assessment_id=item.assessment_id,
                item=item,
                kind=AuditEntry.Kind.SELF,
                round=rounds[item.assessment_id],
                old=old,
                new=stored,
                reason=reason,
                by=by,
            )
            for item, old, stored in changed
        ],
        batch_size=1000,
    )
    return len(changed)
