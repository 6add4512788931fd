"""Where the points went, in the browser (issue 15): unit A's scorer opens the page from
the published result, tries two answers in the what-if and sees its rank move (nothing
saved), appeals the criterion the appraisal lowered from the page, and the council's
chair upholds it: the unit's published result is corrected in a new revision."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from parindex.conftest import Cast
from parindex.results.appeals import appeal_window_set
from parindex.results.models import ResultRow, ResultSnapshot
from parindex.results.tests.test_explain import first_yes_no, published_cycle
from parindex.tests.browser import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_unit_sees_where_its_points_went_tries_answers_and_appeals(
    browser: Any, live_server: Any, cast: Cast
) -> None:
    cycle = published_cycle(cast, extra=5)
    today = timezone.localdate()
    appeal_window_set(
        cycle=cycle,
        opens_on=today - datetime.timedelta(days=1),
        closes_on=today + datetime.timedelta(days=5),
        by=cast.admin,
    )
    lowered = first_yes_no(cycle, cast.unit_a).criterion.code
    row = ResultRow.objects.get(snapshot__cycle=cycle, unit=cast.unit_a)
    assert row.rank is not None and row.rank > 1, "unit A must have room to rise"
    base = live_server.url

    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    log_in(page, base, "scorer_a")
    page.goto(f"{base}/results/{cycle.year}/{cast.unit_a.code}/")
    with page.expect_navigation():
        page.get_by_role("link", name="Vì sao bị trừ điểm").click()
    expect(page.locator("h1")).to_have_text("Vì sao bị trừ điểm")
    expect(page.locator("#summary")).to_contain_text(f"Hạng {row.rank}/{row.rank_of}")
    lowered_row = page.locator(f"tr[id='c-{lowered.replace('.', '_')}']")
    expect(lowered_row).to_contain_text("Không có kế hoạch ban hành đúng hạn.")
    expect(lowered_row).to_contain_text("Thẩm định hạ")

    # The what-if: the lowered leaf and another one answered “yes”; the answer comes in
    # as the answers change (htmx), and the rank moves up.
    page.get_by_role("link", name="Thử câu trả lời khác").click()
    second = first_yes_no(cycle, cast.unit_a, skip=1).criterion.code
    for code in (lowered, second):
        leaf = page.locator(f"#w-{code.replace('.', '_')}")
        field = page.locator("#what-if details", has=leaf)
        if field.get_attribute("open") is None:  # the fields start closed
            field.locator("summary").click()
        leaf.get_by_label("Có", exact=False).first.check()
    panel = page.locator("#what-if-result")
    expect(panel).to_contain_text("Với các câu trả lời tính thử")
    expect(panel).to_contain_text(f"hạng {row.rank} →")
    moved = int(panel.locator("strong").nth(2).inner_text())
    assert moved < row.rank
    # Nothing saved: the answers that count are as they were.
    assert first_yes_no(cycle, cast.unit_a).appraised_inputs == {"yes": False}

    # The appeal, from the lowered criterion's row.
    page.goto(f"{base}/results/{cycle.year}/{cast.unit_a.code}/points/")
    with page.expect_navigation():
        lowered_row.get_by_role("link", name="Kiến nghị về tiêu chí này").click()
    expect(page.locator("#id_criterion_1")).to_have_value(lowered)
    page.fill("#id_reason_1", "Kế hoạch CCHC ban hành đúng hạn (số 12/KH-STP).")
    page.check("#id_confirmed")
    with page.expect_navigation():
        page.click("button[type=submit].primary")
    expect(page.locator(".messages")).to_contain_text("kiến nghị")
    context.close()

    # The council's chair upholds it with the corrected appraisal, then decides.
    context = browser.new_context(viewport={"width": 390, "height": 844})
    page = context.new_page()
    log_in(page, base, "chair")
    page.goto(f"{base}/results/{cycle.year}/appeals/")
    with page.expect_navigation():
        page.locator("table a").first.click()
    with page.expect_navigation():
        page.get_by_role("link", name="Quyết định tiêu chí này").click()
    page.select_option("#id_outcome", "upheld")
    page.fill("#id_council_reason", "Có văn bản chứng minh ban hành đúng hạn.")
    page.locator("input[name=yes][value=yes]").check()
    with page.expect_navigation():
        page.click("button[type=submit].primary")
    with page.expect_navigation():
        page.get_by_role("link", name="Quyết định kiến nghị").click()
    with page.expect_navigation():
        page.click("button[type=submit].primary")
    context.close()

    assert first_yes_no(cycle, cast.unit_a).appraised_inputs == {"yes": True}
    newest = ResultSnapshot.objects.filter(cycle=cycle).order_by("-revision").first()
    assert newest is not None and newest.revision == 2
    assert "Có văn bản chứng minh" in newest.reason


def test_a_session_that_ends_while_trying_answers_loses_nothing(
    browser: Any, live_server: Any, cast: Cast
) -> None:
    from django.contrib.sessions.models import Session

    cycle = published_cycle(cast, extra=3)
    base = live_server.url
    context = browser.new_context(viewport={"width": 390, "height": 844})
    page = context.new_page()
    log_in(page, base, "scorer_a")
    page.goto(f"{base}/results/{cycle.year}/{cast.unit_a.code}/points/")
    code = first_yes_no(cycle, cast.unit_a).criterion.code
    leaf = page.locator(f"#w-{code.replace('.', '_')}")
    page.locator("#what-if details", has=leaf).locator("summary").click()
    Session.objects.all().delete()  # the session ends while the scorer tries answers
    leaf.get_by_label("Có", exact=False).first.check()
    panel = page.locator("#what-if-result")
    expect(panel).to_contain_text("Phiên đăng nhập đã hết")
    # A log-in again in another tab renews the session and its security token; the
    # answer tried is still checked, and the next change is scored.
    other = context.new_page()
    log_in(other, base, "scorer_a")
    other.close()
    expect(leaf.get_by_label("Có", exact=False).first).to_be_checked()
    second = page.locator(
        f"#w-{first_yes_no(cycle, cast.unit_a, skip=1).criterion.code}".replace(".", "_")
    )
    field = page.locator("#what-if details", has=second)
    if field.get_attribute("open") is None:
        field.locator("summary").click()
    second.get_by_label("Có", exact=False).first.check()
    expect(panel).to_contain_text("Với các câu trả lời tính thử")
    expect(panel).to_contain_text(code)
    context.close()
