"""What a unit reads beside its inputs: each rule in the documents' words, and points in
proportion to a rate as the province publishes them, never with thirty decimals."""

from __future__ import annotations

import pytest
from django.urls import reverse

from parindex.assessments.models import Assessment
from parindex.conftest import Cast

pytestmark = pytest.mark.django_db
HTMX = {"HTTP_HX_REQUEST": "true"}


def test_the_tiers_read_as_on_the_framework_page(cast: Cast, assessment_a: Assessment) -> None:
    url = reverse("assessments:detail", args=[2024, assessment_a.unit.code])
    text = cast.client(cast.scorer_a).get(url + "?field=1").content.decode()
    words = "Dưới 80%: 0 điểm; từ 80% đến dưới 100%: 0,75 điểm; 100%: 1,5 điểm"
    assert words in text and "[0%; 80%)" not in text
    framework = assessment_a.cycle.groups.get(group=assessment_a.group).framework
    assert words in cast.client(cast.viewer).get(framework.get_absolute_url()).content.decode()


def test_points_in_proportion_show_two_decimals_at_most(
    cast: Cast, assessment_a: Assessment
) -> None:
    item = assessment_a.items.get(criterion__code="1.6.1")  # 0,75 × the tasks done
    url = reverse("assessments:item_save", args=[2024, assessment_a.unit.code, "1.6.1"])
    response = cast.client(cast.scorer_a).post(
        url, {"version": item.version, "numerator": "379", "denominator": "383", "note": ""}, **HTMX
    )
    assert '<span id="p-1_6_1" hx-swap-oob="true">0,74</span>' in response.content.decode()
    page = reverse("assessments:detail", args=[2024, assessment_a.unit.code])
    text = cast.client(cast.scorer_a).get(page + "?field=1").content.decode()
    assert '<span id="p-1_6_1">0,74</span>' in text
    assert "Điểm = điểm tối đa × tỷ lệ" in text
