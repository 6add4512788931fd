"""A whole cycle in the browser, for two units, with real uploads: the scorer fills in and
uploads, the head submits, the appraiser adjusts and comments and asks for an
explanation, round 1 closes and the preliminary results wait in the outbox, the unit
revises once (a second revision is refused), the final appraisal, the council's
approval, publication; the published index is the engine's.

Every page on the way is looked at on a desktop and on a phone screen (and kept as a
PNG with --screenshots)."""

from __future__ import annotations

import datetime
import random
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import expect

from parindex.assessments.models import Assessment, Cycle, Phase, State
from parindex.assessments.services import SelfAnswer, item_save_self
from parindex.conftest import Cast
from parindex.demo.samples import sample_inputs
from parindex.notify.models import Message
from parindex.results.compute import load_and_compute
from parindex.results.models import ResultSnapshot
from parindex.tests.browser import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

DESKTOP, PHONE = (1280, 800), (390, 844)
PDF = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
    b"2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n"
    b"3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 300 200]>>endobj\n"
    b"trailer<</Root 1 0 R>>\n%%EOF\n"
)


# The innermost elements that reach past the right edge: where to look.
WIDER_THAN_SCREEN = """() => [...document.querySelectorAll('body *')]
  .filter(e => e.getBoundingClientRect().right > document.documentElement.clientWidth + 1)
  .filter(e => ![...e.children].some(c => c.getBoundingClientRect().right >
      document.documentElement.clientWidth + 1))
  .slice(0, 3).map(e => e.tagName.toLowerCase() + '.' + e.className).join(', ')"""


class Looker:
    """Looks at each page at both widths: what runs off a phone's screen is a problem."""

    def __init__(self, folder: Path | None) -> None:
        self.folder = folder
        self.problems: list[str] = []

    def __call__(self, page: Any, name: str) -> None:
        for label, (width, height) in (("desktop", DESKTOP), ("phone", PHONE)):
            page.set_viewport_size({"width": width, "height": height})
            overflow = page.evaluate(
                "document.documentElement.scrollWidth - document.documentElement.clientWidth"
            )
            if overflow > 1:
                culprits = page.evaluate(WIDER_THAN_SCREEN)
                self.problems.append(
                    f"{name} at {label}: {overflow}px wider than the screen ({culprits})"
                )
            if self.folder is not None:
                page.screenshot(path=str(self.folder / f"cycle-{name}-{label}.png"), full_page=True)
        page.set_viewport_size({"width": DESKTOP[0], "height": DESKTOP[1]})


def prefill(assessment: Assessment, cast: Cast, seed: int, skip: set[str]) -> None:
    """What the unit typed on earlier days: every leaf but those the test types itself."""
    rng = random.Random(seed)
    scorer = cast.scorer_a if assessment.unit_id == cast.unit_a.pk else cast.scorer_b
    for item in assessment.items.select_related("criterion"):
        criterion = item.criterion
        inputs = sample_inputs(criterion.rule(), Decimal(criterion.max_points), rng)
        if criterion.code in skip or inputs is None:
            continue
        note = "Công văn số 45/STP-VP ngày 02/12" if criterion.evidence_required else ""
        item_save_self(
            item=item, answer=SelfAnswer(inputs, note, False, ""), version=item.version, by=scorer
        )


def leaf(page: Any, code: str) -> Any:
    return page.locator(f"li[id='c-{code}']")


def saved(page: Any, code: str, side: str = "self") -> None:
    expect(page.locator(f"[id='s-{side}-{code.replace('.', '_')}']")).to_contain_text("Đã lưu")


def press(page: Any, name: str) -> None:
    page.get_by_role("button", name=name).click()


def test_a_whole_cycle_for_two_units(
    browser: Any,
    live_server: Any,
    cast: Cast,
    cycle: Cycle,
    screenshot_dir: Path | None,
    tmp_path: Path,
) -> None:
    look = Looker(screenshot_dir)
    base = live_server.url
    for unit, number in ((cast.unit_a, "0912000001"), (cast.unit_b, "0912000002")):
        unit.email, unit.mobile = f"{unit.code}@demo.parindex.invalid", number
        unit.save()
    a = Assessment.objects.get(cycle=cycle, unit=cast.unit_a)
    b = Assessment.objects.get(cycle=cycle, unit=cast.unit_b)
    prefill(a, cast, 1, skip={"1.1.1", "1.1.2"})
    prefill(b, cast, 2, skip={"1.1.1"})
    plan = tmp_path / "ke-hoach-cchc-2024.pdf"
    plan.write_bytes(PDF)

    def person(username: str) -> Any:
        page = browser.new_context(viewport={"width": DESKTOP[0], "height": DESKTOP[1]}).new_page()
        log_in(page, base, username)
        return page

    # 1. The scorer of Sở Tư pháp answers, explains and uploads; the points follow.
    scorer = person("scorer_a")
    scorer.goto(f"{base}/assessments/2024/so-tu-phap/?field=1")
    look(scorer, "1-scorer-self-assessment")
    leaf(scorer, "1.1.1").locator("input[name=yes][value=yes]").check()
    saved(scorer, "1.1.1")
    expect(scorer.locator("[id='p-1_1_1']")).to_have_text("0,5")
    leaf(scorer, "1.1.1").locator("textarea[name=note]").fill(
        "Kế hoạch số 05/KH-STP ngày 10/01/2024"
    )
    leaf(scorer, "1.1.1").locator("textarea[name=note]").blur()
    expect(scorer.locator("[id='v-self-1_1_1']")).to_have_value("3")
    leaf(scorer, "1.1.2").locator("input[name=numerator]").fill("9")
    leaf(scorer, "1.1.2").locator("input[name=denominator]").fill("10")
    leaf(scorer, "1.1.2").locator("textarea[name=note]").click()
    saved(scorer, "1.1.2")
    leaf(scorer, "1.1.2").locator("input[type=file]").set_input_files(str(plan))
    leaf(scorer, "1.1.2").get_by_role("button", name="Tải lên").click()
    expect(leaf(scorer, "1.1.2").locator(".evidence")).to_contain_text(
        "Đã thêm “ke-hoach-cchc-2024.pdf”"
    )
    # The upload moved the criterion's version on: the next edit saves, no conflict.
    expect(scorer.locator("[id='v-self-1_1_2']")).to_have_value("3")
    leaf(scorer, "1.1.2").locator("textarea[name=note]").fill(
        "Kế hoạch số 05/KH-STP (tệp đính kèm)"
    )
    leaf(scorer, "1.1.2").locator("textarea[name=note]").blur()
    expect(scorer.locator("[id='v-self-1_1_2']")).to_have_value("4")
    saved(scorer, "1.1.2")
    expect(leaf(scorer, "1.1.2").locator(".conflict")).to_have_count(0)
    look(scorer, "2-scorer-after-upload")

    # 2. The heads submit.
    head_a = person("head_a")
    head_a.goto(f"{base}/assessments/2024/so-tu-phap/")
    press(head_a, "Phê duyệt và gửi")
    # First what the submission does and what is still open; then the submission.
    expect(head_a.locator(".confirm")).to_contain_text("không sửa được nữa")
    look(head_a, "3-head-confirms")
    press(head_a, "Phê duyệt và gửi")
    expect(head_a.locator(".messages")).to_contain_text("Đã gửi")
    look(head_a, "3-head-submitted")
    head_b = person("head_b")
    head_b.goto(f"{base}/assessments/2024/so-y-te/?field=1")
    # Sở Y tế's head answers the last leaf himself before submitting.
    leaf(head_b, "1.1.1").locator("input[name=yes][value=no]").check()
    leaf(head_b, "1.1.1").locator("textarea[name=note]").fill("Chưa ban hành kế hoạch")
    leaf(head_b, "1.1.1").locator("textarea[name=note]").blur()
    saved(head_b, "1.1.1")
    expect(head_b.locator("#summary .missing-evidence")).not_to_contain_text("1.1.1")
    expect(head_b.locator("#summary .explained-only")).to_contain_text("1.1.1")
    press(head_b, "Phê duyệt và gửi")
    press(head_b, "Phê duyệt và gửi")
    expect(head_b.locator(".messages")).to_contain_text("Đã gửi")

    # 3. The administrator opens round 1; the appraiser adjusts, comments, asks.
    admin = person("admin")
    admin.goto(f"{base}/assessments/2024/manage/")
    look(admin, "4-admin-cycle")
    press(admin, "Chuyển sang giai đoạn “Thẩm định lần 1”")
    expect(admin.locator(".confirm")).to_contain_text("Chưa đến hạn")
    look(admin, "4-admin-confirms")
    press(admin, "Xác nhận")
    expect(admin.locator(".messages")).to_contain_text("Thẩm định lần 1")
    appraiser = person("appraiser")
    appraiser.goto(f"{base}/")
    look(appraiser, "5-appraiser-home")
    appraiser.goto(f"{base}/assessments/2024/so-tu-phap/?field=1")
    look(appraiser, "6-appraiser-appraisal")
    item = leaf(appraiser, "1.2")
    item.locator("form[id^='form-appraisal-'] input[name=occurrences]").fill("2")
    item.locator("form[id^='form-appraisal-'] textarea[name=appraisal_note]").fill(
        "Báo cáo quý III, IV gửi trễ hạn"
    )
    item.locator("form[id^='form-appraisal-'] textarea[name=appraisal_note]").blur()
    saved(appraiser, "1.2", "appraisal")
    leaf(appraiser, "1.1.2").locator("summary", has_text="Yêu cầu đơn vị giải trình").click()
    leaf(appraiser, "1.1.2").locator("textarea[name=message]").fill(
        "Bổ sung báo cáo kết quả thực hiện kế hoạch"
    )
    leaf(appraiser, "1.1.2").get_by_role("button", name="Gửi yêu cầu").click()
    expect(appraiser.locator(".messages")).to_contain_text(
        "Đã gửi yêu cầu giải trình tiêu chí 1.1.2"
    )
    appraiser.goto(f"{base}/assessments/2024/so-y-te/?field=1")
    press(appraiser, "Chấp nhận điểm tự chấm cả lĩnh vực")
    expect(appraiser.locator(".messages")).to_contain_text("đã chấp nhận điểm tự chấm")

    # 4. Round 1 closes: the preliminary results wait in the outbox, once per head.
    admin.goto(f"{base}/assessments/2024/manage/")
    press(admin, "Kết thúc thẩm định lần 1, gửi kết quả sơ bộ và mở điều chỉnh, bổ sung")
    # Who is closed as they stand, who will be told: before anything is sent.
    expect(admin.locator(".confirm")).to_contain_text("Kết quả sơ bộ của 3 đơn vị sẽ được gửi")
    expect(admin.locator(".confirm")).to_contain_text("Sở Nội vụ")  # never submitted
    look(admin, "7-admin-confirms-round-1")
    assert Message.objects.count() == 0
    press(admin, "Xác nhận")
    expect(admin.locator(".messages")).to_contain_text("Đã kết thúc đợt thẩm định")
    look(admin, "7-admin-round-1-closed")
    sms = Message.objects.get(channel="sms", recipient="0912000001")
    assert sms.status == "pending" and "Sở Tư pháp" in sms.body and "lần 1" in sms.body
    assert Message.objects.filter(channel="sms").count() == 2

    # 5. The revision: the request first, the adjustment once.
    scorer.goto(f"{base}/assessments/2024/so-tu-phap/")
    expect(scorer.locator(".requests-card")).to_contain_text(
        "Bổ sung báo cáo kết quả thực hiện kế hoạch"
    )
    look(scorer, "8-scorer-revision")
    scorer.locator(".requests-card a", has_text="1.1.2").click()
    leaf(scorer, "1.1.2").locator("textarea[name=note]").fill(
        "Báo cáo số 88/BC-STP ngày 15/12 (bổ sung)"
    )
    leaf(scorer, "1.1.2").locator("textarea[name=note]").blur()
    saved(scorer, "1.1.2")
    head_a.goto(f"{base}/assessments/2024/so-tu-phap/")
    press(head_a, "Phê duyệt và gửi bản điều chỉnh")
    press(head_a, "Phê duyệt và gửi bản điều chỉnh")
    expect(head_a.locator(".messages")).to_contain_text("Đã gửi bản điều chỉnh")
    admin.goto(f"{base}/assessments/2024/manage/")
    press(admin, "Chuyển sang giai đoạn “Thẩm định lần 2”")
    press(admin, "Xác nhận")
    appraiser.goto(f"{base}/assessments/2024/so-tu-phap/?field=1")
    item = leaf(appraiser, "1.1.2")
    item.locator("form[id^='form-appraisal-'] input[name=numerator]").fill("10")
    item.locator("form[id^='form-appraisal-'] input[name=denominator]").fill("10")
    item.locator("form[id^='form-appraisal-'] textarea[name=appraisal_note]").click()
    saved(appraiser, "1.1.2", "appraisal")
    # A second revision is refused: the page offers none, the server refuses one.
    head_a.goto(f"{base}/assessments/2024/so-tu-phap/")
    assert head_a.get_by_role("button", name="Phê duyệt và gửi bản điều chỉnh").count() == 0
    token = head_a.locator(
        "form.transition input[name=csrfmiddlewaretoken], input[name=csrfmiddlewaretoken]"
    ).first.get_attribute("value")
    refused = head_a.request.post(
        f"{base}/assessments/2024/so-tu-phap/transition/",
        form={"action": "resubmit", "csrfmiddlewaretoken": token or ""},
        headers={"Referer": f"{base}/assessments/2024/so-tu-phap/"},
    )
    assert refused.ok and "Không thể thực hiện" in refused.text()
    a.refresh_from_db()
    assert a.state == State.APPRAISING_2

    # 6. The final appraisal closes, the chair approves, the administrator publishes.
    admin.goto(f"{base}/assessments/2024/manage/")
    press(admin, "Kết thúc thẩm định lần 2 và gửi kết quả")
    press(admin, "Xác nhận")
    expect(admin.locator(".messages")).to_contain_text("Đã kết thúc đợt thẩm định")
    chair = person("chair")
    chair.goto(f"{base}/assessments/2024/manage/")
    look(chair, "9-chair-council")
    chair.get_by_role("button", name="Thông qua kết quả của 3 đơn vị").click()
    expect(chair.locator(".confirm")).to_contain_text("không thể hoàn tác")
    chair.get_by_role("button", name="Thông qua", exact=True).click()
    expect(chair.locator(".messages")).to_contain_text("Đã thông qua kết quả của 3 đơn vị")
    admin.goto(f"{base}/results/2024/manage/")
    look(admin, "10-admin-publish")
    admin.fill("#id_decision", "Quyết định số 25/QĐ-UBND")
    admin.fill("#id_decision_date", "08/01/2025")
    if admin.locator("#id_allow_provisional").count():
        admin.check("#id_allow_provisional")  # fields 2-8 were not appraised in this test
    admin.get_by_role("button", name="Công bố lần tính 1").click()
    expect(admin.locator(".messages")).to_contain_text("Đã công bố lần tính 1.")
    cycle.refresh_from_db()
    assert cycle.phase == Phase.PUBLISHED

    # 7. Anyone reads the published result: the engine's index, to the last digit.
    visitor = browser.new_context().new_page()
    visitor.goto(f"{base}/results/2024/")
    look(visitor, "11-public-results")
    engine = {r.unit: r.index_pct for r in load_and_compute(cycle).results}
    shown = (
        visitor.locator("tbody tr")
        .filter(has_text="Sở Tư pháp")
        .locator("strong")
        .first.inner_text()
    )
    assert shown == f"{engine[str(cast.unit_a.pk)]:.2f}".replace(".", ",") + "%"
    assert ResultSnapshot.objects.get(cycle=cycle).is_published
    visitor.goto(f"{base}/results/2024/so-tu-phap/")
    look(visitor, "12-public-unit")
    assert look.problems == []
    assert datetime.date.today()  # the walk used the real date: deadlines are from today
