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


# Every page reports what the content security policy refused, to the console (Chromium
# writes "Refused to apply inline style ...") and as a securitypolicyviolation event.
REPORT_VIOLATIONS = """document.addEventListener("securitypolicyviolation", (event) => {
  console.error(`Content Security Policy: ${event.violatedDirective} ${event.blockedURI}`);
});"""


def _csp_violation(message: Any) -> bool:
    return message.type == "error" and "Content Security Policy" in message.text


class _WatchedBrowser:
    """The browser, whose every new context collects the pages' policy violations."""

    def __init__(self, browser: Any, violations: list[str]) -> None:
        self._browser = browser
        self._violations = violations

    def __getattr__(self, name: str) -> Any:
        return getattr(self._browser, name)

    def new_context(self, **options: Any) -> Any:
        context = self._browser.new_context(**options)
        context.add_init_script(REPORT_VIOLATIONS)
        context.on(
            "console",
            lambda message: (
                self._violations.append(
                    f"{message.page.url if message.page else ''}: {message.text}"
                )
                if _csp_violation(message)
                else None
            ),
        )
        return context

    def new_page(self, **options: Any) -> Any:
        return self.new_context(**options).new_page()


@pytest.fixture
def browser(_chromium: Any) -> Iterator[Any]:
    """The one headless Chromium, with every context a test opened closed after it, so
    that no page of an earlier test is still open while the next one runs; a test fails
    if any page broke the content security policy (an inline style or script)."""
    violations: list[str] = []
    yield _WatchedBrowser(_chromium, violations)
    for context in list(_chromium.contexts):
        context.close()
    if violations:
        pytest.fail("Content Security Policy violations:\n" + "\n".join(violations[:20]))


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
