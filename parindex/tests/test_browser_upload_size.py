"""A file larger than an evidence file may be is refused in the browser, in Vietnamese,
before any of it is sent: a 30 MB scan was once uploaded in full, then refused."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import expect

from parindex.assessments.models import Assessment, EvidenceFile
from parindex.conftest import Cast
from parindex.tests.browser import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PDF = b"%PDF-1.4\n1 0 obj<</Type/Catalog>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"
TOO_LARGE = (
    "Tệp này lớn hơn 1,0 MB, dung lượng tối đa của một tệp, nên chưa được gửi. "
    "Hãy chọn tệp nhỏ hơn: quét với độ phân giải thấp hơn hoặc tách tài liệu."
)


def test_a_file_over_the_limit_is_refused_before_it_is_sent(
    browser: Any,
    live_server: Any,
    cast: Cast,
    assessment_a: Assessment,
    settings: Any,
    tmp_path: Path,
    screenshot_dir: Path | None,
) -> None:
    settings.EVIDENCE_MAX_FILE_BYTES = 1024 * 1024
    large = tmp_path / "ban-quet-30MB.pdf"
    large.write_bytes(PDF + b"\0" * (1200 * 1024))
    small = tmp_path / "ke-hoach.pdf"
    small.write_bytes(PDF)
    page = browser.new_context(viewport={"width": 1280, "height": 800}).new_page()
    uploads: list[str] = []
    page.on("request", lambda r: uploads.append(r.url) if r.method == "POST" else None)
    log_in(page, live_server.url, "scorer_a")
    page.goto(f"{live_server.url}/assessments/2024/so-tu-phap/?field=1")
    uploads.clear()
    leaf = page.locator("li[id='c-1.1.2']")
    leaf.locator("input[type=file]").set_input_files(str(large))
    alert = leaf.locator("[id='f-1_1_2-size']")
    expect(alert).to_be_visible()
    expect(alert).to_have_text(TOO_LARGE)
    if screenshot_dir is not None:
        for label, width in (("desktop", 1280), ("phone", 390)):
            page.set_viewport_size({"width": width, "height": 844})
            leaf.scroll_into_view_if_needed()
            page.screenshot(path=str(screenshot_dir / f"upload-too-large-{label}.png"))
        page.set_viewport_size({"width": 1280, "height": 800})
    leaf.get_by_role("button", name="Tải lên").click()
    page.wait_for_timeout(300)
    assert uploads == [] and not EvidenceFile.objects.exists()
    # A file within the limit clears the message and goes.
    leaf.locator("input[type=file]").set_input_files(str(small))
    expect(alert).to_be_hidden()
    leaf.get_by_role("button", name="Tải lên").click()
    expect(leaf.locator(".evidence")).to_contain_text("Đã thêm “ke-hoach.pdf”")
    assert EvidenceFile.objects.count() == 1


def test_the_servers_413_is_shown_where_the_file_was_chosen(
    browser: Any,
    live_server: Any,
    cast: Cast,
    assessment_a: Assessment,
    settings: Any,
    tmp_path: Path,
) -> None:
    # The page was rendered with a larger limit than the server now has: the browser
    # lets the file go, the server refuses it unread, the page says why.
    page = browser.new_context(viewport={"width": 1280, "height": 800}).new_page()
    log_in(page, live_server.url, "scorer_a")
    page.goto(f"{live_server.url}/assessments/2024/so-tu-phap/?field=1")
    settings.EVIDENCE_MAX_FILE_BYTES = 1024 * 1024
    large = tmp_path / "bao-cao.pdf"
    large.write_bytes(PDF + b"\0" * (1200 * 1024))
    leaf = page.locator("li[id='c-1.1.2']")
    leaf.locator("input[type=file]").set_input_files(str(large))
    leaf.get_by_role("button", name="Tải lên").click()
    expect(leaf.locator("[id='f-1_1_2-size']")).to_contain_text(
        "Tệp lớn hơn 1,0 MB, mức tối đa biểu mẫu này nhận"
    )
    assert not EvidenceFile.objects.exists()


def test_without_javascript_the_server_answers_with_a_page_that_says_why(
    browser: Any,
    live_server: Any,
    cast: Cast,
    assessment_a: Assessment,
    settings: Any,
    tmp_path: Path,
    screenshot_dir: Path | None,
) -> None:
    settings.EVIDENCE_MAX_FILE_BYTES = 1024 * 1024
    large = tmp_path / "bao-cao.pdf"
    large.write_bytes(PDF + b"\0" * (1200 * 1024))
    context = browser.new_context(
        viewport={"width": 1280, "height": 800}, java_script_enabled=False
    )
    page = context.new_page()
    log_in(page, live_server.url, "scorer_a")
    page.goto(f"{live_server.url}/assessments/2024/so-tu-phap/?field=1")
    leaf = page.locator("li[id='c-1.1.2']")
    leaf.locator("input[type=file]").set_input_files(str(large))
    leaf.get_by_role("button", name="Tải lên").click()
    expect(page.locator("h1")).to_have_text("Dữ liệu gửi lên quá lớn")
    expect(page.locator("main")).to_contain_text("Tệp lớn hơn 1,0 MB, mức tối đa biểu mẫu này nhận")
    if screenshot_dir is not None:
        for label, width in (("desktop", 1280), ("phone", 390)):
            page.set_viewport_size({"width": width, "height": 844})
            page.screenshot(path=str(screenshot_dir / f"upload-413-{label}.png"), full_page=True)
    page.get_by_role("link", name="← Quay lại trang trước").click()
    expect(page.locator("li[id='c-1.1.2']")).to_be_visible()
    assert not EvidenceFile.objects.exists()
