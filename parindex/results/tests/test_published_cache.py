"""A published revision never changes: its public pages are computed once and then served
from the cache, a correction shows at once, drafts never come from it; pages are
compressed for visitors who are not logged in and answer HEAD and revalidation."""

from __future__ import annotations

import datetime
import gzip
import re
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from parindex.assessments.models import AssessmentItem, Cycle
from parindex.conftest import Cast
from parindex.results.models import ResultRow
from parindex.results.services import results_compute, results_publish

YEAR_2024 = reverse("results:year", args=[2024])
PAGES = [
    YEAR_2024,
    reverse("results:fields", args=[2024]),
    reverse("results:unit", args=[2024, "ubnd-huyen-my-xuyen"]),
    reverse("results:index"),
    reverse("results:year", args=[2023]),
]


def publish(cycle: Cycle, cast: Cast, decision: str, reason: str = "") -> None:
    snapshot = results_compute(cycle=cycle, by=cast.admin, reason=reason)
    results_publish(
        snapshot=snapshot,
        decision=decision,
        decision_date=datetime.date(2025, 1, 8),
        by=cast.admin,
        allow_provisional=True,
    )


@pytest.mark.parametrize(("state_seconds", "queries"), [(0, 1), (60, 0)])
def test_a_published_page_is_computed_once_then_read_from_the_cache(
    cast: Cast,
    cycle_2024: Cycle,
    django_assert_num_queries: Any,
    settings: Any,
    state_seconds: int,
    queries: int,
) -> None:
    """One query (the published state the key names), or none while the process trusts
    the state it read."""
    settings.RESULTS_STATE_SECONDS = state_seconds
    publish(cycle_2024, cast, "Quyết định số 25/QĐ-UBND")
    visitor = Client()
    for url in PAGES:
        first = visitor.get(url)
        assert first.status_code == 200, url
        with django_assert_num_queries(queries):
            again = visitor.get(url)
        assert again.status_code == 200
        assert _without_token(again.content) == _without_token(first.content), url


def test_a_logged_in_reader_gets_the_engine_output_computed_at_publication(
    cast: Cast, cycle_2024: Cycle, django_assert_num_queries: Any
) -> None:
    """Not the public page (the menus differ), but no recomputation of the revision: its
    snapshots and rows are not read again (the year before, imported, is)."""
    publish(cycle_2024, cast, "Quyết định số 25/QĐ-UBND")
    scorer = cast.client(cast.scorer_a)
    assert scorer.get(YEAR_2024).status_code == 200
    # session, user, the two years' snapshots, 2023's imported rows, groups, frameworks
    # and fields, the published years, and the groups each of the two years lacks
    with django_assert_num_queries(12):
        assert "Quyết định số 25/QĐ-UBND" in scorer.get(YEAR_2024).content.decode()


def test_a_new_revision_is_shown_at_once(cast: Cast, cycle_2024: Cycle) -> None:
    publish(cycle_2024, cast, "Quyết định số 25/QĐ-UBND")
    visitor = Client()
    for url in PAGES[:3]:
        assert "Quyết định số 25/QĐ-UBND" in visitor.get(url).content.decode()
    AssessmentItem.objects.filter(assessment__unit__code="ubnd-huyen-my-xuyen").update(
        appraised_inputs=None
    )
    publish(cycle_2024, cast, "Quyết định số 40/QĐ-UBND", reason="Sửa điểm")
    pct = ResultRow.objects.get(snapshot__revision=2, unit__code="ubnd-huyen-my-xuyen").index_pct
    for url in PAGES[:3]:
        text = visitor.get(url).content.decode()
        assert "Quyết định số 40/QĐ-UBND" in text, url
    unit_page = visitor.get(PAGES[2]).content.decode()
    assert f"{pct:.2f}".replace(".", ",") in unit_page


def test_drafts_never_come_from_the_published_cache(cast: Cast, cycle_2024: Cycle) -> None:
    publish(cycle_2024, cast, "Quyết định số 25/QĐ-UBND")
    Client().get(YEAR_2024)  # cached for the public
    results_compute(cycle=cycle_2024, by=cast.admin, reason="Sửa điểm")
    admin = cast.client(cast.admin)
    assert "?revision=2" in admin.get(YEAR_2024).content.decode()  # the admin's own page
    draft = admin.get(YEAR_2024 + "?revision=2").content.decode()
    assert "Dự thảo — chưa công bố." in draft
    # The public reads revision 1 and cannot ask for the draft, cached or not.
    public = Client()
    assert "?revision=2" not in public.get(YEAR_2024).content.decode()
    assert public.get(YEAR_2024 + "?revision=2").status_code == 404
    assert "Dự thảo" not in Client().get(YEAR_2024).content.decode()


def test_each_visitor_of_a_cached_page_gets_a_token_of_their_own(
    cast: Cast, cycle_2024: Cycle
) -> None:
    publish(cycle_2024, cast, "Quyết định số 25/QĐ-UBND")
    for _ in range(2):  # the first page is computed, the second read from the cache
        visitor = Client(enforce_csrf_checks=True)
        page = visitor.get(YEAR_2024)
        token = _token(page.content)
        assert "placeholder" not in token
        switched = visitor.post(
            reverse("set_language"), {"language": "en", "next": "/", "csrfmiddlewaretoken": token}
        )
        assert switched.status_code == 302
    stranger = Client(enforce_csrf_checks=True)
    stranger.get(YEAR_2024)
    refused = stranger.post(
        reverse("set_language"), {"language": "en", "csrfmiddlewaretoken": "x" * 64}
    )
    assert refused.status_code == 403


def test_public_pages_are_compressed_and_answer_head_and_revalidation(
    cast: Cast, cycle_2024: Cycle
) -> None:
    publish(cycle_2024, cast, "Quyết định số 25/QĐ-UBND")
    visitor = Client(headers={"accept-encoding": "gzip"})
    page = visitor.get(YEAR_2024)
    assert page["Content-Encoding"] == "gzip"
    assert "Quyết định số 25/QĐ-UBND" in gzip.decompress(page.content).decode()
    head = Client().head(YEAR_2024)
    assert head.status_code == 200 and head.content == b""
    assert int(head["Content-Length"]) == len(Client().get(YEAR_2024).content)
    unchanged = visitor.get(YEAR_2024, headers={"if-none-match": page["ETag"]})
    assert unchanged.status_code == 304
    # A logged-in page is not compressed: it holds its user's data.
    scorer = cast.client(cast.scorer_a)
    scorer.defaults["HTTP_ACCEPT_ENCODING"] = "gzip"
    mine = scorer.get(YEAR_2024)
    assert mine.status_code == 200 and not mine.has_header("Content-Encoding")


def test_a_download_is_cached_with_its_file_name(cast: Cast, cycle_2024: Cycle) -> None:
    publish(cycle_2024, cast, "Quyết định số 25/QĐ-UBND")
    url = reverse("results:year_xlsx", args=[2024])
    first, again = Client().get(url), Client().get(url)
    assert again["Content-Disposition"] == first["Content-Disposition"]
    assert again["Content-Type"].startswith("application/vnd.openxmlformats")
    assert again.content == first.content


def _token(html: bytes) -> str:
    found = re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', html)
    assert found is not None
    return found.group(1).decode()


def _without_token(html: bytes) -> bytes:
    return re.sub(rb'name="csrfmiddlewaretoken" value="[^"]+"', b"", html)
