"""The documents' page: the administrator asks for a document, follows its job, finds the
file kept with its revision; a correction makes it outdated, never replaces it; each role
sees and downloads only what is theirs."""

from __future__ import annotations

import io
from typing import Any

import pytest
from django.urls import reverse
from docx import Document

from parindex.assessments.models import AssessmentItem, Cycle
from parindex.conftest import Cast
from parindex.documents.models import GeneratedDocument, ReportEdition
from parindex.jobs.models import Job
from parindex.results.services import results_compute, results_publish

from .conftest import DATE, document_text

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def immediate(settings: Any) -> None:
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}


def ask(cast: Cast, who: Any, data: dict[str, str], year: int = 2024) -> Any:
    return cast.client(who).post(reverse("documents:year", args=[year]), data, follow=True)


def test_the_administrator_asks_for_the_report_and_downloads_it(
    cast: Cast, published_2024: Cycle
) -> None:
    response = ask(cast, cast.admin, {"kind": "report"})
    text = response.content.decode()
    assert "Thành công" in text  # the job's page, its task run at once here
    document = GeneratedDocument.objects.get()
    assert document.status == "done" and document.revision == 1 and not document.draft
    assert document.job is not None and document.job.status == Job.Status.SUCCEEDED
    assert document.file.name.endswith("bao-cao-chi-so-cchc-2024-r1.docx")
    page = cast.client(cast.admin).get(reverse("documents:year", args=[2024])).content.decode()
    assert document.file_label in page and "đã cũ" not in page
    download = cast.client(cast.admin).get(
        reverse("documents:download", args=[document.pk, "file"])
    )
    assert download.status_code == 200
    content = b"".join(download.streaming_content)
    assert "Kết quả Chỉ số cải cách hành chính" in document_text(content)


def test_a_correction_makes_the_file_outdated_never_replaced(
    cast: Cast, published_2024: Cycle
) -> None:
    ask(cast, cast.admin, {"kind": "report"})
    first = GeneratedDocument.objects.get()
    item = AssessmentItem.objects.filter(assessment__cycle=published_2024).first()
    assert item is not None
    item.appraisal_note = "Điều chỉnh sau kiến nghị"
    item.save()
    correction = results_compute(cycle=published_2024, by=cast.admin, reason="Kiến nghị")
    results_publish(snapshot=correction, decision="QĐ điều chỉnh", decision_date=DATE, by=None)
    page = cast.client(cast.admin).get(reverse("documents:year", args=[2024])).content.decode()
    assert "đã cũ" in page  # the first file, kept
    ask(cast, cast.admin, {"kind": "report"})
    second = GeneratedDocument.objects.order_by("-pk").first()
    assert (
        second is not None and second.revision == 2 and first.file.storage.exists(first.file.name)
    )
    first.refresh_from_db()
    assert first.revision == 1 and first.status == "done"


def test_a_document_asked_for_before_a_draft_is_recomputed_is_not_written_from_other_figures(
    cast: Cast, cycle_2024: Cycle, settings: Any
) -> None:
    """A draft is recomputed in place: a document asked for from it is refused once its
    figures moved, never written from figures other than those its page promised."""
    from parindex.documents.services import DocumentRefused, document_build, document_request

    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
    results_compute(cycle=cycle_2024, by=cast.admin)
    document = document_request(kind="report", year=2024, by=cast.admin, drafts=True)
    assert document.draft and document.revision == 1
    results_compute(cycle=cycle_2024, by=cast.admin)  # the draft again, in place
    with pytest.raises(DocumentRefused, match=r"thay đổi|changed"):
        document_build(document=document)
    document.refresh_from_db()
    assert document.status == "failed" and not document.file


def test_a_document_of_a_published_revision_is_written_from_it_even_after_a_correction(
    cast: Cast, published_2024: Cycle, settings: Any
) -> None:
    from parindex.documents.services import document_build, document_request

    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
    document = document_request(kind="report", year=2024, by=cast.admin)
    correction = results_compute(cycle=published_2024, by=cast.admin, reason="Kiến nghị")
    results_publish(snapshot=correction, decision="QĐ điều chỉnh", decision_date=DATE, by=None)
    document_build(document=document)  # revision 1 never changes: written from it, outdated
    document.refresh_from_db()
    assert document.status == "done" and document.is_outdated("r2")


def test_the_reports_own_texts_are_printed_and_saved_with_their_version(
    cast: Cast, published_2024: Cycle
) -> None:
    url = reverse("documents:edition", args=[2024])
    page = cast.client(cast.admin).get(url).content.decode()
    assert "UBND tỉnh Sóc Trăng" in page and "BC-SNV" in page  # defaults from the body
    data = {
        "parent_body": "UBND tỉnh Sóc Trăng",
        "issuer": "Sở Nội vụ",
        "number_symbol": "  /BC-SNV",
        "place": "Sóc Trăng",
        "issued_on": "",
        "addressee": "Ủy ban nhân dân tỉnh Sóc Trăng",
        "legal_bases": "Căn cứ Quyết định số 1941/QĐ-UBND ngày 07/8/2023;",
        "deployment": "",
        "assessment": "Chỉ số CCHC đã phản ánh đầy đủ kết quả triển khai.",
        "shortcomings": "",
        "recommendations": "Tổ chức Hội nghị phân tích Chỉ số CCHC.",
        "recipients": "Như trên;\nLưu: VT.",
        "signer_title": "KT. GIÁM ĐỐC\nPHÓ GIÁM ĐỐC",
        "signer_name": "",
        "version": "0",
    }
    assert cast.client(cast.admin).post(url, data).status_code == 302
    edition = ReportEdition.objects.get(year=2024)
    assert edition.version == 1
    stale = cast.client(cast.admin).post(url, {**data, "assessment": "Khác"})  # version 0 again
    assert stale.status_code == 200 and "trong khi bạn" in stale.content.decode()
    assert ReportEdition.objects.get(year=2024).assessment.startswith("Chỉ số CCHC đã")
    too_long = cast.client(cast.admin).post(
        url, {**data, "version": "1", "assessment": "x" * 20_001}
    )
    assert too_long.status_code == 200 and ReportEdition.objects.get(year=2024).version == 1
    ask(cast, cast.admin, {"kind": "report"})
    content = GeneratedDocument.objects.get().file.read()
    text = document_text(content)
    assert "Căn cứ Quyết định số 1941/QĐ-UBND ngày 07/8/2023;" in text
    assert "1. Nhận xét, đánh giá" in text and "2. Kiến nghị, đề xuất" in text
    assert "Tồn tại, hạn chế" not in text  # left empty: left out
    assert "PHÓ GIÁM ĐỐC" in text
    assert Document(io.BytesIO(content)).tables[0].rows[0].cells[0].text.startswith("UBND TỈNH")


@pytest.mark.parametrize("who", ["scorer_a", "head_b", "appraiser", None])
def test_others_cannot_ask_for_the_report_nor_edit_its_texts(
    cast: Cast, published_2024: Cycle, who: str | None
) -> None:
    user = getattr(cast, who) if who else None
    response = ask(cast, user, {"kind": "report"})
    assert GeneratedDocument.objects.count() == 0
    assert response.status_code in (403, 404) or "login" in response.request["PATH_INFO"]
    edition = cast.client(user).get(reverse("documents:edition", args=[2024]))
    assert edition.status_code in (302, 403)


@pytest.mark.parametrize("who", ["viewer", "chair", "scorer_a", "head_b", "appraiser", None])
def test_who_may_download_the_report(cast: Cast, published_2024: Cycle, who: str | None) -> None:
    ask(cast, cast.admin, {"kind": "report"})
    document = GeneratedDocument.objects.get()
    user = getattr(cast, who) if who else None
    response = cast.client(user).get(reverse("documents:download", args=[document.pk, "file"]))
    if who in ("viewer", "chair"):
        assert response.status_code == 200
    elif who is None:
        assert response.status_code == 302  # to the log-in
    else:
        assert response.status_code == 404  # a unit or an appraiser: not theirs to know


def test_a_bad_request_changes_nothing(cast: Cast, published_2024: Cycle) -> None:
    for data in ({"kind": "novel"}, {"kind": "letter", "unit": "khong-co"}, {}):
        response = ask(cast, cast.admin, data)
        assert response.status_code == 200
    assert GeneratedDocument.objects.count() == 0
    response = ask(cast, cast.admin, {"kind": "report"}, year=2030)
    assert "chưa có kết quả" in response.content.decode()


def test_only_an_outdated_or_failed_file_is_deleted_and_only_when_confirmed(
    cast: Cast, published_2024: Cycle
) -> None:
    ask(cast, cast.admin, {"kind": "report"})
    first = GeneratedDocument.objects.get()
    url = reverse("documents:delete", args=[first.pk])
    page = cast.client(cast.admin).get(reverse("documents:year", args=[2024])).content.decode()
    assert url not in page  # a current file has no delete button
    response = cast.client(cast.admin).post(url, follow=True)
    assert "chỉ xoá được khi đã cũ" in response.content.decode()
    assert GeneratedDocument.objects.filter(pk=first.pk).exists()
    correction = results_compute(cycle=published_2024, by=cast.admin, reason="Kiến nghị")
    results_publish(snapshot=correction, decision="QĐ điều chỉnh", decision_date=DATE, by=None)
    page = cast.client(cast.admin).get(reverse("documents:year", args=[2024])).content.decode()
    assert url in page and "Tệp và bản PDF của nó bị xoá hẳn" in page  # asked first
    name = first.file.name
    assert cast.client(cast.viewer).post(url).status_code == 403
    cast.client(cast.admin).post(url)
    assert not GeneratedDocument.objects.filter(pk=first.pk).exists()
    assert not first.file.storage.exists(name)


def test_a_year_no_index_can_have_is_not_found(cast: Cast) -> None:
    client = cast.client(cast.admin)
    for year in ("9" * 40, "1999", "2101"):
        assert client.get(f"/documents/{year}/").status_code == 404
        assert client.post(f"/documents/{year}/report-texts/", {"issuer": "x"}).status_code == 404
    assert not ReportEdition.objects.exists()
