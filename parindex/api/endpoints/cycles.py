"""The cycles: their phases and deadlines; units, frameworks and results of each."""

from __future__ import annotations

import datetime

from django.http import HttpRequest
from ninja import Router, Schema

from parindex.assessments.models import Cycle

from ..auth import user_of

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


@router.get("", response=list[CycleOut])
def cycles(request: HttpRequest) -> list[CycleOut]:
    user_of(request)
    return [cycle_out(cycle) for cycle in Cycle.objects.order_by("-year")]
