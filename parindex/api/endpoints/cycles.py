"""The cycles: their phases and deadlines; units, frameworks and results of each."""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Any

from django.http import HttpRequest, HttpResponse, JsonResponse
from ninja import Router, Schema

from parindex.assessments.models import Assessment, Cycle, CycleGroup
from parindex.frameworks.spec import tree_to_data
from parindex.results.interchange import cycle_to_json, json_number
from parindex.results.selectors import year_results

from ..auth import user_of
from ..errors import not_found
from ..params import Code, Year

router = Router(tags=["cycles"])


class Deadlines(Schema):
    self_assessment: datetime.date | None
    appraisal_1: datetime.date | None
    revision: datetime.date | None
    appraisal_2: datetime.date | None
    council: datetime.date | None


class CycleOut(Schema):
    year: int
    title: str
    phase: str
    phase_label: str
    deadlines: Deadlines


def cycle_out(cycle: Cycle) -> CycleOut:
    return CycleOut(
        year=cycle.year,
        title=cycle.title,
        phase=cycle.phase,
        phase_label=str(cycle.get_phase_display()),
        deadlines=Deadlines(
            self_assessment=cycle.self_assessment_until,
            appraisal_1=cycle.appraisal_1_until,
            revision=cycle.revision_until,
            appraisal_2=cycle.appraisal_2_until,
            council=cycle.council_until,
        ),
    )


@router.get(
    "", response=list[CycleOut], url_name="cycles", summary="Các kỳ đánh giá: giai đoạn, thời hạn"
)
def cycles(request: HttpRequest) -> list[CycleOut]:
    user_of(request)
    return [cycle_out(cycle) for cycle in Cycle.objects.order_by("-year")]


def _cycle(year: int) -> Cycle:
    cycle = Cycle.objects.filter(year=year).first()
    if cycle is None:
        raise not_found()
    return cycle


class UnitOut(Schema):
    code: str
    name: str
    group: str
    group_name: str
    state: str
    state_label: str


@router.get(
    "/{year}/units",
    response=list[UnitOut],
    url_name="cycle_units",
    summary="Các đơn vị của kỳ và tình trạng hồ sơ",
)
def units(request: HttpRequest, year: Year) -> list[UnitOut]:
    """Every unit of the cycle and where its assessment stands: no unit's scores."""
    user_of(request)
    cycle = _cycle(year)
    return [
        UnitOut(
            code=assessment.unit.code,
            name=assessment.unit.name,
            group=assessment.group.code,
            group_name=assessment.group.name,
            state=assessment.state,
            state_label=str(assessment.get_state_display()),
        )
        for assessment in Assessment.objects.filter(cycle=cycle)
        .select_related("unit", "group")
        .order_by("group__position", "unit__position", "unit__name")
    ]


@router.get(
    "/{year}/frameworks/{group}",
    response=dict[str, Any],
    url_name="cycle_framework",
    summary="Bộ tiêu chí của một nhóm đơn vị",
)
def framework(request: HttpRequest, year: Year, group: Code) -> dict[str, Any]:
    """The cycle's criteria tree of a group, as framework files write it
    (docs/framework-format.md), numbers as JSON numbers."""
    user_of(request)
    cycle_group = (
        CycleGroup.objects.filter(cycle__year=year, group__code=group)
        .select_related("framework__group")
        .first()
    )
    if cycle_group is None:
        raise not_found()
    tree: dict[str, Any] = _numbers(tree_to_data(cycle_group.framework.to_tree()))
    return tree


def _numbers(value: Any) -> Any:
    if isinstance(value, Decimal):
        return json_number(value)
    if isinstance(value, dict):
        return {key: _numbers(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [_numbers(item) for item in value]
    return value


@router.get(
    "/{year}/results",
    response=dict[str, Any],
    url_name="cycle_results",
    summary="Kết quả Chỉ số CCHC của năm (interchange.md)",
)
def results(request: HttpRequest, year: Year) -> HttpResponse:
    """The export JSON of interchange.md: the published results (the newest revision, or
    the imported table); the administrator reads the newest draft before publication.
    Written as the export command writes it (the engine's figures, no second pass through
    a schema: thousands of units)."""
    user = user_of(request)
    found = year_results(year, drafts=user.is_admin)
    if found is None:
        raise not_found()
    return JsonResponse(cycle_to_json(found), json_dumps_params={"ensure_ascii": False})
