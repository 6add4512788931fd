"""Reading results: a year's published figures, a unit's years, the targets' figures.

A year's results come from one of two sources: the newest published snapshot of its
cycle (computed by parindex), or else the results imported from the province's published
tables. Either way the engine ranks and summarises them, so a page, a download and an
export always show the same figures. In the engine's results, units and groups are keyed
by their stable codes.
"""

from __future__ import annotations

import threading
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.core.cache import caches
from django.db import connection, transaction
from django.db.models import F, Q, QuerySet

from parindex.assessments.models import Cycle, CycleGroup, bands_from_json
from parindex.frameworks.models import Criterion, Framework
from parindex.org.models import Role, Unit, UnitGroup
from parindex.scoring.engine import (
    Band,
    Change,
    CycleResult,
    FieldFigure,
    GroupSummary,
    NodeResult,
    RankedUnit,
    UnitResult,
    change,
    compute_cycle,
    field_figures,
    reported_result,
)
from parindex.scoring.numbers import ZERO
from parindex.scoring.targets import Goal, GoalStatus, NationalFigure, evaluate

from .models import ImportedResult, NationalResult, ResultRow, ResultSnapshot, Target


@dataclass(frozen=True)
class UnitInfo:
    pk: int
    code: str
    name: str  # as published that year


@dataclass(frozen=True)
class FieldInfo:
    code: str
    title: str
    max_points: Decimal | None  # the framework's, before lowered criteria


@dataclass(frozen=True)
class GroupInfo:
    pk: int
    code: str
    name: str
    fields: tuple[FieldInfo, ...]


@dataclass
class YearResults:
    """A year's results through the engine, with the names to print beside them."""

    year: int
    cycle: CycleResult
    units: dict[str, UnitInfo]  # by unit code
    groups: dict[str, GroupInfo]  # by group code, in the groups' order
    snapshot: ResultSnapshot | None  # None: results imported from a published table
    revisions: list[ResultSnapshot] = field(default_factory=list)  # newest first
    # Names of the groups with units active that year but no results in it: the year's
    # figures then cover only the other groups (whatever part of the year was read).
    missing_groups: list[str] = field(default_factory=list)
    _by_unit: dict[str, RankedUnit] | None = field(default=None, repr=False)

    @property
    def is_published(self) -> bool:
        return self.snapshot is None or self.snapshot.is_published

    @property
    def is_computed(self) -> bool:
        return self.snapshot is not None

    @property
    def has_fields(self) -> bool:
        return any(ranked.result.field_codes for ranked in self.cycle.units)

    @property
    def recomputed_indexes(self) -> int:
        """Units whose index the engine recomputed: the table gave none (or the results
        were computed by parindex)."""
        return sum(not ranked.result.has_published_index for ranked in self.cycle.units)

    @property
    def recomputed_totals(self) -> int:
        return sum(not ranked.result.has_published_total for ranked in self.cycle.units)

    def members(self, group: str) -> list[RankedUnit]:
        return [ranked for ranked in self.cycle.units if ranked.result.group == group]

    def ranked(self, unit: str) -> RankedUnit | None:
        if self._by_unit is None:
            self._by_unit = {r.result.unit: r for r in self.cycle.units}
        return self._by_unit.get(unit)

    def field_codes(self, group: str) -> list[str]:
        """The group's fields: the framework's, else those the table gives, in order."""
        info = self.groups[group]
        if info.fields:
            return [f.code for f in info.fields]
        codes = {code for r in self.members(group) for code in r.result.field_codes}
        return sorted(codes, key=_field_order)

    def field_titles(self, group: str) -> dict[str, str]:
        return {f.code: f.title for f in self.groups[group].fields}


def _field_order(code: str) -> tuple[int, ...]:
    return tuple(int(part) for part in code.split(".") if part.isdigit())


# Which years have results, and from where -------------------------------------------


def published_years() -> list[int]:
    """Years with published results, newest first."""
    imported = set(ImportedResult.objects.values_list("year", flat=True).distinct())
    computed = set(
        ResultSnapshot.objects.filter(status=ResultSnapshot.Status.PUBLISHED)
        .values_list("cycle__year", flat=True)
        .distinct()
    )
    return sorted(imported | computed, reverse=True)


def year_results(
    year: int, *, revision: int | None = None, drafts: bool = False, unit: int | None = None
) -> YearResults | None:
    """The year's results: the newest published revision of its cycle (or the revision
    asked for), else what was imported; with `drafts`, else the newest draft.

    With `unit`, only the results of that unit's group are read (a unit's page).
    """
    snapshots = list(
        ResultSnapshot.objects.filter(cycle__year=year)
        .select_related("cycle", "computed_by")
        .order_by("-revision")
    )
    visible = [s for s in snapshots if drafts or s.is_published]
    if revision is not None:
        chosen = next((s for s in visible if s.revision == revision), None)
    else:
        chosen = next((s for s in visible if s.is_published), None)
        if chosen is None:
            imported = _from_imported(year, unit)
            if imported is not None:
                imported.revisions = visible
                imported.missing_groups = missing_groups(
                    year, ImportedResult.objects.filter(year=year).values("group")
                )
                return imported
            chosen = visible[0] if visible else None
    if chosen is None:
        return None
    found = _from_snapshot(chosen, visible, unit)
    if found is not None:
        found.missing_groups = missing_groups(
            year, ResultRow.objects.filter(snapshot=chosen).values("group")
        )
    return found


def missing_groups(year: int, present: QuerySet[Any, Any]) -> list[str]:
    """Names of the groups with units active in the year and not among `present` (the
    groups of the year's results, a subquery), in their order: one query."""
    return list(
        UnitGroup.objects.filter(pk__in=Unit.objects.active_in(year).values("group"))
        .exclude(pk__in=present)
        .order_by("position", "name")
        .values_list("name", flat=True)
    )


# What every row reads beside its figures: the unit and its group.
# Who reads the results before they are published: the administrator and the chair.
DRAFT_READERS = (Role.ADMIN, Role.COUNCIL_CHAIR)

_IDENTITY = ("unit_id", "unit__code", "unit__name", "group_id", "group__code", "group__name")
_FIGURES = ("max_points", "self_assessed", "survey_staff", "survey_sipas", "fields")
# What a computed row adds: its name then, and what its result still misses.
_MISSING = (
    "unit_name",
    "provisional",
    "unappraised",
    "missing_surveys",
    "pending",
    "short_samples",
)


@dataclass(frozen=True)
class _Row:
    unit: UnitInfo
    group: tuple[int, str, str]  # pk, code, name
    result: UnitResult


STATE_KEY = "results:published-state"


def published_state() -> str:
    """The published state (`read_published_state`), read again at most every
    RESULTS_STATE_SECONDS in a process: a cached page then costs no query. A process
    that publishes forgets it at once (`forget_published_state`), the others within
    those seconds; with a shared cache (Redis), every node at once."""
    seconds = settings.RESULTS_STATE_SECONDS
    if seconds <= 0:
        return read_published_state()
    state: str | None = caches["pages"].get(STATE_KEY)
    if state is None:
        state = read_published_state()
        caches["pages"].set(STATE_KEY, state, seconds)
    return state


def forget_published_state(**_kwargs: Any) -> None:
    """After a publication, an import or a national figure is saved (their signals): now,
    and again once committed, in case a page read the state in between."""
    caches["pages"].delete(STATE_KEY)
    transaction.on_commit(lambda: caches["pages"].delete(STATE_KEY))


def read_published_state() -> str:
    """What the public results pages are computed from, in one query: the published
    revisions, the imported tables, the national results, and which units each group has
    and which are dissolved (the groups a year lacks). It changes with every publication,
    correction, import or national figure, and with a unit added, moved or dissolved, so
    a key holding it is never stale."""
    snapshots = ResultSnapshot._meta.db_table
    imported = ImportedResult._meta.db_table
    national = NationalResult._meta.db_table
    units = Unit._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT (SELECT COUNT(*) FROM {snapshots} WHERE status = %s),"  # noqa: S608
            f" (SELECT MAX(id) FROM {snapshots} WHERE status = %s),"
            f" (SELECT MAX(published_at) FROM {snapshots} WHERE status = %s),"
            f" (SELECT COUNT(*) FROM {imported}), (SELECT MAX(id) FROM {imported}),"
            f" (SELECT MAX(imported_at) FROM {imported}),"
            f" (SELECT COUNT(*) FROM {national}), (SELECT MAX(entered_at) FROM {national}),"
            f" (SELECT COUNT(*) FROM {units}), (SELECT SUM(group_id) FROM {units}),"
            f" (SELECT COUNT(dissolved_on) FROM {units}), (SELECT MAX(dissolved_on) FROM {units})",
            [ResultSnapshot.Status.PUBLISHED] * 3,
        )
        row = cursor.fetchone()
    return "|".join(str(value) for value in row)


def _from_snapshot(
    snapshot: ResultSnapshot, revisions: list[ResultSnapshot], unit: int | None
) -> YearResults | None:
    """A published revision never changes: its engine output is computed once and kept
    in the cache, by revision (and group, for a unit's page)."""
    if not snapshot.is_published:
        return _compute_snapshot(snapshot, revisions, unit)
    group = None
    if unit is not None:
        group = (
            ResultRow.objects.filter(snapshot=snapshot, unit=unit)
            .values_list("group_id", flat=True)
            .first()
        )
        if group is None:
            return None
    stamp = snapshot.published_at.timestamp() if snapshot.published_at else ""
    key = f"results:snapshot:{snapshot.pk}:{stamp}:{group or ''}"
    found = _PUBLISHED.get(key)
    if found is None:
        found = caches["pages"].get(key)
    if found is None:
        found = _compute_snapshot(snapshot, [], unit)
        if found is None:
            return None
        found.ranked("")  # index the units before storing
        found = replace(found, snapshot=None)
        caches["pages"].set(key, found, settings.RESULTS_CACHE_SECONDS)
    _remember(key, found)
    return replace(found, snapshot=snapshot, revisions=revisions)


# The newest published years' engine output, in this process: unpickling a 3,000-unit
# year from the cache costs as much as a page (0.3 s), keeping it costs its memory.
_PUBLISHED: dict[str, YearResults] = {}
_PUBLISHED_MOST = 8


_PUBLISHED_LOCK = threading.Lock()  # a threaded server's requests share it


def _remember(key: str, found: YearResults) -> None:
    with _PUBLISHED_LOCK:
        _PUBLISHED.pop(key, None)
        if len(_PUBLISHED) >= _PUBLISHED_MOST:
            del _PUBLISHED[next(iter(_PUBLISHED))]  # the least recently used
        _PUBLISHED[key] = found


def _compute_snapshot(
    snapshot: ResultSnapshot, revisions: list[ResultSnapshot], unit: int | None
) -> YearResults | None:
    """Values rather than model instances: a cycle can hold thousands of rows."""
    query = ResultRow.objects.filter(snapshot=snapshot)
    if unit is not None:
        query = query.filter(
            group__in=ResultRow.objects.filter(snapshot=snapshot, unit=unit).values("group")
        )
    # Units not ranked last on every database (SQLite puts nulls first, PostgreSQL last).
    order = ("group__position", F("rank").asc(nulls_last=True), "unit__code")
    rows = [
        _row_from_snapshot(values)
        for values in query.order_by(*order).values_list(*_IDENTITY, *_FIGURES, *_MISSING)
    ]
    if not rows:
        return None
    frameworks = dict(
        CycleGroup.objects.filter(cycle_id=snapshot.cycle_id).values_list(
            "group_id", "framework_id"
        )
    )
    bands = {int(pk): bands_from_json(data) for pk, data in snapshot.bands.items()}
    return _assemble(snapshot.cycle.year, rows, frameworks, bands, snapshot, revisions)


def _from_imported(year: int, unit: int | None) -> YearResults | None:
    query = ImportedResult.objects.filter(year=year)
    if unit is not None:
        query = query.filter(
            group__in=ImportedResult.objects.filter(year=year, unit=unit).values("group")
        )
    rows = [
        _row_from_import(values)
        for values in query.order_by("group__position", "unit__position").values_list(
            *_IDENTITY, *_FIGURES, "published_unit_name", "total", "index_pct"
        )
    ]
    if not rows:
        return None
    groups = {row.group[0] for row in rows}
    cycle_bands = {
        cg.group_id: cg.band_rules()
        for cg in CycleGroup.objects.filter(cycle__year=year, group__in=groups)
    }
    return _assemble(year, rows, _frameworks_of_year(year, groups), cycle_bands)


def _assemble(
    year: int,
    rows: list[_Row],
    frameworks: dict[int, int],
    bands: dict[int, tuple[Band, ...]],
    snapshot: ResultSnapshot | None = None,
    revisions: list[ResultSnapshot] | None = None,
) -> YearResults:
    fields = _fields(frameworks.values())
    groups: dict[str, GroupInfo] = {}
    group_bands: dict[str, tuple[Band, ...]] = {}
    for pk, code, name in dict.fromkeys(row.group for row in rows):
        framework = frameworks.get(pk)
        groups[code] = GroupInfo(pk, code, name, fields.get(framework, ()) if framework else ())
        if pk in bands:
            group_bands[code] = bands[pk]
    cycle = compute_cycle([row.result for row in rows], group_bands=group_bands)
    units = {row.unit.code: row.unit for row in rows}
    return YearResults(year, cycle, units, groups, snapshot, revisions or [])


def _row_from_import(values: tuple[Any, ...]) -> _Row:
    unit_id, unit_code, _name, group_id, group_code, group_name = values[:6]
    maximum, own, staff, sipas, fields, published_name, total, index_pct = values[6:]
    result = reported_result(
        unit=unit_code,
        group=group_code,
        max_points=maximum,
        self_assessed=own,
        survey_staff=staff,
        survey_sipas=sipas,
        fields={
            code: Decimal(points)
            for code, points in sorted(fields.items(), key=lambda item: _field_order(item[0]))
        },
        total=total,
        index_pct=index_pct,
    )
    return _Row(
        UnitInfo(unit_id, unit_code, published_name), (group_id, group_code, group_name), result
    )


def _row_from_snapshot(values: tuple[Any, ...]) -> _Row:
    unit_id, unit_code, unit_name, group_id, group_code, group_name = values[:6]
    maximum, own, staff, sipas, fields, name_then, provisional = values[6:13]
    unappraised, missing_surveys, pending, short_samples = values[13:]
    nodes = {code: _stored_node(code, stored, provisional) for code, stored in fields.items()}
    result = UnitResult(
        unit=unit_code,
        group=group_code,
        nodes=nodes,
        fields=tuple(fields),
        self_assessed=own,
        survey_staff=staff,
        survey_sipas=sipas,
        max_points=maximum,
        provisional=provisional,
        unappraised=unappraised,
        missing_surveys=tuple(missing_surveys),
        pending=pending,
        short_samples=tuple(short_samples),
    )
    unit = UnitInfo(unit_id, unit_code, name_then or unit_name)
    return _Row(unit, (group_id, group_code, group_name), result)


def _stored_node(code: str, stored: list[Any], provisional: bool) -> NodeResult:
    """A field as a row stores it (results.services._stored_field)."""
    unappraised = int(stored[4]) if len(stored) > 4 else 0
    return NodeResult(
        code,
        Decimal(stored[0]),
        Decimal(stored[1]),
        Decimal(stored[2]) if len(stored) > 2 else ZERO,
        # Rows computed before the count was stored say only that the unit is provisional.
        unappraised > 0 if len(stored) > 4 else provisional,
        pending=Decimal(stored[3]) if len(stored) > 3 else ZERO,
        unappraised=unappraised,
    )


def _frameworks_of_year(year: int, groups: set[int]) -> dict[int, int]:
    """The framework in force for each group that year: its newest version."""
    found: dict[int, int] = {}
    for group_id, pk in (
        Framework.objects.filter(year=year, group__in=groups)
        .order_by("group", "-version")
        .values_list("group_id", "pk")
    ):
        found.setdefault(group_id, pk)
    return found


def _fields(frameworks: Iterable[int]) -> dict[int, tuple[FieldInfo, ...]]:
    found: dict[int, list[FieldInfo]] = defaultdict(list)
    for framework_id, code, title, maximum in (
        Criterion.objects.filter(framework__in=list(frameworks), depth=0)
        .order_by("framework", "position")
        .values_list("framework_id", "code", "title", "max_points")
    ):
        found[framework_id].append(FieldInfo(code, title, maximum))
    return {pk: tuple(items) for pk, items in found.items()}


def year_over_year(results: YearResults, previous: YearResults | None) -> dict[str, Change]:
    """Each unit's change on its published result of the year before (rank only within the
    same group)."""
    if previous is None:
        return {}
    changes = {}
    for ranked in results.cycle.units:
        before = previous.ranked(ranked.result.unit)
        if before is None:
            continue
        same_group = before.result.group == ranked.result.group
        comparable = (
            same_group
            and _among_all(ranked, results.cycle.groups[ranked.result.group])
            and _among_all(before, previous.cycle.groups[before.result.group])
        )
        changes[ranked.result.unit] = change(
            ranked.result,
            before.result,
            rank=ranked.rank if comparable else None,
            previous_rank=before.rank if comparable else None,
        )
    return changes


def _among_all(ranked: RankedUnit, summary: GroupSummary) -> bool:
    """Ranked among every unit of its group: a rank among some of them (the others not
    ranked, or ranked apart) is not compared with another year's."""
    return ranked.rank is not None and ranked.rank_of == summary.units


# A unit across the years --------------------------------------------------------------


@dataclass(frozen=True)
class UnitYear:
    """A unit's result in one year, beside its group and the year before."""

    year: int
    ranked: RankedUnit
    summary: GroupSummary
    change: Change
    group_name: str


@dataclass
class UnitPage:
    results: YearResults
    unit: UnitInfo
    ranked: RankedUnit
    summary: GroupSummary
    fields: tuple[FieldFigure, ...]
    titles: dict[str, str]
    years: list[UnitYear]  # every published year of the unit up to this one, oldest first

    @property
    def change(self) -> Change | None:
        return self.years[-1].change if self.years else None


def unit_page(results: YearResults, code: str) -> UnitPage | None:
    """The unit's result in the year, its fields against its group, its earlier years."""
    ranked = results.ranked(code)
    if ranked is None:
        return None
    group = ranked.result.group
    summary = results.cycle.groups[group]
    unit = results.units[code]
    years: list[UnitYear] = []
    for year in sorted(y for y in unit_published_years(unit.pk) if y < results.year):
        earlier = year_results(year, unit=unit.pk)
        found = earlier.ranked(code) if earlier is not None else None
        if earlier is None or found is None:
            continue
        years.append(_unit_year(earlier, found, years[-1] if years else None))
    years.append(_unit_year(results, ranked, years[-1] if years else None))
    return UnitPage(
        results=results,
        unit=unit,
        ranked=ranked,
        summary=summary,
        fields=field_figures(ranked.result, summary),
        titles=results.field_titles(group),
        years=years,
    )


def _unit_year(results: YearResults, ranked: RankedUnit, before: UnitYear | None) -> UnitYear:
    group = ranked.result.group
    summary = results.cycle.groups[group]
    comparable = (
        before is not None
        and before.ranked.result.group == group
        and _among_all(ranked, summary)
        and _among_all(before.ranked, before.summary)
    )
    return UnitYear(
        year=results.year,
        ranked=ranked,
        summary=summary,
        change=change(
            ranked.result,
            before.ranked.result if before is not None else None,
            rank=ranked.rank if comparable else None,
            previous_rank=before.ranked.rank if before is not None and comparable else None,
        ),
        group_name=results.groups[group].name,
    )


def unit_published_years(unit_pk: int) -> set[int]:
    """Years in which the unit has a published result, imported or computed."""
    imported = ImportedResult.objects.filter(unit_id=unit_pk).values_list("year", flat=True)
    computed = ResultRow.objects.filter(
        unit_id=unit_pk, snapshot__status=ResultSnapshot.Status.PUBLISHED
    ).values_list("snapshot__cycle__year", flat=True)
    return set(imported) | set(computed)


# Every published year, for the targets ----------------------------------------------


def all_published() -> dict[int, YearResults]:
    """Every year's published results, by year."""
    found = {}
    for year in published_years():
        results = year_results(year)
        if results is not None:
            found[year] = results
    return found


def cycles_with_results() -> list[Cycle]:
    """Cycles that have assessments, for the administrator to compute."""
    return list(
        Cycle.objects.filter(Q(assessments__isnull=False) | Q(snapshots__isnull=False))
        .distinct()
        .order_by("-year")
    )


# Targets ----------------------------------------------------------------------------


@dataclass(frozen=True)
class TargetView:
    target: Target
    status: GoalStatus
    names: dict[str, str]  # unit code -> name, for the units a year names


def national_figures() -> dict[int, NationalFigure]:
    return {
        row.year: NationalFigure(row.index_pct, row.rank, row.rank_of)
        for row in NationalResult.objects.all()
    }


def target_views(targets: list[Target]) -> list[TargetView]:
    """Every target with its status year by year, from published figures only."""
    national = national_figures()
    on_units = any(not t.kind.startswith("national_") for t in targets)
    published = all_published() if on_units else {}
    names = {code: info.name for r in published.values() for code, info in r.units.items()}
    views = []
    for target in targets:
        averages: dict[int, Decimal] = {}
        indexes: dict[int, dict[str, Decimal]] = {}
        for year, results in published.items():
            scoped = [
                ranked.result
                for ranked in results.cycle.units
                if (target.unit is None or ranked.result.unit == target.unit.code)
                and (target.group is None or ranked.result.group == target.group.code)
            ]
            if not scoped:
                continue
            indexes[year] = {result.unit: result.index_pct for result in scoped}
            if target.unit is not None:
                averages[year] = scoped[0].index_pct
            elif target.group is not None:
                averages[year] = results.cycle.groups[target.group.code].average_pct
            else:
                averages[year] = results.cycle.average_pct
        goal = Goal(target.kind, target.value, target.first_year, target.last_year)
        status = evaluate(goal, national=national, averages=averages, indexes=indexes)
        views.append(TargetView(target, status, names))
    return views
