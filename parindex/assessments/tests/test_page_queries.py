"""A unit's field page and a leaf's save cost a fixed number of queries, whatever the
number of leaves, evidence files or requests; a frozen framework is read once per
process."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse

from parindex.assessments.models import Assessment
from parindex.conftest import Cast

from .files import PDF, upload

pytestmark = pytest.mark.django_db
HTMX = {"HTTP_HX_REQUEST": "true"}


def test_the_field_page_reads_a_fixed_number_of_queries(
    cast: Cast, assessment_a: Assessment, django_assert_num_queries: Any
) -> None:
    scorer = cast.client(cast.scorer_a)
    url = reverse("assessments:detail", args=[2024, assessment_a.unit.code]) + "?field=1"
    first = scorer.get(url)
    assert first.status_code == 200
    evidence = reverse("assessments:evidence_upload", args=[2024, assessment_a.unit.code, "1.1.1"])
    assert scorer.post(evidence, {"file": upload("bao-cao.pdf", PDF)}).status_code in (200, 302)
    # session, user, the assessment, its framework, items, evidence files, links, requests,
    # the two evidence lists, requests' state, the unit's files
    with django_assert_num_queries(12):
        again = scorer.get(url)
    assert "bao-cao.pdf" in again.content.decode()


def test_a_save_answers_in_a_fixed_number_of_queries(
    cast: Cast, assessment_a: Assessment, django_assert_num_queries: Any
) -> None:
    scorer = cast.client(cast.scorer_a)
    item = assessment_a.items.get(criterion__code="1.1.1")
    url = reverse("assessments:item_save", args=[2024, assessment_a.unit.code, "1.1.1"])
    scorer.get(reverse("assessments:detail", args=[2024, assessment_a.unit.code]))
    # session, user, the assessment, the item; the save in its transaction (lock, update,
    # audit); the state; framework, items and the two evidence lists for the answer
    with django_assert_num_queries(14):
        saved = scorer.post(url, {"version": item.version, "yes": "yes"}, **HTMX)
    assert saved.status_code == 200 and 'id="v-self-1_1_1" value="2"' in saved.content.decode()
