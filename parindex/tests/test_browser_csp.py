"""The pages outside the app's own templates keep the content security policy too: the
Django admin as the administrator uses it, and the refusal pages (404, 403, 429). The
`browser` fixture fails the test on any violation a page reports."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import override_settings

from parindex.conftest import Cast
from parindex.tests.browser import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_django_admin_keeps_the_policy(browser: Any, live_server: Any, cast: Cast) -> None:
    page = browser.new_page()
    log_in(page, live_server.url, "admin")
    for path in (
        "/admin/",
        "/admin/org/user/",
        f"/admin/org/user/{cast.scorer_a.pk}/change/",
        "/admin/org/unit/add/",
        "/admin/org/unitgroup/",
    ):
        response = page.goto(live_server.url + path)
        assert response is not None and response.status == 200, path
        policy = response.headers["content-security-policy"]
        assert "style-src 'self'" in policy, path
    page.close()


@override_settings(LOGIN_THROTTLE_FAILURES=1)
def test_the_refusal_pages_keep_the_policy(browser: Any, live_server: Any, cast: Cast) -> None:
    page = browser.new_page()
    assert page.goto(f"{live_server.url}/results/1999/").status == 404
    for _ in range(2):
        page.goto(f"{live_server.url}/accounts/login/")
        page.fill("#id_username", "nobody")
        page.fill("#id_password", "wrong password")
        page.click("button[type=submit].primary")
    assert "Quá nhiều lần đăng nhập" in page.content()
    log_in(page, live_server.url, "viewer")  # refused: 429 from this address still
    page.close()


def test_the_api_s_openapi_page_is_browsable_within_the_policy(
    browser: Any, live_server: Any, cast: Cast, screenshot_dir: Any
) -> None:
    """/api/v1/docs: Swagger UI from our own static files lists every operation."""
    page = browser.new_page()
    response = page.goto(f"{live_server.url}/api/v1/docs")
    assert response is not None and response.status == 200
    page.wait_for_selector(".opblock-summary-path", timeout=15_000)
    paths = page.locator(".opblock-summary-path").all_inner_texts()
    assert "/api/v1/cycles" in [p.replace("\u200b", "") for p in paths]
    assert len(paths) >= 14
    if screenshot_dir is not None:
        page.screenshot(path=str(screenshot_dir / "api-docs-desktop.png"), full_page=False)
    page.close()
