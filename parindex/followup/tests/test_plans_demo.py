"""The demo's improvement plan: Sở Tài chính's plan to 2030 (shared/seeds/003), loaded once;
the demo has no published result of Sở Tài chính, so no target of it is met or missed."""

from __future__ import annotations

from io import StringIO

from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from parindex.followup import plans
from parindex.followup.models import ImprovementPlan
from parindex.org.models import User

GENERATED = "[Dữ liệu minh họa do parindex tạo]"


def test_the_demo_has_so_tai_chinhs_plan_with_no_results_yet(db: None) -> None:
    call_command("load_demo", stdout=StringIO())
    call_command("load_demo", stdout=StringIO())  # idempotent
    plan = ImprovementPlan.objects.select_related("unit").get()
    assert plan.unit.code == "so-tai-chinh" and (plan.first_year, plan.last_year) == (2022, 2030)
    assert all(GENERATED in target.text for target in plan.targets.all())
    assert {task.division for task in plan.tasks.all()} >= {
        "Văn phòng",
        "Phòng Quản lý Ngân sách và Tài chính hành chính sự nghiệp",
    }
    [year_2023] = plans.plan_progress(plan, [2023])  # 2023 imported: the districts only
    assert not year_2023.has_results
    assert year_2023.checks and {c.status for c in year_2023.checks} == {plans.PENDING}
    # The province's target on Sở Tài chính's own index stands beside, from 2024.
    [year_2024] = plans.plan_progress(plan, [2024])
    assert any("Sở Tài chính" in p.target.title for p in year_2024.province)
    client = Client()
    client.force_login(User.objects.get(username="so-tai-chinh.head"))
    page = client.get(reverse("followup:plan_unit", args=["so-tai-chinh"]) + "?year=2023")
    text = page.content.decode()
    assert "Chưa có kết quả công bố của đơn vị năm 2023" in text and "đạt từ 85,00%" in text
