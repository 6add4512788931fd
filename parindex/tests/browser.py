"""What the browser tests do again and again."""

from __future__ import annotations

from typing import Any

from parindex.conftest import PASSWORD


def log_in(page: Any, base: str, username: str, password: str = PASSWORD) -> None:
    """Sign in through the log-in form, as a person would."""
    page.goto(f"{base}/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", password)
    # The next step waits for the page the log-in leads to (or its refusal): a test that
    # went on while the log-in was still under way interrupted it (closing the tab, or
    # another goto), and Chromium then stopped answering the test's next call now and then.
    with page.expect_navigation():
        page.click("button[type=submit].primary")
