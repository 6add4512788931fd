"""Reading results: imported history as engine results, and the cycle figures."""

from __future__ import annotations

from decimal import Decimal

from parindex.scoring.engine import CycleResult, UnitResult, compute_cycle

from .models import ImportedResult


def imported_unit_results(year: int) -> list[UnitResult]:
    """The year's published results, as the engine's results (one query)."""
    rows = ImportedResult.objects.filter(year=year).select_related("group", "unit")
    return [
        UnitResult(
            unit=row.published_unit_name,
            group=row.group.name,
            nodes={},
            fields=(),
            self_assessed=Decimal(row.self_assessed),
            survey_staff=Decimal(row.survey_staff),
            survey_sipas=Decimal(row.survey_sipas),
            max_points=Decimal(row.max_points),
            provisional=False,
        )
        for row in rows
    ]


def imported_cycle(year: int) -> CycleResult:
    return compute_cycle(imported_unit_results(year))
