"""The demo's 2024 inspections: loaded once, generated and marked so, and what the 2024
self-assessment of Sở Tư pháp is proposed from."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from parindex.demo.directives import GENERATED
from parindex.followup.models import Inspection, RemediationTask, Status, TaskEvent
from parindex.org.models import Role, User


@pytest.mark.django_db
def test_the_demo_inspections_feed_the_2024_self_assessment_s_proposals() -> None:
    call_command("load_demo", stdout=StringIO())
    call_command("load_demo", stdout=StringIO())  # once only
    assert Inspection.objects.count() == 2
    assert all(i.title.startswith(GENERATED) for i in Inspection.objects.all())
    tasks = RemediationTask.objects.filter(unit__name="Sở Tư pháp").order_by("pk")
    assert [t.status for t in tasks] == [Status.VERIFIED, Status.REPORTED]
    assert TaskEvent.objects.filter(task=tasks[0], action="verify").exists()
    scorer = User.objects.get(role=Role.UNIT_SCORER, unit__name="Sở Tư pháp")
    client = Client()
    client.force_login(scorer)
    url = reverse("assessments:detail", args=[2024, scorer.unit.code]) + "?field=1"  # type: ignore[union-attr]
    html = client.get(url).content.decode()
    assert "1 trên 2 tồn tại qua kiểm tra năm 2024 đã được khắc phục và xác nhận." in html
    assert "Dùng đề xuất" in html
