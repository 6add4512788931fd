"""The administrator's questionnaire pages: the list, a questionnaire, the import shown
before it is stored, the export, the copy into next year, the crosswalk. Everyone else
gets a 403, written to the security log."""

from __future__ import annotations

import re
from typing import Any

import pytest
import yaml
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from parindex.conftest import DEMO_DATA, Cast
from parindex.org.models import SecurityEvent
from parindex.surveys.models import Question, Questionnaire
from parindex.surveys.questionnaires import questionnaire_freeze, questionnaire_import

from .test_questionnaires_xlsform import workbook

pytestmark = pytest.mark.django_db
QUESTIONNAIRES = DEMO_DATA / "questionnaires"
SIPAS = QUESTIONNAIRES / "sipas-2024.yaml"


@pytest.fixture
def sipas(cast: Cast) -> Questionnaire:
    return questionnaire_import(data=SIPAS.read_bytes(), by=cast.admin)


def pages(questionnaire: Questionnaire) -> list[str]:
    pk = questionnaire.pk
    return [
        reverse("surveys:questionnaire_list"),
        reverse("surveys:questionnaire_import"),
        reverse("surveys:questionnaire_detail", args=[pk]),
        reverse("surveys:questionnaire_export", args=[pk]),
        reverse("surveys:questionnaire_copy", args=[pk]) + "?year=2025",
        reverse("surveys:questionnaire_crosswalk", args=[pk]),
    ]


@pytest.mark.parametrize("who", ["scorer_a", "head_a", "scorer_b", "appraiser", "chair", "viewer"])
def test_only_the_administrator_opens_them(cast: Cast, sipas: Questionnaire, who: str) -> None:
    client = cast.client(getattr(cast, who))
    for url in pages(sipas):
        assert client.get(url).status_code == 403, url
    posts = [
        reverse("surveys:questionnaire_import"),
        reverse("surveys:questionnaire_copy", args=[sipas.pk]),
        reverse("surveys:questionnaire_crosswalk", args=[sipas.pk]),
    ]
    for url in posts:
        assert client.post(url, {"year": 2025, "confirmed": "on"}).status_code == 403
    refused = SecurityEvent.objects.filter(kind=SecurityEvent.Kind.REFUSED, username=who)
    assert refused.count() == len(pages(sipas)) + len(posts)
    assert Questionnaire.objects.count() == 1


def test_the_administrator_opens_every_page(cast: Cast, sipas: Questionnaire) -> None:
    client = cast.client(cast.admin)
    for url in pages(sipas):
        assert client.get(url).status_code == 200, url
    assert (
        client.get(reverse("surveys:questionnaire_detail", args=[sipas.pk + 99])).status_code == 404
    )


def test_the_list_counts_in_a_fixed_number_of_queries(
    cast: Cast, sipas: Questionnaire, django_assert_num_queries: Any
) -> None:
    client = cast.client(cast.admin)
    client.get(reverse("surveys:questionnaire_list"))  # the session, once
    with django_assert_num_queries(3):
        first = client.get(reverse("surveys:questionnaire_list"))
    for path in sorted(QUESTIONNAIRES.glob("cbccvc-*.yaml")):
        questionnaire_import(data=path.read_bytes(), by=cast.admin)
    questionnaire_freeze(questionnaire=sipas)
    with django_assert_num_queries(3):
        page = client.get(reverse("surveys:questionnaire_list"))
    text = page.content.decode()
    assert first.status_code == page.status_code == 200
    row = text.split(f'href="/surveys/questionnaires/{sipas.pk}/"', 1)[1].split("</tr>", 1)[0]
    assert re.findall(r'<td class="num">(\d+)</td>', row) == ["5", "23"]
    assert "đang dùng từ" in row
    assert text.count("Dự thảo") == 6
    filtered = client.get(reverse("surveys:questionnaire_list"), {"survey": "sipas", "year": 2024})
    shown = re.findall(r'href="/surveys/questionnaires/(\d+)/"', filtered.content.decode())
    assert shown == [str(sipas.pk)]


def test_an_upload_is_shown_then_stored_once_confirmed(cast: Cast) -> None:
    client = cast.client(cast.admin)
    shown = client.post(
        reverse("surveys:questionnaire_import"),
        {"file": SimpleUploadedFile("sipas-2024.yaml", SIPAS.read_bytes())},
    )
    text = shown.content.decode()
    assert shown.status_code == 200 and "Tạo phiếu khảo sát “sipas-2024”." in text
    assert "23 câu hỏi" in text and not Questionnaire.objects.exists()
    content = re.search(r'<textarea name="content" hidden>(.*?)</textarea>', text, re.S)
    assert content is not None
    import html

    stored = client.post(
        reverse("surveys:questionnaire_import"),
        {"content": html.unescape(content.group(1)), "confirmed": "on"},
    )
    questionnaire = Questionnaire.objects.get()
    assert stored.status_code == 302
    assert stored["Location"] == reverse("surveys:questionnaire_detail", args=[questionnaire.pk])
    assert questionnaire.questions.count() == 23
    exported = client.get(reverse("surveys:questionnaire_export", args=[questionnaire.pk]))
    assert exported["Content-Disposition"] == 'attachment; filename="sipas-2024.yaml"'
    assert yaml.safe_load(exported.content) == yaml.safe_load(SIPAS.read_text())


def test_an_xlsform_upload_says_what_was_left_out(cast: Cast) -> None:
    client = cast.client(cast.admin)
    shown = client.post(
        reverse("surveys:questionnaire_import"),
        {"file": SimpleUploadedFile("kobo.xlsx", workbook())},
    )
    text = shown.content.decode()
    assert shown.status_code == 200 and "Những mục XLSForm đã bỏ qua" in text
    assert "“total” (calculate) đã được bỏ qua" in text and not Questionnaire.objects.exists()


def test_a_replaced_draft_lists_the_questions_it_loses(cast: Cast, sipas: Questionnaire) -> None:
    smaller = SIPAS.read_text().replace("  - code: a4\n", "  - code: a5\n")
    shown = cast.client(cast.admin).post(
        reverse("surveys:questionnaire_import"),
        {"file": SimpleUploadedFile("sipas.yaml", smaller.encode())},
    )
    text = shown.content.decode()
    assert "Thay thế phiếu dự thảo “sipas-2024”" in text
    assert "Bị bỏ khỏi phiếu: a4" in text and "Thêm mới: a5" in text
    assert sipas.questions.filter(code="a4").exists()


@pytest.mark.parametrize(
    ("name", "content", "problem"),
    [
        ("bad.yaml", b"a: &x [1]\nb: *x\n", "Dòng 2: “*x” lặp lại một phần khác của tệp."),
        ("deep.yaml", b"[" * 20_000, "các mục lồng nhau quá 40 cấp"),
        ("big.yaml", b"#" * (1024 * 1024 + 10), "Tệp quá lớn (tối đa 1 MB)."),
        ("phieu.docx", b"PK\x03\x04", "Vui lòng chọn tệp .yaml, .yml hoặc .xlsx."),
        ("broken.xlsx", b"PK\x03\x04 broken", "Tệp không phải là bảng tính Excel (.xlsx)."),
        (
            "n.yaml",
            SIPAS.read_bytes().replace(b"max: 100", b"max: 1e99999999"),
            "Câu hỏi thông tin chung “age”: “max” phải là số nguyên",
        ),
        (
            "huge.yaml",
            SIPAS.read_bytes().replace(b"max: 100", b"max: " + b"9" * 5000),
            "số quá lớn hoặc quá dài đối với một phiếu khảo sát",
        ),
        (
            "float.yaml",
            SIPAS.read_bytes().replace(b"max: 100", b"max: 1.5e+999999"),
            "số quá lớn hoặc quá dài đối với một phiếu khảo sát",
        ),
    ],
)
def test_a_bad_upload_gets_a_400_in_vietnamese_and_nothing_is_stored(
    cast: Cast, name: str, content: bytes, problem: str
) -> None:
    response = cast.client(cast.admin).post(
        reverse("surveys:questionnaire_import"), {"file": SimpleUploadedFile(name, content)}
    )
    assert response.status_code == 400
    assert problem in response.content.decode()
    assert not Questionnaire.objects.exists()


def test_a_tampered_confirmation_is_checked_again(cast: Cast, sipas: Questionnaire) -> None:
    questionnaire_freeze(questionnaire=sipas)
    response = cast.client(cast.admin).post(
        reverse("surveys:questionnaire_import"),
        {"content": SIPAS.read_text().replace("Tiếp cận", "Tiếp xúc"), "confirmed": "on"},
    )
    assert response.status_code == 400 and "đang được sử dụng" in response.content.decode()
    assert not sipas.indicators.filter(title__startswith="Tiếp xúc").exists()


def test_the_copy_is_shown_then_made(cast: Cast, sipas: Questionnaire) -> None:
    client = cast.client(cast.admin)
    url = reverse("surveys:questionnaire_copy", args=[sipas.pk])
    shown = client.get(url, {"year": 2025})
    text = shown.content.decode()
    assert "sipas-2025" in text and "23 câu hỏi" in text and Questionnaire.objects.count() == 1
    made = client.post(url, {"year": 2025, "code": "sipas-2025", "confirmed": "on"})
    copy = Questionnaire.objects.get(code="sipas-2025")
    assert made["Location"] == reverse("surveys:questionnaire_crosswalk", args=[copy.pk])
    again = client.get(url, {"year": 2025})
    assert "Đã có phiếu khảo sát mã “sipas-2025”." in again.content.decode()
    assert client.get(url, {"year": "20x5"}).status_code == 302


def test_the_crosswalk_page_saves_the_links(cast: Cast, sipas: Questionnaire) -> None:
    client = cast.client(cast.admin)
    copy_url = reverse("surveys:questionnaire_copy", args=[sipas.pk])
    client.post(copy_url, {"year": 2025, "code": "sipas-2025", "confirmed": "on"})
    copy = Questionnaire.objects.get(code="sipas-2025")
    url = reverse("surveys:questionnaire_crosswalk", args=[copy.pk])
    page = client.get(url)
    assert page.status_code == 200
    a1, a2 = (copy.questions.get(code=code) for code in ("a1", "a2"))
    old = dict(sipas.questions.values_list("code", "pk"))
    data: dict[str, Any] = {"previous": sipas.pk}
    for question in copy.questions.all():
        data[f"q{question.pk}"] = question.previous_id
    data[f"q{a1.pk}"] = ""
    data[f"q{a2.pk}"] = old["a3"]
    assert client.post(url, data).status_code == 302
    assert Question.objects.get(pk=a1.pk).previous_id is None
    assert Question.objects.get(pk=a2.pk).previous_id == old["a3"]
    # A question of no questionnaire offered is refused by the form.
    data[f"q{a2.pk}"] = a1.pk
    refused = client.post(url, data)
    assert refused.status_code == 400
    assert Question.objects.get(pk=a2.pk).previous_id == old["a3"]
