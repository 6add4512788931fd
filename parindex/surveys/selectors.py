"""Reading survey results: a page of units with their results, what a cycle still lacks.

The surveys app may not read the cycles (architecture): the caller passes the units and
which survey sources each unit's framework scores.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Exists, OuterRef, Q, QuerySet

from parindex.frameworks.models import Criterion, Framework
from parindex.org.models import Unit
from parindex.scoring.rules import Issue, SurveyRule
from parindex.scoring.tree import Tree

from .models import Questionnaire, UnitSurveyResult

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


# Survey leaves and the questionnaires' indicators ----------------------------------------
#
# A framework's survey leaf reads a source's overall result ("sipas") or one indicator of
# its questionnaire ("sipas:procedure", "staff:1.3"). A year's questionnaires of a source
# (six staff forms, one per respondent group) together offer its indicators: a leaf is
# answered when any of them has its indicator.


@dataclass(frozen=True)
class SurveyLeaf:
    """A survey leaf of one of a year's frameworks, and whether the year's questionnaires
    of its source have its indicator (`lacking`: none has it)."""

    framework_id: int
    framework_title: str
    group_name: str
    code: str
    title: str
    source: str
    indicator: str  # "": the source's overall result
    lacking: bool

    @property
    def key(self) -> str:
        return f"{self.source}:{self.indicator}" if self.indicator else self.source


def _leaf_source(params: object) -> tuple[str, str]:
    """(source, indicator) of a survey leaf's stored parameters ("sipas:procedure" as a
    source names its indicator too, as the rule reads it)."""
    if not isinstance(params, dict):
        return "sipas", ""
    source = str(params.get("source") or "sipas")
    indicator = str(params.get("indicator") or "")
    if ":" in source and not indicator:
        source, indicator = source.split(":", 1)
    return source, indicator


def year_indicators(year: int) -> dict[str, set[str]]:
    """The indicators of the year's questionnaires, by source; a source with a
    questionnaire but no indicator maps to an empty set. One query."""
    found: dict[str, set[str]] = {}
    for source, code in Questionnaire.objects.filter(year=year).values_list(
        "source", "indicators__code"
    ):
        found.setdefault(source, set())
        if code:
            found[source].add(code)
    return found


def survey_leaves(
    *, year: int, framework_ids: Iterable[int] | None = None, source: str | None = None
) -> list[SurveyLeaf]:
    """The survey leaves of the year's frameworks (the newest version of each group's, or
    the frameworks given), each marked lacking where it reads an indicator no
    questionnaire of the year and its source has. Two queries."""
    criteria = Criterion.objects.filter(rule_type="survey")
    if framework_ids is None:
        criteria = criteria.filter(
            framework__in=Framework.objects.filter(year=year).latest_versions()
        )
    else:
        criteria = criteria.filter(framework__in=list(framework_ids))
    indicators = year_indicators(year)
    leaves = []
    for framework_id, title, group_name, code, leaf_title, params in criteria.order_by(
        "framework__group__position", "framework__group__name", "position"
    ).values_list(
        "framework_id", "framework__title", "framework__group__name", "code", "title", "rule_params"
    ):
        leaf_source, indicator = _leaf_source(params)
        if source is not None and leaf_source != source:
            continue
        leaves.append(
            SurveyLeaf(
                framework_id=framework_id,
                framework_title=title,
                group_name=group_name,
                code=code,
                title=leaf_title,
                source=leaf_source,
                indicator=indicator,
                lacking=bool(indicator) and indicator not in indicators.get(leaf_source, set()),
            )
        )
    return leaves


def indicators_lacking(
    *, year: int, framework_ids: Iterable[int] | None = None, source: str | None = None
) -> list[SurveyLeaf]:
    """The survey leaves of the year's frameworks that read an indicator none of the
    year's questionnaires of their source has: what a campaign of that year could not
    score. Two queries."""
    return [
        leaf
        for leaf in survey_leaves(year=year, framework_ids=framework_ids, source=source)
        if leaf.lacking
    ]


def framework_indicator_issues(tree: Tree) -> list[Issue]:
    """The frameworks' import check (frameworks.checks): a survey leaf reading an
    indicator that the year's questionnaires of its source lack. A source without any
    questionnaire that year is not checked: its results may be entered or imported from
    a survey run elsewhere, or its questionnaires written after the framework."""
    wanted = [
        (leaf.code, leaf.rule.source, leaf.rule.indicator)
        for leaf in tree.leaves()
        if isinstance(leaf.rule, SurveyRule) and leaf.rule.indicator
    ]
    if not wanted:
        return []
    indicators = year_indicators(tree.year)
    return [
        Issue(
            "survey_indicator_missing",
            {"key": f"{source}:{indicator}", "year": tree.year, "indicator": indicator},
            code,
        )
        for code, source, indicator in wanted
        if source in indicators and indicator not in indicators[source]
    ]
