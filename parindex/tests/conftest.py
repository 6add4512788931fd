"""Browser tests: Playwright driving Debian's chromium, headless, against live_server."""

from __future__ import annotations

import contextlib
import faulthandler
import os
import shutil
import signal
import sys
import threading
import warnings
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Error as PlaywrightError

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
    # Playwright's own list (a second --disable-features would replace it), then what
    # starts work of its own in the background: translating the Vietnamese pages and the
    # on-device models (language detection, built-in AI).
    "--disable-features=AvoidUnnecessaryBeforeUnloadCheckSync,DestroyProfileOnBrowserClose,"
    "HttpsUpgrades,HttpsFirstBalancedModeAutoEnable,LensOverlay,MediaRouter,PaintHolding,"
    "ThirdPartyStoragePartitioning,AvoidCorsURLLoaderRestartOnRedirect,OptimizationHints,"
    "NetworkTimeServiceQuerying,AimEnabled,PreconnectToSearch,Translate,TranslateUI,"
    "OptimizationGuideModelDownloading,OptimizationHintsFetching,"
    "OptimizationTargetPrediction,OnDeviceModelService,AIPromptAPI,AISummarizationAPI,"
    "AIWriterAPI,AIRewriterAPI,AILanguageDetectionAPI,HistoryEmbeddings",
]
SCREENSHOTS = Path(__file__).resolve().parents[2] / "screenshots"


def chromium_path() -> str:
    path = (
        os.environ.get("CHROMIUM") or shutil.which("chromium") or shutil.which("chromium-browser")
    )
    if not path:
        pytest.fail("Debian's chromium is needed for the browser tests (make browser-deps).")
    return path


class _Chromium:
    """The one headless Chromium of the session, launched again after it was killed."""

    def __init__(self, playwright: Any) -> None:
        self._playwright = playwright
        self._browser: Any = None

    def get(self) -> Any:
        if self._browser is None or not self._browser.is_connected():
            self._browser = self._playwright.chromium.launch(
                executable_path=chromium_path(), headless=True, args=CHROMIUM_ARGS
            )
        return self._browser

    def forget(self) -> None:
        """The browser was killed: the next test launches a new one."""
        self._browser = None

    def close(self) -> None:
        if self._browser is not None and self._browser.is_connected():
            self._browser.close()


@pytest.fixture(scope="session")
def _chromium() -> Iterator[_Chromium]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = _Chromium(playwright)
        yield chromium
        chromium.close()


# Chromium has, rarely, stopped answering in the middle of a test (every thread idle,
# Playwright waiting for an answer that never comes: twice in the whole suite's CI runs,
# never in a test run alone). A browser test still running after this long is taken for
# that: its Chromium is killed, so that Playwright's waiting call fails with
# BROWSER_HUNG in the test's report, and the test is run once more with a new Chromium
# (pytest-rerunfailures, `--only-rerun` in pyproject.toml). A second hang fails.
BROWSER_HANG_SECONDS = int(os.environ.get("BROWSER_HANG_SECONDS", "240"))
BROWSER_HUNG = "Chromium stopped answering"
BROWSER_CLOSE_SECONDS = 30


def _kill_chromium() -> None:
    """SIGKILL every Chromium process started below this one (Playwright's driver stays)."""
    parents: dict[int, int] = {}
    commands: dict[int, str] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
            commands[int(entry.name)] = (entry / "cmdline").read_bytes().decode(errors="replace")
        except OSError:
            continue
        parents[int(entry.name)] = int(stat.rsplit(")", 1)[1].split()[1])
    ours = {os.getpid()}
    grew = True
    while grew:
        below = {pid for pid, parent in parents.items() if parent in ours} - ours
        grew = bool(below)
        ours |= below
    for pid in ours - {os.getpid()}:
        if "chromium" in commands.get(pid, "") and "playwright" not in commands[pid].split("\0")[0]:
            with contextlib.suppress(OSError):
                os.kill(pid, signal.SIGKILL)


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


def _chromium_killed_after(seconds: int) -> tuple[threading.Timer, threading.Event]:
    """A started timer that kills Chromium unless cancelled in time, and the event that
    says it did."""
    killed = threading.Event()

    def kill() -> None:
        killed.set()
        _kill_chromium()

    timer = threading.Timer(seconds, kill)
    timer.daemon = True
    timer.start()
    return timer, killed


@pytest.fixture
def browser(_chromium: _Chromium) -> Iterator[Any]:
    """The one headless Chromium, with every context a test opened closed after it, so
    that no page of an earlier test is still open while the next one runs; a test fails
    if any page broke the content security policy (an inline style or script)."""
    violations: list[str] = []
    chromium = _chromium.get()
    watchdog, hung = _chromium_killed_after(BROWSER_HANG_SECONDS)
    try:
        yield _WatchedBrowser(chromium, violations)
    finally:
        watchdog.cancel()
    if hung.is_set():
        _chromium.forget()
        pytest.fail(f"{BROWSER_HUNG} for {BROWSER_HANG_SECONDS} s: it was killed.")
    # Closing the test's contexts has hung too, after the test had passed (a context whose
    # last answer was a refusal): Chromium is then killed and launched again for the next
    # test, and the test keeps its result; what its pages reported is still checked.
    closing, stuck = _chromium_killed_after(BROWSER_CLOSE_SECONDS)
    try:
        for context in list(chromium.contexts):
            with contextlib.suppress(PlaywrightError):
                context.close()
    finally:
        closing.cancel()
    if stuck.is_set():
        _chromium.forget()
        warnings.warn(
            f"Chromium did not close a context within {BROWSER_CLOSE_SECONDS} s: relaunched.",
            stacklevel=1,
        )
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
