"""What a year's documents are written from: the engine's results of the year and of the
years before, the criteria where each unit lost points (with the appraiser's comment),
the surveys' numbers, and which groups the year lacks.

Every figure comes from the engine (`results.selectors.year_results`, `compute_unit`):
the documents format them and never add, average, rank or round on their own.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Count, Q

from parindex.followup.models import Initiative
from parindex.results.losses import CriterionLoss, criterion_losses
from parindex.results.models import ImportedResult
from parindex.results.selectors import YearResults, year_results
from parindex.scoring.summaries import tally
from parindex.surveys.models import Campaign

# How many years back a unit's letter compares (seed 000 compares with the year before).
HISTORY_YEARS = 2


@dataclass(frozen=True)
class SurveyCount:
    source: str  # "sipas" or "staff"
    title: str
    respondents: int  # responses counted in the results (flagged ones left out)
    units: int  # units the responses are about


@dataclass(frozen=True)
class RecognisedInitiative:
    unit: str  # the unit's name
    title: str
    description: str


@dataclass
class Source:
    year: int
    results: YearResults
    history: dict[int, YearResults]  # earlier years with results, newest first
    # Criterion-level losses by unit code; None where the year has no criterion-level
    # data (only imported from a published table).
    losses: dict[str, list[CriterionLoss]] | None
    surveys: list[SurveyCount]
    missing_groups: list[str]  # names of the groups with units but no results this year
    # Where the criterion-level detail was read from answers that changed after the
    # revision was computed (its inputs digest differs): the documents say so.
    detail_differs: bool = False
    field_titles: dict[str, dict[str, str]] = field(default_factory=dict)  # group -> code -> title
    # The units each criterion (code, title) applies to, not lowered: a criterion's count
    # of units that lost points is out of these.
    applies: dict[tuple[str, str], set[str]] = field(default_factory=dict)
    # The initiatives the council recognised that year (the report's appendix).
    initiatives: list[RecognisedInitiative] = field(default_factory=list)

    @property
    def has_criteria(self) -> bool:
        return self.losses is not None

    @property
    def previous(self) -> YearResults | None:
        return self.history.get(self.year - 1)


def year_source(year: int, *, revision: int | None = None, drafts: bool = False) -> Source | None:
    """The year's documents' source: its results (the revision asked for, else the newest
    published, else what was imported; with `drafts`, else the newest draft)."""
    results = year_results(year, revision=revision, drafts=drafts)
    if results is None:
        return None
    history = {}
    for earlier in range(year - 1, year - 1 - HISTORY_YEARS, -1):
        found = year_results(earlier)
        if found is not None:
            history[earlier] = found
    losses: dict[str, list[CriterionLoss]] | None = None
    applies: dict[tuple[str, str], set[str]] = {}
    differs = False
    if results.snapshot is not None:
        detail = criterion_losses(results.snapshot.cycle)
        losses, applies = detail.losses, detail.applies
        differs = detail.digest != results.snapshot.inputs_digest
    return Source(
        year=year,
        results=results,
        history=history,
        losses=losses,
        surveys=survey_counts(year),
        missing_groups=results.missing_groups,
        detail_differs=differs,
        applies=applies,
        initiatives=[
            RecognisedInitiative(unit, title, description)
            for unit, title, description in Initiative.objects.recognised(year).values_list(
                "unit__name", "title", "description"
            )
        ],
        field_titles={code: results.field_titles(code) for code in results.groups},
    )


@dataclass(frozen=True)
class CriterionTotal:
    """A criterion of a group's framework and every unit that lost points in it."""

    group: str  # the group's code
    code: str
    title: str
    field: str
    units: tuple[str, ...]  # unit codes, largest loss first
    lost: Decimal  # the units' published losses, summed: exact, as they are printed


def losses_by_criterion(source: Source) -> list[CriterionTotal]:
    """Criterion by criterion, the units that lost points and the points lost in all; by
    group, then most points lost first. Empty for a year without criterion-level data."""
    if source.losses is None:
        return []
    found: dict[tuple[str, str], list[CriterionLoss]] = defaultdict(list)
    for code, unit_losses in source.losses.items():
        ranked = source.results.ranked(code)
        if ranked is None:
            continue
        for loss in unit_losses:
            found[(ranked.result.group, loss.code)].append(loss)
    groups = list(source.results.groups)
    for losses in found.values():
        losses.sort(key=lambda loss: (-loss.lost, loss.unit))
    summed = tally((key, loss.unit, loss.lost) for key, losses in found.items() for loss in losses)
    totals = []
    for item in summed:
        group, code = item.key
        first = found[item.key][0]
        totals.append(
            CriterionTotal(
                group=group,
                code=code,
                title=first.title,
                field=first.field,
                units=item.units,
                lost=item.points,
            )
        )
    totals.sort(key=lambda total: (groups.index(total.group), -total.lost, _order(total.code)))
    return totals


def _order(code: str) -> tuple[int, ...]:
    return tuple(int(part) for part in code.split(".") if part.isdigit())


def survey_counts(year: int) -> list[SurveyCount]:
    """The year's survey campaigns with the responses they counted, in one query."""
    campaigns = (
        Campaign.objects.filter(year=year)
        .annotate(
            counted_responses=Count("responses", filter=Q(responses__counted=True)),
            units_answered=Count(
                "responses__unit", filter=Q(responses__counted=True), distinct=True
            ),
        )
        .order_by("source", "pk")
    )
    return [
        SurveyCount(source, title, respondents, units)
        for source, title, respondents, units in campaigns.values_list(
            "source", "title", "counted_responses", "units_answered"
        )
    ]


def source_stamp(results: YearResults) -> str:
    """What a year's figures are, in a few characters: a revision (a draft with when it was
    computed: it is recomputed in place), else the imported table (when it was imported).
    A document whose stamp is no longer the year's current one is outdated."""
    snapshot = results.snapshot
    if snapshot is not None:
        if snapshot.is_published:
            return f"r{snapshot.revision}"
        return f"r{snapshot.revision}-draft-{snapshot.computed_at:%Y%m%d%H%M%S%f}"
    latest = (
        ImportedResult.objects.filter(year=results.year)
        .order_by("-imported_at")
        .values_list("imported_at", flat=True)
        .first()
    )
    return f"imported-{latest:%Y%m%d%H%M%S%f}" if latest else "imported"
