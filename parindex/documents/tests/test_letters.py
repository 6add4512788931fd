"""Each unit's letter (shared/seeds/000): opened again with python-docx, every number in it
is one of the engine's figures for that unit, and its weaknesses are the unit's losses."""

from __future__ import annotations

import datetime
import io
import re
import zipfile
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path
from typing import Any

import docx as python_docx
import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone, translation

from parindex.assessments.models import AssessmentItem, Cycle
from parindex.conftest import Cast
from parindex.documents.letters import (
    build_letter,
    build_letters,
    file_name,
    head_title,
    locality,
    parent_body,
    recipients,
    signer_title,
    symbol,
)
from parindex.documents.sources import Source, year_source
from parindex.org.models import Unit, UnitGroup
from parindex.org.templatetags.parindex import day, percent, points
from parindex.results.selectors import YearResults
from parindex.results.services import results_compute, results_publish
from parindex.surveys.models import UnitSurveyResult

pytestmark = pytest.mark.django_db

DECISION = "Quyết định số 25/QĐ-UBND"
DECISION_DATE = datetime.date(2025, 1, 8)
# A number as a reader sees one: 73,94 · 78,45% · 08/11 · 2024 (not the 1 of "Dự án 1").
NUMBER = re.compile(r"(?<!\w)\d+(?:[.,/]\d+)*")
LOSS_LINE = re.compile(r"^- (?P<title>.+): bị trừ (?P<lost>\d+,\d{2}) điểm\.(?: (?P<rest>.*))?$")


def publish(cycle: Cycle) -> Source:
    snapshot = results_compute(cycle=cycle, by=None)
    results_publish(snapshot=snapshot, decision=DECISION, decision_date=DECISION_DATE, by=None)
    source = year_source(2024)
    assert source is not None
    return source


@pytest.fixture
def commented(cycle_2024: Cycle) -> Cycle:
    """The appraisers commented on a few criteria of every unit, numbers included."""
    for number, item in enumerate(
        AssessmentItem.objects.filter(assessment__cycle=cycle_2024).order_by("pk")[::7]
    ):
        item.appraisal_note = f"Báo cáo số {number}/BC-UBND gửi trễ 03 ngày"
        item.save(update_fields=["appraisal_note"])
    return cycle_2024


def paragraphs(data: bytes) -> list[str]:
    """Every paragraph of the letter, the letterhead's and the signature's cells too."""
    document = python_docx.Document(io.BytesIO(data))
    found = [paragraph.text for paragraph in document.paragraphs]
    for table in document.tables:
        for row in table.rows:
            for cell in row.cells:
                found.extend(paragraph.text for paragraph in cell.paragraphs)
    return found


def figures(results: YearResults, code: str) -> set[str]:
    """The engine's figures of a unit in a year, written as the letter writes them."""
    ranked = results.ranked(code)
    assert ranked is not None
    result = ranked.result
    found = {
        points(result.total),
        points(result.self_assessed),
        points(result.survey),
        percent(result.index_pct).rstrip("%"),
        str(ranked.band),
        str(results.year),
    }
    if ranked.rank is not None and ranked.rank_of is not None:
        found.add(f"{ranked.rank:02d}/{ranked.rank_of:02d}")
    if result.provisional:
        found |= {points(result.pending), str(result.unappraised), str(ranked.rank_of)}
    return found


def allowed(source: Source, code: str) -> set[str]:
    found = figures(source.results, code) | {str(timezone.localdate().year)}
    for earlier in source.history.values():
        if earlier.ranked(code) is not None:
            found |= figures(earlier, code)
    for loss in (source.losses or {}).get(code, []):
        found.add(points(loss.lost))
    return found


def written_elsewhere(source: Source, code: str) -> list[str]:
    """Texts the letter quotes from the records, not the engine: names, the framework's
    titles, the appraisers' comments, the decision; longest first."""
    unit = Unit.objects.select_related("group__body").get(code=code)
    texts = [unit.name, unit.group.name, unit.group.body.name, DECISION, day(DECISION_DATE)]
    texts += [group.name for group in UnitGroup.objects.all()]
    for titles in source.field_titles.values():
        texts += [f"{field}. {title}" for field, title in titles.items()]
    for loss in (source.losses or {}).get(code, []):
        texts += [loss.title, loss.comment]
    return sorted((text for text in texts if text), key=len, reverse=True)


def stray_numbers(source: Source, code: str, data: bytes) -> list[str]:
    """Numbers in the letter that are none of the engine's figures for the unit."""
    with translation.override("vi"):
        figures_of_unit = allowed(source, code)
        quoted = written_elsewhere(source, code)
    stray = []
    for text in paragraphs(data):
        for known in quoted:
            text = text.replace(known, " ")
        stray += [token for token in NUMBER.findall(text) if token not in figures_of_unit]
    return stray


def weaknesses(data: bytes) -> list[tuple[str, str, str, str]]:
    """(field heading, criterion, points lost, comment) of every "- …: bị trừ …" line."""
    document = python_docx.Document(io.BytesIO(data))
    found = []
    heading = ""
    for paragraph in document.paragraphs:
        text = paragraph.text
        if paragraph.runs and paragraph.runs[0].bold and re.match(r"^\d+\. ", text):
            heading = text
            continue
        line = LOSS_LINE.match(text)
        if line is not None:
            rest = line.group("rest") or ""
            comment = rest.removeprefix("Ý kiến thẩm định: ")
            found.append((heading, line.group("title"), line.group("lost"), comment))
    return found


def expected_weaknesses(source: Source, code: str) -> list[tuple[str, str, str, str]]:
    ranked = source.results.ranked(code)
    assert ranked is not None and source.losses is not None
    titles = source.field_titles[ranked.result.group]
    with translation.override("vi"):
        return [
            (
                f"{loss.field}. {titles[loss.field]}",
                loss.title,
                points(loss.lost),
                f"{loss.comment}." if loss.comment else "",
            )
            for field in titles
            for loss in source.losses[code]
            if loss.field == field
        ]


def test_every_number_of_every_letter_is_the_engines(commented: Cycle) -> None:
    source = publish(commented)
    archive = zipfile.ZipFile(io.BytesIO(build_letters(source)))
    names = archive.namelist()
    assert len(names) == len(source.results.cycle.units) == 11
    comments = 0
    for name in names:
        code = name.removeprefix("2024-").removesuffix(".docx")
        data = archive.read(name)
        assert stray_numbers(source, code, data) == [], name
        assert weaknesses(data) == expected_weaknesses(source, code), name
        assert source.losses is not None and len(weaknesses(data)) == len(source.losses[code])
        comments += sum(1 for loss in source.losses[code] if loss.comment)
    assert comments > 0  # the appraisers' comments were written beside their criteria


def test_the_letter_says_the_units_year_and_the_year_before(commented: Cycle) -> None:
    source = publish(commented)
    ranked = source.results.cycle.units[-1]
    code = ranked.result.unit
    before = source.history[2023].ranked(code)
    assert before is not None and ranked.rank is not None and before.rank is not None
    text = "\n".join(paragraphs(build_letter(source, code)))
    with translation.override("vi"):
        this_year = (
            f"Năm 2024, tổng điểm CCHC đạt được {points(ranked.result.total)} (bao gồm điểm"
            f" tự chấm {points(ranked.result.self_assessed)}; điểm điều tra xã hội học"
            f" {points(ranked.result.survey)}), Chỉ số CCHC đạt"
            f" {percent(ranked.result.index_pct)}, xếp loại nhóm {ranked.band} (xếp thứ"
            f" {ranked.rank:02d}/{ranked.rank_of:02d} UBND cấp huyện)."
        )
        last_year = (
            f"So với năm 2023, tổng điểm CCHC đạt được là {points(before.result.total)}"
            f" (bao gồm điểm tự chấm {points(before.result.self_assessed)}"
        )
    assert this_year in text
    assert last_year in text
    assert f"{DECISION} ngày 08/01/2025" in text
    assert "Kính gửi: Trưởng các phòng, đơn vị thuộc" in text
    assert "V/v cải thiện và nâng cao\nchỉ số cải cách hành chính" in text
    assert "ỦY BAN NHÂN DÂN\nHUYỆN" in text and "TM. ỦY BAN NHÂN DÂN\nCHỦ TỊCH" in text
    assert f"Sóc Trăng, ngày      tháng      năm {timezone.localdate().year}" in text
    assert "- Sở Nội vụ (để biết);" in text and "- Lưu: VT." in text
    assert "tạm tính" not in text


def test_a_unit_with_no_loss_is_told_so(commented: Cycle) -> None:
    source = publish(commented)
    code = source.results.cycle.units[0].result.unit
    assert source.losses is not None and source.losses[code]
    spotless = replace(source, losses={**source.losses, code: []})
    data = build_letter(spotless, code)
    text = "\n".join(paragraphs(data))
    assert weaknesses(data) == []
    assert "không bị trừ điểm ở tiêu chí, tiêu chí thành phần CCHC nào" in text
    assert "những hạn chế cần khắc phục" not in text
    assert stray_numbers(spotless, code, data) == []


def test_a_provisional_result_is_never_presented_as_final(cycle_2024: Cycle) -> None:
    unit = Unit.objects.get(code="ubnd-huyen-my-xuyen")
    AssessmentItem.objects.filter(
        assessment__cycle=cycle_2024, assessment__unit=unit, criterion__code__startswith="1."
    ).update(appraised_inputs=None)
    UnitSurveyResult.objects.filter(
        year=2024, unit__code="ubnd-huyen-long-phu", source="sipas"
    ).delete()
    results_compute(cycle=cycle_2024, by=None)
    assert year_source(2024) is None  # nothing published: a draft only when asked for
    source = year_source(2024, drafts=True)
    assert source is not None
    ranked = source.results.ranked(unit.code)
    assert ranked is not None and ranked.result.provisional and ranked.rank is None
    data = build_letter(source, unit.code)
    text = "\n".join(paragraphs(data))
    assert "Năm 2024 (kết quả tạm tính, chưa công bố)" in text
    assert "là kết quả tạm tính, chưa phải kết quả chính thức" in text
    assert f"còn {ranked.result.unappraised} tiêu chí chưa thẩm định" in text
    assert "chưa được phê duyệt, công bố" in text and "Căn cứ Quyết định" not in text
    assert stray_numbers(source, unit.code, data) == []
    # A unit whose SIPAS results are not in: its pending points, in the pages' words.
    waiting = source.results.ranked("ubnd-huyen-long-phu")
    assert waiting is not None and waiting.result.missing_surveys == ("sipas",)
    waiting_data = build_letter(source, "ubnd-huyen-long-phu")
    waiting_text = "\n".join(paragraphs(waiting_data))
    with translation.override("vi"):
        pending = points(waiting.result.pending)
    assert f"chưa gồm điểm khảo sát SIPAS: {pending} điểm đang chờ" in waiting_text
    assert "chưa phải kết quả chính thức" in waiting_text
    assert stray_numbers(source, "ubnd-huyen-long-phu", waiting_data) == []
    # A unit complete in the same draft is said to be unpublished, not provisional.
    other = next(r for r in source.results.cycle.units if not r.result.provisional)
    other_text = "\n".join(paragraphs(build_letter(source, other.result.unit)))
    assert "Năm 2024 (chưa công bố)" in other_text
    assert "chưa phải kết quả chính thức" not in other_text


def test_a_year_known_only_from_its_table_has_no_criterion_detail(history: None) -> None:
    source = year_source(2023)
    assert source is not None and source.losses is None
    code = "ubnd-huyen-my-xuyen"
    data = build_letter(source, code)
    text = "\n".join(paragraphs(data))
    assert "không có chi tiết điểm của từng tiêu chí" in text
    assert "không bị trừ điểm" not in text and "hạn chế cần khắc phục như sau" not in text
    assert weaknesses(data) == []
    assert "Căn cứ kết quả Chỉ số cải cách hành chính năm 2023" in text
    with translation.override("vi"):
        assert "Chỉ số CCHC đạt 83,84%" in text  # the province's published figure
    assert stray_numbers(source, code, data) == []


def test_the_letters_come_in_group_and_rank_order(commented: Cycle) -> None:
    source = publish(commented)
    reported: list[tuple[str, int, int]] = []
    data = build_letters(
        source, on_progress=lambda step, done, total: reported.append((step, done, total))
    )
    names = zipfile.ZipFile(io.BytesIO(data)).namelist()
    ranks = []
    for name in names:
        assert name.isascii() and re.fullmatch(r"2024-[a-z0-9-]+\.docx", name)
        ranked = source.results.ranked(name.removeprefix("2024-").removesuffix(".docx"))
        assert ranked is not None and ranked.rank is not None
        ranks.append(ranked.rank)
    assert ranks == sorted(ranks) and len(set(names)) == 11
    assert reported[0][1:] == (0, 11) and reported[-1][1:] == (11, 11)
    assert file_name(2024, "đơn-vị") == "2024-don-vi.docx"


def test_who_writes_and_signs(cast: Cast) -> None:
    department = cast.unit_a  # Sở Tư pháp, head "Giám đốc Sở Tư pháp"
    assert locality(cast.body.name) is not None
    assert parent_body(department, cast.body) == "UBND tỉnh Sóc Trăng"
    assert parent_body(cast.district, cast.body) == ""
    assert head_title(department) == "Giám đốc" and signer_title(department) == "Giám đốc"
    assert signer_title(cast.district) == "TM. Ủy ban nhân dân\nChủ tịch"
    assert symbol(department) == "STP" and symbol(cast.district) == "UBND"
    finance = Unit(name="Sở Kế hoạch và Đầu tư", group=cast.departments)
    assert symbol(finance) == "SKHĐT"
    assert recipients(department, cast.body) == (
        "Như trên;",
        "Sở Nội vụ (để biết);",
        "Ban Giám đốc;",
        "Lưu: VT.",
    )
    # The evaluating body's own department does not send itself a copy.
    assert "Sở Nội vụ (để biết);" not in recipients(cast.home_unit, cast.body)
    assert recipients(cast.district, cast.body)[2] == (
        "Chủ tịch, các Phó Chủ tịch UBND huyện Mỹ Xuyên;"
    )


def test_detail_read_from_changed_answers_is_said(commented: Cycle) -> None:
    source = publish(commented)
    code = source.results.cycle.units[0].result.unit
    assert not source.detail_differs
    changed = replace(source, detail_differs=True)
    text = "\n".join(paragraphs(build_letter(changed, code)))
    assert "dữ liệu chấm điểm đã thay đổi sau lần xác định kết quả" in text


def test_all_letters_cost_one_query(
    commented: Cycle, django_assert_num_queries: Callable[[int], Any]
) -> None:
    source = publish(commented)
    with django_assert_num_queries(1):  # the units, their groups and evaluating body
        build_letters(source)


def test_the_command_writes_one_letter_per_unit(commented: Cycle, tmp_path: Path) -> None:
    source = publish(commented)
    out = tmp_path / "letters"
    output = io.StringIO()
    call_command("build_letters", year=2024, out=str(out), stdout=output)
    written = sorted(path.name for path in out.iterdir())
    assert written == sorted(f"2024-{r.result.unit}.docx" for r in source.results.cycle.units)
    assert "11" in output.getvalue()
    one = tmp_path / "one"
    call_command(
        "build_letters", year=2024, out=str(one), unit="ubnd-huyen-my-xuyen", stdout=output
    )
    assert [path.name for path in one.iterdir()] == ["2024-ubnd-huyen-my-xuyen.docx"]
    text = "\n".join(paragraphs((one / "2024-ubnd-huyen-my-xuyen.docx").read_bytes()))
    assert "UBND huyện Mỹ Xuyên" in text
    with pytest.raises(CommandError, match="2030"):
        call_command("build_letters", year=2030, out=str(tmp_path / "none"))
    with pytest.raises(CommandError, match="so-y-te"):
        call_command("build_letters", year=2024, out=str(one), unit="so-y-te")
