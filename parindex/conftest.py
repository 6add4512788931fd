"""The shared cast of the tests, created through the real models and services.

One evaluating body; the groups “Sở, ban, ngành” and “UBND cấp huyện”; units Sở Tư pháp
(A), Sở Y tế (B) and Sở Nội vụ (home of the appraiser), UBND huyện Mỹ Xuyên (district);
an administrator, the scorer and head of A and of B, an appraiser from Sở Nội vụ assigned
field 1 of the departments, a council chair, a viewer. For results: the 11 districts'
published 2023 results (`history`) and their 2024 cycle computed by parindex
(`cycle_2024`). For the workflow: the departments' 2024 cycle open for self-assessment
(`cycle`, `assessment_a`), its deadlines counted from today.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from pathlib import Path

import pytest
from django.core.management import call_command
from django.test import Client
from django.utils import timezone

from parindex.assessments.models import Assessment, Cycle, CycleGroup, Phase
from parindex.assessments.services import cycle_advance
from parindex.frameworks.services import framework_copy_to_year, framework_freeze, framework_import
from parindex.frameworks.yamlio import tree_from_yaml
from parindex.org.models import EvaluatingBody, Role, Unit, UnitGroup, User
from parindex.org.services import assignment_create
from parindex.results.tests.factories import cycle_for_units

PASSWORD = "correct horse battery"  # noqa: S105 - test accounts only
# The demo's data files, read by path: the apps' tests import nothing of the demo app.
DEMO_DATA = Path(__file__).resolve().parent / "demo" / "data"
DEMO_FRAMEWORKS = DEMO_DATA  # the four 2023 frameworks, *.yaml
HISTORY = DEMO_DATA / "results-2023-districts.csv"


@dataclass
class Cast:
    body: EvaluatingBody
    departments: UnitGroup
    districts: UnitGroup
    unit_a: Unit
    unit_b: Unit
    home_unit: Unit
    district: Unit
    admin: User
    scorer_a: User
    head_a: User
    scorer_b: User
    head_b: User
    appraiser: User
    chair: User
    viewer: User

    def client(self, user: User | None) -> Client:
        client = Client()
        if user is not None:
            client.force_login(user)
        return client


def _user(username: str, role: Role, unit: Unit | None = None) -> User:
    user = User(username=username, role=role, unit=unit, display_name=username)
    user.set_password(PASSWORD)
    user.save()
    return user


@pytest.fixture
def cast(db: None) -> Cast:
    body = EvaluatingBody.objects.create(name="Sở Nội vụ tỉnh Sóc Trăng")
    departments = UnitGroup.objects.create(
        body=body, code="so-nganh", name="Sở, ban, ngành tỉnh", position=1
    )
    districts = UnitGroup.objects.create(body=body, code="huyen", name="UBND cấp huyện", position=2)
    unit_a = Unit.objects.create(
        code="so-tu-phap",
        name="Sở Tư pháp",
        group=departments,
        position=1,
        head_name="Giám đốc Sở Tư pháp",
    )
    unit_b = Unit.objects.create(code="so-y-te", name="Sở Y tế", group=departments, position=2)
    home_unit = Unit.objects.create(
        code="so-noi-vu", name="Sở Nội vụ", group=departments, position=3
    )
    district = Unit.objects.create(
        code="ubnd-huyen-my-xuyen", name="UBND huyện Mỹ Xuyên", group=districts, position=1
    )
    appraiser = _user("appraiser", Role.APPRAISER, home_unit)
    assignment_create(appraiser=appraiser, group=departments, field_code="1")
    return Cast(
        body=body,
        departments=departments,
        districts=districts,
        unit_a=unit_a,
        unit_b=unit_b,
        home_unit=home_unit,
        district=district,
        admin=_user("admin", Role.ADMIN),
        scorer_a=_user("scorer_a", Role.UNIT_SCORER, unit_a),
        head_a=_user("head_a", Role.UNIT_HEAD, unit_a),
        scorer_b=_user("scorer_b", Role.UNIT_SCORER, unit_b),
        head_b=_user("head_b", Role.UNIT_HEAD, unit_b),
        appraiser=appraiser,
        chair=_user("chair", Role.COUNCIL_CHAIR),
        viewer=_user("viewer", Role.VIEWER),
    )


@pytest.fixture
def history(cast: Cast) -> None:
    """The 11 districts' published 2023 results (Mỹ Xuyên is the cast's district)."""
    call_command("import_results", str(HISTORY), year=2023, verbosity=0)


@pytest.fixture
def cycle_2024(history: None) -> Cycle:
    """The 11 districts self-assessed and appraised in 2024 on the 2023 framework's copy."""
    framework = framework_import(
        tree=tree_from_yaml((DEMO_FRAMEWORKS / "huyen-2023.yaml").read_bytes()), by=None
    )
    framework_freeze(framework=framework)
    copy = framework_freeze(
        framework=framework_copy_to_year(framework=framework, year=2024, by=None)
    )
    units = list(Unit.objects.filter(group=copy.group).order_by("position"))
    assert len(units) == 11
    return cycle_for_units(year=2024, framework=copy, units=units, seed=2024)


TODAY = timezone.localdate()
DEADLINE = TODAY + datetime.timedelta(days=10)  # the self-assessment's last day


@pytest.fixture
def cycle(cast: Cast) -> Cycle:
    framework = framework_import(
        tree=tree_from_yaml((DEMO_FRAMEWORKS / "so-nganh-2023.yaml").read_bytes()), by=None
    )
    framework_freeze(framework=framework)
    copy = framework_freeze(
        framework=framework_copy_to_year(framework=framework, year=2024, by=None)
    )
    cycle = Cycle.objects.create(
        year=2024,
        title="Chỉ số CCHC năm 2024",
        self_assessment_until=DEADLINE,
        appraisal_1_until=DEADLINE + datetime.timedelta(days=10),
        revision_until=DEADLINE + datetime.timedelta(days=15),
        appraisal_2_until=DEADLINE + datetime.timedelta(days=25),
        council_until=DEADLINE + datetime.timedelta(days=30),
    )
    CycleGroup.objects.create(cycle=cycle, group=cast.departments, framework=copy)
    cycle_advance(cycle=cycle, to=Phase.SELF_ASSESSMENT, by=cast.admin)
    cycle.refresh_from_db()
    return cycle


@pytest.fixture
def assessment_a(cast: Cast, cycle: Cycle) -> Assessment:
    return Assessment.objects.select_related("cycle", "unit").get(cycle=cycle, unit=cast.unit_a)


@pytest.fixture(autouse=True)
def _media_in_tmp(settings: object, tmp_path: object) -> None:
    """Uploaded evidence goes to a folder of the test's own."""
    settings.MEDIA_ROOT = tmp_path  # type: ignore[attr-defined]


@pytest.fixture(autouse=True)
def _empty_cache() -> None:
    """Each test starts with an empty cache: no failed log-in of an earlier test (all from
    127.0.0.1) counts towards the log-in throttle, nothing cached outlives its rows."""
    from django.core.cache import caches

    for cache in caches.all():
        cache.clear()


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings: object) -> None:
    """Django's real hasher costs ~0.3 s a user; tests create many users."""
    settings.PASSWORD_HASHERS = [  # type: ignore[attr-defined]
        "django.contrib.auth.hashers.MD5PasswordHasher"
    ]


def pytest_configure(config: pytest.Config) -> None:
    # Security events and messages are asserted in the database; keep the console for
    # failures.
    import logging

    logging.getLogger("parindex.security").setLevel(logging.WARNING)
    logging.getLogger("parindex.notify").setLevel(logging.WARNING)  # the console's messages
    logging.getLogger("parindex.requests").setLevel(logging.WARNING)  # a line per request
    logging.getLogger("axes").setLevel(logging.ERROR)


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--screenshots",
        action="store_true",
        help="write a PNG of every page the browser tests visit to screenshots/",
    )
