"""The surveys in the browser: a citizen at a phone's width, with JavaScript off, opens a
unit's form from the link its poster carries, answers, corrects what was missing, and
is thanked; the response is stored and counted. A civil servant answers through a
personal link, and a second use is refused. The pages are kept as PNGs with
--screenshots."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from parindex.conftest import Cast
from parindex.surveys.aggregation import campaign_aggregate
from parindex.surveys.models import (
    CampaignUnit,
    Channel,
    Respondent,
    RespondentGroup,
    Response,
    UnitSurveyResult,
)
from parindex.surveys.posters import link_as_written, public_link
from parindex.surveys.public import forget_entries, forget_forms
from parindex.surveys.responses import new_token
from parindex.surveys.tests.factories import campaign, staff_questionnaire
from parindex.surveys.tests.factories_public import SCALE_CODES, sipas_national

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
PHONE = {"width": 390, "height": 844}


@pytest.fixture(autouse=True)
def _forget() -> None:
    """Links and forms a process remembers belong to the rows of the test that read them."""
    forget_entries()
    forget_forms()


def phone_without_javascript(browser: Any) -> Any:
    context = browser.new_context(java_script_enabled=False, viewport=PHONE)
    return context.new_page()


def overflow(browser: Any, url: str) -> int:
    """How far the page runs past a phone's screen (measured with JavaScript on)."""
    page = browser.new_context(viewport=PHONE).new_page()
    page.goto(url)
    wider: int = page.evaluate(
        "document.documentElement.scrollWidth - document.documentElement.clientWidth"
    )
    page.context.close()
    return wider


def test_a_citizen_answers_from_the_poster_s_link_without_javascript(
    browser: Any, live_server: Any, cast: Cast, settings: Any, screenshot_dir: Path | None
) -> None:
    settings.SITE_URL = live_server.url
    survey = campaign([sipas_national()], [cast.unit_a, cast.unit_b])
    entry = CampaignUnit.objects.select_related("campaign", "unit").get(
        campaign=survey, unit=cast.unit_a
    )
    link = public_link(entry)  # what the QR code holds
    page = phone_without_javascript(browser)
    # Typed as the poster writes it: no scheme, no final slash.
    opened = page.goto("http://" + link_as_written(link))
    assert opened is not None and opened.status == 200 and page.url == link
    assert page.locator("h1").inner_text() == survey.title
    assert "Sở Tư pháp" in page.locator(".u").inner_text()
    if screenshot_dir is not None:
        page.screenshot(path=str(screenshot_dir / "public-survey-form-phone.png"), full_page=True)
    for code in SCALE_CODES[1:]:  # the first one forgotten
        page.get_by_role("group", name=code_question(entry, code)).get_by_label(
            "5 Rất hài lòng"
        ).check()
    page.get_by_label("Nộp trực tuyến").check()
    page.get_by_label("Ông/bà có góp ý gì để cơ quan phục vụ tốt hơn?").fill("Cán bộ tận tình.")
    with page.expect_navigation():
        page.get_by_role("button", name="Gửi phiếu").click()
    # Refused beside the question left out; everything else as it was.
    assert "Câu này cần được trả lời." in page.locator("fieldset.err").inner_text()
    assert page.locator("input[name=q-access2][value='5']").is_checked()
    assert page.get_by_label("Ông/bà có góp ý gì để cơ quan phục vụ tốt hơn?").input_value() == (
        "Cán bộ tận tình."
    )
    assert not Response.objects.exists()
    if screenshot_dir is not None:
        page.screenshot(path=str(screenshot_dir / "public-survey-errors-phone.png"))
    page.locator("input[name=q-access1][value='4']").check()
    with page.expect_navigation():
        page.get_by_role("button", name="Gửi phiếu").click()
    assert page.url.endswith("/thanks/")
    assert "Cảm ơn ông/bà!" in page.locator("h1").inner_text()
    if screenshot_dir is not None:
        page.screenshot(path=str(screenshot_dir / "public-survey-thanks-phone.png"))
    response = Response.objects.get()
    assert response.channel == Channel.WEB and response.unit == cast.unit_a and response.counted
    campaign_aggregate(campaign=survey)
    overall = UnitSurveyResult.objects.get(unit=cast.unit_a, source="sipas", indicator="")
    assert overall.respondents == 1
    assert overflow(browser, link) <= 1


def code_question(entry: CampaignUnit, code: str) -> str:
    question = entry.campaign.questionnaires.get().questions.get(code=code)
    return f"{question.position}. {question.text} *"


def test_a_civil_servant_answers_through_a_personal_link_once(
    browser: Any, live_server: Any, cast: Cast, screenshot_dir: Path | None
) -> None:
    group = RespondentGroup.objects.create(code="cbccvc-so", name="Công chức sở, ngành")
    survey = campaign([staff_questionnaire(group)], [cast.unit_a], code="cbccvc-2024")
    token, hashed = new_token()
    Respondent.objects.create(
        campaign=survey, unit=cast.unit_a, group=group, name="Công chức 1", token_hash=hashed
    )
    url = f"{live_server.url}/r/{token}/"
    page = phone_without_javascript(browser)
    page.goto(url)
    assert "Công chức sở, ngành" in page.locator(".u").inner_text()
    if screenshot_dir is not None:
        page.screenshot(path=str(screenshot_dir / "personal-survey-form-phone.png"), full_page=True)
    page.locator("input[name=q-q1][value='4']").check()
    page.locator("input[name=q-q2][value='3']").check()
    with page.expect_navigation():
        page.get_by_role("button", name="Gửi phiếu").click()
    assert "Cảm ơn ông/bà!" in page.locator("h1").inner_text()
    assert Response.objects.get().channel == Channel.LINK
    again = page.goto(url)
    assert again is not None and again.status == 409
    assert page.locator("h1").inner_text() == "Đã trả lời"
    if screenshot_dir is not None:
        page.screenshot(path=str(screenshot_dir / "personal-survey-used-phone.png"))
    assert Response.objects.count() == 1 and Respondent.objects.get().used
