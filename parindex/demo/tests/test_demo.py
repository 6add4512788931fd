"""The demo province loads once, completely, and again without changing anything."""

from __future__ import annotations

import json
from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import call_command
from django.test import Client
from django.utils import timezone

from parindex.assessments.models import AssessmentItem, Cycle, EvidenceFile, Phase, State
from parindex.frameworks.models import Criterion, Framework
from parindex.org.models import AppraisalAssignment, Role, Unit, User
from parindex.results.models import ImportedResult
from parindex.results.selectors import year_results
from parindex.surveys.models import Campaign, Respondent, Response, UnitSurveyResult

ROLES = {
    "admin",
    "unit_scorer",
    "unit_head",
    "appraiser",
    "council_chair",
    "viewer",
    "collector",
    "supervisor",
}


@pytest.mark.django_db
def test_the_demo_province_is_complete_and_idempotent() -> None:
    call_command("load_demo", stdout=StringIO())
    counts = {
        code: Unit.objects.filter(group__code=code).count()
        for code in ("so-nganh", "huyen", "dvsn", "trung-uong")
    }
    assert counts == {"so-nganh": 19, "huyen": 11, "dvsn": 4, "trung-uong": 6}
    assert Framework.objects.filter(year=2023, status="frozen").count() == 4
    assert Framework.objects.filter(year=2024, status="frozen").count() == 4  # in use in 2024
    for framework in Framework.objects.filter(year=2024):  # 2023's copies, read as 2024's
        assert framework.title.endswith("năm 2024"), framework.title
    plan = Criterion.objects.get(framework__year=2024, framework__group__code="huyen", code="1.1.1")
    assert plan.evidence == "Kế hoạch CCHC năm 2024 của cơ quan, đơn vị"
    assert ImportedResult.objects.filter(year=2023).count() == 11
    assert not Unit.objects.filter(group__code="huyen").exclude(imported_results__year=2023)
    # As the province published them: the gap of the report's table, not the 14.79 the
    # rounded parts give; and the year says which groups it lacks.
    districts_2023 = year_results(2023)
    assert districts_2023 is not None and districts_2023.recomputed_indexes == 0
    assert districts_2023.cycle.groups["huyen"].extremes.gap_pct == Decimal("14.78")
    assert districts_2023.missing_groups == [
        "Sở, ban, ngành tỉnh",
        "Đơn vị sự nghiệp công lập tỉnh",
        "Cơ quan Trung ương đặt tại tỉnh",
    ]
    for unit in Unit.objects.all():
        assert set(unit.people.values_list("role", flat=True)) == {"unit_scorer", "unit_head"} | (
            {"appraiser"} if unit.people.filter(role="appraiser").exists() else set()
        )
    for appraisal in AppraisalAssignment.objects.select_related("appraiser"):
        assert appraisal.unit_id is None
    # The 2024 cycle is open, every unit has its assessment, a few are part-way.
    cycle = Cycle.objects.get(year=2024)
    assert cycle.phase == Phase.SELF_ASSESSMENT and cycle.assessments.count() == 40
    assert cycle.self_assessment_until is not None
    assert cycle.self_assessment_until > timezone.localdate()
    states = dict(cycle.assessments.values_list("unit__code", "state"))
    assert states["ubnd-huyen-my-xuyen"] == State.SUBMITTED
    answered = AssessmentItem.objects.filter(
        assessment__cycle=cycle, self_inputs__isnull=False
    ).values_list("assessment__unit__code", flat=True)
    assert {"so-tu-phap", "so-y-te", "ubnd-huyen-long-phu"} <= set(answered)
    assert EvidenceFile.objects.filter(unit__code="so-tu-phap").count() == 1
    # The 2024 surveys: every response generated, marked so; every unit with its figures.
    sipas = Campaign.objects.get(code="sipas-2024")
    assert Response.objects.filter(campaign=sipas).count() > 40 * 40
    assert not Response.objects.filter(generated=False).exists()
    assert Response.objects.filter(campaign=sipas).flagged().count() == 8  # to decide
    for source in ("sipas", "staff"):
        figures = UnitSurveyResult.objects.filter(year=2024, source=source, indicator="")
        assert figures.count() == 40 and not figures.filter(campaign__isnull=True).exists()
    staff = Campaign.objects.get(code="cbccvc-2024")
    invited = Respondent.objects.filter(campaign=staff)
    assert 0 < invited.filter(used=True).count() < invited.count()  # part-way
    kinds = ("Công chức ", "Viên chức ", "Đại biểu ", "Lãnh đạo ")  # never a person's name
    assert all(name.startswith(kinds) for name in invited.values_list("name", flat=True))
    snapshot = (
        Unit.objects.count(),
        User.objects.count(),
        Framework.objects.count(),
        ImportedResult.objects.count(),
        AppraisalAssignment.objects.count(),
        AssessmentItem.objects.count(),
        Response.objects.count(),
    )
    User.objects.filter(username="admin").update(display_name="Đã đổi")
    call_command("load_demo", stdout=StringIO())
    assert snapshot == (
        Unit.objects.count(),
        User.objects.count(),
        Framework.objects.count(),
        ImportedResult.objects.count(),
        AppraisalAssignment.objects.count(),
        AssessmentItem.objects.count(),
        Response.objects.count(),
    )
    assert User.objects.get(username="admin").display_name == "Đã đổi"


@pytest.mark.django_db
def test_demo_logins_json_for_other_tools() -> None:
    call_command("load_demo", stdout=StringIO())
    out = StringIO()
    call_command("demo_logins", "--json", stdout=out)
    logins = json.loads(out.getvalue())
    assert {login["role"] for login in logins} == ROLES
    assert all(set(login) == {"username", "password", "role", "unit"} for login in logins)
    units = set(Unit.objects.values_list("code", flat=True))
    for login in logins:
        if login["role"] in ("unit_scorer", "unit_head", "appraiser"):
            assert login["unit"] in units
        else:
            assert login["unit"] is None
        user = User.objects.get(username=login["username"])
        assert user.check_password(login["password"]) and user.role == login["role"]
    scorer = next(x for x in logins if x["role"] == Role.UNIT_SCORER and x["unit"] == "so-tu-phap")
    assert User.objects.get(username=scorer["username"]).display_name == (
        "Đầu mối CCHC – Sở Tư pháp"
    )


@pytest.mark.django_db
def test_the_demo_administrator_has_every_right_in_the_django_admin() -> None:
    out = StringIO()
    call_command("load_demo", stdout=out)
    admin = User.objects.get(username="admin")
    assert admin.is_staff and admin.is_superuser
    assert not User.objects.exclude(role=Role.ADMIN).filter(is_staff=True).exists()
    client = Client()
    client.force_login(admin)
    index = client.get("/admin/")
    assert index.status_code == 200 and "/admin/org/securityevent/" in index.content.decode()
    assert client.get("/admin/org/securityevent/").status_code == 200
    assert client.get("/admin/notify/message/").status_code == 200


@pytest.mark.django_db
def test_load_demo_counts_what_it_created_copies_included() -> None:
    out = StringIO()
    call_command("load_demo", stdout=out)
    assert Framework.objects.count() == 8
    assert "40 units, 91 accounts, 8 frameworks, 11 results" in out.getvalue()
    again = StringIO()
    call_command("load_demo", stdout=again)
    assert "0 units, 0 accounts, 0 frameworks, 0 results" in again.getvalue()
