"""Measured inputs pushed by the province's other systems (integration accounts only):
dossiers received and resolved on time, feeding ratio-based leaves as the units' own
inputs would, audited as coming from that system."""

from __future__ import annotations

import re
from typing import Any

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Body, Router, Schema
from pydantic import Field

from parindex.assessments import services
from parindex.assessments.models import Cycle
from parindex.org.errors import Forbidden
from parindex.org.models import User

from ..access import refuse
from ..auth import user_of
from ..errors import ApiError, not_found
from ..models import Scope
from ..params import Code, Year

router = Router(tags=["metrics"])

UNIT = re.compile(r"^[a-z0-9-]{1,60}$")
CRITERION = re.compile(r"^[0-9]+(\.[0-9]+){0,5}$")
# A batch covers a province's units many times over; a unit's leaves fed by another
# system are a handful.
UNITS_MOST = 5000
CRITERIA_MOST = 100


class Measured(Schema):
    """The numbers of one leaf, as its rule reads them."""

    numerator: int | float | str | None = None
    denominator: int | float | str | None = None
    occurrences: int | str | None = None


UnitMeasures = dict[str, Measured]


class Batch(Schema):
    units: dict[str, UnitMeasures] = Field(description="{unit: {criterion: measured}}")


class MeasuredOut(Schema):
    units: int
    changed: int


def _text(value: int | float | str | None) -> str:
    return "" if value is None else str(value)


def _as_form(values: UnitMeasures) -> dict[str, dict[str, str]]:
    return {
        criterion: {
            "numerator": _text(measured.numerator),
            "denominator": _text(measured.denominator),
            "occurrences": _text(measured.occurrences),
        }
        for criterion, measured in values.items()
    }


def _checked(units: dict[str, UnitMeasures]) -> dict[str, dict[str, dict[str, str]]]:
    """The body's keys within bounds before any work (400 naming the key)."""
    if len(units) > UNITS_MOST:
        raise ApiError(400, "invalid", _("At most %(most)s units at once.") % {"most": UNITS_MOST})
    problems = []
    for unit, values in units.items():
        if not UNIT.match(unit):
            problems.append({"field": "units", "unit": unit[:60], "problem": "bad_unit_code"})
        if len(values) > CRITERIA_MOST or not values:
            problems.append({"field": "units", "unit": unit[:60], "problem": "criteria_count"})
        for criterion in values:
            if not CRITERION.match(criterion):
                problems.append(
                    {"field": "criterion", "unit": unit[:60], "criterion": criterion[:30],
                     "problem": "bad_criterion_code"}
                )  # fmt: skip
    if problems:
        raise ApiError(400, "invalid", _("The request is not valid."), problems[:100])
    return {unit: _as_form(values) for unit, values in units.items()}


def _measure(request: HttpRequest, year: int, measured: dict[str, Any], user: User) -> int:
    cycle = Cycle.objects.filter(year=year).first()
    if cycle is None:
        raise not_found()
    try:
        return services.items_measure(cycle=cycle, measured=measured, by=user)
    except Forbidden as forbidden:
        refuse(request, f"metrics {year}: {forbidden.message}")
    except services.MeasureRefused as refused:
        details = [
            {"unit": p.unit, "criterion": p.criterion, "field": p.field, "problem": p.kind,
             "message": p.message}
            for p in refused.problems[:100]
        ]  # fmt: skip
        state_only = all(p.kind == "not_editable" for p in refused.problems)
        status, error = (409, "not_editable") if state_only else (400, "invalid")
        raise ApiError(status, error, refused.message, details) from None


@router.put(
    "/{year}/metrics/{unit}",
    response=MeasuredOut,
    url_name="metrics_unit",
    summary="Gửi số liệu đo lường của một đơn vị (tài khoản tích hợp)",
)
def metrics_unit(
    request: HttpRequest, body: Body[UnitMeasures], year: Year, unit: Code
) -> MeasuredOut:
    """One unit's measured inputs: {criterion: {numerator, denominator} | {occurrences}}."""
    user = user_of(request, Scope.METRICS)
    measured = _checked({unit: body})
    if not Cycle.objects.filter(year=year, assessments__unit__code=unit).exists():
        raise not_found()
    return MeasuredOut(units=1, changed=_measure(request, year, measured, user))


@router.put(
    "/{year}/metrics",
    response=MeasuredOut,
    url_name="metrics_batch",
    summary="Gửi số liệu đo lường của nhiều đơn vị, tất cả hoặc không (tài khoản tích hợp)",
)
def metrics_batch(request: HttpRequest, body: Batch, year: Year) -> MeasuredOut:
    """Many units at once, all or nothing: {"units": {unit: {criterion: {…}}}}."""
    user = user_of(request, Scope.METRICS)
    measured = _checked(body.units)
    return MeasuredOut(units=len(measured), changed=_measure(request, year, measured, user))
