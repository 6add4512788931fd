"""A year's results page: the published layout, sortable, downloadable."""

from __future__ import annotations

from io import BytesIO
from pathlib import Path

import pytest
from django.core.management import call_command
from django.urls import reverse
from openpyxl import load_workbook

from parindex.conftest import Cast

DEMO = Path(__file__).resolve().parents[1] / "demo"


@pytest.fixture
def history(cast: Cast) -> None:
    call_command("import_results", str(DEMO / "results-2023-districts.csv"), year=2023)


@pytest.mark.parametrize("who", ["admin", "scorer_a", "appraiser", "chair", "viewer"])
def test_every_role_reads_the_published_table(cast: Cast, history: None, who: str) -> None:
    page = cast.client(getattr(cast, who)).get(reverse("results:year", args=[2023]))
    text = page.content.decode()
    assert page.status_code == 200
    assert "83,84%" in text and "77,08%" in text and "UBND huyện Mỹ Xuyên" in text
    table = text[text.index("<tbody>") :]
    assert table.index("Mỹ Xuyên") < table.index("Long Phú") < table.index("Vĩnh Châu")


def test_sorting_by_name_and_a_fixed_number_of_queries(
    cast: Cast, history: None, django_assert_max_num_queries: object
) -> None:
    client = cast.client(cast.viewer)
    client.get(reverse("results:year", args=[2023]))
    with django_assert_max_num_queries(5):  # type: ignore[operator]
        text = client.get(reverse("results:year", args=[2023]) + "?sort=name").content.decode()
    table = text[text.index("<tbody>") :]
    assert table.index("Châu Thành") < table.index("Mỹ Xuyên")


def test_the_excel_download_is_the_published_table(cast: Cast, history: None) -> None:
    response = cast.client(cast.scorer_a).get(reverse("results:year_xlsx", args=[2023]))
    book = load_workbook(BytesIO(response.content))
    assert book.sheetnames == ["UBND cấp huyện"]


def test_a_year_without_results_and_anonymous_visitors(cast: Cast, history: None) -> None:
    assert cast.client(cast.viewer).get(reverse("results:year", args=[2019])).status_code == 404
    response = cast.client(None).get(reverse("results:year", args=[2023]))
    assert response.status_code == 302
