"""The demo's initiatives: the 26 of 2023 recognised, a few 2024 reports on them
(generated), two 2024 submissions awaiting the council; loaded once."""

from __future__ import annotations

import time
from io import StringIO

import pytest
from django.core.management import call_command

from parindex.followup.models import Initiative, InitiativeFollowup


@pytest.mark.django_db
def test_the_demo_initiatives_load_once() -> None:
    call_command("load_demo", stdout=StringIO())
    assert Initiative.objects.recognised(2023).count() == 26
    waiting = Initiative.objects.filter(year=2024, status=Initiative.Status.SUBMITTED)
    assert waiting.count() == 2
    reports = list(InitiativeFollowup.objects.select_related("initiative"))
    assert len(reports) == 4
    assert all(r.year == 2024 and r.initiative.year == 2023 for r in reports)
    assert all(r.note.startswith("[Dữ liệu minh họa do parindex tạo]") for r in reports)
    assert sum(r.maintained for r in reports) == 3
    started = time.monotonic()
    call_command("load_demo", stdout=StringIO())
    assert time.monotonic() - started < 10
    assert Initiative.objects.count() == 28 and InitiativeFollowup.objects.count() == 4
