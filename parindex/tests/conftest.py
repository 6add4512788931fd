"""Browser tests: Playwright driving Debian's chromium, headless, against live_server."""

from __future__ import annotations

import faulthandler
import os
import shutil
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

# Playwright's sync API runs an event loop; the live server's ORM calls are not async.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
SCREENSHOTS = Path(__file__).resolve().parents[2] / "screenshots"


def chromium_path() -> str:
    path = (
        os.environ.get("CHROMIUM") or shutil.which("chromium") or shutil.which("chromium-browser")
    )
    if not path:
        pytest.fail("Debian's chromium is needed for the browser tests (make browser-deps).")
    return path


@pytest.fixture(scope="session")
def _chromium() -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=chromium_path(), headless=True, args=CHROMIUM_ARGS
        )
        yield browser
        browser.close()


@pytest.fixture
def browser(_chromium: Any) -> Iterator[Any]:
    """The one headless Chromium, with every context a test opened closed after it, so
    that no page of an earlier test is still open while the next one runs."""
    yield _chromium
    for context in list(_chromium.contexts):
        context.close()


@pytest.fixture
def screenshot_dir(request: pytest.FixtureRequest) -> Path | None:
    if not request.config.getoption("--screenshots"):
        return None
    SCREENSHOTS.mkdir(exist_ok=True)
    return SCREENSHOTS


# A browser test that has not finished in this long is stuck (a browser that never
# answers), not slow: every thread's stack is written out and the run stops, so that CI
# fails at once with where it hung instead of waiting out its 90 minutes.
BROWSER_TEST_LIMIT_SECONDS = 600


@pytest.fixture(autouse=True)
def _browser_watchdog(request: pytest.FixtureRequest) -> Iterator[None]:
    if request.node.get_closest_marker("browser") is None:
        yield
        return
    faulthandler.dump_traceback_later(BROWSER_TEST_LIMIT_SECONDS, exit=True, file=sys.stderr)
    try:
        yield
    finally:
        faulthandler.cancel_dump_traceback_later()
