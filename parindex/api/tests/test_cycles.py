"""Cycles, their units, a group's framework and the results' export through the API."""

from __future__ import annotations

import json
from io import StringIO
from typing import Any

import pytest
from django.core.management import call_command

from parindex.assessments.models import Cycle
from parindex.conftest import Cast
from parindex.results.services import results_compute

pytestmark = pytest.mark.django_db


def test_cycles_with_their_phase_and_deadlines(cast: Cast, cycle: Cycle, api_as: Any) -> None:
    [found] = api_as("viewer").get("/cycles").json()
    assert (found["year"], found["phase"]) == (2024, "self_assessment")
    assert found["phase_label"] == "Tự đánh giá"
    assert found["deadlines"]["self_assessment"] == cycle.self_assessment_until.isoformat()


def test_the_units_of_a_cycle_and_their_states_but_no_scores(
    cast: Cast, cycle: Cycle, api_as: Any
) -> None:
    answer = api_as("scorer_b").get("/cycles/2024/units")
    assert answer.status_code == 200
    units = {unit["code"]: unit for unit in answer.json()}
    assert units["so-tu-phap"]["state"] == "draft" and units["so-tu-phap"]["group"] == "so-nganh"
    assert set(units["so-tu-phap"]) == {
        "code",
        "name",
        "group",
        "group_name",
        "state",
        "state_label",
    }
    assert api_as("viewer").get("/cycles/2031/units").status_code == 404


def test_a_group_s_framework_as_framework_files_write_it(
    cast: Cast, cycle: Cycle, api_as: Any
) -> None:
    tree = api_as("scorer_a").get("/cycles/2024/frameworks/so-nganh").json()
    assert tree["year"] == 2024 and isinstance(tree["max_points"], float)
    field_1 = tree["nodes"][0]
    leaf = field_1["children"][0]["children"][0]
    assert leaf["code"] == "1.1.1" and leaf["rule"] == {"type": "yes_no"}
    sources = [
        node.get("prefill")
        for criterion in field_1["children"]
        for node in criterion.get("children", [])
    ]
    assert "inspection_findings_fixed" in sources
    assert api_as("scorer_a").get("/cycles/2024/frameworks/huyen").status_code == 404


def test_published_results_are_the_export_command_s_json(
    cast: Cast, history: None, api_as: Any
) -> None:
    out = StringIO()
    call_command("export_results", year=2023, stdout=out)
    answer = api_as("scorer_a").get("/cycles/2023/results")
    assert answer.status_code == 200
    assert answer.json() == json.loads(out.getvalue())
    # the fixture imports the table without its published columns: the gap recomputed
    assert answer.json()["groups"][0]["gap_pct"] == 14.79


def test_a_draft_is_the_administrator_s_only(cast: Cast, cycle_2024: Cycle, api_as: Any) -> None:
    results_compute(cycle=cycle_2024, by=cast.admin)
    assert api_as("viewer").get("/cycles/2024/results").status_code == 404
    assert api_as("chair").get("/cycles/2024/results").status_code == 404
    draft = api_as("admin").get("/cycles/2024/results")
    assert draft.status_code == 200 and len(draft.json()["units"]) == 11


@pytest.mark.parametrize("path", ["/cycles/1999/results", "/cycles/99999999999999999999/units"])
def test_a_year_out_of_bounds_is_a_400(cast: Cast, api_as: Any, path: str) -> None:
    answer = api_as("viewer").get(path)
    assert answer.status_code == 400 and answer.json()["details"][0]["field"] == "year"


def test_the_lists_read_a_fixed_number_of_queries(
    cast: Cast, cycle: Cycle, api_as: Any, django_assert_num_queries: Any
) -> None:
    """No query per unit or per leaf: the units' list and an assessment."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from parindex.assessments.models import Assessment
    from parindex.org.models import Unit

    client = api_as("admin")
    before = len(client.get("/cycles/2024/units").json())
    with CaptureQueriesContext(connection) as few:
        client.get("/cycles/2024/units")
    client.get("/assessments/2024/so-tu-phap")  # a frozen framework is read once a process
    with CaptureQueriesContext(connection) as one:
        client.get("/assessments/2024/so-tu-phap")
    more = Unit.objects.bulk_create(
        Unit(code=f"so-them-{n}", name=f"Sở thêm {n}", group=cast.departments, position=10 + n)
        for n in range(5)
    )
    Assessment.objects.bulk_create(
        Assessment(cycle=cycle, unit=unit, group=cast.departments) for unit in more
    )
    with django_assert_num_queries(len(few.captured_queries)):
        assert len(client.get("/cycles/2024/units").json()) == before + 5
    with django_assert_num_queries(len(one.captured_queries)):
        client.get("/assessments/2024/so-tu-phap")
