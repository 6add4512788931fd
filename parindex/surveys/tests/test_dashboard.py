"""The campaign's pages: the list and the dashboard in a fixed number of queries, progress
against target per unit and partner, responses per day, the aggregation as a job and what
its figures do not hold yet; a partner's progress; a unit's results with their intervals,
last year's figure through the crosswalk, per group only from the minimum count; the Excel
files of every aggregate table, never an individual staff response."""

from __future__ import annotations

import datetime
import io
from decimal import Decimal
from typing import Any

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from parindex.conftest import Cast
from parindex.jobs.models import Job
from parindex.org.models import Unit

from ..aggregation import campaign_aggregate
from ..dashboards import dashboard, unit_results
from ..models import CampaignUnit, Channel, CollectorAssignment, Question, Source
from .campaign_fixtures import TODAY, Partners, answer, partners, sipas_campaign, staff_survey
from .factories import campaign, sipas_questionnaire

pytestmark = pytest.mark.django_db
__all__ = ["partners"]


def test_the_list_reads_in_one_query_whatever_the_campaigns(
    cast: Cast, django_assert_num_queries: Any
) -> None:
    sipas_campaign([cast.unit_a, cast.unit_b])
    client = cast.client(cast.admin)
    client.get(reverse("surveys:campaigns"))  # warm the session
    with django_assert_num_queries(3):  # session, user, campaigns
        page = client.get(reverse("surveys:campaigns"))
    assert "Khảo sát sipas-2024" in page.content.decode()
    staff_survey([cast.unit_a, cast.unit_b, cast.district])
    with django_assert_num_queries(3):
        assert client.get(reverse("surveys:campaigns")).status_code == 200


def dashboard_queries(cast: Cast, code: str, django_assert_num_queries: Any, count: int) -> str:
    """The dashboard's queries, the year's survey leaves checked against its questionnaires
    (two) included."""
    client = cast.client(cast.admin)
    client.get(reverse("surveys:campaign", args=[code]))
    with django_assert_num_queries(count):
        page = client.get(reverse("surveys:campaign", args=[code]))
    assert page.status_code == 200
    return page.content.decode()


def test_the_dashboard_reads_in_the_same_queries_for_two_units_or_forty(
    cast: Cast, partners: Partners, django_assert_num_queries: Any
) -> None:
    small = sipas_campaign([cast.unit_a, cast.unit_b])
    small.partners.set([partners.post, partners.front])
    answer(
        small,
        cast.unit_a,
        {"a1": "5", "p1": "4"},
        channel=Channel.COLLECTOR,
        collector=partners.collector,
    )
    dashboard_queries(cast, small.code, django_assert_num_queries, 14)
    many = [
        Unit.objects.create(code=f"xa-{n}", name=f"UBND xã {n}", group=cast.districts, position=n)
        for n in range(40)
    ]
    big = campaign([sipas_questionnaire(code="sipas-big")], many, code="sipas-big", transactions=50)
    big.partners.set([partners.post])
    for unit in many[::3]:
        answer(big, unit, {"a1": "4", "p1": "4"})
    text = dashboard_queries(cast, big.code, django_assert_num_queries, 14)
    assert "UBND xã 39" in text


def test_a_staff_dashboard_reads_its_response_rates_in_four_queries_more(
    cast: Cast, django_assert_num_queries: Any
) -> None:
    from ..imports import respondents_import

    survey = staff_survey([cast.unit_a])

    def listed(units: list[Unit]) -> None:
        table = "unit,group,name,email,mobile\n" + "".join(
            f"{unit.code},cong-chuc,Người {n},{unit.code}.{n}@x.vn,\n"
            for unit in units
            for n in range(3)
        )
        respondents_import(campaign=survey.campaign, content=table.encode(), filename="d.csv")

    listed([cast.unit_a])
    dashboard_queries(cast, survey.campaign.code, django_assert_num_queries, 18)
    many = [
        Unit.objects.create(code=f"xa-{n}", name=f"UBND xã {n}", group=cast.districts, position=n)
        for n in range(30)
    ]
    CampaignUnit.objects.bulk_create(
        CampaignUnit(campaign=survey.campaign, unit=unit, link_code=f"XA{n:05d}")
        for n, unit in enumerate(many)
    )
    listed(many)
    text = dashboard_queries(cast, survey.campaign.code, django_assert_num_queries, 18)
    assert "UBND xã 29" in text


def test_the_dashboard_shows_progress_against_target_partners_and_days(
    cast: Cast, partners: Partners
) -> None:
    survey = sipas_campaign([cast.unit_a, cast.unit_b], transactions=4)  # target 4 each
    survey.partners.set([partners.post])
    yesterday = TODAY - datetime.timedelta(days=1)
    for _ in range(4):
        answer(survey, cast.unit_a, {"a1": "5", "p1": "4"}, day=yesterday)
    answer(
        survey,
        cast.unit_b,
        {"a1": "2", "p1": "4"},
        channel=Channel.COLLECTOR,
        collector=partners.collector,
    )
    answer(survey, cast.unit_b, {"a1": "1", "p1": "1"}, flag="honeypot")
    board = dashboard(survey, today=TODAY)
    rows = {row.unit.code: row for row in board.rows}
    assert (rows["so-tu-phap"].counted, rows["so-tu-phap"].target, rows["so-tu-phap"].short) == (
        4,
        4,
        False,
    )
    assert (rows["so-y-te"].counted, rows["so-y-te"].waiting, rows["so-y-te"].short) == (1, 1, True)
    assert rows["so-tu-phap"].width == "100.00" and rows["so-y-te"].width == "25.00"
    assert board.counted == 5 and board.received == 6 and board.waiting == 1 and board.short == 1
    assert [(p.partner.name, p.collectors, p.recorded) for p in board.partners] == [
        ("Bưu điện tỉnh", 1, 1)
    ]
    assert [(bar.day, bar.n) for bar in board.chart.bars] == [(yesterday, 4), (TODAY, 2)]
    page = cast.client(cast.admin).get(reverse("surveys:campaign", args=[survey.code]))
    text = page.content.decode()
    assert 'width="25.00"' in text and "style=" not in text  # bars without inline styles
    assert "Bưu điện tỉnh" in text and '<rect class="day-bar"' in text
    short = cast.client(cast.admin).get(
        reverse("surveys:campaign", args=[survey.code]) + "?short=on"
    )
    assert "Sở Tư pháp" not in short.content.decode().split('id="units"')[1]


def test_aggregating_is_a_job_and_the_page_says_what_the_figures_miss(
    cast: Cast, settings: Any
) -> None:
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    survey = sipas_campaign([cast.unit_a])
    answer(survey, cast.unit_a, {"a1": "5", "p1": "4"})
    client = cast.client(cast.admin)
    page = client.get(reverse("surveys:campaign", args=[survey.code])).content.decode()
    assert "chưa tổng hợp" in page
    started = client.post(reverse("surveys:campaign_aggregate", args=[survey.code]))
    job = Job.objects.get()
    assert started["Location"] == job.get_absolute_url()
    assert job.status == Job.Status.SUCCEEDED and job.link.endswith(f"/surveys/{survey.code}/")
    answer(survey, cast.unit_a, {"a1": "4", "p1": "4"})
    board = dashboard(survey.__class__.objects.get(pk=survey.pk), today=TODAY)
    assert board.in_figures == 1 and board.not_in_figures == 1
    page = client.get(reverse("surveys:campaign", args=[survey.code])).content.decode()
    assert "1 phiếu được tính chưa có trong số liệu" in page


def test_a_supervisor_follows_progress_counts_only(cast: Cast, partners: Partners) -> None:
    survey = sipas_campaign([cast.unit_a, cast.unit_b])
    survey.partners.set([partners.post, partners.front])
    CollectorAssignment.objects.create(
        campaign=survey, collector=partners.collector, unit=cast.unit_a
    )
    answer(
        survey,
        cast.unit_a,
        {"a1": "5", "p1": "4"},
        channel=Channel.COLLECTOR,
        collector=partners.collector,
    )
    campaign_aggregate(campaign=survey)
    client = cast.client(partners.supervisor)
    listing = client.get(reverse("surveys:progress"))
    assert listing.status_code == 200 and survey.title in listing.content.decode()
    page = client.get(reverse("surveys:campaign_progress", args=[survey.code]))
    text = page.content.decode()
    assert page.status_code == 200 and "collector" in text and "Sở Y tế" in text
    assert "%" not in text.split("<main")[1]  # no figure, only counts
    assert client.get(reverse("surveys:campaign", args=[survey.code])).status_code == 403
    home = client.get(reverse("home")).content.decode()
    assert reverse("surveys:campaign_progress", args=[survey.code]) in home
    # A partner that takes no part sees nothing of it.
    other = cast.client(partners.outsider)
    assert other.get(reverse("surveys:campaign_progress", args=[survey.code])).status_code == 404
    assert survey.title not in other.get(reverse("surveys:progress")).content.decode()


def test_a_collectors_home_lists_the_units_to_survey(cast: Cast, partners: Partners) -> None:
    survey = sipas_campaign([cast.unit_a, cast.unit_b])
    survey.partners.set([partners.post])
    CollectorAssignment.objects.create(
        campaign=survey, collector=partners.collector, unit=cast.unit_b
    )
    page = cast.client(partners.collector).get(reverse("home"))
    text = page.content.decode()
    assert page.status_code == 200 and survey.title in text and "Sở Y tế" in text
    assert "Sở Tư pháp" not in text
    assert reverse("org:unit_list") not in text  # the menu is the surveys' only


def sipas_year(cast: Cast, year: int, answers: list[tuple[str, str]]) -> Any:
    questionnaire = sipas_questionnaire(year=year)
    survey = campaign([questionnaire], [cast.unit_a, cast.unit_b], code=f"s{year}", transactions=10)
    for a1, p1 in answers:
        answer(survey, cast.unit_a, {"a1": a1, "p1": p1})
    campaign_aggregate(campaign=survey)
    return survey


def test_a_units_results_show_intervals_and_last_years_figure_through_the_crosswalk(
    cast: Cast,
) -> None:
    before = sipas_year(cast, 2023, [("5", "5"), ("1", "4")])
    survey = sipas_year(cast, 2024, [("5", "4"), ("4", "2"), ("3", "5"), ("2", "4")])
    old = {q.code: q for q in Question.objects.filter(questionnaire__year=2023)}
    Question.objects.filter(questionnaire__year=2024, code="a1").update(previous=old["a1"])
    entry = CampaignUnit.objects.select_related("unit__group").get(
        campaign=survey, unit=cast.unit_a
    )
    results = unit_results(survey, entry)
    assert results.previous_campaign == before
    access = next(block for block in results.indicators if block.code == "access")
    a1 = next(line for line in access.questions if line.question.code == "a1")
    assert a1.figure is not None and a1.figure.pct == Decimal("50.0000") and a1.figure.n == 4
    assert a1.figure.previous == Decimal("50.0000")  # 2023: one of two satisfied
    assert a1.figure.low is not None and a1.figure.low < 50 < a1.figure.high  # type: ignore[operator]
    p1 = next(line for line in results.indicators if line.code == "procedure").questions[0]
    assert p1.figure is not None and p1.figure.previous is None  # no crosswalk: no trend
    assert results.respondents == 4 and results.target == 10 and results.short
    page = cast.client(cast.scorer_a).get(
        reverse("surveys:unit_results", args=[survey.code, cast.unit_a.code])
    )
    text = page.content.decode()
    assert page.status_code == 200 and '<svg class="whisker"' in text and "style=" not in text
    assert "50,00%" in text and "2023" in text
    home = cast.client(cast.scorer_a).get(reverse("home")).content.decode()
    assert reverse("surveys:unit_results", args=[survey.code, cast.unit_a.code]) in home
    # Another unit's results: not theirs to see.
    other = cast.client(cast.scorer_a).get(
        reverse("surveys:unit_results", args=[survey.code, cast.unit_b.code])
    )
    assert other.status_code == 404


def staff_cells(cast: Cast, code: str) -> list[str]:
    response = cast.client(cast.admin).get(
        reverse("surveys:unit_results_xlsx", args=[code, cast.unit_a.code])
    )
    book = load_workbook(io.BytesIO(response.content))
    return [
        str(cell)
        for sheet in book.worksheets
        for row in sheet.iter_rows(values_only=True)
        for cell in row
        if cell is not None
    ]


def test_a_staff_units_groups_are_shown_only_when_each_has_the_minimum_count(
    cast: Cast,
) -> None:
    """Two leaders and five staff: shown beside the unit's figure, the staff's would
    give the leaders' away, so no group's figures are shown, nor the questions' (each
    is one group's); with five leaders, both groups are."""
    survey = staff_survey([cast.unit_a])

    def answers(group: Any, count: int, q1: str) -> None:
        for _ in range(count):
            answer(
                survey.campaign,
                cast.unit_a,
                {"q1": q1, "q2": "4"},
                group=group,
                channel=Channel.PAPER,
            )

    answers(survey.staff, 5, "2")
    answers(survey.leaders, 2, "5")
    campaign_aggregate(campaign=survey.campaign)
    entry = CampaignUnit.objects.select_related("unit__group").get(unit=cast.unit_a)
    results = unit_results(survey.campaign, entry)
    assert results.groups == [] and results.groups_hidden == 2
    lines = [line for block in results.indicators for line in block.questions]
    assert len(lines) == 4 and all(line.figure is None for line in lines)
    assert results.overall is not None and results.respondents == 7  # the unit's own figure
    cells = staff_cells(cast, survey.campaign.code)
    assert "Lãnh đạo phòng" not in cells and "Công chức" not in cells
    page = cast.client(cast.admin).get(
        reverse("surveys:unit_results", args=[survey.campaign.code, cast.unit_a.code])
    )
    assert (
        "không hiển thị" in page.content.decode() and "Công chức</td>" not in page.content.decode()
    )
    answers(survey.leaders, 3, "5")
    campaign_aggregate(campaign=survey.campaign)
    results = unit_results(survey.campaign, entry)
    assert [line.group for line in results.groups] == [survey.leaders, survey.staff]
    shown = [line for block in results.indicators for line in block.questions]
    assert all(line.figure is not None for line in shown)
    leaders = results.groups[0]
    assert leaders.overall is not None and leaders.overall.pct == Decimal("100.0000")
    assert "Lãnh đạo phòng" in staff_cells(cast, survey.campaign.code)
    assert survey.campaign.source == Source.STAFF


def test_the_campaigns_excel_holds_units_by_indicators(cast: Cast) -> None:
    survey = sipas_campaign([cast.unit_a, cast.unit_b], transactions=10)
    answer(survey, cast.unit_a, {"a1": "5", "p1": "4", "r1": "2"})
    campaign_aggregate(campaign=survey)
    response = cast.client(cast.viewer).get(reverse("surveys:campaign_xlsx", args=[survey.code]))
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.content)).worksheets[0]
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][-3:] == ("access (%)", "procedure (%)", "results (%)")
    assert rows[1][:2] == ("so-tu-phap", "Sở Tư pháp") and rows[1][4] == 1
    assert rows[2][0] == "so-y-te" and rows[2][6] is None  # no response: no figure
    assert Decimal(str(rows[1][-3])) == Decimal(1) and Decimal(str(rows[1][-1])) == Decimal("0.6")


def test_a_unit_name_that_looks_like_a_formula_stays_text(cast: Cast) -> None:
    Unit.objects.filter(pk=cast.unit_a.pk).update(name='=HYPERLINK("http://x")')
    survey = sipas_campaign([cast.unit_a])
    answer(survey, cast.unit_a, {"a1": "5", "p1": "4"})
    campaign_aggregate(campaign=survey)
    response = cast.client(cast.admin).get(reverse("surveys:campaign_xlsx", args=[survey.code]))
    sheet = load_workbook(io.BytesIO(response.content)).worksheets[0]
    cell = sheet.cell(row=2, column=2)
    assert cell.value == '=HYPERLINK("http://x")' and cell.data_type == "s"
