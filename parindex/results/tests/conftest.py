"""The districts' results of 2023 as published, and a 2024 cycle computed by parindex."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.core.management import call_command

from parindex.assessments.models import Cycle
from parindex.conftest import DEMO_FRAMEWORKS, Cast
from parindex.frameworks.services import framework_copy_to_year, framework_freeze, framework_import
from parindex.frameworks.yamlio import tree_from_yaml
from parindex.org.models import Unit

from .factories import cycle_for_units

HISTORY = Path(__file__).resolve().parents[1] / "demo" / "results-2023-districts.csv"


@pytest.fixture
def history(cast: Cast) -> None:
    """The 11 districts' published 2023 results (Mỹ Xuyên is the cast's district)."""
    call_command("import_results", str(HISTORY), year=2023, verbosity=0)


@pytest.fixture
def cycle_2024(history: None) -> Cycle:
    """The 11 districts self-assessed and appraised in 2024 on the 2023 framework's copy."""
    framework = framework_import(
        tree=tree_from_yaml((DEMO_FRAMEWORKS / "huyen-2023.yaml").read_bytes()), by=None
    )
    framework_freeze(framework=framework)
    copy = framework_freeze(
        framework=framework_copy_to_year(framework=framework, year=2024, by=None)
    )
    units = list(Unit.objects.filter(group=copy.group).order_by("position"))
    assert len(units) == 11
    return cycle_for_units(year=2024, framework=copy, units=units, seed=2024)
