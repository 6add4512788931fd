"""In a browser: the administrator computes a year (a job, which a real worker runs while
its page follows it) and publishes it; a visitor who never logs in reads it, opens a unit
and downloads the table; a target shows its status."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from openpyxl import load_workbook

from parindex.assessments.models import Cycle
from parindex.conftest import Cast
from parindex.jobs.tests.conftest import Workers
from parindex.results.models import NationalResult, ResultSnapshot
from parindex.results.selectors import year_results
from parindex.tests.browser import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_compute_publish_then_read_without_logging_in(
    browser: Any, live_server: Any, cast: Cast, cycle_2024: Cycle, tmp_path: Path
) -> None:
    admin = browser.new_page()
    log_in(admin, live_server.url, "admin")
    admin.goto(f"{live_server.url}/results/")
    admin.get_by_role("link", name="Tính và công bố").click()
    admin.get_by_role("button", name="Tính kết quả").click()
    # The job's page: waiting, until a worker starts; it refreshes itself until done.
    assert admin.locator("h1").inner_text() == "Tính kết quả năm 2024"
    assert admin.locator("#job-status").inner_text() == "Đang chờ"
    workers = Workers(tmp_path)
    workers.start()
    try:
        admin.locator("#job-outcome").wait_for(timeout=30_000)
    finally:
        workers.stop()
    assert admin.locator("#job-outcome").inner_text() == "Đã tính lần 1: 11 đơn vị."
    assert admin.locator("#job-status").inner_text() == "Thành công"
    admin.get_by_role("link", name="Tiếp tục").click()
    # A date Vietnamese officials would not write is refused, and what was typed stays.
    admin.fill("#id_decision", "Quyết định số 25/QĐ-UBND")
    admin.fill("#id_decision_date", "2025/13/08")
    admin.get_by_role("button", name="Công bố lần tính 1").click()
    assert admin.locator(".field-error").first.is_visible()
    assert admin.input_value("#id_decision") == "Quyết định số 25/QĐ-UBND"
    assert ResultSnapshot.objects.get().status == "draft"
    admin.fill("#id_decision_date", "08/01/2025")
    admin.get_by_role("button", name="Công bố lần tính 1").click()
    assert "Đã công bố lần tính 1." in admin.locator(".messages").inner_text()
    admin.close()

    results = year_results(2024)
    assert results is not None
    first = results.cycle.units[0]
    index = f"{first.result.index_pct:.2f}".replace(".", ",") + "%"

    visitor = browser.new_context(accept_downloads=True)
    page = visitor.new_page()
    page.goto(f"{live_server.url}/results/2024/")
    assert "Công bố theo Quyết định số 25/QĐ-UBND ngày 08/01/2025." in page.inner_text("main")
    assert page.locator("tbody tr").first.locator("strong").inner_text() == index
    page.get_by_role("link", name="Theo lĩnh vực").click()
    assert "tối đa 14" in page.inner_text("thead")
    page.goto(f"{live_server.url}/results/2024/")
    name = results.units[first.result.unit].name
    page.locator("tbody").get_by_role("link", name=name).click()
    assert page.locator("h1").inner_text() == name
    assert "Hạng 1/11 trong nhóm" in page.inner_text("main")
    with page.expect_download() as download:
        page.get_by_role("link", name="Tải Excel").click()
    target = tmp_path / "unit.xlsx"
    download.value.save_as(target)
    assert load_workbook(target).sheetnames == ["Lĩnh vực", "Các năm"]
    visitor.close()


def test_the_administrator_records_the_national_result_and_a_goal(
    browser: Any, live_server: Any, cast: Cast
) -> None:
    page = browser.new_page()
    log_in(page, live_server.url, "admin")
    page.goto(f"{live_server.url}/results/targets/")
    page.get_by_role("link", name="Nhập kết quả Chỉ số CCHC của tỉnh một năm").click()
    page.fill("#id_year", "2020")
    page.fill("#id_index_pct", "85,19")
    page.fill("#id_rank", "19")
    page.fill("#id_rank_of", "63")
    page.get_by_role("button", name="Lưu").click()
    assert NationalResult.objects.get().rank == 19
    page.get_by_role("link", name="Thêm mục tiêu").click()
    page.fill("#id_title", "Đến năm 2020, trong nhóm 20 tỉnh, thành phố dẫn đầu")
    page.select_option("#id_kind", "national_rank_at_most")
    page.fill("#id_value", "20")
    page.fill("#id_first_year", "2020")
    page.fill("#id_last_year", "2020")
    page.get_by_role("button", name="Lưu").click()
    card = page.locator("section.target").first
    assert "đạt" in card.locator(".badge").inner_text()
    assert "hạng 19" in card.inner_text()
    page.close()
