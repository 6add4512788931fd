"""The demo's directive (shared/seeds/001): loaded once, with its generated reports."""

from __future__ import annotations

import datetime
from io import StringIO

import pytest
from django.core.management import call_command

from parindex.followup.models import Directive, TaskAssignment
from parindex.org.models import Unit


@pytest.mark.django_db
def test_the_demo_directive_goes_to_every_unit_and_named_agencies_once() -> None:
    call_command("load_demo", stdout=StringIO())
    directive = Directive.objects.get()
    assert (directive.issuer, directive.issued_on) == (
        "UBND tỉnh Sóc Trăng",
        datetime.date(2021, 9, 24),
    )
    tasks = list(directive.tasks.all())
    assert [t.number for t in tasks] == [
        "1.a",
        "1.b",
        "1.c",
        "1.d",
        "1.e",
        "2.a",
        "2.b",
        "3.a",
        "4.a",
        "5.a",
    ]
    assert {(t.deadline_text, t.due_on) for t in tasks} == {
        ("quý IV/2021", datetime.date(2021, 12, 31))
    }
    units = Unit.objects.active().count()
    given = TaskAssignment.objects.filter(task__directive=directive)
    assert given.filter(task__number="1.a").count() == units == 40
    assert given.filter(task__number="1.a", via_group__isnull=True).count() == 0
    assert list(given.filter(task__number="3.a").values_list("unit__name", flat=True)) == [
        "Sở Tài chính"
    ]
    reported = given.exclude(status=TaskAssignment.Status.NOT_REPORTED)
    assert reported.count() == 7
    assert all(a.text.startswith("[Dữ liệu minh họa do parindex tạo]") for a in reported)
    assert all(a.reported_by.username.endswith(".head") for a in reported)
    snapshot = list(given.values_list("pk", "status", "reported_at"))
    call_command("load_demo", stdout=StringIO())
    assert Directive.objects.count() == 1
    assert list(given.values_list("pk", "status", "reported_at")) == snapshot
