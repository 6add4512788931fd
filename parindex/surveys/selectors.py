"""Reading survey results: a page of units with their results, what a cycle still lacks.

The surveys app may not read the cycles (architecture): the caller passes the units and
which survey sources each unit's framework scores.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Exists, OuterRef, Q, QuerySet

from parindex.frameworks.models import Criterion
from parindex.org.models import Unit

from .models import UnitSurveyResult

SOURCES = tuple(UnitSurveyResult.Source.values)  # ("sipas", "staff")


def sources_scored(frameworks: Mapping[int, int]) -> dict[int, tuple[str, ...]]:
    """Which survey sources each group's framework scores: group pk -> sources, from the
    survey criteria of {group pk: framework pk}. A group whose framework has no survey
    criterion needs none."""
    by_framework: dict[int, set[str]] = {}
    for framework_id, params in Criterion.objects.filter(
        framework__in=set(frameworks.values()), rule_type="survey"
    ).values_list("framework_id", "rule_params"):
        source = params.get("source", "sipas") if isinstance(params, dict) else "sipas"
        by_framework.setdefault(framework_id, set()).add(source)
    return {
        group: tuple(s for s in SOURCES if s in by_framework.get(framework, set()))
        for group, framework in frameworks.items()
    }


def _lacking_q(year: int, sources: Mapping[int, Sequence[str]]) -> Q:
    condition = Q(pk__in=[])
    for source in SOURCES:
        groups = [group for group, needed in sources.items() if source in needed]
        if groups:
            condition |= Q(group__in=groups) & Q(~_entered(year, source))
    return condition


def _entered(year: int, source: str) -> Exists:
    return Exists(
        UnitSurveyResult.objects.overall().filter(year=year, source=source, unit=OuterRef("pk"))
    )


def lacking(
    units: QuerySet[Unit], *, year: int, sources: Mapping[int, Sequence[str]]
) -> QuerySet[Unit]:
    """The units that lack a result of a source their framework scores, in the database."""
    return units.filter(_lacking_q(year, sources))


@dataclass(frozen=True)
class SheetRow:
    """A unit and its results of the year, by source; `needed`: the sources it is scored on."""

    unit: Unit
    results: dict[str, UnitSurveyResult]
    needed: tuple[str, ...]

    @property
    def missing(self) -> tuple[str, ...]:
        return tuple(source for source in self.needed if source not in self.results)

    def result(self, source: str) -> UnitSurveyResult | None:
        return self.results.get(source)


def sheet(
    units: Iterable[Unit], *, year: int, sources: Mapping[int, Sequence[str]]
) -> list[SheetRow]:
    """The units (one page of them) with their results of the year: one query."""
    units = list(units)
    found: dict[int, dict[str, UnitSurveyResult]] = {unit.pk: {} for unit in units}
    for result in UnitSurveyResult.objects.overall().filter(year=year, unit__in=list(found)):
        found[result.unit_id][result.source] = result
    return [SheetRow(unit, found[unit.pk], tuple(sources.get(unit.group_id, ()))) for unit in units]


@dataclass(frozen=True)
class Coverage:
    """How many of the units have their results in, by source (of those scored on it)."""

    units: int
    needed: dict[str, int]  # source -> units scored on it
    entered: dict[str, int]  # source -> of those, units with a result
    lacking: int  # units lacking at least one result

    @property
    def missing(self) -> dict[str, int]:
        return {source: self.needed[source] - self.entered[source] for source in self.needed}


def coverage(units: QuerySet[Unit], *, year: int, sources: Mapping[int, Sequence[str]]) -> Coverage:
    """Counts over every unit, in one query whatever their number."""
    counts: dict[str, Any] = {
        "units": Count("pk", distinct=True),
        "lacking": Count("pk", distinct=True, filter=_lacking_q(year, sources)),
    }
    for source in SOURCES:
        scored = Q(group__in=[group for group, wanted in sources.items() if source in wanted])
        counts[f"needed_{source}"] = Count("pk", distinct=True, filter=scored)
        counts[f"entered_{source}"] = Count(
            "pk", distinct=True, filter=scored & Q(_entered(year, source))
        )
    found = units.order_by().aggregate(**counts)
    return Coverage(
        units=found["units"],
        needed={source: found[f"needed_{source}"] for source in SOURCES},
        entered={source: found[f"entered_{source}"] for source in SOURCES},
        lacking=found["lacking"],
    )
