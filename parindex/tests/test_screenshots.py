"""Every page as every role and as an anonymous visitor, at desktop and phone width, on
the demo province with a 2024 cycle computed and published, then corrected.

Checks what a person would trip over — an error page, text running off a phone's
screen — and with `--screenshots` (make screenshots) keeps a PNG of each for review.
"""

from __future__ import annotations

import datetime
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command

from parindex.assessments.models import AssessmentItem
from parindex.frameworks.models import Framework
from parindex.frameworks.services import framework_freeze
from parindex.org.models import Unit, User
from parindex.results.demo import DEMO_PASSWORD
from parindex.results.services import results_compute, results_publish
from parindex.results.tests.factories import cycle_for_units
from parindex.tests.browser import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

WIDTHS = {"desktop": (1280, 800), "phone": (390, 844)}
ACCOUNTS = {
    "admin": "admin",
    "scorer": "so-tu-phap.scorer",
    "head": "ubnd-huyen-my-xuyen.head",
    "appraiser": "so-noi-vu.appraiser",
    "chair": "chair",
    "viewer": "viewer",
    "anonymous": None,
}


def prepare() -> None:
    """The demo, and its districts computed for 2024: revision 1 published, a
    correction (revision 2) still a draft."""
    call_command("load_demo", verbosity=0)
    framework = framework_freeze(framework=Framework.objects.get(group__code="huyen", year=2024))
    units = list(Unit.objects.filter(group=framework.group))
    cycle = cycle_for_units(year=2024, framework=framework, units=units, seed=7)
    admin = User.objects.get(username="admin")
    results_publish(
        snapshot=results_compute(cycle=cycle, by=admin),
        decision="Quyết định số 25/QĐ-UBND",
        decision_date=datetime.date(2025, 1, 8),
        by=admin,
    )
    # A correction under way: two of Mỹ Tú's criteria reopened for appraisal.
    reopened = AssessmentItem.objects.filter(
        assessment__cycle=cycle, assessment__unit__code="ubnd-huyen-my-tu"
    ).values_list("pk", flat=True)[:2]
    AssessmentItem.objects.filter(pk__in=list(reopened)).update(appraised_inputs=None)
    results_compute(cycle=cycle, by=admin, reason="Thẩm định lại hai tiêu chí của huyện Mỹ Tú")


def pages_for(role: str) -> list[tuple[str, str]]:
    results = [
        ("results", "/results/"),
        ("results-2023", "/results/2023/"),
        ("results-2023-fields", "/results/2023/fields/"),
        ("results-2023-unit", "/results/2023/ubnd-huyen-my-xuyen/"),
        ("results-2024", "/results/2024/"),
        ("results-2024-fields", "/results/2024/fields/"),
        ("results-2024-unit", "/results/2024/ubnd-huyen-my-xuyen/"),
    ]
    if role == "anonymous":
        return [("login", "/accounts/login/"), *results]
    framework = Framework.objects.get(group__code="so-nganh", year=2023)
    unit = {"scorer": "so-tu-phap", "head": "ubnd-huyen-my-xuyen"}.get(role, "so-tu-phap")
    pages = [
        ("home", "/"),
        ("units", "/units/"),
        ("unit", f"/units/{unit}/"),
        ("frameworks", "/frameworks/"),
        ("framework", framework.get_absolute_url()),
        *results,
        ("targets", "/results/targets/"),
    ]
    if role in ("admin", "chair"):
        pages.append(("results-2024-draft", "/results/2024/?revision=2"))
    if role == "admin":
        pages += [
            ("import", "/frameworks/import/"),
            ("results-2024-manage", "/results/2024/manage/"),
            ("target-new", "/results/targets/new/"),
            ("national-new", "/results/national/new/"),
        ]
    return pages


@pytest.mark.parametrize("width", list(WIDTHS))
def test_every_page_as_every_role(
    browser: Any, live_server: Any, width: str, screenshot_dir: Path | None
) -> None:
    prepare()
    problems = []
    for role, username in ACCOUNTS.items():
        w, h = WIDTHS[width]
        context = browser.new_context(viewport={"width": w, "height": h})
        page = context.new_page()
        if username is not None:
            log_in(page, live_server.url, username, DEMO_PASSWORD)
        for name, path in pages_for(role):
            response = page.goto(live_server.url + path)
            if response is None or response.status != 200:
                problems.append(f"{role} {path}: {response.status if response else 'none'}")
                continue
            overflow = page.evaluate(
                "document.documentElement.scrollWidth - document.documentElement.clientWidth"
            )
            if overflow > 1:
                problems.append(f"{role} {path} at {width}: {overflow}px wider than the screen")
            if screenshot_dir is not None:
                page.screenshot(
                    path=str(screenshot_dir / f"{role}-{name}-{width}.png"),
                    full_page=name != "framework",
                )
        context.close()
    assert problems == []
