"""A directive in the browser: the administrator records it with a task to three units,
the heads of two of them report it done on “Nhiệm vụ được giao”, and the administrator's
page shows 2/3 units done."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import expect

from parindex.conftest import Cast
from parindex.followup.models import Directive, TaskAssignment
from parindex.tests.browser import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_directive_to_three_units_two_of_which_report(
    browser: Any, live_server: Any, cast: Cast
) -> None:
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    log_in(page, live_server.url, "admin")
    page.goto(f"{live_server.url}/followup/directives/new/")
    page.fill("#id_number", "2530/UBND-NC")
    page.fill("#id_issued_on", "2021-09-24")
    page.fill("#id_issuer", "UBND tỉnh Sóc Trăng")
    page.fill("#id_subject", "V/v tăng cường giải pháp nâng cao Chỉ số cải cách hành chính")
    page.fill("#id_tasks-0-number", "1.a")
    page.fill("#id_tasks-0-text", "Rà soát, khắc phục những tồn tại, hạn chế")
    page.fill("#id_tasks-0-deadline", "quý IV/2099")
    page.select_option(
        "#id_tasks-0-units", [str(cast.unit_a.pk), str(cast.unit_b.pk), str(cast.home_unit.pk)]
    )
    with page.expect_navigation():
        page.click("button[type=submit].primary")
    expect(page.locator("h1")).to_contain_text("2530/UBND-NC")
    expect(page.locator(".done-count")).to_have_text("0/3")
    directive = Directive.objects.get()
    assert TaskAssignment.objects.filter(task__directive=directive).count() == 3
    context.close()

    for username, text in (("head_a", "Đã rà soát, khắc phục"), ("head_b", "Đã khắc phục xong")):
        context = browser.new_context(viewport={"width": 390, "height": 844})
        page = context.new_page()
        log_in(page, live_server.url, username)
        page.goto(f"{live_server.url}/followup/directives/tasks/")
        expect(page.locator("h1")).to_have_text("Nhiệm vụ được giao")
        card = page.locator("section.card[id^=a]")
        expect(card).to_have_count(1)
        card.locator("select[name$=status]").select_option("done")
        card.locator("textarea[name$=-text]").fill(text)
        with page.expect_navigation():
            card.locator("button[type=submit].primary").click()
        expect(page.locator(".messages")).to_contain_text("Đã lưu báo cáo")
        expect(page.locator("section.card[id^=a]")).to_contain_text(text)
        context.close()

    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    log_in(page, live_server.url, "admin")
    page.goto(f"{live_server.url}{directive.get_absolute_url()}")
    expect(page.locator(".done-count")).to_have_text("2/3")
    expect(page.locator(".directive-matrix")).to_contain_text("Sở Nội vụ")
    expect(page.locator(".directive-matrix tbody tr")).to_have_count(3)
    context.close()
