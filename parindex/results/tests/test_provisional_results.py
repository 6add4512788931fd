"""A provisional result says why, alike on the results pages, in the Excel files, in the
export and in the messages; a unit with criteria not appraised is not ranked; a result
with every part present, and a revision published before the parts were recorded, read
as they always did."""

from __future__ import annotations

import datetime
import io
import json
from io import StringIO

import pytest
from django.core.management import call_command
from django.urls import reverse
from openpyxl import load_workbook

from parindex.assessments.models import AssessmentItem, Cycle
from parindex.conftest import Cast
from parindex.org.templatetags.parindex import points
from parindex.results.models import ResultRow
from parindex.results.selectors import year_results
from parindex.results.services import results_compute, results_publish
from parindex.surveys.models import UnitSurveyResult

pytestmark = pytest.mark.django_db
NO_SURVEYS = "ubnd-huyen-my-xuyen"  # its survey results are not in
UNCHECKED = "ubnd-huyen-my-tu"  # its appraisal of field 1 is not done


@pytest.fixture
def incomplete(cycle_2024: Cycle) -> Cycle:
    UnitSurveyResult.objects.filter(year=2024, unit__code=NO_SURVEYS).delete()
    AssessmentItem.objects.filter(
        assessment__cycle=cycle_2024,
        assessment__unit__code=UNCHECKED,
        criterion__code__startswith="1.",
    ).update(appraised_inputs=None)
    return cycle_2024


def unappraised(code: str) -> int:
    return ResultRow.objects.get(unit__code=code).unappraised


def page(cast: Cast, path: str) -> str:
    response = cast.client(cast.admin).get(path)
    assert response.status_code == 200
    return response.content.decode()


def test_the_year_page_says_why_a_unit_is_provisional_and_not_ranked(
    cast: Cast, incomplete: Cycle
) -> None:
    results_compute(cycle=incomplete, by=cast.admin)
    text = page(cast, reverse("results:year", args=[2024]))
    count = unappraised(UNCHECKED)
    assert count > 0
    pending = points(ResultRow.objects.get(unit__code=NO_SURVEYS).pending)
    # In rank order, a heading for each set of units ranked together; each row its lacks.
    headings = [
        "Đã có đủ kết quả, xếp hạng trong số các đơn vị này: 9 đơn vị",
        "Đã thẩm định đủ, chưa có kết quả khảo sát SIPAS và khảo sát CBCCVC, xếp hạng trong "
        "số các đơn vị này: 1 đơn vị",
        "Chưa xếp hạng, còn tiêu chí chưa thẩm định: 1 đơn vị",
    ]
    positions = [text.index(f'scope="rowgroup">{heading}</th>') for heading in headings]
    assert positions == sorted(positions)
    assert f"{count} tiêu chí chưa thẩm định.</span>" in text
    assert f"Chưa gồm điểm khảo sát SIPAS và khảo sát CBCCVC: {pending} điểm đang chờ.</span>" in (
        text
    )
    # In another order, each row says whom its rank is among.
    by_name = page(cast, reverse("results:year", args=[2024]) + "?sort=name")
    assert 'scope="rowgroup"' not in by_name
    assert f"{count} tiêu chí chưa thẩm định; chưa xếp hạng." in by_name
    assert "điểm đang chờ; trong số 1 đơn vị của nhóm đã thẩm định đủ và cùng chưa có" in by_name
    assert "9 đơn vị đã có đủ kết quả: được xếp hạng trong số các đơn vị này." in text
    assert "1 đơn vị chưa được xếp hạng vì còn tiêu chí chưa thẩm định." in text
    assert '<span title="chưa xếp hạng: còn' in text  # the rank cell: "—" and why
    assert "bị mất" not in text
    # Ranks among some of the group are not compared with the year before's.
    body = text[text.index("<tbody>") :]
    assert "▲" not in body and "▼" not in body


def test_the_unit_page_names_the_missing_parts_and_the_pending_points(
    cast: Cast, incomplete: Cycle
) -> None:
    results_compute(cycle=incomplete, by=cast.admin)
    text = page(cast, reverse("results:unit", args=[2024, NO_SURVEYS]))
    assert "Kết quả tạm tính, chưa bao gồm đầy đủ:" in text
    assert "Chưa gồm điểm khảo sát SIPAS và khảo sát CBCCVC:" in text
    assert "Điểm khảo sát đang chờ" in text and "đang chờ</span>" in text  # field 8's row
    assert "Hạng 1/1 trong nhóm" in text
    text = page(cast, reverse("results:unit", args=[2024, UNCHECKED]))
    assert "Chưa xếp hạng" in text and "tiêu chí chưa thẩm định" in text
    fields = page(cast, reverse("results:fields", args=[2024]))
    assert '<td class="num">—</td>' in fields and "đang chờ</span>" in fields


def test_page_excel_export_and_rows_agree_on_ranks_and_reasons(
    cast: Cast, incomplete: Cycle
) -> None:
    snapshot = results_compute(cycle=incomplete, by=cast.admin)
    results = year_results(2024, drafts=True)
    assert results is not None
    ranks = {r.result.unit: (r.rank, r.rank_of) for r in results.cycle.units}
    assert ranks.pop(UNCHECKED) == (None, None) and ranks.pop(NO_SURVEYS) == (1, 1)
    assert {of for _rank, of in ranks.values()} == {9}
    stored = {
        code: (rank, of)
        for code, rank, of in ResultRow.objects.values_list("unit__code", "rank", "rank_of")
    }
    assert stored == {**ranks, UNCHECKED: (None, None), NO_SURVEYS: (1, 1)}
    # The year's Excel file: no rank where the page has none, and the reason beside it.
    book = load_workbook(
        io.BytesIO(cast.client(cast.admin).get(reverse("results:year_xlsx", args=[2024])).content)
    )
    sheet = book.worksheets[0]
    header = [c.value for c in sheet[1]]
    assert header[-1] == "Tạm tính: phần còn thiếu"
    by_name = {row[1].value: row for row in sheet.iter_rows(min_row=3) if row[1].value}
    names = {code: info.name for code, info in results.units.items()}
    assert by_name[names[UNCHECKED]][8].value is None
    assert "chưa xếp hạng" in by_name[names[UNCHECKED]][10].value
    assert "điểm đang chờ" in by_name[names[NO_SURVEYS]][10].value
    # Published as it is, the export says the same.
    results_publish(
        snapshot=snapshot,
        decision="Quyết định số 25/QĐ-UBND",
        decision_date=datetime.date(2025, 1, 8),
        by=cast.admin,
        allow_provisional=True,
    )
    out = StringIO()
    call_command("export_results", year=2024, stdout=out)
    document = json.loads(out.getvalue())
    exported = {unit["unit"]: (unit["rank"], unit["rank_of"]) for unit in document["units"]}
    assert exported[names[UNCHECKED]] == (None, None)
    assert exported[names[NO_SURVEYS]] == (1, 1)
    assert set(document["units"][0]) == {
        "group",
        "unit",
        "max_points",
        "self_assessed",
        "survey_staff",
        "survey_sipas",
        "total",
        "index_pct",
        "rank",
        "rank_of",
        "band",
        "fields",
    }  # the contract's keys, nothing added


def test_a_complete_cycle_reads_as_before(cast: Cast, cycle_2024: Cycle) -> None:
    results_compute(cycle=cycle_2024, by=cast.admin)
    results = year_results(2024, drafts=True)
    assert results is not None
    assert [r.rank_of for r in results.cycle.units] == [11] * 11
    assert not any(r.result.provisional for r in results.cycle.units)
    text = page(cast, reverse("results:year", args=[2024]))
    assert "tạm tính" not in text.lower().replace("dự thảo", "")
    sheet = load_workbook(
        io.BytesIO(cast.client(cast.admin).get(reverse("results:year_xlsx", args=[2024])).content)
    ).worksheets[0]
    assert [c.value for c in sheet[1]][-2:] == ["Xếp hạng", "Xếp loại"]  # no column added


def test_a_revision_published_before_the_parts_were_recorded_keeps_its_ranks(
    cast: Cast, incomplete: Cycle
) -> None:
    snapshot = results_compute(cycle=incomplete, by=cast.admin)
    results_publish(
        snapshot=snapshot,
        decision="Quyết định số 25/QĐ-UBND",
        decision_date=datetime.date(2025, 1, 8),
        by=cast.admin,
        allow_provisional=True,
    )
    # As such a row was stored: provisional, nothing more, ranked with every unit.
    for row in ResultRow.objects.all():
        row.unappraised, row.missing_surveys, row.pending = 0, [], 0
        row.fields = {code: stored[:3] for code, stored in row.fields.items()}
        row.save()
    results = year_results(2024)
    assert results is not None
    assert all(r.rank is not None and r.rank_of == 11 for r in results.cycle.units)
    text = page(cast, reverse("results:unit", args=[2024, UNCHECKED]))
    assert "Một số tiêu chí chưa thẩm định." in text  # all that was recorded
