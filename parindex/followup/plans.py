"""Improvement plans' services and selectors: a unit records its plan, its targets and its
divisions' tasks, and reports each task's progress yearly; each target is checked against
the engine's published figures of the unit, next to the province's own targets.

A target is never “not met” in a year without published results for the unit: it is
“no results yet”. A figure of a provisional result is checked, and says it is provisional.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal

from django.db import transaction
from django.db.models import Q
from django.utils.translation import gettext as _

from parindex.org.errors import Forbidden, Refused
from parindex.org.models import OVERSIGHT_ROLES, UNIT_ROLES, Unit, User
from parindex.results.forms import FIRST_YEAR, LAST_YEAR
from parindex.results.models import Target
from parindex.results.selectors import YearResults, published_years, target_views, year_results

from .models import ImprovementPlan, PlanTarget, PlanTask, TaskProgress

# The verdicts, as the province's targets write them (results' Target statuses).
MET, MISSED, PENDING = "met", "missed", "pending"
UNIT_KINDS = (Target.Kind.UNIT_INDEX_AT_LEAST, Target.Kind.UNIT_INDEX_RISE)
MAX_TEXT = 10_000
MAX_TARGETS = 100
MAX_TASKS = 300
HUNDRED = Decimal(100)

# Permissions -------------------------------------------------------------------------


def may_edit(user: User, unit: Unit) -> bool:
    """A unit's scorer and head edit their own unit's plan, nobody else's."""
    return user.is_active and user.role in UNIT_ROLES and user.unit_id == unit.pk


def sees_all(user: User) -> bool:
    return user.is_active and user.role in OVERSIGHT_ROLES


def _check_editor(by: User, unit: Unit) -> None:
    if not may_edit(by, unit):
        raise Forbidden(_("Only the unit's scorer or head edits its improvement plan."))


def _check_years(first_year: int, last_year: int) -> None:
    if not (FIRST_YEAR <= first_year <= last_year <= LAST_YEAR):
        raise Refused(
            _("The years run from %(first)s to %(last)s, the first not after the last.")
            % {"first": FIRST_YEAR, "last": LAST_YEAR}
        )


def _check_text(*texts: str) -> None:
    if any(len(text) > MAX_TEXT for text in texts):
        raise Refused(_("A text is at most %(max)s characters.") % {"max": MAX_TEXT})


# Services ----------------------------------------------------------------------------


@transaction.atomic
def plan_save(
    *,
    unit: Unit,
    title: str,
    decision_number: str,
    decision_date: datetime.date | None,
    first_year: int,
    last_year: int,
    by: User,
) -> ImprovementPlan:
    """Record the unit's plan, or change it; a unit has one plan."""
    _check_editor(by, unit)
    _check_years(first_year, last_year)
    title = " ".join(title.split())
    if not title:
        raise Refused(_("Give the plan's title."))
    plan, _created = ImprovementPlan.objects.select_for_update().get_or_create(
        unit=unit,
        defaults={"title": title, "first_year": first_year, "last_year": last_year},
    )
    plan.title = title[:500]
    plan.decision_number = decision_number.strip()[:50]
    plan.decision_date = decision_date
    plan.first_year, plan.last_year = first_year, last_year
    plan.updated_by = by
    plan.save()
    return plan


@transaction.atomic
def target_save(
    *,
    plan: ImprovementPlan,
    kind: str,
    value: Decimal,
    first_year: int,
    last_year: int,
    field_code: str = "",
    text: str = "",
    target: PlanTarget | None = None,
    by: User,
) -> PlanTarget:
    """Add a target to the plan (or change `target`): the index or a field's percentage
    at least N (0–100, two decimals at most), or a rank in the group of N or better."""
    _check_editor(by, plan.unit)
    _check_years(first_year, last_year)
    if not (plan.first_year <= first_year and last_year <= plan.last_year):
        raise Refused(
            _("A target's years lie within the plan's, %(first)s–%(last)s.")
            % {"first": plan.first_year, "last": plan.last_year}
        )
    if kind not in PlanTarget.Kind.values:
        raise Refused(_("Choose what the target is about."))
    if value.as_tuple().exponent < -2:  # type: ignore[operator]
        raise Refused(_("N has at most two decimals."))
    if kind == PlanTarget.Kind.RANK_AT_MOST:
        if value < 1 or value != value.to_integral_value():
            raise Refused(_("A rank is a whole number, 1 or more."))
    elif not (0 <= value <= HUNDRED):
        raise Refused(_("A percentage lies between 0 and 100."))
    field_code = field_code.strip()
    if kind == PlanTarget.Kind.FIELD_AT_LEAST and not field_code:
        raise Refused(_("Say which field the target is about."))
    if kind != PlanTarget.Kind.FIELD_AT_LEAST:
        field_code = ""
    _check_text(text)
    if target is None:
        if plan.targets.count() >= MAX_TARGETS:
            raise Refused(_("A plan has at most %(max)s targets.") % {"max": MAX_TARGETS})
        target = PlanTarget(plan=plan, position=plan.targets.count() + 1)
    elif target.plan_id != plan.pk:
        raise Forbidden(_("This target belongs to another plan."))
    target.kind, target.value, target.field_code = kind, value, field_code[:20]
    target.first_year, target.last_year = first_year, last_year
    target.text = " ".join(text.split())[:500]
    target.save()
    return target


@transaction.atomic
def target_delete(*, target: PlanTarget, by: User) -> None:
    _check_editor(by, target.plan.unit)
    target.delete()


@transaction.atomic
def task_save(
    *,
    plan: ImprovementPlan,
    division: str,
    text: str,
    criteria: str,
    due_year: int,
    task: PlanTask | None = None,
    by: User,
) -> PlanTask:
    """Hand a task to one of the unit's divisions (or change `task`)."""
    _check_editor(by, plan.unit)
    _check_years(due_year, due_year)
    division, text = " ".join(division.split()), text.strip()
    if not division or not text:
        raise Refused(_("Give the division and what it is to do."))
    _check_text(text)
    codes = [code.strip() for code in criteria.replace(";", ",").split(",") if code.strip()]
    if task is None:
        if plan.tasks.count() >= MAX_TASKS:
            raise Refused(_("A plan has at most %(max)s tasks.") % {"max": MAX_TASKS})
        task = PlanTask(plan=plan, position=plan.tasks.count() + 1)
    elif task.plan_id != plan.pk:
        raise Forbidden(_("This task belongs to another plan."))
    task.division, task.text, task.due_year = division[:200], text, due_year
    task.criteria = ", ".join(codes)[:200]
    task.save()
    return task


@transaction.atomic
def task_delete(*, task: PlanTask, by: User) -> None:
    _check_editor(by, task.plan.unit)
    task.delete()


@transaction.atomic
def progress_report(*, task: PlanTask, year: int, text: str, done: bool, by: User) -> TaskProgress:
    """The year's progress on a task: what was done, and whether the task is done; a
    second report for the same year replaces the first."""
    _check_editor(by, task.plan.unit)
    plan = task.plan
    if not plan.first_year <= year <= plan.last_year:
        raise Refused(
            _("Progress is reported for a year of the plan, %(first)s–%(last)s.")
            % {"first": plan.first_year, "last": plan.last_year}
        )
    text = text.strip()
    if not text:
        raise Refused(_("Say what was done."))
    _check_text(text)
    progress, _created = TaskProgress.objects.update_or_create(
        task=task, year=year, defaults={"text": text, "done": done, "reported_by": by}
    )
    return progress


# Selectors: a plan's progress ---------------------------------------------------------

NO_RESULTS = "no_results"  # shown as "no results yet"; the status stays PENDING


@dataclass(frozen=True)
class TargetCheck:
    """A target in a year: the engine's figure beside it and the verdict."""

    target: PlanTarget
    status: str  # MET, MISSED or PENDING
    actual: Decimal | None = None  # a percentage, or a rank
    rank_of: int | None = None
    provisional: bool = False
    reason: str = ""  # why it is pending

    @property
    def is_rank(self) -> bool:
        return self.target.kind == PlanTarget.Kind.RANK_AT_MOST

    @property
    def is_change(self) -> bool:
        """`actual` is the change of the index from the year before, in points."""
        return self.target.kind == PlanTarget.Kind.INDEX_RISES


@dataclass(frozen=True)
class ProvinceCheck:
    """One of the province's targets in the year, and what it says of this unit."""

    target: Target
    status: str  # the target's verdict for the year
    unit_status: str | None  # for goals on every unit: this unit's own verdict


@dataclass
class YearProgress:
    year: int
    has_results: bool
    provisional: bool
    checks: list[TargetCheck] = field(default_factory=list)
    province: list[ProvinceCheck] = field(default_factory=list)

    @property
    def met(self) -> int:
        return sum(check.status == MET for check in self.checks)

    @property
    def missed(self) -> int:
        return sum(check.status == MISSED for check in self.checks)


@dataclass(frozen=True)
class DivisionTasks:
    division: str
    tasks: list[PlanTask]


def check_target(
    target: PlanTarget,
    unit_code: str,
    results: YearResults | None,
    previous: YearResults | None = None,
) -> TargetCheck:
    """The target against the unit's published figure of the year, as the engine gives it
    (and of the year before, `previous`, for a rise of the index)."""
    ranked = results.ranked(unit_code) if results is not None and results.is_published else None
    if ranked is None:
        return TargetCheck(target, PENDING, reason=NO_RESULTS)
    result = ranked.result
    provisional = result.provisional
    if target.kind == PlanTarget.Kind.RANK_AT_MOST:
        if ranked.rank is None:
            return TargetCheck(target, PENDING, provisional=provisional, reason="not_ranked")
        rank = Decimal(ranked.rank)
        return TargetCheck(
            target,
            MET if rank <= target.value else MISSED,
            rank,
            ranked.rank_of,
            provisional,
        )
    if target.kind == PlanTarget.Kind.INDEX_RISES:
        before = (
            previous.ranked(unit_code) if previous is not None and previous.is_published else None
        )
        if before is None:
            return TargetCheck(target, PENDING, provisional=provisional, reason="no_previous")
        rise = result.index_pct - before.result.index_pct
        met = rise > 0 and rise >= target.value
        return TargetCheck(target, MET if met else MISSED, rise, provisional=provisional)
    if target.kind == PlanTarget.Kind.FIELD_AT_LEAST:
        actual = result.field_pct(target.field_code)
        if actual is None:
            return TargetCheck(target, PENDING, provisional=provisional, reason="no_field")
    else:
        actual = result.index_pct
    return TargetCheck(
        target, MET if actual >= target.value else MISSED, actual, provisional=provisional
    )


def province_targets(unit: Unit) -> list[Target]:
    """The province's targets that concern the unit: its own, its group's, every unit's."""
    return list(
        Target.objects.filter(Q(unit=unit) | Q(unit__isnull=True))
        .filter(Q(group_id=unit.group_id) | Q(group__isnull=True))
        .select_related("unit", "group")
    )


def plan_years(plan: ImprovementPlan, today: datetime.date) -> list[int]:
    """The plan's years up to this one, newest first: those that may have results."""
    last = min(plan.last_year, today.year)
    return list(range(last, plan.first_year - 1, -1))


def plan_progress(
    plan: ImprovementPlan, years: Iterable[int], targets: list[Target] | None = None
) -> list[YearProgress]:
    """Each year's targets of the plan against the unit's published figures, beside the
    province's targets of that year that concern the unit."""
    unit = plan.unit
    plan_targets = list(plan.targets.all())
    province = target_views(targets if targets is not None else province_targets(unit))
    found = []
    read: dict[int, YearResults | None] = {}

    def results_of(year: int) -> YearResults | None:
        if year not in read:
            read[year] = year_results(year, unit=unit.pk)
        return read[year]

    rises = any(t.kind == PlanTarget.Kind.INDEX_RISES for t in plan_targets)
    for year in years:
        results = results_of(year)
        previous = results_of(year - 1) if rises else None
        ranked = results.ranked(unit.code) if results is not None else None
        has_results = ranked is not None and results is not None and results.is_published
        progress = YearProgress(
            year, has_results, bool(has_results and ranked and ranked.result.provisional)
        )
        progress.checks = [
            check_target(target, unit.code, results, previous)
            for target in plan_targets
            if target.covers(year)
        ]
        for view in province:
            status = next((y for y in view.status.years if y.year == year), None)
            if status is None:
                continue
            unit_status = None
            if view.target.kind in UNIT_KINDS:
                if status.status == PENDING or not has_results:
                    unit_status = PENDING
                elif unit.code in status.missed:
                    unit_status = MISSED
                elif unit.code in status.not_compared:
                    unit_status = PENDING
                else:
                    unit_status = MET
            progress.province.append(ProvinceCheck(view.target, status.status, unit_status))
        found.append(progress)
    return found


def tasks_by_division(plan: ImprovementPlan) -> list[DivisionTasks]:
    """The plan's tasks grouped by division, each with its yearly progress."""
    groups: dict[str, list[PlanTask]] = {}
    for task in plan.tasks.prefetch_related("progress").order_by("division", "position", "pk"):
        groups.setdefault(task.division, []).append(task)
    return [DivisionTasks(division, tasks) for division, tasks in groups.items()]


# Selectors: the administrator's overview ----------------------------------------------


@dataclass(frozen=True)
class OverviewRow:
    unit: Unit
    plan: ImprovementPlan | None
    checks: list[TargetCheck]

    @property
    def met(self) -> int:
        return sum(check.status == MET for check in self.checks)

    @property
    def missed(self) -> int:
        return sum(check.status == MISSED for check in self.checks)

    @property
    def pending(self) -> int:
        return sum(check.status == PENDING for check in self.checks)


@dataclass(frozen=True)
class Overview:
    year: int | None  # the newest published year, the one the targets are checked in
    rows: list[OverviewRow]

    @property
    def with_plan(self) -> int:
        return sum(row.plan is not None for row in self.rows)


def plans_overview() -> Overview:
    """Every active unit, whether it has a plan, and its targets of the newest published
    year checked against that year's figures: a fixed number of queries, whatever the
    number of units."""
    years = published_years()
    year = years[0] if years else None
    results = year_results(year) if year is not None else None
    plans = {plan.unit_id: plan for plan in ImprovementPlan.objects.for_overview()}
    units = (
        Unit.objects.active()
        .select_related("group")
        .order_by("group__position", "position", "name")
    )
    rows = []
    for unit in units:
        plan = plans.get(unit.pk)
        checks = (
            [
                check_target(target, unit.code, results)
                for target in plan.targets.all()
                if target.covers(year)
            ]
            if plan is not None and year is not None
            else []
        )
        rows.append(OverviewRow(unit, plan, checks))
    return Overview(year, rows)


# The plan as a workbook ------------------------------------------------------------------

VERDICTS_VI = {MET: "Đạt", MISSED: "Không đạt", PENDING: "Chưa có kết quả"}


def target_words_vi(target: PlanTarget) -> str:
    """A target as the plan would write it (a document of the unit, in Vietnamese)."""
    if target.text:
        return target.text
    value = f"{target.value.normalize():f}".replace(".", ",")
    if target.kind == PlanTarget.Kind.INDEX_AT_LEAST:
        return f"Chỉ số CCHC đạt từ {value}%"
    if target.kind == PlanTarget.Kind.FIELD_AT_LEAST:
        return f"Lĩnh vực {target.field_code} đạt từ {value}% số điểm"
    if target.kind == PlanTarget.Kind.RANK_AT_MOST:
        return f"Nằm trong nhóm {value} đơn vị dẫn đầu"
    rises = "Chỉ số CCHC cao hơn năm trước liền kề"
    return rises if not target.value else f"{rises} từ {value} điểm phần trăm trở lên"


def plan_workbook(
    plan: ImprovementPlan, progress: list[YearProgress], divisions: list[DivisionTasks]
) -> bytes:
    """The plan's targets, each year's figure and verdict, and its divisions' tasks with
    their yearly progress: the unit's own report, in Vietnamese."""
    from openpyxl import Workbook

    from parindex.results.sheets import save_book, write_rows

    years = sorted(p.year for p in progress)
    by_year = {p.year: {check.target.pk: check for check in p.checks} for p in progress}
    book = Workbook(write_only=True)
    sheet = book.create_sheet("Mục tiêu")
    header: list[object] = ["Mục tiêu", "Từ năm", "Đến năm"]
    for year in years:
        header += [f"Kết quả {year}", f"Đánh giá {year}"]
    rows: list[list[object]] = [[f"{plan.title} – {plan.unit.name}"], header]
    for target in plan.targets.all():
        row: list[object] = [target_words_vi(target), target.first_year, target.last_year]
        for year in years:
            check = by_year[year].get(target.pk)
            row += ["", ""] if check is None else [check.actual, VERDICTS_VI[check.status]]
        rows.append(row)
    write_rows(
        sheet,
        rows,
        [50, 9, 9] + [12, 16] * len(years),
        ["0.00"] * (2 * len(years)),
        first=3,
        header_rows=2,
        wrap=True,
    )
    tasks = book.create_sheet("Nhiệm vụ")
    task_header: list[object] = ["Phòng chuyên môn", "Nhiệm vụ", "Tiêu chí", "Năm hoàn thành"]
    task_header += [f"Tiến độ {year}" for year in years]
    task_rows: list[list[object]] = [task_header]
    for division in divisions:
        for task in division.tasks:
            reports = {report.year: report for report in task.progress.all()}
            task_row: list[object] = [division.division, task.text, task.criteria, task.due_year]
            for year in years:
                report = reports.get(year)
                if report is None:
                    task_row.append("")
                else:
                    task_row.append(("Đã hoàn thành. " if report.done else "") + report.text)
            task_rows.append(task_row)
    write_rows(tasks, task_rows, [24, 60, 12, 10] + [40] * len(years), [], first=4, wrap=True)
    return save_book(book)
