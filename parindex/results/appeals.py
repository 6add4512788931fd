"""Appeals after publication (kiến nghị, issue 15 item 4): the window the administrator
sets, a unit's appeal on named criteria with its reasons and evidence, the council's
decision criterion by criterion, and the correction revision an upheld appeal makes."""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from parindex.assessments.models import AssessmentItem, Cycle, CycleGroup, inputs_to_json
from parindex.assessments.services import evidence_store, item_correct_appraisal
from parindex.frameworks.models import Criterion
from parindex.notify.models import Message
from parindex.notify.services import notice_enqueue
from parindex.org.errors import Forbidden, Refused
from parindex.org.models import OVERSIGHT_ROLES, UNIT_ROLES, Role, Unit, User
from parindex.scoring.rules import Inputs

from . import notices
from .models import Appeal, AppealCriterion, AppealWindow, ResultRow, ResultSnapshot

# Who reads a cycle's appeals: the oversight roles all of them, a unit's people their own.
READERS = (*OVERSIGHT_ROLES, *UNIT_ROLES)

MAX_REASON = 4000  # characters of a reason, the unit's or the council's
MAX_CRITERIA = 20  # criteria in one appeal
MAX_FILES = 10  # evidence files in one appeal


# Who decides appeals: the council's chair and the administrator.
DECIDERS = (Role.ADMIN, Role.COUNCIL_CHAIR)


def may_decide(user: User) -> bool:
    return user.is_active and user.role in DECIDERS


def sees_all(user: User) -> bool:
    return user.is_active and user.role in OVERSIGHT_ROLES


def may_file(user: User, unit: Unit) -> bool:
    return user.is_active and user.role in UNIT_ROLES and user.unit_id == unit.pk


def may_appeal_now(cycle: Cycle, unit: Unit) -> bool:
    """The cycle's window is open today and the unit has not appealed yet (one a year)."""
    window = AppealWindow.objects.filter(cycle=cycle).first()
    return (
        window is not None
        and window.is_open(timezone.localdate())
        and not Appeal.objects.filter(cycle=cycle, unit=unit).exists()
    )


def published_snapshot(cycle: Cycle) -> ResultSnapshot | None:
    """The cycle's latest published revision."""
    return (
        ResultSnapshot.objects.filter(cycle=cycle, status=ResultSnapshot.Status.PUBLISHED)
        .order_by("-revision")
        .first()
    )


def appealable_leaves(cycle: Cycle, unit: Unit) -> list[Criterion]:
    """The scored leaves of the unit's framework in the cycle, in document order."""
    return list(
        Criterion.objects.filter(
            framework__in=CycleGroup.objects.filter(cycle=cycle, group_id=unit.group_id).values(
                "framework"
            )
        )
        .exclude(rule_type="")
        .order_by("position")
    )


def _check_reason(text: str, what: str) -> str:
    text = text.strip()
    if not text:
        raise Refused(_("Give the reason for %(what)s.") % {"what": what})
    if len(text) > MAX_REASON:
        raise Refused(_("A reason is at most %(max)s characters.") % {"max": MAX_REASON})
    return text


# Actions ------------------------------------------------------------------------------


@transaction.atomic
def appeal_window_set(
    *, cycle: Cycle, opens_on: datetime.date, closes_on: datetime.date, by: User
) -> AppealWindow:
    """Set the days on which the units may appeal, once the cycle's results are published."""
    if not (by.is_active and by.role == Role.ADMIN):
        raise Forbidden(_("Only the administrator sets the appeal window."))
    if published_snapshot(cycle) is None:
        raise Refused(_("The appeal window is set once the results are published."))
    if opens_on > closes_on:
        raise Refused(_("The window closes after it opens."))
    window, _created = AppealWindow.objects.update_or_create(
        cycle=cycle, defaults={"opens_on": opens_on, "closes_on": closes_on, "set_by": by}
    )
    return window


@dataclass(frozen=True)
class AppealLine:
    criterion_code: str
    reason: str


@transaction.atomic
def appeal_file(
    *,
    cycle: Cycle,
    unit: Unit,
    lines: Sequence[AppealLine],
    uploads: Sequence[UploadedFile[bytes]] = (),
    by: User,
    today: datetime.date | None = None,
) -> Appeal:
    """File the unit's appeal on named criteria of its framework, each with its reason,
    and its evidence files (kept in the unit's evidence store), within the window."""
    if not may_file(by, unit):
        raise Forbidden(_("Only the unit's scorer or head files its appeal."))
    today = today or timezone.localdate()
    window = AppealWindow.objects.filter(cycle=cycle).first()
    if window is None or not window.is_open(today):
        raise Refused(_("Appeals are not open now."))
    before = published_snapshot(cycle)
    if before is None or not before.rows.filter(unit=unit).exists():
        raise Refused(_("The unit has no published result to appeal."))
    if Appeal.objects.filter(cycle=cycle, unit=unit).exists():
        raise Refused(_("The unit has already filed its appeal for this year."))
    if not lines:
        raise Refused(_("Name at least one criterion."))
    if len(lines) > MAX_CRITERIA:
        raise Refused(_("An appeal names at most %(max)s criteria.") % {"max": MAX_CRITERIA})
    if len(uploads) > MAX_FILES:
        raise Refused(_("At most %(max)s files at a time.") % {"max": MAX_FILES})
    leaves = {c.code: c for c in appealable_leaves(cycle, unit)}
    codes = [line.criterion_code for line in lines]
    if len(set(codes)) != len(codes):
        raise Refused(_("Each criterion is named once."))
    for code in codes:
        if code not in leaves:
            raise Refused(
                _("The unit's framework has no scored criterion “%(code)s”.") % {"code": code[:50]}
            )
    appeal = Appeal.objects.create(cycle=cycle, unit=unit, filed_at=timezone.now(), filed_by=by)
    AppealCriterion.objects.bulk_create(
        AppealCriterion(
            appeal=appeal,
            criterion=leaves[line.criterion_code],
            reason=_check_reason(line.reason, line.criterion_code),
            position=position,
        )
        for position, line in enumerate(lines)
    )
    files = [evidence_store(unit_id=unit.pk, upload=upload, by=by) for upload in uploads]
    if files:
        appeal.evidence.add(*files)
    notice_enqueue(
        notice=notices.appeal_filed(appeal=appeal, codes=codes),
        event=f"appeal:{appeal.pk}:filed",
        contacts=council_contacts(),
    )
    return appeal


def council_contacts() -> list[tuple[str, str]]:
    """Those who decide appeals, by e-mail: the active chairs and administrators."""
    return [
        (Message.Channel.EMAIL, email)
        for email in User.objects.filter(role__in=DECIDERS, is_active=True)
        .exclude(email="")
        .order_by("pk")
        .values_list("email", flat=True)
    ]


@transaction.atomic
def appeal_criterion_decide(
    *,
    line: AppealCriterion,
    upheld: bool,
    reason: str,
    inputs: Inputs | None,
    by: User,
) -> AppealCriterion:
    """The council's decision on one criterion, with its reason; an upheld one carries the
    appraisal the council sets. Changeable until the appeal is decided."""
    if not may_decide(by):
        raise Forbidden(_("Only the council's chair or the administrator decides appeals."))
    line = AppealCriterion.objects.select_for_update().select_related("appeal").get(pk=line.pk)
    if line.appeal.is_decided:
        raise Refused(_("The appeal is decided: its decisions no longer change."))
    if upheld and inputs is None:
        raise Refused(_("An upheld criterion needs the corrected appraisal."))
    line.outcome = AppealCriterion.Outcome.UPHELD if upheld else AppealCriterion.Outcome.REJECTED
    line.council_reason = _check_reason(reason, _("the decision"))
    line.corrected_inputs = inputs_to_json(inputs) if upheld and inputs is not None else None
    line.save(update_fields=["outcome", "council_reason", "corrected_inputs"])
    return line


@transaction.atomic
def appeal_decide(*, appeal: Appeal, by: User) -> Appeal:
    """Decide the appeal once each criterion is: the upheld criteria's appraisals are
    corrected (audited), the results recomputed as a correction revision with the
    council's reasons; a rejected appeal changes no result. The unit is told."""
    from parindex.assessments.models import inputs_from_json

    from .services import results_compute

    if not may_decide(by):
        raise Forbidden(_("Only the council's chair or the administrator decides appeals."))
    appeal = Appeal.objects.select_for_update().select_related("cycle", "unit").get(pk=appeal.pk)
    if appeal.is_decided:
        raise Refused(_("The appeal is already decided."))
    lines = list(appeal.criteria.select_related("criterion"))
    if any(line.outcome == AppealCriterion.Outcome.PENDING for line in lines):
        raise Refused(_("Decide each criterion first."))
    upheld = [line for line in lines if line.outcome == AppealCriterion.Outcome.UPHELD]
    if upheld:
        items = {
            item.criterion_id: item
            for item in AssessmentItem.objects.filter(
                assessment__cycle=appeal.cycle,
                assessment__unit=appeal.unit,
                criterion__in=[line.criterion_id for line in upheld],
            )
        }
        for line in upheld:
            item = items.get(line.criterion_id)
            inputs = inputs_from_json(line.corrected_inputs)
            if item is None or inputs is None:
                raise Refused(
                    _("The unit has no answer to criterion “%(code)s” to correct.")
                    % {"code": line.criterion.code}
                )
            item_correct_appraisal(item=item, inputs=inputs, reason=line.council_reason, by=by)
        appeal.before = published_snapshot(appeal.cycle)
        appeal.revision = results_compute(
            cycle=appeal.cycle, by=by, reason=correction_reason(appeal, upheld)
        )
    appeal.status = Appeal.Status.DECIDED
    appeal.decided_at = timezone.now()
    appeal.decided_by = by
    appeal.save(update_fields=["status", "decided_at", "decided_by", "before", "revision"])
    notice_enqueue(
        notice=notices.appeal_decided(appeal=appeal, lines=lines),
        event=f"appeal:{appeal.pk}:decided",
        contacts=appeal.unit.contacts(heads_only=False),
    )
    return appeal


def correction_reason(appeal: Appeal, upheld: Sequence[AppealCriterion]) -> str:
    """The correction revision's reason: whose appeal, which criteria, why."""
    return _("Appeal of %(unit)s upheld on %(criteria)s: %(reasons)s") % {
        "unit": appeal.unit.name,
        "criteria": ", ".join(line.criterion.code for line in upheld),
        "reasons": "; ".join(line.council_reason for line in upheld),
    }


# Selectors ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Standing:
    index_pct: Decimal
    rank: int | None
    rank_of: int | None


@dataclass(frozen=True)
class AppealRow:
    appeal: Appeal
    before: Standing | None  # the unit's result in the revision corrected
    after: Standing | None  # and in the revision the decision made

    @property
    def index_change(self) -> Decimal | None:
        if self.before is None or self.after is None:
            return None
        return self.after.index_pct - self.before.index_pct


def cycle_appeals(cycle: Cycle, *, unit: Unit | None = None) -> list[AppealRow]:
    """The cycle's appeals (or one unit's), with the unit's index and rank in the revision
    each decision corrected and in the one it made, as the engine's rows hold them."""
    appeals = Appeal.objects.filter(cycle=cycle).for_list()
    if unit is not None:
        appeals = appeals.filter(unit=unit)
    found = list(appeals)
    snapshots = {a.before_id for a in found} | {a.revision_id for a in found}
    standings: dict[tuple[int, int], Standing] = {}
    rows = ResultRow.objects.filter(
        snapshot_id__in=[pk for pk in snapshots if pk is not None],
        unit_id__in=[a.unit_id for a in found],
    ).values_list("snapshot_id", "unit_id", "index_pct", "rank", "rank_of")
    for snapshot_id, unit_id, index_pct, rank, rank_of in rows if found else []:
        standings[(snapshot_id, unit_id)] = Standing(index_pct, rank, rank_of)

    def standing(snapshot_id: int | None, unit_id: int) -> Standing | None:
        return standings.get((snapshot_id, unit_id)) if snapshot_id is not None else None

    return [
        AppealRow(a, standing(a.before_id, a.unit_id), standing(a.revision_id, a.unit_id))
        for a in found
    ]


def line_values(line: AppealCriterion) -> dict[str, Any]:
    """The corrected appraisal as the rule's form shows it."""
    from parindex.frameworks.rules import shown

    return shown(line.criterion.rule_type, line.corrected_inputs)
