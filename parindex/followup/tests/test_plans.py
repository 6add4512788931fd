"""Improvement plans (issue 13, item 5): a unit records its plan, its targets are checked
against the engine's published figures, its divisions' tasks are reported yearly; a unit
edits only its own plan."""

from __future__ import annotations

import datetime
from decimal import ROUND_HALF_UP, Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from parindex.assessments.models import Cycle
from parindex.conftest import Cast
from parindex.followup import plans
from parindex.followup.models import ImprovementPlan, PlanTarget
from parindex.followup.plan_forms import TargetForm
from parindex.org.errors import Forbidden, Refused
from parindex.org.models import Role, SecurityEvent, Unit, User
from parindex.org.templatetags.parindex import signed_points
from parindex.results.models import Target
from parindex.results.selectors import year_results
from parindex.results.services import results_compute, results_publish

KIND = PlanTarget.Kind
MET, MISSED, PENDING = plans.MET, plans.MISSED, plans.PENDING
CENT = Decimal("0.01")


def _head(unit: Unit) -> User:
    user = User(username=f"{unit.code}.head", role=Role.UNIT_HEAD, unit=unit)
    user.set_unusable_password()
    user.save()
    return user


def _plan(unit: Unit, by: User, first: int = 2023, last: int = 2030) -> ImprovementPlan:
    return plans.plan_save(
        unit=unit,
        title="Kế hoạch cải thiện Chỉ số CCHC đến năm 2030",
        decision_number="2007/KH-STC",
        decision_date=datetime.date(2022, 5, 26),
        first_year=first,
        last_year=last,
        by=by,
    )


def _publish(cycle: Cycle, cast: Cast) -> None:
    snapshot = results_compute(cycle=cycle, by=cast.admin)
    results_publish(
        snapshot=snapshot,
        decision="Quyết định số 25/QĐ-UBND",
        decision_date=datetime.date(2025, 1, 8),
        by=cast.admin,
        allow_provisional=True,
    )


def _target(plan: ImprovementPlan, by: User, kind: str, value: str, **kw: object) -> PlanTarget:
    years = {"first_year": 2024, "last_year": 2025} | kw
    return plans.target_save(plan=plan, kind=kind, value=Decimal(value), by=by, **years)  # type: ignore[arg-type]


def test_targets_are_met_or_not_against_the_engines_published_figures(
    cast: Cast, cycle_2024: Cycle
) -> None:
    _publish(cycle_2024, cast)
    unit = cast.district
    head = _head(unit)
    ranked = year_results(2024, unit=unit.pk).ranked(unit.code)  # type: ignore[union-attr]
    assert ranked is not None and ranked.rank is not None
    result = ranked.result
    # The engine's index, by hand: total over maximum, in percent, half-up to 2 decimals.
    by_hand = (result.total / result.max_points * 100).quantize(CENT, rounding=ROUND_HALF_UP)
    assert result.index_pct == by_hand
    field_1 = result.field_pct("1")
    assert field_1 is not None
    plan = _plan(unit, head)
    met_index = _target(plan, head, KIND.INDEX_AT_LEAST, str(by_hand))
    missed_index = _target(plan, head, KIND.INDEX_AT_LEAST, str(by_hand + CENT))
    met_field = _target(
        plan, head, KIND.FIELD_AT_LEAST, str(field_1.quantize(CENT)), field_code="1"
    )
    met_rank = _target(plan, head, KIND.RANK_AT_MOST, str(ranked.rank))
    missed_rank = _target(plan, head, KIND.RANK_AT_MOST, "1") if ranked.rank > 1 else None

    [year_2025, year_2024, year_2023] = plans.plan_progress(plan, [2025, 2024, 2023])
    checks = {check.target.pk: check for check in year_2024.checks}
    assert year_2024.has_results
    assert (checks[met_index.pk].status, checks[met_index.pk].actual) == (MET, by_hand)
    assert checks[missed_index.pk].status == MISSED
    assert checks[met_field.pk].status == (MET if field_1 >= field_1.quantize(CENT) else MISSED)
    assert checks[met_field.pk].actual == field_1
    rank_check = checks[met_rank.pk]
    assert (rank_check.status, rank_check.actual, rank_check.rank_of) == (
        MET,
        Decimal(ranked.rank),
        ranked.rank_of,
    )
    if missed_rank is not None:
        assert checks[missed_rank.pk].status == MISSED
    # 2025 has no results: pending, never missed; 2023 is outside the targets' years.
    assert [c.status for c in year_2025.checks] == [PENDING] * len(year_2025.checks)
    assert {c.reason for c in year_2025.checks} == {plans.NO_RESULTS}
    assert not year_2025.has_results and year_2023.checks == []


def test_a_rise_of_the_index_is_checked_against_the_year_before(
    cast: Cast, cycle_2024: Cycle
) -> None:
    """Seed 003: “tỷ lệ điểm … năm sau cao hơn năm trước liền kề”. 2023 is the imported
    table, 2024 the published cycle; 2023 has no year before."""
    _publish(cycle_2024, cast)
    unit = cast.district
    head = _head(unit)
    before = year_results(2023, unit=unit.pk).ranked(unit.code).result.index_pct  # type: ignore[union-attr]
    after = year_results(2024, unit=unit.pk).ranked(unit.code).result.index_pct  # type: ignore[union-attr]
    rise = after - before
    plan = _plan(unit, head)
    higher = _target(plan, head, KIND.INDEX_RISES, "0", first_year=2023)
    by_more = _target(plan, head, KIND.INDEX_RISES, str(abs(rise) + 1))
    [year_2024, year_2023] = plans.plan_progress(plan, [2024, 2023])
    checks = {check.target.pk: check for check in year_2024.checks}
    assert checks[higher.pk].actual == rise
    assert checks[higher.pk].status == (MET if rise > 0 else MISSED)
    assert checks[by_more.pk].status == MISSED
    assert [(c.status, c.reason) for c in year_2023.checks] == [(PENDING, "no_previous")]
    page = cast.client(head).get(reverse("followup:plan_unit", args=[unit.code]))
    assert f"{signed_points(rise)} điểm % so với năm trước" in page.content.decode()


def test_an_unpublished_year_is_never_not_met(cast: Cast, cycle_2024: Cycle) -> None:
    results_compute(cycle=cycle_2024, by=cast.admin)  # a draft only
    unit = cast.district
    head = _head(unit)
    plan = _plan(unit, head)
    _target(plan, head, KIND.INDEX_AT_LEAST, "100")
    _target(plan, head, KIND.RANK_AT_MOST, "1")
    [year] = plans.plan_progress(plan, [2024])
    assert not year.has_results
    assert {c.status for c in year.checks} == {PENDING}


def test_imported_results_check_the_index_and_say_when_a_field_has_no_figure(
    cast: Cast, history: None
) -> None:
    unit = cast.district
    head = _head(unit)
    plan = _plan(unit, head)
    index = year_results(2023, unit=unit.pk).ranked(unit.code).result.index_pct  # type: ignore[union-attr]
    _target(plan, head, KIND.INDEX_AT_LEAST, str(index), first_year=2023, last_year=2023)
    _target(plan, head, KIND.FIELD_AT_LEAST, "50", field_code="1", first_year=2023, last_year=2023)
    [year] = plans.plan_progress(plan, [2023])
    assert [(c.status, c.reason) for c in year.checks] == [(MET, ""), (PENDING, "no_field")]


def test_the_provinces_targets_of_the_unit_stand_beside_its_own(
    cast: Cast, cycle_2024: Cycle
) -> None:
    _publish(cycle_2024, cast)
    unit = cast.district
    ranked = year_results(2024, unit=unit.pk).ranked(unit.code)  # type: ignore[union-attr]
    assert ranked is not None
    Target.objects.create(
        title="Mỗi đơn vị đạt từ 100%", kind="unit_index_at_least", value=100,
        first_year=2024, last_year=2024,
    )  # fmt: skip
    Target.objects.create(
        title="Sở Y tế", kind="unit_index_at_least", value=1, first_year=2024, last_year=2024,
        unit=cast.unit_b,
    )  # fmt: skip
    head = _head(unit)
    [year] = plans.plan_progress(_plan(unit, head), [2024])
    assert [(p.target.title, p.status, p.unit_status) for p in year.province] == [
        ("Mỗi đơn vị đạt từ 100%", MISSED, MISSED)
    ]


def test_a_unit_edits_only_its_own_plan(cast: Cast) -> None:
    plan = _plan(cast.unit_a, cast.scorer_a)
    for outsider in (cast.scorer_b, cast.admin, cast.chair, cast.viewer, cast.appraiser):
        with pytest.raises(Forbidden):
            _plan(cast.unit_a, outsider)
        with pytest.raises(Forbidden):
            _target(plan, outsider, KIND.INDEX_AT_LEAST, "85")
    task = plans.task_save(
        plan=plan, division="Văn phòng", text="Tuyên truyền", criteria="1.1; 1.2", due_year=2030,
        by=cast.head_a,
    )  # fmt: skip
    assert task.criterion_codes == ["1.1", "1.2"]
    with pytest.raises(Forbidden):
        plans.progress_report(task=task, year=2024, text="x", done=True, by=cast.scorer_b)
    plans.progress_report(task=task, year=2024, text="Đã tổ chức", done=False, by=cast.head_a)
    plans.progress_report(task=task, year=2024, text="Hoàn thành", done=True, by=cast.scorer_a)
    assert [(p.year, p.text, p.done) for p in task.progress.all()] == [(2024, "Hoàn thành", True)]
    with pytest.raises(Refused):
        plans.progress_report(task=task, year=2031, text="x", done=True, by=cast.scorer_a)


def test_another_units_plan_pages_are_a_logged_404(cast: Cast) -> None:
    _plan(cast.unit_a, cast.scorer_a)
    client = cast.client(cast.scorer_b)
    for url in (
        reverse("followup:plan_unit", args=[cast.unit_a.code]),
        reverse("followup:plan_edit", args=[cast.unit_a.code]),
        reverse("followup:plan_target_new", args=[cast.unit_a.code]),
    ):
        assert client.get(url).status_code == 404, url
    assert (
        SecurityEvent.objects.filter(kind=SecurityEvent.Kind.REFUSED, username="scorer_b").count()
        == 3
    )
    # The administrator reads it but edits nothing of it.
    admin = cast.client(cast.admin)
    assert admin.get(reverse("followup:plan_unit", args=[cast.unit_a.code])).status_code == 200
    assert admin.get(reverse("followup:plan_edit", args=[cast.unit_a.code])).status_code == 403


@pytest.mark.parametrize(
    ("data", "error_on"),
    [
        ({"kind": KIND.INDEX_AT_LEAST, "value": "100.01"}, "value"),
        ({"kind": KIND.INDEX_AT_LEAST, "value": "85.123"}, "value"),
        ({"kind": KIND.INDEX_AT_LEAST, "value": "-1"}, "value"),
        ({"kind": KIND.RANK_AT_MOST, "value": "0"}, "value"),
        ({"kind": KIND.RANK_AT_MOST, "value": "2.5"}, "value"),
        ({"kind": KIND.FIELD_AT_LEAST, "value": "80"}, "field_code"),
        ({"kind": KIND.INDEX_AT_LEAST, "value": "85", "first_year": "1999"}, "first_year"),
        ({"kind": KIND.INDEX_AT_LEAST, "value": "85", "last_year": "2031"}, "last_year"),
    ],
)
def test_target_inputs_are_bounded(cast: Cast, data: dict[str, str], error_on: str) -> None:
    plan = _plan(cast.unit_a, cast.scorer_a)
    form = TargetForm({"first_year": "2024", "last_year": "2025"} | data, plan=plan)
    assert not form.is_valid()
    assert error_on in form.errors


def test_the_unit_records_its_plan_through_the_pages(cast: Cast) -> None:
    client = cast.client(cast.head_a)
    code = cast.unit_a.code
    response = client.post(
        reverse("followup:plan_edit", args=[code]),
        {"title": "Kế hoạch", "decision_number": "1/KH", "first_year": "2021", "last_year": "2030"},
    )
    assert response.status_code == 302
    response = client.post(
        reverse("followup:plan_target_new", args=[code]),
        {"kind": KIND.INDEX_AT_LEAST, "value": "85", "first_year": "2024", "last_year": "2030",
         "text": "Chỉ số CCHC đạt từ 85%"},
    )  # fmt: skip
    assert response.status_code == 302
    response = client.post(
        reverse("followup:plan_task_new", args=[code]),
        {"division": "Văn phòng", "text": "Tự đánh giá", "criteria": "1.1", "due_year": "2030"},
    )
    assert response.status_code == 302
    page = client.get(reverse("followup:plan_unit", args=[code]) + "?year=2024")
    text = page.content.decode()
    assert "Chỉ số CCHC đạt từ 85%" in text and "85,00%" in text
    assert "Văn phòng" in text and "Chưa có kết quả" in text


def test_the_overview_reads_every_plan_in_a_fixed_number_of_queries(
    cast: Cast, history: None
) -> None:
    client = cast.client(cast.admin)
    url = reverse("followup:plan_overview")
    client.get(url)  # warm the published results' cache

    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url).status_code == 200
        return len(queries)

    head = _head(cast.district)
    plan = _plan(cast.district, head)
    _target(plan, head, KIND.INDEX_AT_LEAST, "50", first_year=2023, last_year=2023)
    one = count()
    for unit, unit_head in ((cast.unit_a, cast.head_a), (cast.unit_b, cast.head_b)):
        _target(_plan(unit, unit_head), unit_head, KIND.INDEX_AT_LEAST, "50")
    assert count() == one
    page = client.get(url).content.decode()
    assert page.count("Kế hoạch cải thiện Chỉ số CCHC đến năm 2030") == 3


def test_the_plan_downloads_as_a_workbook_with_each_year_s_verdict(
    cast: Cast, cycle_2024: Cycle
) -> None:
    from io import BytesIO

    from openpyxl import load_workbook

    _publish(cycle_2024, cast)
    unit = cast.district
    head = _head(unit)
    plan = _plan(unit, head, first=2023, last=2025)
    index = year_results(2024, unit=unit.pk).ranked(unit.code).result.index_pct  # type: ignore[union-attr]
    _target(plan, head, KIND.INDEX_AT_LEAST, str(index), first_year=2024, last_year=2024)
    task = plans.task_save(
        plan=plan, division="Phòng Nội vụ", text="Niêm yết TTHC", criteria="3.1", due_year=2024,
        by=head,
    )  # fmt: skip
    plans.progress_report(task=task, year=2024, text="Đã niêm yết", done=True, by=head)
    response = cast.client(head).get(reverse("followup:plan_xlsx", args=[unit.code]))
    assert response.status_code == 200
    book = load_workbook(BytesIO(response.content))
    targets = list(book["Mục tiêu"].iter_rows(values_only=True))
    header = list(targets[1])
    row = dict(zip(header, targets[2], strict=True))
    assert row["Mục tiêu"] == f"Chỉ số CCHC đạt từ {index.normalize():f}".replace(".", ",") + "%"
    assert Decimal(str(row["Kết quả 2024"])) == index and row["Đánh giá 2024"] == "Đạt"
    assert row["Kết quả 2023"] in (None, "")  # the target does not cover 2023
    tasks = list(book["Nhiệm vụ"].iter_rows(values_only=True))
    assert tasks[1][:4] == ("Phòng Nội vụ", "Niêm yết TTHC", "3.1", 2024)
    assert "Đã hoàn thành. Đã niêm yết" in tasks[1]
