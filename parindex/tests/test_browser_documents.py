"""In a browser: the administrator writes the report's own texts, asks for the report
(a job a real worker runs while its page follows it), downloads it and finds the texts in
it; a correction makes the file outdated; a district's head writes its own letter and
downloads it, and sees nobody else's."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from docx import Document

from parindex.assessments.models import Cycle
from parindex.conftest import Cast
from parindex.documents.models import GeneratedDocument
from parindex.documents.tests.conftest import DATE, DECISION
from parindex.jobs.tests.conftest import Workers
from parindex.results.services import results_compute, results_publish
from parindex.tests.browser import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def text_of(path: str) -> str:
    document = Document(path)
    parts = [paragraph.text for paragraph in document.paragraphs]
    for table in document.tables:
        parts.extend(cell.text for row in table.rows for cell in row.cells)
    return "\n".join(parts)


def test_the_report_from_its_texts_to_its_file_and_a_units_own_letter(
    browser: Any,
    live_server: Any,
    cast: Cast,
    cycle_2024: Cycle,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    results_publish(
        snapshot=results_compute(cycle=cycle_2024, by=cast.admin),
        decision=DECISION,
        decision_date=DATE,
        by=cast.admin,
    )
    monkeypatch.setenv("MEDIA_ROOT", str(tmp_path))  # the worker writes where pages read
    workers = Workers(tmp_path)
    workers.start()
    try:
        context = browser.new_context(accept_downloads=True)
        admin = context.new_page()
        log_in(admin, live_server.url, "admin")
        admin.goto(f"{live_server.url}/results/2024/")
        admin.get_by_role("link", name="Báo cáo, thông báo, bảng tính").click()
        assert admin.locator("h1").inner_text() == "Tài liệu năm 2024"
        admin.get_by_role("link", name="Phần tự soạn của báo cáo").click()
        admin.fill("#id_assessment", "Chỉ số CCHC đã phản ánh đầy đủ kết quả triển khai.")
        admin.fill("#id_signer_title", "KT. GIÁM ĐỐC\nPHÓ GIÁM ĐỐC")
        admin.get_by_role("button", name="Lưu").click()
        assert "Đã lưu phần tự soạn" in admin.locator(".messages").inner_text()
        admin.get_by_role("button", name="Báo cáo phân tích năm (Word)").click()
        # The job's page follows the worker until the file is written.
        admin.locator("#job-outcome").wait_for(timeout=60_000)
        assert "đã sẵn sàng" in admin.locator("#job-outcome").inner_text()
        admin.get_by_role("link", name="Tiếp tục").click()
        with admin.expect_download() as download:
            admin.locator("#documents a[download]").first.click()
        saved = tmp_path / "bao-cao.docx"
        download.value.save_as(saved)
        text = text_of(str(saved))
        assert "Chỉ số CCHC đã phản ánh đầy đủ kết quả triển khai." in text
        assert "PHÓ GIÁM ĐỐC" in text and "UBND cấp huyện" in text
        assert "outdated" not in admin.content() and "đã cũ" not in admin.content()

        # A correction: the file stays, marked outdated.
        results_publish(
            snapshot=results_compute(cycle=cycle_2024, by=cast.admin, reason="Kiến nghị"),
            decision="QĐ điều chỉnh",
            decision_date=DATE,
            by=cast.admin,
        )
        admin.reload()
        assert "đã cũ" in admin.locator("#documents").inner_text()
        context.close()

        # The district's head: its own letter only.
        head = browser.new_context(accept_downloads=True).new_page()
        district = cast.district
        from parindex.conftest import _user
        from parindex.org.models import Role

        _user("head_district", Role.UNIT_HEAD, district)
        log_in(head, live_server.url, "head_district")
        head.goto(f"{live_server.url}/documents/2024/")
        assert "Báo cáo phân tích năm" not in head.locator("main").inner_text()
        assert head.locator("#letter").inner_text().count(district.name) == 1
        head.get_by_role("button", name="Lập thông báo").click()
        head.locator("#job-outcome").wait_for(timeout=60_000)
        head.get_by_role("link", name="Tiếp tục").click()
        with head.expect_download() as download:
            head.locator("#documents a[download]").first.click()
        letter = tmp_path / "thong-bao.docx"
        download.value.save_as(letter)
        assert district.name in text_of(str(letter))
        assert GeneratedDocument.objects.filter(kind="letter", unit=district).count() == 1
        report = GeneratedDocument.objects.filter(kind="report").first()
        assert report is not None
        refused = head.goto(f"{live_server.url}/documents/file/{report.pk}/file/")
        assert refused is not None and refused.status == 404
    finally:
        workers.stop()
