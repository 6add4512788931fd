"""In a browser: a unit submits an initiative with a file; the council's chair recognises
it; the register lists it; the next year the unit reports it maintained and extended."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from django.utils import timezone

from parindex.assessments.tests.files import PDF
from parindex.conftest import Cast
from parindex.followup.models import Initiative
from parindex.tests.browser import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_an_initiative_from_submission_to_its_next_year(
    browser: Any, live_server: Any, cast: Cast, tmp_path: Path
) -> None:
    year = timezone.localdate().year - 1
    unit = browser.new_page()
    log_in(unit, live_server.url, "head_a")
    unit.goto(f"{live_server.url}/followup/initiatives/mine/")
    unit.select_option("#id_year", str(year))
    unit.fill("#id_title", "Mô hình “Dân đến không viết”")
    unit.fill("#id_description", "Công chức điền sẵn tờ khai cho người dân.")
    evidence = tmp_path / "mo-hinh.pdf"
    evidence.write_bytes(PDF)
    unit.set_input_files("#id_evidence_files", str(evidence))
    unit.get_by_role("button", name="Gửi sáng kiến").click()
    initiative = Initiative.objects.get()
    assert initiative.status == Initiative.Status.SUBMITTED and initiative.unit == cast.unit_a
    assert initiative.evidence.count() == 1

    chair = browser.new_page()
    log_in(chair, live_server.url, "chair")
    chair.goto(f"{live_server.url}/followup/initiatives/{initiative.pk}/")
    chair.check("#id_status_0")
    chair.fill("#id_decision", "Biên bản họp Hội đồng thẩm định ngày 15/12")
    chair.get_by_role("button", name="Ghi nhận quyết định").click()
    initiative.refresh_from_db()
    assert initiative.status == Initiative.Status.RECOGNISED
    chair.goto(f"{live_server.url}/followup/initiatives/?year={year}")
    assert "Mô hình “Dân đến không viết”" in chair.locator("main").inner_text()

    unit.goto(f"{live_server.url}/followup/initiatives/{initiative.pk}/")
    unit.select_option("#id_year", str(year + 1))
    unit.check("#id_maintained")
    unit.check("#id_extended")
    unit.fill("#id_note", "Nhân rộng ra 3 xã.")
    unit.get_by_role("button", name="Lưu báo cáo của năm").click()
    later = initiative.followups.get()
    assert (later.year, later.maintained, later.extended) == (year + 1, True, True)
