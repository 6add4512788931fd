"""The initiatives register's services and selectors: a unit submits and edits its
initiatives until the council decides; the administrator or the council chair records the
council's decision; in every later year the unit reports whether each recognised initiative
was maintained and extended, and the administrator confirms it or not.

Who sees what: the oversight roles (administrator, chair, viewer) every initiative; a unit
its own in every status and everyone's recognised ones; an appraiser the recognised ones
(the register is public inside the system); survey partners nothing."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from parindex.assessments.models import EvidenceFile
from parindex.assessments.services import evidence_store
from parindex.org.errors import Forbidden, Refused
from parindex.org.models import OVERSIGHT_ROLES, UNIT_ROLES, Role, Unit, User
from parindex.results.forms import FIRST_YEAR

from .models import Initiative, InitiativeFollowup, InitiativeQuerySet

MAX_TITLE = 500
MAX_TEXT = 10_000
MAX_DECISION = 300
MAX_FILES = 10
PAGE_SIZE = 50
DECIDERS = (Role.ADMIN, Role.COUNCIL_CHAIR)


class NeedsConfirmation(Refused):
    """The decision would change a status already decided: the person confirms first."""


# Who may do what --------------------------------------------------------------------


def sees_all(user: User) -> bool:
    return user.is_active and user.role in OVERSIGHT_ROLES


def may_submit(user: User) -> bool:
    return user.is_active and user.role in UNIT_ROLES and user.unit_id is not None


def may_edit(user: User, initiative: Initiative) -> bool:
    """The unit's scorer or head, until the council decides."""
    return (
        may_submit(user)
        and user.unit_id == initiative.unit_id
        and initiative.status == Initiative.Status.SUBMITTED
    )


def may_decide(user: User) -> bool:
    return user.is_active and user.role in DECIDERS


def may_report(user: User, initiative: Initiative) -> bool:
    """The unit's scorer or head reports on its recognised initiatives."""
    return (
        may_submit(user)
        and user.unit_id == initiative.unit_id
        and initiative.status == Initiative.Status.RECOGNISED
    )


def may_confirm(user: User) -> bool:
    return user.is_admin


def visible_initiatives(user: User) -> InitiativeQuerySet:
    initiatives = Initiative.objects.all()
    if not user.is_active:
        return initiatives.none()
    if sees_all(user):
        return initiatives
    recognised = Q(status=Initiative.Status.RECOGNISED)
    if user.role in UNIT_ROLES:
        return initiatives.filter(recognised | Q(unit_id=user.unit_id or 0))
    if user.role == Role.APPRAISER:
        return initiatives.filter(recognised)
    return initiatives.none()


def may_see(user: User, initiative: Initiative) -> bool:
    """The Python form of `visible_initiatives`, for one initiative."""
    if not user.is_active:
        return False
    if sees_all(user):
        return True
    recognised = initiative.status == Initiative.Status.RECOGNISED
    if user.role in UNIT_ROLES:
        return recognised or user.unit_id == initiative.unit_id
    return user.role == Role.APPRAISER and recognised


def report_years(initiative: Initiative) -> list[int]:
    """The later years a unit may report on: from the year after recognition to this one."""
    return list(range(timezone.localdate().year, initiative.year, -1))


# Services ---------------------------------------------------------------------------


def _year(year: int) -> int:
    last = timezone.localdate().year
    if not FIRST_YEAR <= year <= last:
        raise Refused(
            _("The year must be from %(first)s to %(last)s.") % {"first": FIRST_YEAR, "last": last}
        )
    return year


def _texts(title: str, description: str) -> tuple[str, str]:
    title, description = " ".join(title.split()), description.strip()
    if not title:
        raise Refused(_("Give the initiative's title."))
    if len(title) > MAX_TITLE:
        raise Refused(_("A title is at most %(max)s characters.") % {"max": MAX_TITLE})
    if len(description) > MAX_TEXT:
        raise Refused(_("A description is at most %(max)s characters.") % {"max": MAX_TEXT})
    return title, description


def _store(unit_id: int, uploads: Sequence[UploadedFile[bytes]], by: User) -> list[EvidenceFile]:
    if len(uploads) > MAX_FILES:
        raise Refused(_("At most %(max)s files at a time.") % {"max": MAX_FILES})
    return [evidence_store(unit_id=unit_id, upload=upload, by=by) for upload in uploads]


@transaction.atomic
def initiative_submit(
    *,
    year: int,
    title: str,
    description: str = "",
    link: str = "",
    uploads: Sequence[UploadedFile[bytes]] = (),
    by: User,
) -> Initiative:
    """The unit's initiative of the year, awaiting the council's decision."""
    if not may_submit(by):
        raise Forbidden(_("Only a unit's scorer or head submits its initiatives."))
    assert by.unit_id is not None
    title, description = _texts(title, description)
    initiative = Initiative.objects.create(
        unit_id=by.unit_id,
        year=_year(year),
        title=title,
        description=description,
        link=link[:500],
        position=Initiative.objects.filter(unit_id=by.unit_id, year=year).count() + 1,
        created_by=by,
    )
    files = _store(by.unit_id, uploads, by)
    if files:
        initiative.evidence.add(*files)
    return initiative


@transaction.atomic
def initiative_update(
    *,
    initiative: Initiative,
    title: str,
    description: str = "",
    link: str = "",
    uploads: Sequence[UploadedFile[bytes]] = (),
    by: User,
) -> Initiative:
    """Correct a submitted initiative, or add files to it, until the council decides."""
    initiative = Initiative.objects.select_for_update().get(pk=initiative.pk)
    if not may_edit(by, initiative):
        if may_submit(by) and by.unit_id == initiative.unit_id:
            raise Refused(_("The council has decided on this initiative: it can no longer change."))
        raise Forbidden(_("Only the unit's scorer or head edits its initiatives."))
    initiative.title, initiative.description = _texts(title, description)
    initiative.link = link[:500]
    initiative.save(update_fields=["title", "description", "link"])
    files = _store(initiative.unit_id, uploads, by)
    if files:
        initiative.evidence.add(*files)
    return initiative


@transaction.atomic
def initiative_decide(
    *,
    initiative: Initiative,
    status: str,
    decision: str,
    reason: str = "",
    confirmed: bool = False,
    by: User,
) -> Initiative:
    """Record the council's decision: recognised or not (with the reason), citing the
    council's minutes or decision. Changing a status already decided needs `confirmed`."""
    if not may_decide(by):
        raise Forbidden(_("Only the administrator or the council chair records the decision."))
    initiative = Initiative.objects.select_for_update().get(pk=initiative.pk)
    if status not in (Initiative.Status.RECOGNISED, Initiative.Status.NOT_RECOGNISED):
        raise Refused(_("The council recognises an initiative or not."))
    decision, reason = " ".join(decision.split()), reason.strip()
    if not decision:
        raise Refused(
            _("Cite the council's decision: its minutes of a meeting or a decision number.")
        )
    if len(decision) > MAX_DECISION:
        raise Refused(_("A decision is at most %(max)s characters.") % {"max": MAX_DECISION})
    if len(reason) > MAX_TEXT:
        raise Refused(_("A reason is at most %(max)s characters.") % {"max": MAX_TEXT})
    if status == Initiative.Status.NOT_RECOGNISED and not reason:
        raise Refused(_("Say why the initiative is not recognised."))
    if status == Initiative.Status.RECOGNISED:
        reason = ""
    if initiative.is_decided and initiative.status != status and not confirmed:
        raise NeedsConfirmation(
            _("This initiative is already “%(old)s”: confirm to change it to “%(new)s”.")
            % {
                "old": Initiative.Status(initiative.status).label,
                "new": Initiative.Status(status).label,
            }
        )
    initiative.status = status
    initiative.decision = decision
    initiative.reason = reason
    initiative.decided_at = timezone.now()
    initiative.decided_by = by
    initiative.save(update_fields=["status", "decision", "reason", "decided_at", "decided_by"])
    return initiative


@transaction.atomic
def followup_report(
    *,
    initiative: Initiative,
    year: int,
    maintained: bool,
    extended: bool,
    note: str = "",
    uploads: Sequence[UploadedFile[bytes]] = (),
    by: User,
) -> InitiativeFollowup:
    """The unit's report for a later year: maintained, extended or replicated, with a
    note and evidence. It may change until the administrator confirms it."""
    initiative = Initiative.objects.get(pk=initiative.pk)
    if not (may_submit(by) and by.unit_id == initiative.unit_id):
        raise Forbidden(_("Only the unit's scorer or head reports on its initiatives."))
    if initiative.status != Initiative.Status.RECOGNISED:
        raise Refused(_("Only a recognised initiative is reported on in later years."))
    if year not in report_years(initiative):
        raise Refused(
            _("Report a year after %(year)s, up to this year.") % {"year": initiative.year}
        )
    note = note.strip()
    if len(note) > MAX_TEXT:
        raise Refused(_("A note is at most %(max)s characters.") % {"max": MAX_TEXT})
    if not (maintained or extended or note):
        raise Refused(_("Say whether it was maintained or extended, or write a note."))
    followup = (
        InitiativeFollowup.objects.select_for_update()
        .filter(initiative=initiative, year=year)
        .first()
    )
    if followup is not None and followup.status == InitiativeFollowup.Status.CONFIRMED:
        raise Refused(
            _("The administrator has confirmed this year's report: it no longer changes.")
        )
    if followup is None:
        followup = InitiativeFollowup(initiative=initiative, year=year)
    followup.maintained = maintained
    followup.extended = extended
    followup.note = note
    followup.status = InitiativeFollowup.Status.REPORTED
    followup.reported_by = by
    followup.reported_at = timezone.now()
    followup.comment = ""
    followup.save()
    files = _store(initiative.unit_id, uploads, by)
    if files:
        followup.evidence.add(*files)
    return followup


@transaction.atomic
def followup_confirm(
    *, followup: InitiativeFollowup, confirmed: bool, comment: str = "", by: User
) -> InitiativeFollowup:
    """The administrator confirms the year's report, or not (saying why)."""
    if not may_confirm(by):
        raise Forbidden(_("Only the administrator confirms the later years' reports."))
    followup = InitiativeFollowup.objects.select_for_update().get(pk=followup.pk)
    comment = comment.strip()
    if len(comment) > MAX_TEXT:
        raise Refused(_("A comment is at most %(max)s characters.") % {"max": MAX_TEXT})
    if not confirmed and not comment:
        raise Refused(_("Say why the report is not confirmed."))
    followup.status = (
        InitiativeFollowup.Status.CONFIRMED
        if confirmed
        else InitiativeFollowup.Status.NOT_CONFIRMED
    )
    followup.comment = comment
    followup.confirmed_at = timezone.now()
    followup.confirmed_by = by
    followup.save(update_fields=["status", "comment", "confirmed_at", "confirmed_by"])
    return followup


# Selectors --------------------------------------------------------------------------


@dataclass(frozen=True)
class RegisterFilter:
    year: int | None = None
    group_id: int | None = None
    unit_id: int | None = None
    status: str | None = None


def register(user: User, given: RegisterFilter) -> InitiativeQuerySet:
    """The initiatives the user sees, filtered, in the report's order; a row's later years
    come in one more query for the whole page."""
    initiatives = visible_initiatives(user).for_register()
    if given.year:
        initiatives = initiatives.filter(year=given.year)
    if given.group_id:
        initiatives = initiatives.filter(unit__group_id=given.group_id)
    if given.unit_id:
        initiatives = initiatives.filter(unit_id=given.unit_id)
    if given.status:
        initiatives = initiatives.filter(status=given.status)
    return initiatives.order_by(
        "-year", "unit__group__position", "unit__position", "position", "pk"
    )


def register_years() -> list[int]:
    return list(Initiative.objects.order_by("-year").values_list("year", flat=True).distinct())


def unit_initiatives(unit: Unit) -> list[Initiative]:
    return list(
        Initiative.objects.filter(unit=unit).for_detail().order_by("-year", "position", "pk")
    )


def year_initiatives(year: int) -> list[Initiative]:
    """The year's initiatives for the council's decisions, submitted ones first."""
    return list(
        Initiative.objects.filter(year=year)
        .select_related("unit__group", "decided_by")
        .prefetch_related("evidence")
        .order_by("status", "unit__group__position", "unit__position", "position", "pk")
    )


STATUS_VI: dict[str, str] = {
    Initiative.Status.SUBMITTED: "Chờ thẩm định",
    Initiative.Status.RECOGNISED: "Được công nhận",
    Initiative.Status.NOT_RECOGNISED: "Không được công nhận",
}
FOLLOWUP_VI: dict[str, str] = {
    InitiativeFollowup.Status.REPORTED: "Chờ xác nhận",
    InitiativeFollowup.Status.CONFIRMED: "Đã xác nhận",
    InitiativeFollowup.Status.NOT_CONFIRMED: "Không xác nhận",
}


def _marks(followup: InitiativeFollowup) -> str:
    done = [
        text
        for flag, text in (
            (followup.maintained, "duy trì"),
            (followup.extended, "phát triển, nhân rộng"),
        )
        if flag
    ]
    return f"{followup.year}: {', '.join(done) or 'không duy trì'} ({FOLLOWUP_VI[followup.status]})"


def register_workbook(initiatives: Sequence[Initiative]) -> bytes:
    """The register as an Excel workbook (a document of the province, in Vietnamese): one
    row per initiative, then one per initiative and later year."""
    from openpyxl import Workbook

    from parindex.results.sheets import save_book, write_rows

    book = Workbook(write_only=True)
    sheet = book.create_sheet("Sáng kiến")
    rows: list[list[object]] = [
        [
            "STT",
            "Năm",
            "Tên sáng kiến, giải pháp",
            "Mô tả",
            "Đơn vị",
            "Nhóm",
            "Tình trạng",
            "Quyết định, biên bản của Hội đồng",
            "Duy trì, phát triển, nhân rộng các năm sau",
        ]
    ]
    later: list[list[object]] = [
        [
            "STT",
            "Tên sáng kiến, giải pháp",
            "Đơn vị",
            "Năm công nhận",
            "Năm",
            "Duy trì",
            "Phát triển, nhân rộng",
            "Ghi chú",
            "Xác nhận",
        ]
    ]
    for number, initiative in enumerate(initiatives, start=1):
        followups: list[InitiativeFollowup] = getattr(initiative, "later", [])
        rows.append(
            [
                number,
                initiative.year,
                initiative.title,
                initiative.description,
                initiative.unit.name,
                initiative.unit.group.name,
                STATUS_VI[initiative.status],
                initiative.decision,
                "; ".join(_marks(followup) for followup in followups),
            ]
        )
        for followup in followups:
            later.append(
                [
                    len(later),
                    initiative.title,
                    initiative.unit.name,
                    initiative.year,
                    followup.year,
                    "Có" if followup.maintained else "Không",
                    "Có" if followup.extended else "Không",
                    followup.note,
                    FOLLOWUP_VI[followup.status],
                ]
            )
    write_rows(sheet, rows, [6, 8, 50, 60, 30, 20, 18, 40, 40], [], first=9, wrap=True)
    write_rows(
        book.create_sheet("Duy trì, nhân rộng"),
        later,
        [6, 50, 30, 10, 8, 10, 14, 50, 14],
        [],
        first=9,
        wrap=True,
    )
    return save_book(book)
