"""The directives' services and selectors: creating a directive with its tasks, closing
it, a unit's report on a task; completion per task, per unit and as a matrix.

Every state change runs in one transaction; every input is bounded (tasks per directive,
units per task, text lengths, the deadline's years)."""

from __future__ import annotations

import calendar
import datetime
import re
from collections.abc import Sequence
from dataclasses import dataclass, field

from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from parindex.assessments.services import evidence_store
from parindex.org.errors import Forbidden, Refused
from parindex.org.models import OVERSIGHT_ROLES, UNIT_ROLES, Unit, UnitGroup, User
from parindex.results.forms import FIRST_YEAR, LAST_YEAR

from .models import REPORT_TRANSITIONS, Directive, DirectiveTask, TaskAssignment

MAX_TASKS = 100
MAX_UNITS_PER_TASK = 300
MAX_TEXT = 10_000
MAX_DEADLINE = 40
MAX_FILES_PER_REPORT = 10
ROMAN = {"I": 1, "II": 2, "III": 3, "IV": 4}

_QUARTER = re.compile(r"quý\s+(I|II|III|IV)\s*/\s*(\d{4})", re.IGNORECASE)
_MONTH = re.compile(r"tháng\s+(\d{1,2})\s*/\s*(\d{4})", re.IGNORECASE)
_YEAR = re.compile(r"năm\s+(\d{4})", re.IGNORECASE)
_DATE = re.compile(r"(\d{1,2})\s*/\s*(\d{1,2})\s*/\s*(\d{4})")


@dataclass(frozen=True)
class Deadline:
    due_on: datetime.date
    written: str  # the period as written, or "" for a plain date


def parse_deadline(text: str) -> Deadline:
    """A deadline as a directive writes it: “quý IV/2021” (its quarter's last day),
    “tháng 11/2021”, “năm 2022”, or a date “31/12/2021”. Years from 2000 to 2100."""
    written = " ".join(text.split())
    if not written:
        raise Refused(_("Give the deadline: a date (31/12/2021) or a period (quý IV/2021)."))
    if len(written) > MAX_DEADLINE:
        raise Refused(_("A deadline is at most %(max)s characters.") % {"max": MAX_DEADLINE})
    if match := _QUARTER.fullmatch(written):
        year = _year(match.group(2))
        month = ROMAN[match.group(1).upper()] * 3
        return Deadline(_last_day(year, month), f"quý {match.group(1).upper()}/{year}")
    if match := _MONTH.fullmatch(written):
        year, month = _year(match.group(2)), int(match.group(1))
        if not 1 <= month <= 12:
            raise Refused(_("A month is from 1 to 12."))
        return Deadline(_last_day(year, month), f"tháng {month}/{year}")
    if match := _YEAR.fullmatch(written):
        year = _year(match.group(1))
        return Deadline(datetime.date(year, 12, 31), f"năm {year}")
    if match := _DATE.fullmatch(written):
        year = _year(match.group(3))
        try:
            due = datetime.date(year, int(match.group(2)), int(match.group(1)))
        except ValueError:
            raise Refused(_("“%(text)s” is not a date.") % {"text": written}) from None
        return Deadline(due, "")
    raise Refused(
        _(
            "“%(text)s” is not a deadline: write a date (31/12/2021), a quarter (quý IV/2021), "
            "a month (tháng 11/2021) or a year (năm 2022)."
        )
        % {"text": written}
    )


def _year(text: str) -> int:
    year = int(text)
    if not FIRST_YEAR <= year <= LAST_YEAR:
        raise Refused(
            _("The year must be from %(first)s to %(last)s.")
            % {"first": FIRST_YEAR, "last": LAST_YEAR}
        )
    return year


def _last_day(year: int, month: int) -> datetime.date:
    return datetime.date(year, month, calendar.monthrange(year, month)[1])


# Services ---------------------------------------------------------------------------


@dataclass
class TaskInput:
    number: str
    text: str
    deadline: str
    units: Sequence[Unit] = ()
    groups: Sequence[UnitGroup] = ()


def _check_admin(by: User | None) -> None:
    if by is not None and not by.is_admin:
        raise Forbidden(_("Only the administrator manages directives."))


@transaction.atomic
def directive_create(
    *,
    number: str,
    issued_on: datetime.date,
    issuer: str,
    subject: str,
    link: str = "",
    tasks: Sequence[TaskInput],
    by: User | None,
) -> Directive:
    """A directive with its numbered tasks, each assigned to its units and to the units
    of its groups active today (those remember the group)."""
    _check_admin(by)
    if not tasks:
        raise Refused(_("A directive needs at least one task."))
    if len(tasks) > MAX_TASKS:
        raise Refused(_("A directive has at most %(max)s tasks.") % {"max": MAX_TASKS})
    directive = Directive.objects.create(
        number=number.strip()[:50],
        issued_on=issued_on,
        issuer=issuer.strip()[:200],
        subject=subject.strip()[:500],
        link=link[:500],
        created_by=by,
    )
    group_units: dict[int, list[int]] = {}
    groups = {group.pk for task in tasks for group in task.groups}
    for unit_id, group_id in (
        Unit.objects.active().filter(group__in=groups).values_list("pk", "group_id")
    ):
        group_units.setdefault(group_id, []).append(unit_id)
    assignments: list[TaskAssignment] = []
    for position, given in enumerate(tasks, start=1):
        deadline = parse_deadline(given.deadline)
        text = given.text.strip()
        if not text or not given.number.strip():
            raise Refused(_("Each task needs its number and its text."))
        if len(text) > MAX_TEXT:
            raise Refused(_("A task's text is at most %(max)s characters.") % {"max": MAX_TEXT})
        task = DirectiveTask.objects.create(
            directive=directive,
            number=given.number.strip()[:20],
            text=text,
            due_on=deadline.due_on,
            deadline_text=deadline.written,
            position=position,
        )
        units: dict[int, int | None] = {}
        for group in given.groups:
            for unit_id in group_units.get(group.pk, []):
                units.setdefault(unit_id, group.pk)
        for unit in given.units:
            units[unit.pk] = None  # named by itself: not through a group
        if not units:
            raise Refused(
                _("Task %(number)s is given to nobody: choose units or groups.")
                % {"number": task.number}
            )
        if len(units) > MAX_UNITS_PER_TASK:
            raise Refused(_("A task goes to at most %(max)s units.") % {"max": MAX_UNITS_PER_TASK})
        assignments += [
            TaskAssignment(task=task, unit_id=unit_id, via_group_id=group_id)
            for unit_id, group_id in units.items()
        ]
    TaskAssignment.objects.bulk_create(assignments)
    return directive


@transaction.atomic
def directive_update(
    *,
    directive: Directive,
    number: str,
    issued_on: datetime.date,
    issuer: str,
    subject: str,
    link: str = "",
    by: User | None,
) -> Directive:
    """Correct the directive's number, date, issuer, subject or link while it is open."""
    _check_admin(by)
    directive = Directive.objects.select_for_update().get(pk=directive.pk)
    if directive.is_closed:
        raise Refused(_("This directive is closed; it can no longer be changed."))
    directive.number = number.strip()[:50]
    directive.issued_on = issued_on
    directive.issuer = issuer.strip()[:200]
    directive.subject = subject.strip()[:500]
    directive.link = link[:500]
    directive.save(update_fields=["number", "issued_on", "issuer", "subject", "link"])
    return directive


@transaction.atomic
def task_update(
    *, task: DirectiveTask, number: str, text: str, deadline: str, by: User | None
) -> DirectiveTask:
    """Correct a task's number, text or deadline while its directive is open; the units it
    was given to and their reports stay as they are."""
    _check_admin(by)
    task = DirectiveTask.objects.select_for_update().select_related("directive").get(pk=task.pk)
    if task.directive.is_closed:
        raise Refused(_("This directive is closed; it can no longer be changed."))
    given = parse_deadline(deadline)
    text = text.strip()
    if not text or not number.strip():
        raise Refused(_("Each task needs its number and its text."))
    if len(text) > MAX_TEXT:
        raise Refused(_("A task's text is at most %(max)s characters.") % {"max": MAX_TEXT})
    task.number = number.strip()[:20]
    task.text = text
    task.due_on = given.due_on
    task.deadline_text = given.written
    task.save(update_fields=["number", "text", "due_on", "deadline_text"])
    return task


@transaction.atomic
def directive_close(*, directive: Directive, by: User | None) -> Directive:
    """Close the directive: its units' reports stay as they are, none changes any more."""
    _check_admin(by)
    directive = Directive.objects.select_for_update().get(pk=directive.pk)
    if directive.is_closed:
        raise Refused(_("This directive is already closed."))
    directive.closed_at = timezone.now()
    directive.closed_by = by
    directive.save(update_fields=["closed_at", "closed_by"])
    return directive


def may_report(user: User, assignment: TaskAssignment) -> bool:
    return user.is_active and user.role in UNIT_ROLES and user.unit_id == assignment.unit_id


@transaction.atomic
def task_report(
    *,
    assignment: TaskAssignment,
    status: str,
    text: str,
    reason: str = "",
    link: str = "",
    uploads: Sequence[UploadedFile[bytes]] = (),
    by: User,
) -> TaskAssignment:
    """The unit's report on its task: its status, what it did (why it could not, when it
    could not), a link and evidence files, until the directive is closed."""
    assignment = (
        TaskAssignment.objects.select_for_update()
        .select_related("task__directive")
        .get(pk=assignment.pk)
    )
    if not may_report(by, assignment):
        raise Forbidden(_("Only the unit's scorer or head reports on its tasks."))
    if assignment.task.directive.is_closed:
        raise Refused(_("The directive is closed: reports can no longer change."))
    allowed = REPORT_TRANSITIONS[assignment.status]
    if status not in allowed:
        raise Refused(
            _("A report cannot go from “%(old)s” to “%(new)s”.")
            % {
                "old": TaskAssignment.Status(assignment.status).label,
                "new": _label(status),
            },
            allowed=[str(TaskAssignment.Status(s).label) for s in allowed],
        )
    text, reason = text.strip(), reason.strip()
    if len(text) > MAX_TEXT or len(reason) > MAX_TEXT:
        raise Refused(_("A report is at most %(max)s characters.") % {"max": MAX_TEXT})
    if status == TaskAssignment.Status.NOT_POSSIBLE and not reason:
        raise Refused(_("Say why the task could not be done."))
    if status != TaskAssignment.Status.NOT_POSSIBLE:
        reason = ""
    if len(uploads) > MAX_FILES_PER_REPORT:
        raise Refused(_("At most %(max)s files at a time.") % {"max": MAX_FILES_PER_REPORT})
    files = [evidence_store(unit_id=assignment.unit_id, upload=upload, by=by) for upload in uploads]
    assignment.status = status
    assignment.text = text
    assignment.reason = reason
    assignment.link = link[:500]
    assignment.reported_at = timezone.now()
    assignment.reported_by = by
    assignment.save(
        update_fields=["status", "text", "reason", "link", "reported_at", "reported_by"]
    )
    if files:
        assignment.evidence.add(*files)
    return assignment


def _label(status: str) -> str:
    try:
        return str(TaskAssignment.Status(status).label)
    except ValueError:
        return status


# Selectors --------------------------------------------------------------------------


def sees_all(user: User) -> bool:
    return user.is_active and user.role in OVERSIGHT_ROLES


@dataclass
class TaskProgress:
    task: DirectiveTask
    assigned: int = 0
    done: int = 0
    reported: int = 0
    overdue: int = 0  # units not done after the due date
    cells: dict[int, TaskAssignment] = field(default_factory=dict)


@dataclass
class UnitProgress:
    unit: Unit
    assigned: int = 0
    done: int = 0
    overdue: int = 0


@dataclass
class DirectiveProgress:
    directive: Directive
    tasks: list[TaskProgress]
    units: list[UnitProgress]

    @property
    def assigned(self) -> int:
        return sum(row.assigned for row in self.tasks)

    @property
    def done(self) -> int:
        return sum(row.done for row in self.tasks)

    def matrix(self) -> list[tuple[Unit, list[TaskAssignment | None]]]:
        """Units × tasks: the unit's assignment of each task, None where not given."""
        return [
            (row.unit, [task.cells.get(row.unit.pk) for task in self.tasks]) for row in self.units
        ]


def directive_progress(directive: Directive, today: datetime.date) -> DirectiveProgress:
    """Completion per task (x/y units done, overdue) and per unit, in two queries."""
    tasks = [TaskProgress(task) for task in directive.tasks.all()]
    by_task = {row.task.pk: row for row in tasks}
    units: dict[int, UnitProgress] = {}
    assignments = (
        TaskAssignment.objects.filter(task__directive=directive)
        .select_related("unit__group", "via_group", "reported_by")
        .order_by("unit__group__position", "unit__position", "unit__name")
    )
    for assignment in assignments:
        row = by_task[assignment.task_id]
        row.task.directive = directive
        assignment.task = row.task
        unit = units.setdefault(assignment.unit_id, UnitProgress(assignment.unit))
        done = assignment.status == TaskAssignment.Status.DONE
        late = not done and row.task.is_overdue(today)
        row.assigned += 1
        row.done += done
        row.reported += assignment.status != TaskAssignment.Status.NOT_REPORTED
        row.overdue += late
        row.cells[assignment.unit_id] = assignment
        unit.assigned += 1
        unit.done += done
        unit.overdue += late
    return DirectiveProgress(directive, tasks, list(units.values()))


STATUS_LABELS_VI: dict[str, str] = {
    TaskAssignment.Status.NOT_REPORTED: "Chưa báo cáo",
    TaskAssignment.Status.IN_PROGRESS: "Đang thực hiện",
    TaskAssignment.Status.DONE: "Đã hoàn thành",
    TaskAssignment.Status.NOT_POSSIBLE: "Không thực hiện được",
}


def directive_workbook(progress: DirectiveProgress, today: datetime.date) -> bytes:
    """The matrix units × tasks as an Excel workbook (a document of the province, in
    Vietnamese), then the completion per task."""
    from openpyxl import Workbook

    from parindex.results.sheets import save_book, write_rows

    directive = progress.directive
    book = Workbook(write_only=True)
    sheet = book.create_sheet("Tiến độ")
    header: list[object] = ["Cơ quan, đơn vị"]
    header += [f"Nhiệm vụ {row.task.number}" for row in progress.tasks]
    header += ["Đã hoàn thành", "Được giao", "Quá hạn"]
    rows: list[list[object]] = [
        [
            f"Công văn số {directive.number} ngày {directive.issued_on:%d/%m/%Y}: "
            f"{directive.subject}"
        ],
        header,
    ]
    for unit_row, (unit, cells) in zip(progress.units, progress.matrix(), strict=True):
        rows.append(
            [unit.name]
            + [STATUS_LABELS_VI[cell.status] if cell else "" for cell in cells]
            + [unit_row.done, unit_row.assigned, unit_row.overdue]
        )
    write_rows(sheet, rows, [40] + [18] * (len(header) - 1), [], first=1, header_rows=2)
    tasks = book.create_sheet("Theo nhiệm vụ")
    task_rows: list[list[object]] = [
        ["Nhiệm vụ", "Nội dung", "Thời hạn", "Được giao", "Đã báo cáo", "Đã hoàn thành", "Quá hạn"]
    ]
    for row in progress.tasks:
        task_rows.append(
            [
                row.task.number,
                row.task.text,
                row.task.deadline_text or f"{row.task.due_on:%d/%m/%Y}",
                row.assigned,
                row.reported,
                row.done,
                row.overdue,
            ]
        )
    write_rows(tasks, task_rows, [10, 60, 14, 12, 12, 14, 10], [], first=3, wrap=True)
    return save_book(book)


def unit_assignments(unit: Unit) -> list[TaskAssignment]:
    """The unit's tasks across directives, each with its report: a fixed number of queries."""
    return list(TaskAssignment.objects.for_unit(unit))


def directive_units() -> list[Unit]:
    return list(Unit.objects.active().select_related("group"))
