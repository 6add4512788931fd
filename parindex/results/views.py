"""Results pages. Published results are public (no log-in); a revision not yet published
is shown only to the administrator and the council chair; only the administrator
computes, publishes and records targets."""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from decimal import Decimal
from functools import wraps
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.core.cache import caches
from django.core.paginator import Page, Paginator
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.middleware.csrf import get_token
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import get_language, ngettext
from django.utils.translation import gettext as _
from django.views.decorators.http import (
    require_GET,
    require_http_methods,
    require_POST,
    require_safe,
)

from parindex.assessments.models import Cycle, CycleGroup
from parindex.jobs.services import job_enqueue
from parindex.org.access import current_user, refuse, role_required
from parindex.org.errors import Refused
from parindex.org.models import Role, Unit, UnitGroup
from parindex.scoring.engine import GroupSummary, RankedUnit, points_pending
from parindex.scoring.targets import MET, MISSED
from parindex.surveys import selectors as survey_selectors
from parindex.surveys import services as survey_services
from parindex.surveys.forms import SurveyFilterForm, SurveyImportForm, SurveyRowForm
from parindex.surveys.forms import shown as survey_shown
from parindex.surveys.models import UnitSurveyResult

from . import appeals, charts, selectors, services
from .exports import fields_to_xlsx, table_to_xlsx, unit_to_xlsx, year_to_xlsx
from .fairness import cycle_fairness
from .forms import ComputeForm, NationalResultForm, PublishForm, ResultsQueryForm, TargetForm
from .models import NationalResult, ResultSnapshot, Target
from .provisional import (
    group_notes,
    missing_parts,
    missing_text,
    pool_headings,
    rank_note,
    row_note,
    sentence,
    unranked_reason,
)
from .selectors import YearResults
from .tasks import results_compute_cycle

EVERYONE = tuple(Role)
DRAFT_READERS = selectors.DRAFT_READERS
# Bars are drawn for groups up to this size; larger groups read better as a table.
CHART_LIMIT = 60
# A phone should not receive thousands of rows at once; the Excel files hold every row.
ROWS_PER_PAGE = 200

# The engine gives each group's units in rank order (units not ranked last); the other
# sorts are stable, so that equal values keep that order.
SORTS: dict[str, Callable[[RankedUnit], Any]] = {
    "self": lambda r: -r.result.self_assessed,
    "staff": lambda r: -r.result.survey_staff,
    "sipas": lambda r: -r.result.survey_sipas,
}
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _may_see_drafts(request: HttpRequest) -> bool:
    user = request.user
    return bool(user.is_authenticated and user.is_active and user.role in DRAFT_READERS)


def _get_results(
    request: HttpRequest, year: int, *, unit: int | None = None
) -> tuple[YearResults, ResultsQueryForm]:
    """The year's results this visitor may see; 404 for the rest, a draft asked for by
    someone who may not see it is logged."""
    form = ResultsQueryForm(request.GET or None)
    revision = form.value("revision")
    drafts = _may_see_drafts(request)
    results = selectors.year_results(year, revision=revision, drafts=drafts, unit=unit)
    if results is None:
        if revision is not None and not drafts:
            refuse(request, f"results {year} revision {revision} not published", hide=True)
        raise Http404
    return results, form


def _download(content: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def _suffix(results: YearResults) -> str:
    snapshot = results.snapshot
    if snapshot is None or snapshot.is_published:
        return ""
    return f"-r{snapshot.revision}-du-thao"


# Published pages from the cache -------------------------------------------------------

# Stands for each visitor's own CSRF token (the language form's) in a cached page.
CSRF_PLACEHOLDER = "csrf-placeholder-for-the-visitor"
KEPT_HEADERS = ("Content-Type", "Content-Disposition", "Content-Language")
QUERY_NAMES = frozenset(ResultsQueryForm.base_fields)


def _page_key(request: HttpRequest, name: str) -> str | None:
    """The cache key of a public page as a visitor who is not logged in sees it: the
    published state it shows, its language and its address. None: not from the cache
    (logged in — drafts, other menus —, or a query the page does not read)."""
    if request.user.is_authenticated or request.method not in ("GET", "HEAD"):
        return None
    if not QUERY_NAMES.issuperset(request.GET):
        return None
    parts = (selectors.published_state(), get_language(), name, request.get_full_path())
    return "results:page:" + hashlib.sha256("\n".join(parts).encode()).hexdigest()


def published_page(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Serve a public results page (or its download) from what was computed when its
    state was published; a new revision has a new key, so it shows at once."""

    @wraps(view)
    def cached(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        key = _page_key(request, view.__name__)
        if key is None:
            return _head(request, view(request, *args, **kwargs))
        stored: tuple[bytes, dict[str, str]] | None = caches["pages"].get(key)
        if stored is None:
            request._csrf_placeholder = True  # type: ignore[attr-defined]
            response = view(request, *args, **kwargs)
            if response.status_code != 200 or response.streaming:
                return response
            kept = {h: response[h] for h in KEPT_HEADERS if response.has_header(h)}
            stored = (response.content, kept)
            caches["pages"].set(key, stored, settings.RESULTS_CACHE_SECONDS)
        content, headers = stored
        placeholder = CSRF_PLACEHOLDER.encode()
        secret = ""
        if placeholder in content:
            content = content.replace(placeholder, get_token(request).encode())
            secret = request.META.get("CSRF_COOKIE", "")
        response = HttpResponse(content, headers=headers)
        # The same page with a token of the same secret: a browser may revalidate it (304).
        mark = f"{key}|{secret}"
        response["ETag"] = f'"{hashlib.sha256(mark.encode()).hexdigest()[:32]}"'
        return _head(request, response)

    return cached


def _head(request: HttpRequest, response: HttpResponse) -> HttpResponse:
    """HEAD: the headers of GET (its length too), no body — the WSGI server would drop it
    with a warning per request."""
    if request.method == "HEAD" and not response.streaming:
        length = len(response.content)
        response.content = b""
        response["Content-Length"] = str(length)
    return response


def _page_context(request: HttpRequest) -> dict[str, Any]:
    """A page rendered for the cache holds a placeholder for each visitor's CSRF token."""
    if getattr(request, "_csrf_placeholder", False):
        return {"csrf_token": CSRF_PLACEHOLDER}
    return {}


# The list of years ------------------------------------------------------------------


@require_safe
@published_page
def index(request: HttpRequest) -> HttpResponse:
    """Every year with published results, the province's national results."""
    years = selectors.all_published()
    national = list(NationalResult.objects.all())
    context: dict[str, Any] = {
        "years": list(years.values()),
        "national": national,
        "averages_chart": _averages_chart(years),
        "national_chart": _national_chart(national),
    }
    if _may_see_drafts(request):
        context["cycles"] = selectors.cycles_with_results()
    return render(request, "results/index.html", {**context, **_page_context(request)})


def _averages_chart(years: dict[int, YearResults]) -> charts.LineChart | None:
    if not years:
        return None
    ordered = sorted(years)
    series = [
        (_("Average of every unit"), "line-all", {y: years[y].cycle.average_pct for y in ordered})
    ]
    return charts.line_chart(ordered, series, low=Decimal(50), high=Decimal(100), step=Decimal(10))


def _national_chart(national: list[NationalResult]) -> charts.LineChart | None:
    if not national:
        return None
    ordered = [row.year for row in national]
    series = [(_("National index"), "line-all", {row.year: row.index_pct for row in national})]
    return charts.line_chart(ordered, series, low=Decimal(50), high=Decimal(100), step=Decimal(10))


# A year -----------------------------------------------------------------------------


@dataclass
class GroupTable:
    code: str
    name: str
    summary: GroupSummary
    rows: Page[RankedUnit]
    notes: dict[str, RowNote]  # by unit code, for the provisional units of the page
    ranking: list[str]  # how the group was ranked, when not all together
    headings: dict[str, str]  # in rank order: the set of units ranked together a row begins
    chart: charts.BarChart | None
    highest: str
    lowest: str


@dataclass(frozen=True)
class RowNote:
    """Why a unit's result is provisional and whom its rank is among (`text`); why it is
    not ranked (`rank`, beside the dash in the rank column)."""

    text: str
    rank: str


def _row_notes(
    rows: Iterable[RankedUnit], summary: GroupSummary, in_rank_order: bool
) -> dict[str, RowNote]:
    """In rank order the headings say whom each unit is ranked among: a row says only
    what its result misses."""
    return {
        ranked.result.unit: RowNote(
            sentence(missing_text(ranked.result)) if in_rank_order else row_note(ranked, summary),
            rank_note(ranked, summary),
        )
        for ranked in rows
        if ranked.result.provisional or ranked.rank is None
    }


def _page(rows: list[RankedUnit], number: int | None, whole_group: bool) -> Page[RankedUnit]:
    """One page of a long table: any page when a single group is shown, else the first."""
    return Paginator(rows, ROWS_PER_PAGE).get_page(number if whole_group else 1)


def _names(results: YearResults, codes: tuple[str, ...], most: int = 5) -> str:
    """Units sharing a value, named; past a handful, counted."""
    names = [results.units[code].name for code in codes[:most]]
    if len(codes) > most:
        names.append(
            ngettext("and %(count)s other", "and %(count)s others", len(codes) - most)
            % {"count": len(codes) - most}
        )
    return ", ".join(names)


@require_safe
@published_page
def year(request: HttpRequest, year: int) -> HttpResponse:
    """A year's results in the report's layout, group by group, with their bars."""
    results, form = _get_results(request, year)
    sort = form.value("sort") or "rank"
    group = form.value("group") or ""
    changes = selectors.year_over_year(results, selectors.year_results(year - 1))
    tables = []
    for code, summary in results.cycle.groups.items():
        if group and code != group:
            continue
        members = results.members(code)
        if sort == "name":
            rows = sorted(members, key=lambda r: results.units[r.result.unit].name)
        elif sort in SORTS:
            rows = sorted(members, key=SORTS[sort])
        else:
            rows = members
        shown = _page(rows, form.value("page"), bool(group))
        in_rank_order = rows is members
        tables.append(
            GroupTable(
                code=code,
                name=results.groups[code].name,
                summary=summary,
                rows=shown,
                notes=_row_notes(shown, summary, in_rank_order),
                ranking=group_notes(members, summary),
                headings=pool_headings(members, list(shown)) if in_rank_order else {},
                chart=_index_chart(results, code, members, form.value("revision"))
                if len(members) <= CHART_LIMIT
                else None,
                highest=_names(results, summary.extremes.highest),
                lowest=_names(results, summary.extremes.lowest),
            )
        )
    return render(
        request,
        "results/year.html",
        {
            **_year_context(request, results, form),
            "tables": tables,
            "sort": sort,
            "group": group,
            "chart_limit": CHART_LIMIT,
            "changes": changes,
        },
    )


def _index_chart(
    results: YearResults, group: str, members: list[RankedUnit], revision: int | None
) -> charts.BarChart:
    summary = results.cycle.groups[group]
    return charts.bar_chart(
        [
            (
                results.units[r.result.unit].name,
                r.result.index_pct,
                f"band-{r.band}",
                _unit_url(results.year, r.result.unit, revision),
            )
            for r in members
        ],
        reference=summary.average_pct,
        reference_label=_("group average"),
    )


def _unit_url(year: int, code: str, revision: int | None) -> str:
    url = reverse("results:unit", args=[year, code])
    return f"{url}?revision={revision}" if revision else url


def _quoted(names: Iterable[str]) -> str:
    """Group names quoted: they hold commas themselves (“Sở, ban, ngành tỉnh”)."""
    return ", ".join(f"“{name}”" for name in names)


def _groups_note(results: YearResults) -> str:
    """Which groups the year has and which it lacks, where it lacks some."""
    if not results.missing_groups:
        return ""
    return _("%(year)s has results of the groups %(present)s only; missing: %(missing)s.") % {
        "year": results.year,
        "present": _quoted(info.name for info in results.groups.values()),
        "missing": _quoted(results.missing_groups),
    }


def _figures_note(results: YearResults) -> str:
    """Where an imported year's totals and indexes come from: as published, or
    recomputed by the engine from the published figures."""
    if results.is_computed:
        return ""
    units = len(results.cycle.units)
    indexes, totals = results.recomputed_indexes, results.recomputed_totals
    lead = _("Results as published by the province, imported from its tables.")
    if not indexes and not totals:
        rest = _(
            "Totals and indexes are as published; recomputed from the published parts, each "
            "rounded to two decimals, they agree with them within 0.02 points."
        )
    elif not indexes:
        rest = _(
            "Indexes are as published; totals are recomputed from the published parts, each "
            "rounded to two decimals, so they may differ from the printed table by up to 0.02."
        )
    elif indexes < units:
        rest = ngettext(
            "The table gives no index for %(count)s of the %(units)s units: theirs is "
            "recomputed from the published figures, each rounded to two decimals, so it may "
            "differ from the printed table by up to 0.02; the others are as published.",
            "The table gives no index for %(count)s of the %(units)s units: theirs are "
            "recomputed from the published figures, each rounded to two decimals, so they "
            "may differ from the printed table by up to 0.02; the others are as published.",
            indexes,
        ) % {"count": indexes, "units": units}
    elif not totals:
        rest = _(
            "Totals are as published; indexes are recomputed from them, so they may differ "
            "from the printed table by up to 0.02."
        )
    else:
        rest = _(
            "Totals and indexes are recomputed from the published parts, each rounded to two "
            "decimals, so they may differ from the printed table by up to 0.02."
        )
    return f"{lead} {rest}"


def _year_context(
    request: HttpRequest, results: YearResults, form: ResultsQueryForm
) -> dict[str, Any]:
    return {
        "results": results,
        "groups_note": _groups_note(results),
        "figures_note": _figures_note(results),
        "year": results.year,
        "snapshot": results.snapshot,
        "revision": form.value("revision"),
        "years": selectors.published_years(),
        "groups": list(results.groups.values()),
        "may_manage": request.user.is_authenticated and current_user(request).is_admin,
        "appeal_roles": appeals.READERS,
        **_page_context(request),
    }


@require_safe
@published_page
def year_xlsx(request: HttpRequest, year: int) -> HttpResponse:
    results, _form = _get_results(request, year)
    return _download(year_to_xlsx(results), f"chi-so-cchc-{year}{_suffix(results)}.xlsx")


# Fields -----------------------------------------------------------------------------


@dataclass
class FieldColumn:
    code: str
    title: str
    max_points: Decimal | None
    average_points: Decimal | None
    average_pct: Decimal | None
    highest: str
    highest_value: Decimal | None
    lowest: str
    lowest_value: Decimal | None
    gap: Decimal | None


@dataclass
class FieldRow:
    ranked: RankedUnit
    name: str
    # (points, %, survey points pending) per field
    cells: list[tuple[Decimal | None, Decimal | None, Decimal | None]]


@dataclass
class FieldTable:
    code: str
    name: str
    summary: GroupSummary
    columns: list[FieldColumn]
    page: Page[RankedUnit]
    rows: list[FieldRow]  # those of the page
    headings: dict[str, str]  # the set of units ranked together a row begins
    with_pct: bool
    with_adjustment: bool
    chart: charts.BarChart | None

    @property
    def span(self) -> int:
        """Columns of a row: rank, unit, the fields, bonus and penalty, index."""
        return 3 + len(self.columns) + int(self.with_adjustment)


@require_safe
@published_page
def fields(request: HttpRequest, year: int) -> HttpResponse:
    """Points (and % where the maxima are known) in each field, unit by unit."""
    results, form = _get_results(request, year)
    if not results.has_fields:
        raise Http404
    group = form.value("group") or ""
    tables = [
        _field_table(results, code, form.value("page"), bool(group))
        for code in results.cycle.groups
        if not group or code == group
    ]
    return render(
        request,
        "results/fields.html",
        {**_year_context(request, results, form), "tables": tables, "group": group},
    )


def _field_table(
    results: YearResults, group: str, page: int | None, whole_group: bool
) -> FieldTable:
    summary = results.cycle.groups[group]
    info = results.groups[group]
    maxima = {f.code: f.max_points for f in info.fields}
    titles = results.field_titles(group)
    with_pct = bool(summary.field_averages)
    columns = []
    for code in results.field_codes(group):
        extremes = summary.field_extremes.get(code) if with_pct else None
        extremes = extremes or summary.field_point_extremes.get(code)
        columns.append(
            FieldColumn(
                code=code,
                title=titles.get(code, ""),
                max_points=maxima.get(code),
                average_points=summary.field_point_averages.get(code),
                average_pct=summary.field_averages.get(code),
                highest=_names(results, extremes.highest) if extremes else "",
                highest_value=extremes.highest_pct if extremes else None,
                lowest=_names(results, extremes.lowest) if extremes else "",
                lowest_value=extremes.lowest_pct if extremes else None,
                gap=extremes.gap_pct if extremes else None,
            )
        )
    members = results.members(group)
    shown = _page(members, page, whole_group)
    rows = [
        FieldRow(
            ranked=ranked,
            name=results.units[ranked.result.unit].name,
            cells=[
                (
                    ranked.result.field_points(c.code),
                    ranked.result.field_pct(c.code),
                    node.pending if (node := ranked.result.nodes.get(c.code)) else None,
                )
                for c in columns
            ],
        )
        for ranked in shown
    ]
    return FieldTable(
        code=group,
        name=info.name,
        summary=summary,
        columns=columns,
        page=shown,
        rows=rows,
        headings=pool_headings(members, list(shown)),
        with_pct=with_pct,
        with_adjustment=any(r.result.adjustment for r in members),
        chart=_field_chart(columns, with_pct),
    )


def _field_chart(columns: list[FieldColumn], with_pct: bool) -> charts.BarChart | None:
    if with_pct:
        return charts.bar_chart(
            [
                (f"{c.code}. {c.title}", c.average_pct, "field", "")
                for c in columns
                if c.average_pct is not None
            ]
        )
    return None


@require_safe
@published_page
def fields_xlsx(request: HttpRequest, year: int) -> HttpResponse:
    results, _form = _get_results(request, year)
    if not results.has_fields:
        raise Http404
    return _download(fields_to_xlsx(results), f"chi-so-cchc-{year}-linh-vuc{_suffix(results)}.xlsx")


# A unit -----------------------------------------------------------------------------


def _unit_page(request: HttpRequest, year: int, code: str) -> tuple[selectors.UnitPage, Any]:
    unit = Unit.objects.filter(code=code).values_list("pk", flat=True).first()
    if unit is None:
        raise Http404
    results, form = _get_results(request, year, unit=unit)
    page = selectors.unit_page(results, code)
    if page is None:
        raise Http404
    return page, form


@require_safe
@published_page
def unit(request: HttpRequest, year: int, code: str) -> HttpResponse:
    """A unit's result: its fields against its group's average, its earlier years."""
    page, form = _unit_page(request, year, code)
    with_pct = any(f.pct is not None for f in page.fields)
    maxima = {f.code: f.max_points for f in page.results.groups[page.ranked.result.group].fields}
    if with_pct:
        bars = charts.paired_bars(
            [
                (f"{f.code}. {page.titles.get(f.code, '')}", f.pct, f.group_average_pct)
                for f in page.fields
            ]
        )
    else:
        bars = ()
    years = [entry.year for entry in page.years]
    moved = page.change.rank if page.change is not None and page.change.rank else 0
    history = charts.line_chart(
        years,
        [
            (page.unit.name, "line-unit", {e.year: e.ranked.result.index_pct for e in page.years}),
            (_("Group average"), "line-group", {e.year: e.summary.average_pct for e in page.years}),
        ],
        low=Decimal(50),
        high=Decimal(100),
        step=Decimal(10),
    )
    return render(
        request,
        "results/unit.html",
        {
            **_year_context(request, page.results, form),
            "page": page,
            "with_pct": with_pct,
            "maxima": maxima,
            "bars": bars,
            "history": history,
            "group_name": page.results.groups[page.ranked.result.group].name,
            "missing": missing_parts(page.ranked.result),
            "rank_note": unranked_reason(page.ranked.result)
            if page.ranked.rank is None
            else rank_note(page.ranked, page.summary),
            "pending": points_pending(page.ranked.result),
            "rank_up": max(moved, 0),
            "rank_down": max(-moved, 0),
        },
    )


@require_GET
def unit_latest(request: HttpRequest, code: str) -> HttpResponse:
    """The unit's newest published result, or a page saying there is none yet."""
    unit = get_object_or_404(Unit, code=code)
    years = selectors.unit_published_years(unit.pk)
    if years:
        return redirect("results:unit", year=max(years), code=code)
    return render(request, "results/unit_none.html", {"unit": unit})


@require_safe
@published_page
def unit_xlsx(request: HttpRequest, year: int, code: str) -> HttpResponse:
    page, _form = _unit_page(request, year, code)
    return _download(unit_to_xlsx(page), f"chi-so-cchc-{year}-{code}{_suffix(page.results)}.xlsx")


# Computing and publishing -----------------------------------------------------------


@require_http_methods(["GET", "POST"])
@role_required(Role.ADMIN)
def manage(request: HttpRequest, year: int) -> HttpResponse:
    """Compute the cycle's results, publish a revision, correct a published one."""
    cycle = get_object_or_404(Cycle, year=year)
    user = current_user(request)
    latest = ResultSnapshot.objects.filter(cycle=cycle).order_by("-revision").first()
    correcting = latest is not None and latest.is_published
    compute_form = ComputeForm(needs_reason=correcting)
    publish_form = PublishForm()
    if request.method == "POST":
        action = request.POST.get("action")
        if action == "compute":
            compute_form = ComputeForm(request.POST, needs_reason=correcting)
            if compute_form.is_valid():
                # Seconds at 10,000 units: a job, whose page shows its progress.
                job = job_enqueue(
                    task=results_compute_cycle,
                    kind=_("Compute the %(year)s results") % {"year": year},
                    by=user,
                    link=reverse("results:manage", args=[year]),
                    cycle_id=cycle.pk,
                    by_id=user.pk,
                    reason=compute_form.cleaned_data["reason"],
                )
                return redirect(job)
        elif action == "publish":
            publish_form = PublishForm(request.POST)
            if publish_form.is_valid():
                snapshot = get_object_or_404(
                    ResultSnapshot, cycle=cycle, revision=publish_form.cleaned_data["revision"]
                )
                try:
                    services.results_publish(
                        snapshot=snapshot,
                        decision=publish_form.cleaned_data["decision"],
                        decision_date=publish_form.cleaned_data["decision_date"],
                        by=user,
                        allow_provisional=publish_form.cleaned_data["allow_provisional"],
                    )
                except Refused as error:
                    publish_form.add_error("decision", error.message)
                else:
                    messages.success(
                        request,
                        _("Revision %(revision)s is published.") % {"revision": snapshot.revision},
                    )
                    return redirect("results:manage", year=year)
        else:
            messages.error(request, _("Unknown action."))
    revisions = list(
        ResultSnapshot.objects.filter(cycle=cycle)
        .select_related("computed_by")
        .order_by("-revision")
    )
    draft = next((s for s in revisions if not s.is_published), None)
    published = next((s for s in revisions if s.is_published), None)
    provisional = draft.rows.filter(provisional=True).count() if draft is not None else 0
    waiting = unappraised = 0
    if provisional and draft is not None:
        waiting = draft.rows.filter(pending__gt=0).count()
        unappraised = draft.rows.filter(unappraised__gt=0).count()
    survey = _survey_page(year)
    if draft is not None and not publish_form.is_bound:
        publish_form = PublishForm(initial={"revision": draft.revision})
    if not provisional:
        publish_form.fields.pop("allow_provisional", None)
    return render(
        request,
        "results/manage.html",
        {
            "cycle": cycle,
            "year": year,
            "revisions": revisions,
            "draft": draft,
            "published": published,
            "compute_form": compute_form,
            "publish_form": publish_form,
            "assessments": cycle.assessments.count(),
            "provisional": provisional,
            "waiting": waiting,
            "unappraised": unappraised,
            "surveys": survey_selectors.coverage(survey.units, year=year, sources=survey.sources),
        },
    )


# Targets and national results -------------------------------------------------------


@require_safe
@role_required(*DRAFT_READERS)
def fairness(request: HttpRequest, year: int) -> HttpResponse:
    """Was the scoring fair: where the appraisers changed the units' own scores, by unit,
    by appraiser and by criterion (read-only, before the council's approval and after)."""
    cycle = get_object_or_404(Cycle, year=year)
    return render(
        request,
        "results/fairness.html",
        {"cycle": cycle, "year": year, "report": cycle_fairness(cycle)},
    )


def _targets() -> list[selectors.TargetView]:
    return selectors.target_views(list(Target.objects.select_related("group", "unit")))


@require_GET
@role_required(*EVERYONE)
def targets(request: HttpRequest) -> HttpResponse:
    """The evaluating body's goals, year by year, and the province's national results."""
    views = _targets()
    national = list(NationalResult.objects.all())
    rank_chart = None
    if national:
        worst = max(row.rank_of for row in national)
        rank_chart = charts.line_chart(
            [row.year for row in national],
            [(_("National rank"), "line-all", {row.year: Decimal(row.rank) for row in national})],
            low=Decimal(1),
            high=Decimal(worst),
            step=Decimal(max(1, worst // 6)),
            inverted=True,
            unit="rank",
        )
    return render(
        request,
        "results/targets.html",
        {
            "views": views,
            "national": national,
            "rank_chart": rank_chart,
            "national_chart": _national_chart(national),
            "may_manage": current_user(request).is_admin,
            "MET": MET,
            "MISSED": MISSED,
        },
    )


@require_GET
@role_required(*EVERYONE)
def targets_xlsx(request: HttpRequest) -> HttpResponse:
    rows = []
    for view in _targets():
        for year in view.status.years:
            rows.append(
                [
                    view.target.title,
                    year.year,
                    _status_label(year.status),
                    year.actual,
                    year.previous,
                    f"{year.units_met}/{year.units}" if year.units else None,
                    ", ".join(view.names.get(u, u) for u in year.missed) or None,
                ]
            )
    header = [
        _("Goal"),
        _("Year"),
        _("Status"),
        _("Figure"),
        _("Year before"),
        _("Units that met it"),
        _("Units that did not"),
    ]
    return _download(table_to_xlsx(_("Targets"), header, rows), "muc-tieu-cchc.xlsx")


def _status_label(status: str) -> str:
    return {MET: _("met"), MISSED: _("missed")}.get(status, _("not yet known"))


@require_http_methods(["GET", "POST"])
@role_required(Role.ADMIN)
def target_edit(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    target = get_object_or_404(Target, pk=pk) if pk is not None else None
    form = TargetForm(request.POST or None, instance=target)
    if request.method == "POST" and form.is_valid():
        saved = form.save(commit=False)
        if saved.created_by_id is None:
            saved.created_by = current_user(request)
        saved.save()
        messages.success(request, _("The target is saved."))
        return redirect("results:targets")
    return render(request, "results/target_form.html", {"form": form, "target": target})


@require_POST
@role_required(Role.ADMIN)
def target_delete(request: HttpRequest, pk: int) -> HttpResponse:
    target = get_object_or_404(Target, pk=pk)
    target.delete()
    messages.success(request, _("The target “%(title)s” is deleted.") % {"title": target.title})
    return redirect("results:targets")


@require_http_methods(["GET", "POST"])
@role_required(Role.ADMIN)
def national_edit(request: HttpRequest, year: int | None = None) -> HttpResponse:
    row = get_object_or_404(NationalResult, year=year) if year is not None else None
    form = NationalResultForm(request.POST or None, instance=row)
    if request.method == "POST" and form.is_valid():
        saved = form.save(commit=False)
        saved.entered_by = current_user(request)
        saved.save()
        messages.success(
            request, _("The national result of %(year)s is saved.") % {"year": saved.year}
        )
        return redirect("results:targets")
    return render(request, "results/national_form.html", {"form": form, "row": row})


@require_GET
def national_xlsx(request: HttpRequest) -> HttpResponse:
    header = [
        _("Year"),
        _("Index (%)"),
        _("Rank"),
        _("Provinces ranked"),
        _("SIPAS (%)"),
        _("Source"),
    ]
    rows = [
        [n.year, n.index_pct, n.rank, n.rank_of, n.sipas_pct, n.source]
        for n in NationalResult.objects.all()
    ]
    return _download(table_to_xlsx(_("National results"), header, rows), "chi-so-cchc-tinh.xlsx")


# Survey results of a cycle ------------------------------------------------------------

# Six inputs a unit: 100 units keep a page's post under Django's 1,000 fields.
SURVEY_ROWS_PER_PAGE = 100
SURVEY_SOURCES = UnitSurveyResult.Source.choices


@dataclass
class SurveyPage:
    cycle: Cycle
    sources: dict[int, tuple[str, ...]]  # group pk -> sources its framework scores
    units: QuerySet[Unit]  # every unit of the cycle


def _survey_page(year: int) -> SurveyPage:
    """The cycle's units and the survey sources each one is scored on. The surveys app
    may not read the cycles; the results app, which loads the surveys into the engine,
    tells it which units and sources a year needs."""
    cycle = get_object_or_404(Cycle, year=year)
    frameworks = dict(
        CycleGroup.objects.filter(cycle=cycle).values_list("group_id", "framework_id")
    )
    units = (
        Unit.objects.filter(assessments__cycle=cycle)
        .select_related("group")
        .order_by("group__position", "position", "pk")
    )
    return SurveyPage(cycle, survey_selectors.sources_scored(frameworks), units)


@require_http_methods(["GET", "POST"])
@role_required(Role.ADMIN)
def surveys(request: HttpRequest, year: int) -> HttpResponse:
    """The cycle's survey results, unit by unit, to read, enter and correct; a file to
    import them all at once."""
    survey = _survey_page(year)
    filters = SurveyFilterForm(request.GET or None)
    shown = survey.units
    group = filters.value("group") or ""
    if group:
        shown = shown.filter(group__code=group)
    if filters.value("lacking"):
        shown = survey_selectors.lacking(shown, year=year, sources=survey.sources)
    page = Paginator(shown, SURVEY_ROWS_PER_PAGE).get_page(filters.value("page"))
    sheet = survey_selectors.sheet(page.object_list, year=year, sources=survey.sources)
    data = request.POST if request.method == "POST" else None
    rows = [SurveyRowForm(data, row=row) for row in sheet]
    if request.method == "POST" and all(form.is_valid() for form in rows):
        changes = [change for form in rows for change in form.changes()]
        try:
            written = survey_services.survey_results_save(
                year=year, changes=changes, by=current_user(request)
            )
        except Refused as error:
            messages.error(request, error.message)
            # Figures as they are now, beside what was typed: saving again puts the typed
            # ones over them, knowingly.
            sheet = survey_selectors.sheet(page.object_list, year=year, sources=survey.sources)
            fresh = request.POST.copy()
            for row in sheet:
                for source in row.needed:
                    result = row.result(source)
                    value = (
                        survey_services.SurveyValue(result.percent, result.respondents)
                        if result
                        else None
                    )
                    fresh[f"u{row.unit.pk}-{source}_shown"] = survey_shown(value)
            rows = [SurveyRowForm(fresh, row=row) for row in sheet]
            for form in rows:
                form.is_valid()
        else:
            if written:
                messages.success(
                    request,
                    ngettext(
                        "%(count)s survey result saved.",
                        "%(count)s survey results saved.",
                        written,
                    )
                    % {"count": written},
                )
            else:
                messages.info(request, _("Nothing changed."))
            return redirect(request.get_full_path())
    status = 200
    if request.method == "POST" and any(form.errors for form in rows):
        messages.error(request, _("Not saved: correct the values marked below."))
        status = 400
    return _render_surveys(
        request, survey, rows, page, group, filters, SurveyImportForm(), status=status
    )


def _render_surveys(
    request: HttpRequest,
    survey: SurveyPage,
    rows: list[SurveyRowForm],
    page: Page[Unit],
    group: str,
    filters: SurveyFilterForm,
    import_form: SurveyImportForm,
    status: int = 200,
) -> HttpResponse:
    year = survey.cycle.year
    published = ResultSnapshot.objects.filter(
        cycle=survey.cycle, status=ResultSnapshot.Status.PUBLISHED
    ).exists()
    groups = list(UnitGroup.objects.filter(pk__in=list(survey.sources)).order_by("position", "pk"))
    return render(
        request,
        "results/surveys.html",
        {
            "year": year,
            "cycle": survey.cycle,
            "rows": rows,
            "page": page,
            "group": group,
            "groups": groups,
            "lacking": bool(filters.value("lacking")),
            "coverage": survey_selectors.coverage(survey.units, year=year, sources=survey.sources),
            "import_form": import_form,
            "published": published,
            "sources": SURVEY_SOURCES,
        },
        status=status,
    )


@require_POST
@role_required(Role.ADMIN)
def surveys_import(request: HttpRequest, year: int) -> HttpResponse:
    """A table of the cycle's survey results, all rows or none."""
    survey = _survey_page(year)
    form = SurveyImportForm(request.POST, request.FILES)
    if form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            outcome = survey_services.survey_results_import(
                year=year,
                content=upload.read(),
                filename=upload.name,
                units=survey.units,
                by=current_user(request),
            )
        except Refused as error:
            form.add_error("file", error.message)
        else:
            messages.success(
                request,
                _(
                    "Imported: %(written)s results written, %(unchanged)s unchanged, "
                    "%(skipped)s empty rows skipped."
                )
                % {
                    "written": outcome.written,
                    "unchanged": outcome.unchanged,
                    "skipped": outcome.skipped,
                },
            )
            return redirect("results:surveys", year=year)
    filters = SurveyFilterForm()
    page = Paginator(survey.units, SURVEY_ROWS_PER_PAGE).get_page(1)
    sheet = survey_selectors.sheet(page.object_list, year=year, sources=survey.sources)
    rows = [SurveyRowForm(None, row=row) for row in sheet]
    return _render_surveys(request, survey, rows, page, "", filters, form, status=400)


@require_GET
@role_required(Role.ADMIN)
def surveys_template(request: HttpRequest, year: int) -> HttpResponse:
    """The import's table, a row per unit of the cycle and source, figures entered so far."""
    survey = _survey_page(year)
    rows = []
    for chunk in _chunks(list(survey.units), 1000):
        for row in survey_selectors.sheet(chunk, year=year, sources=survey.sources):
            for source in row.needed:
                result = row.result(source)
                value = (
                    survey_services.SurveyValue(result.percent, result.respondents)
                    if result
                    else None
                )
                rows.append((row.unit, source, value))
    return _download(survey_services.template_xlsx(rows), f"khao-sat-{year}.xlsx")


def _chunks(items: list[Unit], size: int) -> Iterable[list[Unit]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]
