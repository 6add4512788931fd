"""Benchmark: the assessment pages of a large cycle, with their queries.

Builds a synthetic cycle (default 3,000 units x 120 leaves), opens it for
self-assessment, then times through Django's test client: one unit's page and a save of
one leaf (as its scorer), the list of assessments and the cycle's page (as the
administrator). Everything is rolled back.

    python manage.py bench_assessments [--units 3000] [--leaves 120] [--repeat 5]
"""

import datetime
from typing import Any

from django.db import connection
from django.test import Client
from django.utils import timezone

from parindex.assessments.models import AssessmentItem, Phase, State
from parindex.assessments.services import cycle_advance
from parindex.demo.bench import SyntheticBenchCommand, make_cycle, time_cases
from parindex.org.models import Role, User

YEAR = 2902


class Command(SyntheticBenchCommand):
    help = "Time the assessment pages of a large cycle."

    def run(self, options: dict[str, Any]) -> None:
        cycle = make_cycle(year=YEAR, units=options["units"], leaves=options["leaves"])
        admin = User.objects.create(username="bench-admin", role=Role.ADMIN)
        cycle.self_assessment_until = timezone.localdate() + datetime.timedelta(days=10)
        cycle.save(update_fields=["self_assessment_until"])
        cycle_advance(cycle=cycle, to=Phase.SELF_ASSESSMENT, by=admin)
        cycle.assessments.update(state=State.DRAFT)
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:  # statistics of the rows just written
                cursor.execute("ANALYZE")
        assessment = cycle.assessments.select_related("unit").first()
        assert assessment is not None
        unit = assessment.unit
        scorer = User.objects.create(username="bench-scorer", role=Role.UNIT_SCORER, unit=unit)
        self.stdout.write(f"database: {connection.vendor}; {options['units']} units")
        as_scorer, as_admin = Client(), Client()
        as_scorer.force_login(scorer)
        as_admin.force_login(admin)
        item = AssessmentItem.objects.filter(
            assessment=assessment, criterion__rule_type="yes_no"
        ).first()
        assert item is not None
        page = f"/assessments/{YEAR}/{unit.code}/"
        save = f"{page}items/{item.criterion.code}/"

        def save_leaf() -> Any:
            item.refresh_from_db(fields=["version"])
            return as_scorer.post(
                save, {"version": item.version, "yes": "yes"}, HTTP_HX_REQUEST="true"
            )

        time_cases(
            [
                ("page: a unit's self-assessment (a field)", lambda: as_scorer.get(page)),
                (
                    "page: a unit's self-assessment (all)",
                    lambda: as_scorer.get(page + "?field=all"),
                ),
                ("save: one leaf (htmx)", save_leaf),
                ("page: the cycle's assessments", lambda: as_admin.get(f"/assessments/{YEAR}/")),
                (
                    "page: the cycle's phases and progress",
                    lambda: as_admin.get(f"/assessments/{YEAR}/manage/"),
                ),
            ],
            options["repeat"],
            self.stdout.write,
        )
