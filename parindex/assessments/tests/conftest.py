"""A 2024 cycle of the departments on their framework, open for self-assessment."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from parindex.assessments.models import Assessment, Cycle, CycleGroup, Phase
from parindex.assessments.services import cycle_set_phase
from parindex.conftest import DEMO_FRAMEWORKS, Cast
from parindex.frameworks.services import framework_copy_to_year, framework_freeze, framework_import
from parindex.frameworks.yamlio import tree_from_yaml

TODAY = timezone.localdate()
DEADLINE = TODAY + datetime.timedelta(days=10)  # the self-assessment's last day


@pytest.fixture
def cycle(cast: Cast) -> Cycle:
    framework = framework_import(
        tree=tree_from_yaml((DEMO_FRAMEWORKS / "so-nganh-2023.yaml").read_bytes()), by=None
    )
    framework_freeze(framework=framework)
    copy = framework_freeze(
        framework=framework_copy_to_year(framework=framework, year=2024, by=None)
    )
    cycle = Cycle.objects.create(
        year=2024,
        title="Chỉ số CCHC năm 2024",
        self_assessment_until=DEADLINE,
        appraisal_1_until=DEADLINE + datetime.timedelta(days=10),
        revision_until=DEADLINE + datetime.timedelta(days=15),
        appraisal_2_until=DEADLINE + datetime.timedelta(days=25),
        council_until=DEADLINE + datetime.timedelta(days=30),
    )
    CycleGroup.objects.create(cycle=cycle, group=cast.departments, framework=copy)
    return cycle_set_phase(cycle=cycle, phase=Phase.SELF_ASSESSMENT, by=cast.admin)


@pytest.fixture
def assessment_a(cast: Cast, cycle: Cycle) -> Assessment:
    return Assessment.objects.select_related("cycle", "unit").get(cycle=cycle, unit=cast.unit_a)


@pytest.fixture(autouse=True)
def _media_in_tmp(settings: object, tmp_path: object) -> None:
    """Uploaded evidence goes to a folder of the test's own."""
    settings.MEDIA_ROOT = tmp_path  # type: ignore[attr-defined]
