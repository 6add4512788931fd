"""The annual report: every figure in it is one the engine produced for that revision."""

from __future__ import annotations

import io
from decimal import Decimal
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from docx import Document

from parindex.assessments.models import Cycle
from parindex.conftest import Cast
from parindex.documents.narrative import pct, pts
from parindex.documents.report import build_report
from parindex.documents.sources import Source, year_source
from parindex.scoring.engine import field_standings, published_difference
from parindex.scoring.summaries import field_point_averages, tally

from .conftest import document_text, figures_in

pytestmark = pytest.mark.django_db


def engine_figures(source: Source) -> set[str]:
    """Every figure the engine gives for the year, as the documents write them."""
    shown: set[Decimal] = set()
    years = [source.results, *source.history.values()]
    for results in years:
        cycle = results.cycle
        shown.add(cycle.average_pct)
        for ranked in cycle.units:
            result = ranked.result
            parts = (result.max_points, result.self_assessed, result.survey_staff)
            shown.update([*parts, result.survey_sipas, result.total, result.index_pct])
            for code in result.field_codes:
                for value in (result.field_points(code), result.field_pct(code)):
                    if value is not None:
                        shown.add(value)
        for summary in cycle.groups.values():
            shown.add(summary.average_pct)
            for found in (
                summary.extremes,
                *summary.field_extremes.values(),
                *summary.field_point_extremes.values(),
            ):
                shown.update([found.highest_pct, found.lowest_pct, found.gap_pct])
            shown.update(summary.field_averages.values())
            shown.update(summary.field_point_averages.values())
        standings = field_standings(cycle)
        shown.update(standing.average_pct for standing in standings.fields)
        if standings.extremes is not None:
            shown.add(standings.extremes.gap_pct)
        shown.update(field_point_averages(cycle.units).values())
    # Year over year: the groups' averages and the overall average, against each other.
    for earlier in source.history.values():
        pairs = [(source.results.cycle.average_pct, earlier.cycle.average_pct)]
        for code, summary in source.results.cycle.groups.items():
            if code in earlier.cycle.groups:
                pairs.append((summary.average_pct, earlier.cycle.groups[code].average_pct))
        shown.update(abs(published_difference(a, b) or Decimal(0)) for a, b in pairs)
    if source.losses is not None:
        every = [loss for losses in source.losses.values() for loss in losses]
        shown.update(loss.lost for loss in every)
        tallied = tally(((loss.code, loss.title), loss.unit, loss.lost) for loss in every)
        shown.update(item.points for item in tallied)
    written = set()
    for value in shown:
        written.add(pts(value))
        written.add(pct(value).rstrip("%"))
    return written


def test_every_figure_of_the_report_is_the_engines(cast: Cast, published_2024: Cycle) -> None:
    source = year_source(2024)
    assert source is not None and source.losses is not None
    text = document_text(build_report(source))
    found = figures_in(text)
    assert len(found) > 100
    assert found <= engine_figures(source), sorted(found - engine_figures(source))
    # The published table: every unit with its index, the group's average.
    summary = source.results.cycle.groups["huyen"]
    for ranked in source.results.members("huyen"):
        assert pct(ranked.result.index_pct) in text
    assert f"Giá trị trung bình của nhóm đạt {pct(summary.average_pct)}" in text
    assert f"là {pts(summary.extremes.gap_pct)} điểm phần trăm" in text
    # Compared with the imported 2023 of the same group.
    assert "so với năm 2023" in text
    # The criteria where points were lost, with the units in a footnote.
    assert "đơn vị bị trừ điểm, tổng cộng" in text
    assert "Bao gồm: " in text


def test_a_unit_sharing_the_highest_index_is_named_with_the_other(
    cast: Cast, published_2024: Cycle
) -> None:
    source = year_source(2024)
    assert source is not None
    text = document_text(build_report(source))
    extremes = source.results.cycle.groups["huyen"].extremes
    for code in extremes.highest:
        assert source.results.units[code].name in text


def test_an_imported_year_says_what_it_lacks_and_keeps_the_published_gap(
    cast: Cast, history: None
) -> None:
    source = year_source(2023)
    assert source is not None and source.losses is None
    text = document_text(build_report(source))
    assert "không có các phần cần số liệu đó" in text
    assert "Bao gồm: " not in text  # no criterion-level footnotes
    # The cast's departments have units but no 2023 results: named as missing, and the
    # average is said to be the districts', not the province's.
    assert "không có số liệu của nhóm Sở, ban, ngành tỉnh" in text
    assert "không phải của toàn tỉnh" in text
    gap = pts(source.results.cycle.groups["huyen"].extremes.gap_pct)
    assert gap in ("14,78", "14,79")
    assert f"khoảng cách chênh lệch giữa đơn vị cao nhất và thấp nhất là {gap}" in text
    assert "6,76" not in text
    assert figures_in(text) <= engine_figures(source)


def test_a_draft_is_marked_as_such(cast: Cast, cycle_2024: Cycle) -> None:
    from parindex.results.services import results_compute

    results_compute(cycle=cycle_2024, by=cast.admin)
    assert year_source(2024) is None  # a draft is read only when asked for
    source = year_source(2024, drafts=True)
    assert source is not None
    assert "DỰ THẢO" in document_text(build_report(source))


def test_the_report_is_laid_out_as_the_decree_sets(cast: Cast, published_2024: Cycle) -> None:
    source = year_source(2024)
    assert source is not None
    document = Document(io.BytesIO(build_report(source)))
    section = document.sections[0]
    assert (section.page_width.mm, section.page_height.mm) == pytest.approx((210, 297), abs=0.5)
    assert (section.left_margin.mm, section.right_margin.mm) == pytest.approx((30, 15), abs=0.5)
    assert document.styles["Normal"].font.name == "Times New Roman"
    head = document.tables[0]
    assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in head.rows[0].cells[1].text
    assert "Độc lập - Tự do - Hạnh phúc" in head.rows[0].cells[1].text
    assert "Số:" in head.rows[1].cells[0].text
    text = document_text(build_report(source))
    assert "Nơi nhận:" in text
    # Every results table repeats its header rows on each page.
    results_tables = [t for t in document.tables if t.rows[0].cells[0].text == "STT"]
    assert results_tables
    for table in results_tables:
        assert table.rows[0]._tr.trPr.xpath("./w:tblHeader")


def test_the_command_writes_the_report(cast: Cast, published_2024: Cycle, tmp_path: Path) -> None:
    out = tmp_path / "bao-cao-2024.docx"
    call_command("build_report", year=2024, out=out, stdout=io.StringIO())
    assert "Kết quả Chỉ số cải cách hành chính" in document_text(out.read_bytes())
    with pytest.raises(CommandError):
        call_command("build_report", year=1999, out=out, stdout=io.StringIO())


def test_units_lowered_on_a_criterion_are_out_of_its_count(
    cast: Cast, published_2024: Cycle
) -> None:
    """Seed 002: "Cải cách thể chế thực hiện đánh giá đối với 13/19 sở ngành" — a unit for
    which a criterion does not apply neither loses points on it nor counts among its units."""
    from parindex.assessments.models import AssessmentItem

    lowered = (
        AssessmentItem.objects.filter(
            assessment__cycle=published_2024,
            not_applicable_claimed=True,
            not_applicable_accepted=True,
        )
        .values_list("criterion__code", "criterion__title", "assessment__unit__code")
        .order_by("criterion__code")
    )
    assert lowered, "the fixture lowers some criteria"
    source = year_source(2024)
    assert source is not None and source.losses is not None
    text = document_text(build_report(source))
    checked = 0
    for code, title, unit in lowered:
        applies = source.applies.get((code, title), set())
        assert unit not in applies
        assert all(loss.code != code for loss in source.losses[unit])
        lost = [u for u, losses in source.losses.items() if any(x.code == code for x in losses)]
        if lost:
            assert f"“{title}”: {len(lost):02d}/{len(applies):02d} đơn vị bị trừ điểm" in text
            checked += 1
    assert checked


def test_the_recognised_initiatives_are_the_appendix(cast: Cast, published_2024: Cycle) -> None:
    from parindex.followup.models import Initiative

    source = year_source(2024)
    assert source is not None
    assert "Phụ lục" not in document_text(build_report(source))  # none recognised: none
    Initiative.objects.create(
        unit=cast.district,
        year=2024,
        title="Mô hình “Dân đến không viết” tại UBND xã",
        description="Công chức điền sẵn tờ khai cho người dân.",
        status=Initiative.Status.RECOGNISED,
    )
    Initiative.objects.create(unit=cast.district, year=2024, title="Sáng kiến chưa được công nhận")
    source = year_source(2024)
    assert source is not None
    text = document_text(build_report(source))
    assert "Danh sách sáng kiến, giải pháp mới về cải cách hành chính" in text
    assert "Mô hình “Dân đến không viết” tại UBND xã\n* Công chức điền sẵn" in text
    assert "Sáng kiến chưa được công nhận" not in text
    assert "công nhận 01 sáng kiến, giải pháp mới về CCHC của 01 cơ quan, đơn vị" in text
