"""The pages of an imported year: the published layout, fields, a unit, downloads; open
to everyone, signed in or not, with a number of queries that does not grow with the units."""

from __future__ import annotations

from decimal import Decimal
from io import BytesIO

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import load_workbook

from parindex.conftest import Cast
from parindex.org.models import Unit, UnitGroup
from parindex.results.models import ImportedResult

WHO = ["admin", "scorer_a", "head_b", "appraiser", "chair", "viewer", None]


def client_for(cast: Cast, who: str | None) -> Client:
    return cast.client(getattr(cast, who) if who else None)


@pytest.mark.parametrize("who", WHO)
def test_everyone_reads_the_published_table(cast: Cast, history: None, who: str | None) -> None:
    page = client_for(cast, who).get(reverse("results:year", args=[2023]))
    text = page.content.decode()
    assert page.status_code == 200
    assert "83,84%" in text and "77,08%" in text and "UBND huyện Mỹ Xuyên" in text
    table = text[text.index("<tbody>") :]
    assert table.index("Mỹ Xuyên") < table.index("Long Phú") < table.index("Vĩnh Châu")
    # The bars of the chart, one per unit, with the group's average marked.
    assert text.count('class="bar band-') == 11 and "Trung bình của nhóm: 77,08%" in text


def test_sorting_and_a_number_of_queries_that_does_not_grow(cast: Cast, history: None) -> None:
    client = cast.client(cast.viewer)
    url = reverse("results:year", args=[2023])
    text = client.get(url + "?sort=name").content.decode()
    table = text[text.index("<tbody>") :]
    assert table.index("Châu Thành") < table.index("Mỹ Xuyên")
    sipas = client.get(url + "?sort=sipas").content.decode()
    table = sipas[sipas.index("<tbody>") :]
    assert table.index("Ngã Năm") < table.index("Mỹ Xuyên")  # 14.57 before 14.34
    pages = [
        url,
        reverse("results:fields", args=[2023]),
        reverse("results:year_xlsx", args=[2023]),
        reverse("results:unit", args=[2023, "ubnd-huyen-my-xuyen"]),
        reverse("results:index"),
    ]
    before = [queries(client, page) for page in pages]
    assert max(before) <= 12
    # Thirty more units of the same group: the same number of queries on every page.
    add_communes(cast.districts, 30)
    assert "Xã thử 029" in client.get(url).content.decode()
    assert [queries(client, page) for page in pages] == before


def add_communes(group: UnitGroup, count: int) -> None:
    """More units in the group's 2023 table, with indexes spread from 50 % to 99 %."""
    ImportedResult.objects.bulk_create(
        ImportedResult(
            year=2023,
            unit=Unit.objects.create(code=f"xa-{n:03}", name=f"Xã thử {n:03}", group=group),
            group=group,
            published_unit_name=f"Xã thử {n:03}",
            max_points=Decimal(100),
            self_assessed=Decimal(30) + n % 50,
            survey_staff=Decimal(10),
            survey_sipas=Decimal(10),
        )
        for n in range(count)
    )


def queries(client: Client, url: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


def test_a_group_at_a_time(cast: Cast, history: None) -> None:
    url = reverse("results:year", args=[2023])
    text = cast.client(None).get(url + "?group=huyen").content.decode()
    assert "Mỹ Xuyên" in text
    assert "Mỹ Xuyên" not in cast.client(None).get(url + "?group=so-nganh").content.decode()
    # A malformed filter is ignored rather than failing.
    assert cast.client(None).get(url + "?group=%%&sort=nonsense&revision=x").status_code == 200


def test_the_fields_as_published_with_their_extremes(cast: Cast, history: None) -> None:
    text = cast.client(None).get(reverse("results:fields", args=[2023])).content.decode()
    assert "11,29" in text and "31,59" in text  # Mỹ Xuyên's fields 1 and 8
    assert "9,84" in text  # field 1's average: 108.26 / 11
    assert "UBND huyện Trần Đề (7,00)" in text  # the lowest in field 1
    assert "4,29" in text  # field 1's gap: 11.29 - 7.00
    body = text[text.index("<tbody>") : text.index("</tbody>")]
    assert body.count("%") == 12  # the index of 11 units and the average: no field %


def test_a_units_page_against_its_group(cast: Cast, history: None) -> None:
    text = (
        cast.client(None)
        .get(reverse("results:unit", args=[2023, "ubnd-huyen-my-xuyen"]))
        .content.decode()
    )
    assert "83,84%" in text and "Hạng 1/11 trong nhóm" in text
    assert "+1,45" in text  # field 1: 11.29 against the average 9.84
    assert "−0,25" in text  # field 6: 2.25 against 2.50
    client = cast.client(None)
    assert client.get(reverse("results:unit", args=[2023, "nowhere"])).status_code == 404
    assert (
        client.get(reverse("results:unit", args=[2022, "ubnd-huyen-my-xuyen"])).status_code == 404
    )


def test_every_table_downloads_as_excel_and_opens_again(cast: Cast, history: None) -> None:
    client = cast.client(None)
    book = load_workbook(BytesIO(client.get(reverse("results:year_xlsx", args=[2023])).content))
    assert book.sheetnames == ["UBND cấp huyện"]
    assert book["UBND cấp huyện"]["B3"].value == "UBND huyện Mỹ Xuyên"
    fields = load_workbook(BytesIO(client.get(reverse("results:fields_xlsx", args=[2023])).content))
    sheet = fields["UBND cấp huyện"]
    assert sheet["B2"].value == "UBND huyện Mỹ Xuyên" and sheet["C2"].value == 11.29
    assert sheet.cell(row=sheet.max_row, column=3).value == 9.84
    unit = load_workbook(
        BytesIO(
            client.get(reverse("results:unit_xlsx", args=[2023, "ubnd-huyen-my-xuyen"])).content
        )
    )
    assert unit.sheetnames == ["Lĩnh vực", "Các năm"]
    assert unit["Các năm"]["A2"].value == 2023


def test_the_index_of_years_and_a_year_without_results(cast: Cast, history: None) -> None:
    client = cast.client(None)
    text = client.get(reverse("results:index")).content.decode()
    assert reverse("results:year", args=[2023]) in text and "77,08%" in text
    assert client.get(reverse("results:year", args=[2019])).status_code == 404
    assert client.get(reverse("results:year_xlsx", args=[2019])).status_code == 404
    # Targets are for signed-in users.
    response = client.get(reverse("results:targets"))
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_a_units_newest_result_from_its_page(cast: Cast, history: None) -> None:
    client = cast.client(cast.head_a)
    response = client.get(reverse("results:unit_latest", args=["ubnd-huyen-my-xuyen"]))
    assert response["Location"] == reverse("results:unit", args=[2023, "ubnd-huyen-my-xuyen"])
    none_yet = client.get(reverse("results:unit_latest", args=[cast.unit_a.code]))
    assert none_yet.status_code == 200 and "Chưa có kết quả" in none_yet.content.decode()
    assert client.get(reverse("results:unit_latest", args=["nowhere"])).status_code == 404
    unit_page = client.get(reverse("org:unit_detail", args=[cast.unit_a.code])).content.decode()
    assert reverse("results:unit_latest", args=[cast.unit_a.code]) in unit_page


def test_a_long_group_comes_page_by_page(cast: Cast, history: None) -> None:
    add_communes(cast.districts, 230)
    client = cast.client(None)
    url = reverse("results:year", args=[2023])
    first = client.get(url).content.decode()
    body = first[first.index("<tbody>") : first.index("</tbody>")]
    assert body.count("<tr>") == 200 and "?group=huyen" in first
    assert "đủ mọi đơn vị" in first or "every unit" in first
    last = client.get(url + "?group=huyen&page=2").content.decode()
    body = last[last.index("<tbody>") : last.index("</tbody>")]
    assert body.count("<tr>") == 41  # 241 units: 11 districts and 230 communes
    assert "Trang 2/2" in last
    # A page past the end shows the last one rather than failing.
    assert client.get(url + "?group=huyen&page=99").status_code == 200
    fields = client.get(reverse("results:fields", args=[2023]) + "?group=huyen&page=2")
    assert fields.status_code == 200
