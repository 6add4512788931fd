"""An administrator writes a questionnaire as a YAML file and imports it: the whole file
is checked first, every problem named by its place, in Vietnamese, and nothing is stored
while one remains; the questionnaire exported again is the file imported. A draft is
replaced question by question; a questionnaire in use never changes."""

from __future__ import annotations

import time
from decimal import Decimal
from pathlib import Path

import pytest
import yaml
from django.utils import timezone

from parindex.conftest import DEMO_DATA, Cast
from parindex.surveys.models import Indicator, Question, Questionnaire, RespondentGroup
from parindex.surveys.questionnaires import (
    QuestionnaireFileError,
    questionnaire_export,
    questionnaire_freeze,
    questionnaire_import,
    spec_from_yaml,
)

pytestmark = pytest.mark.django_db
QUESTIONNAIRES = DEMO_DATA / "questionnaires"
SIPAS = QUESTIONNAIRES / "sipas-2024.yaml"
STAFF_FILES = sorted(QUESTIONNAIRES.glob("cbccvc-*.yaml"))

SMALL = """\
code: sipas-thu-2024
title: Phiếu thử năm 2024
survey: sipas
year: 2024
indicators:
- code: access
  title: Tiếp cận dịch vụ
  questions:
  - code: a1
    text: Nơi ngồi chờ có đủ chỗ ngồi
    kind: scale
    required: true
  - code: a2
    text: Trang thiết bị đầy đủ
    kind: scale
- code: results
  title: Kết quả
  questions:
  - code: r1
    text: Kết quả đúng quy định
    kind: single
    choices:
    - value: 1
      label: A. Rất tốt
      worth: 100
    - value: 2
      label: B. Tốt
      worth: 62.5
    - value: 9
      label: Không biết
background:
- code: age
  text: Tuổi
  kind: number
  min: 15
  max: 100
- code: note
  text: Góp ý thêm
  kind: text
"""


def problems_of(content: str | bytes) -> list[str]:
    with pytest.raises(QuestionnaireFileError) as refused:
        spec_from_yaml(content.encode() if isinstance(content, str) else content)
    return refused.value.problems


def test_every_demo_questionnaire_imports_and_exports_as_it_was_written(cast: Cast) -> None:
    for path in [SIPAS, *STAFF_FILES]:
        questionnaire = questionnaire_import(data=path.read_bytes(), by=cast.admin)
        assert yaml.safe_load(questionnaire_export(questionnaire=questionnaire)) == yaml.safe_load(
            path.read_text()
        ), path.name
    assert Questionnaire.objects.count() == 7


def test_the_demo_has_the_five_sipas_factors_and_six_staff_forms(cast: Cast) -> None:
    sipas = questionnaire_import(data=SIPAS.read_bytes(), by=cast.admin)
    factors = list(sipas.indicators.order_by("position").values_list("code", flat=True))
    assert factors == ["access", "procedure", "civil-servants", "results", "feedback"]
    for indicator in sipas.indicators.all():
        scale = indicator.questions.filter(kind=Question.Kind.SCALE).count()
        assert 3 <= scale <= 5
    background = sipas.questions.filter(indicator=None)
    assert {q.code: q.kind for q in background} == {
        "sex": "single",
        "age": "number",
        "suggestion": "text",
    }
    assert background.get(code="age").min_value == 15
    assert not background.get(code="sex").is_scored

    for path in STAFF_FILES:
        questionnaire_import(data=path.read_bytes(), by=cast.admin)
    assert RespondentGroup.objects.count() == 6
    # Indicators are criteria codes of the demo frameworks, as survey leaves name them.
    assert set(
        Indicator.objects.filter(questionnaire__source="staff").values_list("code", flat=True)
    ) >= {"1.1", "1.3", "3.4", "5.4", "7.3"}


def test_a_questionnaire_is_stored_with_its_questions_in_order(cast: Cast) -> None:
    questionnaire = questionnaire_import(data=SMALL.encode(), by=cast.admin)
    assert (questionnaire.code, questionnaire.year, questionnaire.source) == (
        "sipas-thu-2024",
        2024,
        "sipas",
    )
    assert questionnaire.created_by == cast.admin and not questionnaire.is_frozen
    questions = list(questionnaire.questions.order_by("position"))
    assert [q.code for q in questions] == ["a1", "a2", "r1", "age", "note"]
    r1 = questions[2]
    assert r1.is_scored and r1.worth == {1: Decimal(100), 2: Decimal("62.5")}
    assert questions[3].indicator is None and (questions[3].min_value, questions[3].max_value) == (
        15,
        100,
    )


def test_every_problem_is_named_by_its_place_and_nothing_is_stored(cast: Cast) -> None:
    broken = (
        SMALL.replace("code: sipas-thu-2024", "code: phiếu thử")
        .replace("year: 2024", "year: 1850")
        .replace("    kind: scale\n    required: true", "    kind: stars\n    required: yes please")
        .replace("      worth: 62.5", "      worth: 150")
        .replace("  min: 15", "  min: 150")
        .replace("- code: results", "- code: Results")
    )
    problems = problems_of(broken)
    assert problems == [
        "Phiếu khảo sát: “phiếu thử” không hợp lệ cho “code”: chữ cái không dấu, chữ số, “-” "
        "và “_”",
        "Phiếu khảo sát: “year” phải là số nguyên từ 2000 đến 2100",
        "Chỉ số “access”, câu hỏi “a1”: “kind” là một trong: scale, single, multiple, number, text",
        "Chỉ số “access”, câu hỏi “a1”: “required” phải là true hoặc false",
        "Chỉ số “Results”: “Results” không hợp lệ cho “code”: chữ thường không dấu, chữ số, "
        "“.”, “-” và “_”, như tiêu chí khảo sát ghi chỉ số (procedure, 1.3)",
        "Chỉ số “Results”, câu hỏi “r1”, phương án thứ 2: “worth” là tỷ lệ phần trăm từ 0 đến "
        "100, tối đa hai chữ số thập phân",
        "Câu hỏi thông tin chung “age”: “min” lớn hơn “max”",
    ]
    with pytest.raises(QuestionnaireFileError):
        questionnaire_import(data=broken.encode(), by=cast.admin)
    assert not Questionnaire.objects.exists() and not Question.objects.exists()


def test_codes_are_unique_and_kinds_take_only_what_they_mean(cast: Cast) -> None:
    problems = problems_of(
        SMALL.replace("  - code: a2", "  - code: a1")
        .replace("  kind: text", "  kind: text\n  choices:\n  - value: 1\n    label: x")
        .replace("    kind: scale\n    required: true", "    kind: scale\n    min: 1")
    )
    assert "Chỉ số “access”, câu hỏi “a1”: chỉ câu hỏi dạng số mới có “min” và “max”" in problems
    assert (
        "Chỉ số “access”, câu hỏi “a1”: mã này đã được dùng ở Chỉ số “access”, câu hỏi “a1”"
        in problems
    )
    assert (
        "Câu hỏi thông tin chung “note”: câu hỏi dạng số hoặc trả lời tự do không có “choices”"
        in problems
    )


def test_a_staff_form_names_its_group_and_a_sipas_form_has_none(cast: Cast) -> None:
    problems = problems_of(SMALL.replace("survey: sipas", "survey: staff"))
    assert problems == [
        "Phiếu khảo sát: phiếu khảo sát CBCCVC phải ghi “respondent_group” (mã và tên nhóm "
        "đối tượng)"
    ]
    problems = problems_of(SMALL.replace("year: 2024", "year: 2024\nrespondent_group: {code: x}"))
    assert problems == [
        "Phiếu khảo sát: phiếu SIPAS dành cho người dân, tổ chức: không có “respondent_group”"
    ]


def test_an_existing_group_keeps_its_name(cast: Cast) -> None:
    RespondentGroup.objects.create(code="so-nganh", name="Công chức sở, ngành")
    staff = STAFF_FILES[[p.name for p in STAFF_FILES].index("cbccvc-so-nganh-2024.yaml")]
    with pytest.raises(QuestionnaireFileError) as refused:
        questionnaire_import(data=staff.read_bytes(), by=cast.admin)
    assert refused.value.problems == [
        "Nhóm đối tượng khảo sát: “so-nganh” là mã của “Công chức sở, ngành”; hãy ghi đúng "
        "tên đó, "
        "hoặc đặt cho nhóm này một mã riêng."
    ]


@pytest.mark.parametrize(
    ("content", "problem"),
    [
        # A kilobyte of references expanding into billions of entries.
        (
            'a: &a ["x","x","x","x","x","x","x","x","x"]\nb: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]\n'
            "c: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]\nd: [*c,*c,*c,*c,*c,*c,*c,*c,*c]\n",
            "Dòng 2: “*a” lặp lại một phần khác của tệp. Không chấp nhận kiểu tham chiếu này: "
            "hãy viết đầy đủ phần đó.",
        ),
        (
            "code: " + "[" * 50_000,
            "Dòng 1: các mục lồng nhau quá 40 cấp; một phiếu khảo sát cần ít hơn nhiều.",
        ),
        (SMALL.replace("min: 15", "min: 1e9999999"), None),
        (
            SMALL.replace("min: 15", "min: " + "9" * 5000),
            "Dòng 35: số quá lớn hoặc quá dài đối với một phiếu khảo sát.",
        ),
        (
            SMALL.replace("year: 2024", "year: " + "9" * 40),
            "Phiếu khảo sát: “year” phải là số nguyên từ 2000 đến 2100",
        ),
        (
            "- just\n- a list\n",
            "Phiếu khảo sát: phần này phải liệt kê các mục có tên (khóa: giá trị)",
        ),
        ("code: [unclosed\n", "Không đọc được tệp YAML (lỗi ở dòng 2)."),
        (b"\xff\xfe\x00bad", "Tệp không phải văn bản mã hóa UTF-8."),
        ("#" * (1024 * 1024 + 1), "Tệp lớn hơn 1 MB: một phiếu khảo sát cần ít hơn nhiều."),
    ],
)
def test_a_hostile_file_is_refused_at_once_with_a_sentence(
    cast: Cast, content: str | bytes, problem: str | None
) -> None:
    started = time.monotonic()
    problems = problems_of(content)
    assert time.monotonic() - started < 2
    if problem is not None:
        assert problems[0] == problem
    assert len(problems) <= 3


def test_a_draft_is_replaced_question_by_question(cast: Cast) -> None:
    first = questionnaire_import(data=SMALL.encode(), by=cast.admin)
    kept = first.questions.get(code="a1").pk
    changed = SMALL.replace("Nơi ngồi chờ có đủ chỗ ngồi", "Nơi ngồi chờ rộng rãi").replace(
        "  - code: a2\n    text: Trang thiết bị đầy đủ\n    kind: scale\n",
        "  - code: a3\n    text: Trang thiết bị hiện đại\n    kind: scale\n",
    )
    again = questionnaire_import(data=changed.encode(), by=cast.admin)
    assert again.pk == first.pk
    a1 = again.questions.get(code="a1")
    assert a1.pk == kept and a1.text == "Nơi ngồi chờ rộng rãi"
    assert sorted(again.questions.values_list("code", flat=True)) == [
        "a1",
        "a3",
        "age",
        "note",
        "r1",
    ]


def test_a_questionnaire_in_use_never_changes(cast: Cast) -> None:
    questionnaire = questionnaire_freeze(
        questionnaire=questionnaire_import(data=SMALL.encode(), by=cast.admin)
    )
    with pytest.raises(QuestionnaireFileError) as refused:
        questionnaire_import(data=SMALL.replace("Góp ý thêm", "Ý kiến khác").encode(), by=None)
    date = timezone.localdate().strftime("%d/%m/%Y")
    assert refused.value.problems == [
        f"Phiếu khảo sát “sipas-thu-2024” đang được sử dụng (đã khóa từ ngày {date}): các câu "
        "hỏi không thay đổi được nữa. Hãy sao chép sang năm sau và sửa bản sao."
    ]
    assert questionnaire.questions.get(code="note").text == "Góp ý thêm"


def test_next_years_file_names_the_questions_it_continues(cast: Cast) -> None:
    questionnaire_import(data=SMALL.encode(), by=cast.admin)
    later = (
        SMALL.replace("sipas-thu-2024", "sipas-thu-2025")
        .replace("year: 2024", "year: 2025\nprevious: sipas-thu-2024")
        .replace("    required: true\n", "    required: true\n    continues: a1\n")
    )
    questionnaire = questionnaire_import(data=later.encode(), by=cast.admin)
    a1 = questionnaire.questions.select_related("previous__questionnaire").get(code="a1")
    assert a1.previous is not None and a1.previous.questionnaire.code == "sipas-thu-2024"
    assert yaml.safe_load(questionnaire_export(questionnaire=questionnaire)) == yaml.safe_load(
        later
    )
    with pytest.raises(QuestionnaireFileError) as refused:
        questionnaire_import(
            data=later.replace("continues: a1", "continues: zz").encode(), by=cast.admin
        )
    assert refused.value.problems == [
        "Câu hỏi “a1”: “continues” ghi “zz”, câu hỏi mà phiếu “sipas-thu-2024” không có."
    ]


def test_the_format_is_documented(cast: Cast) -> None:
    doc = (Path(__file__).resolve().parents[3] / "docs" / "questionnaire-format.md").read_text()
    for key in ("respondent_group", "indicators", "background", "worth", "continues", "XLSForm"):
        assert key in doc
