"""A province that built its questionnaire in KoboToolbox or ODK uploads the XLSForm: its
groups become indicators, a select_one of 1 to 5 the 5-point scale, another select_one a
choice with its worth; notes and calculations are left out with a line saying so, and
anything parindex cannot ask refuses the file, naming the question."""

from __future__ import annotations

import io
import time
import zipfile
from decimal import Decimal
from typing import Any

import pytest
from openpyxl import Workbook

from parindex.conftest import Cast
from parindex.surveys.models import Question, Questionnaire, RespondentGroup
from parindex.surveys.questionnaires import (
    QuestionnaireFileError,
    questionnaire_import_xlsform,
    questionnaire_read,
)
from parindex.surveys.xlsform import spec_from_xlsform

pytestmark = pytest.mark.django_db

SURVEY = [
    [
        "type",
        "name",
        "label",
        "hint",
        "required",
        "constraint",
        "relevant",
        "indicator",
        "calculation",
    ],
    ["note", "welcome", "Kính chào Ông/Bà", None, None, None, None, None, None],
    ["begin_group", "c1_3", "Công tác tuyên truyền CCHC", None, None, None, None, "1.3", None],
    [
        "select_one muc",
        "q1",
        "Mức độ hài lòng về tuyên truyền",
        "1 đến 5",
        "yes",
        None,
        None,
        None,
        None,
    ],
    ["select_one abcd", "q2", "Đánh giá tuyên truyền", None, None, None, None, None, None],
    ["end_group", None, None, None, None, None, None, None, None],
    ["begin_group", "procedure", "Thủ tục hành chính", None, None, None, None, None, None],
    ["select_one muc", "p1", "Niêm yết công khai", None, "true", None, None, None, None],
    ["select_multiple kenh", "p2", "Kênh tìm hiểu thông tin", None, None, None, None, None, None],
    ["end_group", None, None, None, None, None, None, None, None],
    ["integer", "age", "Tuổi", None, None, ". >= 15 and . <= 100", None, None, None],
    ["integer", "years", "Số năm công tác", None, None, ". > 0", "${age} > 20", None, None],
    ["integer", "children", "Số con", None, None, "regex(., '^[0-9]$')", None, None, None],
    ["text", "note", "Góp ý thêm", None, None, None, None, None, None],
    ["calculate", "total", None, None, None, None, None, None, "1 + 1"],
]
CHOICES = [
    ["list_name", "name", "label", "worth"],
    *(
        ["muc", n, label, None]
        for n, label in enumerate(
            ["Rất không hài lòng", "Không hài lòng", "Bình thường", "Hài lòng", "Rất hài lòng"], 1
        )
    ),
    ["abcd", 1, "A", 100],
    ["abcd", 2, "B", 60],
    ["abcd", 3, "C", "20"],
    ["abcd", 4, "D", 0],
    ["kenh", "web", "Trang thông tin điện tử", None],
    ["kenh", "zalo", "Zalo", None],
]
SETTINGS = [
    [
        "form_title",
        "form_id",
        "version",
        "survey",
        "year",
        "respondent_group",
        "respondent_group_name",
    ],
    [
        "Phiếu khảo sát công chức sở năm 2024",
        "kobo-so-2024",
        "1",
        "staff",
        2024,
        "so-nganh",
        "Công chức sở, ngành",
    ],
]


def workbook(
    survey: list[list[Any]] = SURVEY,
    choices: list[list[Any]] = CHOICES,
    settings: list[list[Any]] = SETTINGS,
) -> bytes:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "survey"
    for row in survey:
        sheet.append(row)
    for name, rows in (("choices", choices), ("settings", settings)):
        other = book.create_sheet(name)
        for row in rows:
            other.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def problems_of(content: bytes) -> list[str]:
    with pytest.raises(QuestionnaireFileError) as refused:
        spec_from_xlsform(content)
    return refused.value.problems


def test_an_xlsform_becomes_a_questionnaire(cast: Cast) -> None:
    questionnaire = questionnaire_import_xlsform(data=workbook(), by=cast.admin)
    assert (questionnaire.code, questionnaire.title, questionnaire.source, questionnaire.year) == (
        "kobo-so-2024",
        "Phiếu khảo sát công chức sở năm 2024",
        "staff",
        2024,
    )
    assert questionnaire.respondent_group == RespondentGroup.objects.get(code="so-nganh")
    indicators = list(questionnaire.indicators.order_by("position").values_list("code", "title"))
    assert indicators == [
        ("1.3", "Công tác tuyên truyền CCHC"),
        ("procedure", "Thủ tục hành chính"),
    ]
    questions = {q.code: q for q in questionnaire.questions.select_related("indicator")}
    assert list(questions) == ["q1", "q2", "p1", "p2", "age", "years", "children", "note"]
    q1, q2 = questions["q1"], questions["q2"]
    assert (q1.kind, q1.required, q1.hint, q1.indicator.code) == ("scale", True, "1 đến 5", "1.3")
    assert [c["label"] for c in q1.choices][-1] == "Rất hài lòng"
    assert q2.kind == "single" and q2.worth == {
        1: Decimal(100),
        2: Decimal(60),
        3: Decimal(20),
        4: Decimal(0),
    }
    assert questions["p1"].required and questions["p2"].kind == Question.Kind.MULTIPLE
    # Choices named otherwise than by numbers are numbered in their order.
    assert [c["value"] for c in questions["p2"].choices] == [1, 2]
    assert (questions["age"].min_value, questions["age"].max_value) == (15, 100)
    assert (questions["years"].min_value, questions["years"].max_value) == (1, None)
    assert (questions["children"].min_value, questions["children"].max_value) == (None, None)
    assert questions["note"].kind == "text" and questions["note"].indicator is None


def test_what_was_left_out_is_said(cast: Cast) -> None:
    reading = questionnaire_read(data=workbook(), filename="phieu.xlsx")
    assert reading.notes == [
        "“welcome” (note) đã được bỏ qua: mục này không hỏi gì.",
        "“p2”: các phương án được đánh số từ 1 đến 2 theo thứ tự.",
        "“years”: điều kiện hiển thị (relevant) đã được bỏ qua; câu hỏi luôn được hỏi.",
        "“children”: ràng buộc “regex(., '^[0-9]$')” đã được bỏ qua; số không có giới hạn.",
        "“total” (calculate) đã được bỏ qua: mục này không hỏi gì.",
    ]
    assert not Questionnaire.objects.exists()


def test_what_parindex_cannot_ask_refuses_the_file(cast: Cast) -> None:
    survey = [
        *SURVEY[:2],
        ["date", "visited", "Ngày đến", None, None, None, None, None, None],
        ["begin_group", "outer", "Ngoài", None, None, None, None, None, None],
        ["begin_group", "inner", "Trong", None, None, None, None, None, None],
        ["select_one muc", "x1", "Câu hỏi", None, None, None, None, None, None],
        ["end_group", None, None, None, None, None, None, None, None],
        ["end_group", None, None, None, None, None, None, None, None],
    ]
    assert problems_of(workbook(survey=survey)) == [
        "Trang “survey”, “visited”: không nhận kiểu “date”: câu hỏi phải là select_one, "
        "select_multiple, integer hoặc text",
        "Trang “survey”, “inner”: không nhận nhóm lồng trong nhóm: mỗi chỉ số chứa các câu hỏi",
    ]


def test_the_settings_name_the_survey_and_the_year(cast: Cast) -> None:
    settings = [["form_title", "form_id"], ["Phiếu", "kobo-2024"]]
    assert problems_of(workbook(settings=settings)) == [
        "Trang “settings”: thêm cột “survey” ghi “sipas” hoặc “staff” (ODK và KoboToolbox "
        "bỏ qua cột này).",
        "Trang “settings”: thêm cột “year” ghi năm của phiếu khảo sát (ODK và KoboToolbox "
        "bỏ qua cột này).",
    ]


def test_pyxforms_own_checks_apply(cast: Cast) -> None:
    survey = [
        *SURVEY[:3],
        ["select_one missing", "q9", "Câu hỏi", None, None, None, None, None, None],
    ]
    problems = problems_of(workbook(survey=survey))
    assert len(problems) == 1 and problems[0].startswith("XLSForm không hợp lệ: ")


def test_a_questionnaires_own_checks_apply_to_an_xlsform(cast: Cast) -> None:
    survey = [row[:] for row in SURVEY]
    survey[2][7] = "Tuyên Truyền"  # not an indicator code
    problems = problems_of(workbook(survey=survey))
    assert problems[0].startswith("Chỉ số “Tuyên Truyền”: “Tuyên Truyền” không hợp lệ cho “code”")


@pytest.mark.parametrize(
    ("content", "problem"),
    [
        (b"PK\x03\x04 not really a zip", "Tệp không phải là bảng tính Excel (.xlsx)."),
        (b"x" * (2 * 1024 * 1024 + 1), "Tệp lớn hơn 2 MB: một phiếu khảo sát cần ít hơn nhiều."),
    ],
)
def test_a_file_that_is_not_a_workbook_is_refused(cast: Cast, content: bytes, problem: str) -> None:
    assert problems_of(content) == [problem]


def test_a_zip_bomb_is_refused_before_it_is_unpacked(cast: Cast) -> None:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/worksheets/sheet1.xml", b"\0" * (40 * 1024 * 1024))
    assert len(out.getvalue()) < 200_000
    started = time.monotonic()
    assert problems_of(out.getvalue()) == ["Bảng tính quá lớn khi giải nén."]
    assert time.monotonic() - started < 2


def test_too_many_rows_are_refused(cast: Cast) -> None:
    survey = [SURVEY[0], *(["text", f"t{n}", "Câu hỏi", *[None] * 6] for n in range(900))]
    assert problems_of(workbook(survey=survey)) == ["Trang “survey” có hơn 800 dòng."]
