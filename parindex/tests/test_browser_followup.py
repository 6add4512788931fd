"""In a browser: results published, their lost points become weaknesses; the
administrator plans a task from one; the district's head reports it done with a file;
the administrator verifies it."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import expect

from parindex.assessments.models import Cycle
from parindex.assessments.tests.files import PDF
from parindex.conftest import Cast, _user
from parindex.followup.models import RemediationTask, Status, TaskEvent, Weakness
from parindex.followup.services import weaknesses_record
from parindex.org.models import Role
from parindex.results.services import results_compute, results_publish
from parindex.tests.browser import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_from_a_weakness_to_a_verified_task(
    browser: Any, live_server: Any, cast: Cast, cycle_2024: Cycle, tmp_path: Path
) -> None:
    import datetime

    snapshot = results_publish(
        snapshot=results_compute(cycle=cycle_2024, by=cast.admin),
        decision="Quyết định số 25/QĐ-UBND",
        decision_date=datetime.date(2025, 1, 8),
        by=cast.admin,
    )
    weaknesses_record(snapshot=snapshot)
    district = cast.district
    weakness = Weakness.objects.filter(unit=district).order_by("field_code", "pk").first()
    assert weakness is not None

    admin = browser.new_page()
    log_in(admin, live_server.url, "admin")
    admin.goto(f"{live_server.url}/followup/units/{district.code}/")
    assert weakness.criterion_title in admin.locator("#weaknesses").inner_text()
    admin.locator(f"a[href='?from={weakness.source_key}#plan']").click()
    assert admin.locator("#id_source_choice").input_value() == weakness.source_key
    admin.fill("#id_title", "Ban hành kế hoạch khắc phục")
    admin.fill("#id_division", "Phòng Nội vụ")
    admin.fill("#id_due_on", "30/06/2025")
    admin.get_by_role("button", name="Giao nhiệm vụ").click()
    assert admin.locator("#task-status").inner_text() == "Chưa thực hiện"
    task = RemediationTask.objects.get()
    assert task.weakness == weakness and task.division == "Phòng Nội vụ"

    _user("district_head", Role.UNIT_HEAD, district)
    head = browser.new_page()
    log_in(head, live_server.url, "district_head")
    head.get_by_role("link", name="Khắc phục").first.click()  # to its own unit's page
    head.locator("#tasks").get_by_role("link", name="Ban hành kế hoạch khắc phục").click()
    head.fill("#id_text", "Đã ban hành Kế hoạch số 12/KH-UBND")
    evidence = tmp_path / "ke-hoach.pdf"
    evidence.write_bytes(PDF)
    head.set_input_files("#id_evidence", str(evidence))
    head.get_by_role("button", name="Báo cáo hoàn thành").click()
    assert head.locator("#task-status").inner_text() == "Đã báo cáo hoàn thành"
    assert "ke-hoach.pdf" in head.locator("#events").inner_text()

    admin.reload()
    admin.get_by_role("button", name="Xác nhận hoàn thành").click()
    assert admin.locator("#task-status").inner_text() == "Đã xác nhận hoàn thành"
    task.refresh_from_db()
    assert task.status == Status.VERIFIED
    assert TaskEvent.objects.filter(task=task).count() == 2
    with admin.expect_download() as download:
        admin.get_by_role("link", name="ke-hoach.pdf").click()
    assert download.value.suggested_filename.endswith(".pdf")


def test_the_unit_takes_the_follow_up_s_proposal_into_its_self_assessment(
    browser: Any, live_server: Any, cast: Cast, assessment_a: Any
) -> None:
    """Next year's self-assessment: the leaf on the province's tasks proposes 2 of 3 done
    with its sources; the unit takes it, and it is saved as the unit's own answer."""
    from parindex.followup.tests.test_prefill import _follow_up_of_2024

    _follow_up_of_2024(cast)
    page = browser.new_page()
    log_in(page, live_server.url, "scorer_a")
    page.goto(f"{live_server.url}/assessments/2024/{cast.unit_a.code}/?field=1")
    leaf = page.locator("[id='c-1.6.1']")
    assert "2 trên 3 nhiệm vụ UBND tỉnh giao" in leaf.locator(".proposal").inner_text()
    leaf.locator(".proposal summary").click()
    assert leaf.locator(".proposal-sources li").count() == 3
    leaf.get_by_role("button", name="Dùng đề xuất").click()
    expect(page.locator("[id='s-self-1_6_1']")).to_contain_text("Đã lưu")
    assert leaf.locator("input[name=numerator]").input_value() == "2"
    item = assessment_a.items.get(criterion__code="1.6.1")
    assert item.self_inputs == {"numerator": "2", "denominator": "3"}
    assert item.updated_by == cast.scorer_a
