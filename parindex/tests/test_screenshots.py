"""Every page as every role, at desktop and phone width, on the demo province.

Checks what a person would trip over — an error page, text running off a phone's
screen — and with `--screenshots` (make screenshots) keeps a PNG of each for review.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command

from parindex.frameworks.models import Framework

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

WIDTHS = {"desktop": (1280, 800), "phone": (390, 844)}
ACCOUNTS = {
    "admin": "admin",
    "scorer": "so-tu-phap.scorer",
    "head": "ubnd-huyen-my-xuyen.head",
    "appraiser": "so-noi-vu.appraiser",
    "chair": "chair",
    "viewer": "viewer",
}


def pages_for(role: str) -> list[tuple[str, str]]:
    framework = Framework.objects.get(group__code="so-nganh", year=2023)
    unit = {"scorer": "so-tu-phap", "head": "ubnd-huyen-my-xuyen"}.get(role, "so-tu-phap")
    pages = [
        ("home", "/"),
        ("units", "/units/"),
        ("unit", f"/units/{unit}/"),
        ("frameworks", "/frameworks/"),
        ("framework", framework.get_absolute_url()),
        ("results", "/results/2023/"),
    ]
    if role == "admin":
        pages.append(("import", "/frameworks/import/"))
    return pages


@pytest.mark.parametrize("width", list(WIDTHS))
def test_every_page_as_every_role(
    browser: Any, live_server: Any, width: str, screenshot_dir: Path | None
) -> None:
    call_command("load_demo", verbosity=0)
    problems = []
    for role, username in ACCOUNTS.items():
        w, h = WIDTHS[width]
        context = browser.new_context(viewport={"width": w, "height": h})
        page = context.new_page()
        page.goto(f"{live_server.url}/accounts/login/")
        if role == "admin" and screenshot_dir is not None:
            page.screenshot(path=str(screenshot_dir / f"login-{width}.png"), full_page=True)
        page.fill("#id_username", username)
        page.fill("#id_password", "parindex-demo")
        page.click("button[type=submit].primary")
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
