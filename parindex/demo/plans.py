"""The demo's improvement plan: Sở Tài chính's plan to 2030 implementing Quyết định số
2437/QĐ-UBND (shared/seeds/003), with tasks to its divisions in the plan's words. The
plan's goal for the department is qualitative (its index higher each year, a province's
target already); the numeric targets, the criteria each task serves and the yearly
progress are the demo's, marked as generated."""

from __future__ import annotations

from decimal import Decimal

from django.db import transaction

from parindex.followup.models import ImprovementPlan, PlanTarget
from parindex.followup.plans import plan_save, progress_report, target_save, task_save
from parindex.org.models import Unit, User, make_code

GENERATED = "[Dữ liệu minh họa do parindex tạo]"
UNIT = "Sở Tài chính"
TITLE = (
    "Kế hoạch thực hiện đề án Cải thiện Chỉ số cải cách hành chính cấp tỉnh và của Sở Tài "
    "chính tỉnh Sóc Trăng từ nay đến năm 2030"
)
# (kind, field, N, first year, last year, as written)
TARGETS: list[tuple[str, str, str, int, int, str]] = [
    (PlanTarget.Kind.INDEX_AT_LEAST, "", "85", 2023, 2025, "Chỉ số CCHC của Sở đạt từ 85%"),
    (PlanTarget.Kind.INDEX_AT_LEAST, "", "90", 2026, 2030, "Chỉ số CCHC của Sở đạt từ 90%"),
    (
        PlanTarget.Kind.FIELD_AT_LEAST,
        "6",
        "90",
        2023,
        2030,
        "Lĩnh vực cải cách tài chính công đạt từ 90% số điểm",
    ),
    (
        PlanTarget.Kind.RANK_AT_MOST,
        "",
        "5",
        2025,
        2030,
        "Nằm trong nhóm 5 đơn vị dẫn đầu khối sở, ban, ngành",
    ),
    (
        PlanTarget.Kind.INDEX_RISES,
        "",
        "0",
        2024,
        2030,
        "Tỷ lệ điểm Chỉ số CCHC của Sở được công bố ở năm sau cao hơn năm trước liền kề",
    ),
]
# (division, task in the plan's words (section V), criteria served, due year)
TASKS: list[tuple[str, str, str, int]] = [
    (
        "Văn phòng",
        "Phối hợp với các phòng chuyên môn thực hiện nghiêm việc tự đánh giá Chỉ số CCHC "
        "của cơ quan. Tích cực phối hợp tham gia trả lời phiếu điều tra xã hội học do Bộ "
        "Nội vụ và UBND tỉnh triển khai.",
        "1.1, 1.2",
        2030,
    ),
    (
        "Văn phòng",
        "Tăng cường thông tin, tổ chức quán triệt, tuyên truyền rộng rãi đến công chức và "
        "người dân về nội dung Đề án và nội dung, phương pháp, mục tiêu đánh giá, kết quả "
        "Chỉ số CCHC hàng năm của tỉnh và của Sở.",
        "1.3",
        2030,
    ),
    (
        "Phòng Quản lý Ngân sách và Tài chính hành chính sự nghiệp",
        "Hàng năm, phân tích, giải trình kết quả điểm tự chấm và điểm điều tra xã hội học, "
        "đồng thời đề xuất giải pháp cụ thể để duy trì, cải thiện điểm các tiêu chí thuộc "
        "lĩnh vực phụ trách.",
        "6.1, 6.2, 6.3",
        2030,
    ),
    (
        "Các phòng chuyên môn",
        "Đề xuất ít nhất 03 mô hình sáng kiến hoặc giải pháp nâng cao hiệu quả thực hiện "
        "nhiệm vụ trong lĩnh vực được giao phụ trách liên quan đến công tác CCHC; duy trì "
        "sáng kiến, giải pháp đã đề xuất và triển khai hiệu quả thời gian qua.",
        "1.5",
        2030,
    ),
]
# (task number in TASKS, year, text, done)
PROGRESS: list[tuple[int, int, str, bool]] = [
    (0, 2023, "Đã hoàn thành tự đánh giá và gửi hồ sơ đúng hạn.", True),
    (2, 2023, "Đã có báo cáo giải trình điểm lĩnh vực cải cách tài chính công.", True),
    (3, 2024, "Đã đề xuất 02 giải pháp; đang xây dựng giải pháp thứ ba.", False),
]


@transaction.atomic
def load_plans() -> int:
    """Sở Tài chính's plan, once: 1 when created, 0 when it exists already."""
    unit = Unit.objects.filter(code=make_code(UNIT)).first()
    head = User.objects.filter(username=f"{make_code(UNIT)}.head").first()
    if unit is None or head is None or ImprovementPlan.objects.filter(unit=unit).exists():
        return 0
    plan = plan_save(
        unit=unit,
        title=TITLE,
        decision_number="",
        decision_date=None,
        first_year=2022,
        last_year=2030,
        by=head,
    )
    for kind, field_code, value, first, last, text in TARGETS:
        target_save(
            plan=plan,
            kind=kind,
            field_code=field_code,
            value=Decimal(value),
            first_year=first,
            last_year=last,
            text=f"{text} {GENERATED}",
            by=head,
        )
    tasks = [
        task_save(plan=plan, division=division, text=text, criteria=criteria, due_year=due, by=head)
        for division, text, criteria, due in TASKS
    ]
    for number, year, text, done in PROGRESS:
        progress_report(
            task=tasks[number], year=year, text=f"{GENERATED} {text}", done=done, by=head
        )
    return 1
