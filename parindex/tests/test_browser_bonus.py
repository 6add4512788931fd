"""The bonus criterion in the browser: the scorer writes two initiatives with their
points, the page saves them as she types (HTMX), says how much counts, shows them again
after a reload as they were typed, and saves a new explanation of them without a word of
complaint; a third initiative reaches the cap and the page says so."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import expect

from parindex.assessments.models import AssessmentItem, Cycle
from parindex.conftest import Cast
from parindex.tests.browser import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

TWO = "Sáng kiến “Dân đến không viết” 0,5\nHộ tịch điện tử 0,25"


def test_the_scorer_writes_bonus_items_with_descriptions(
    browser: Any, live_server: Any, cast: Cast, cycle: Cycle
) -> None:
    page = browser.new_context(viewport={"width": 1280, "height": 800}).new_page()
    log_in(page, live_server.url, "scorer_a")
    page.goto(f"{live_server.url}/assessments/2024/so-tu-phap/?field=1")
    bonus = page.locator("li[id='c-1.8']")
    box = bonus.locator("textarea[name=items]")
    status = page.locator("[id='s-self-1_8']")
    tally = page.locator("[id='t-self-1_8']")
    expect(box).to_have_value("")
    expect(bonus).to_contain_text("mỗi khoản một dòng: nội dung, cuối dòng ghi số điểm")

    box.fill(TWO)
    box.blur()
    expect(status).to_contain_text("Đã lưu")
    expect(tally).to_have_text("Tổng cộng: 0,75 điểm (tối đa 1 điểm)")
    expect(page.locator("[id='p-1_8']")).to_have_text("+0,75")

    page.reload()
    expect(box).to_have_value(TWO)
    note = bonus.locator("textarea[name=note]")
    note.fill("Quyết định công nhận sáng kiến số 12/QĐ-HĐTĐ ngày 20/11/2024")
    note.blur()
    expect(status).to_contain_text("Đã lưu")
    expect(status.locator(".field-error")).to_have_count(0)

    box.fill(TWO + "\nMô hình “Tổ công nghệ số cộng đồng” 0,5")
    box.blur()
    expect(status).to_contain_text("Đã lưu")
    expect(tally).to_contain_text("đã đạt mức tối đa")
    expect(tally).to_contain_text("chỉ tính 1 trên 1,25 điểm đã kê khai")
    expect(page.locator("[id='p-1_8']")).to_have_text("+1,00")

    page.reload()
    expect(bonus.locator("textarea[name=note]")).to_have_value(
        "Quyết định công nhận sáng kiến số 12/QĐ-HĐTĐ ngày 20/11/2024"
    )
    item = AssessmentItem.objects.get(
        assessment__cycle=cycle, assessment__unit=cast.unit_a, criterion__code="1.8"
    )
    assert item.self_inputs is not None
    assert item.self_inputs["item_labels"] == [
        "Sáng kiến “Dân đến không viết”",
        "Hộ tịch điện tử",
        "Mô hình “Tổ công nghệ số cộng đồng”",
    ]
