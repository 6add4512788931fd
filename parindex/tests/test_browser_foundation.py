"""A person at a browser: log in, read the framework, download it, switch language."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from openpyxl import load_workbook

from parindex.conftest import Cast
from parindex.frameworks.models import Framework
from parindex.frameworks.services import framework_freeze, framework_import
from parindex.frameworks.yamlio import tree_from_yaml
from parindex.tests.browser import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
DEMO = Path(__file__).resolve().parents[1] / "demo" / "data"


@pytest.fixture
def framework(cast: Cast) -> Framework:
    tree = tree_from_yaml((DEMO / "so-nganh-2023.yaml").read_bytes())
    return framework_freeze(framework=framework_import(tree=tree, by=cast.admin))


def test_a_scorer_logs_in_reads_and_downloads_the_framework(
    browser: Any, live_server: Any, cast: Cast, framework: Framework, tmp_path: Path
) -> None:
    context = browser.new_context(accept_downloads=True)
    page = context.new_page()
    log_in(page, live_server.url, "scorer_a")
    assert page.locator("h1").inner_text().startswith("Xin chào")
    page.get_by_role("link", name="Xem bộ tiêu chí").first.click()
    assert framework.title in page.locator("h1").inner_text()
    assert "92,00" in page.locator("dl.facts").inner_text()
    first_guidance = page.locator("main details").first
    first_guidance.locator("summary").click()
    assert first_guidance.locator(".guidance").first.is_visible()
    with page.expect_download() as download_info:
        page.get_by_role("link", name="Tải Excel").click()
    target = tmp_path / "framework.xlsx"
    download_info.value.save_as(target)
    assert load_workbook(target).sheetnames == ["Bộ tiêu chí", "Hướng dẫn"]
    # Another unit's page does not exist for this scorer.
    response = page.goto(f"{live_server.url}/units/{cast.unit_b.code}/")
    assert response.status == 404
    context.close()


def test_switching_to_english_and_back(browser: Any, live_server: Any, cast: Cast) -> None:
    page = browser.new_page()
    log_in(page, live_server.url, "viewer")
    page.click("button[name=language][value=en]")
    assert page.locator("h1").inner_text().startswith("Hello")
    assert page.get_by_role("link", name="Units").is_visible()
    page.click("button[name=language][value=vi]")
    assert page.locator("h1").inner_text().startswith("Xin chào")
    page.close()


def test_an_administrator_uploads_a_bad_file_then_a_good_one(
    browser: Any, live_server: Any, cast: Cast, tmp_path: Path
) -> None:
    page = browser.new_page()
    log_in(page, live_server.url, "admin")
    page.goto(f"{live_server.url}/frameworks/import/")
    good = (DEMO / "huyen-2023.yaml").read_text(encoding="utf-8")
    bad = tmp_path / "huyen-bad.yaml"
    bad.write_text(good.replace("max_points: 97", "max_points: 95", 1), encoding="utf-8")
    page.set_input_files("#id_file", str(bad))
    page.click("button[type=submit].primary")
    alert = page.get_by_role("alert")
    assert "không được lưu" in alert.inner_text() or "chưa được lưu" in alert.inner_text()
    assert Framework.objects.count() == 0
    page.set_input_files("#id_file", str(DEMO / "huyen-2023.yaml"))
    page.click("button[type=submit].primary")
    assert Framework.objects.filter(group__code="huyen").count() == 1
    assert "Ủy ban nhân dân" in page.locator("h1").inner_text()
    page.close()


def test_a_locked_out_account_sees_why(browser: Any, live_server: Any, cast: Cast) -> None:
    page = browser.new_page()
    for _ in range(5):
        log_in(page, live_server.url, "head_b", "wrong")
    log_in(page, live_server.url, "head_b")
    assert "tạm khóa" in page.locator("main").inner_text()
    page.close()
