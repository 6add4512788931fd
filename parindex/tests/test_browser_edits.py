"""One scorer's day on one criterion, in the browser: an upload and then an edit, a web page
cited and then an edit, a file removed and then an edit — each save goes through, never
taken for someone else's — and a session that expires mid-sentence, a log-in again in
another tab, and the text saved as it was typed."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from django.contrib.sessions.models import Session
from playwright.sync_api import expect

from parindex.assessments.models import Assessment, AssessmentItem, Cycle
from parindex.conftest import Cast
from parindex.tests.browser import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PDF = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
    b"2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n"
    b"3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 300 200]>>endobj\n"
    b"trailer<</Root 1 0 R>>\n%%EOF\n"
)


def leaf(page: Any, code: str) -> Any:
    return page.locator(f"li[id='c-{code}']")


def status(page: Any, code: str) -> Any:
    return page.locator(f"[id='s-self-{code.replace('.', '_')}']")


def note(page: Any, code: str, text: str) -> None:
    box = leaf(page, code).locator("textarea[name=note]")
    box.fill(text)
    box.blur()


def version(page: Any, code: str) -> Any:
    return page.locator(f"[id='v-self-{code.replace('.', '_')}']")


def saves(page: Any, code: str, change: Any) -> None:
    """Make the change and wait for its save: the leaf's version moves on."""
    before = version(page, code).input_value()
    change()
    expect(version(page, code)).not_to_have_value(before)
    expect(status(page, code)).to_contain_text("Đã lưu")


def stored(assessment: Assessment, code: str) -> AssessmentItem:
    return assessment.items.get(criterion__code=code)


def test_each_change_of_evidence_leaves_the_criterion_able_to_save(
    browser: Any, live_server: Any, cast: Cast, cycle: Cycle, tmp_path: Path
) -> None:
    assessment = Assessment.objects.get(cycle=cycle, unit=cast.unit_a)
    page = browser.new_context().new_page()
    log_in(page, live_server.url, "scorer_a")
    page.goto(f"{live_server.url}/assessments/2024/so-tu-phap/?field=1")
    plan = tmp_path / "ke-hoach-cchc-2024.pdf"
    plan.write_bytes(PDF)

    # An upload, then an edit of the same criterion's explanation.
    leaf(page, "1.1.1").locator("input[type=file]").set_input_files(str(plan))
    leaf(page, "1.1.1").get_by_role("button", name="Tải lên").click()
    expect(leaf(page, "1.1.1").locator(".evidence")).to_contain_text("Đã thêm")
    saves(page, "1.1.1", lambda: note(page, "1.1.1", "Kế hoạch số 05/KH-STP ngày 10/01/2024"))
    assert stored(assessment, "1.1.1").note == "Kế hoạch số 05/KH-STP ngày 10/01/2024"

    # A web page cited, then an edit.
    leaf(page, "1.1.1").locator("summary", has_text="hoặc dẫn một trang web").click()
    leaf(page, "1.1.1").locator("input[name=url]").fill("https://sotuphap.soctrang.gov.vn/tin/1")
    leaf(page, "1.1.1").locator("input[name=title]").fill("Tin CCHC quý I")
    leaf(page, "1.1.1").get_by_role("button", name="Dẫn trang này").click()
    expect(leaf(page, "1.1.1").locator(".evidence")).to_contain_text("Tin CCHC quý I")
    saves(page, "1.1.1", lambda: note(page, "1.1.1", "Kế hoạch số 05/KH-STP; tin đăng quý I"))

    # The file no longer cited, then an edit.
    leaf(page, "1.1.1").locator(".files li", has_text="ke-hoach").get_by_role(
        "button", name="Bỏ"
    ).click()
    expect(leaf(page, "1.1.1").locator(".evidence")).to_contain_text("Đã bỏ")
    saves(page, "1.1.1", lambda: leaf(page, "1.1.1").locator("input[name=yes][value=yes]").check())
    item = stored(assessment, "1.1.1")
    assert item.self_inputs == {"yes": True}
    assert item.note == "Kế hoạch số 05/KH-STP; tin đăng quý I"
    assert item.urls.get().url == "https://sotuphap.soctrang.gov.vn/tin/1"
    expect(page.locator(".conflict")).to_have_count(0)


def test_a_session_that_expires_mid_sentence_loses_nothing(
    browser: Any, live_server: Any, cast: Cast, cycle: Cycle
) -> None:
    assessment = Assessment.objects.get(cycle=cycle, unit=cast.unit_a)
    context = browser.new_context()
    page = context.new_page()
    log_in(page, live_server.url, "scorer_a")
    page.goto(f"{live_server.url}/assessments/2024/so-tu-phap/?field=1")
    Session.objects.all().delete()  # the session ends while the scorer types
    note(page, "1.1.2", "Báo cáo số 88/BC-STP ngày 15/12")
    expect(page.locator("#session-expired")).to_be_visible()
    expect(status(page, "1.1.2")).to_contain_text("đăng xuất")
    assert stored(assessment, "1.1.2").note == ""
    # A log-in again in another tab renews the session and its security token ...
    other = context.new_page()
    log_in(other, live_server.url, "scorer_a")
    other.close()
    # ... and the first page saves what it still holds.
    saves(
        page,
        "1.1.2",
        lambda: leaf(page, "1.1.2").get_by_role("button", name="Lưu", exact=True).click(),
    )
    assert stored(assessment, "1.1.2").note == "Báo cáo số 88/BC-STP ngày 15/12"
    expect(page.locator("#session-expired")).to_be_hidden()
