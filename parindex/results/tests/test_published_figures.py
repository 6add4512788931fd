"""Where an import gives the published total and index, they are the year's figures on
every page, download and export, in ranks, bands, gaps and the history criterion; the
index recomputed from the parts is only a check, 0.02 points at most away."""

from __future__ import annotations

import csv
import json
import re
from decimal import Decimal
from io import BytesIO, StringIO
from pathlib import Path
from typing import Any

import pytest
from django.core.management import CommandError, call_command
from django.test import Client
from django.urls import reverse
from openpyxl import load_workbook

from parindex.assessments.models import Cycle
from parindex.conftest import DEMO_DATA, Cast
from parindex.org.models import Unit
from parindex.results.compute import load_and_compute
from parindex.results.models import ImportedResult
from parindex.results.selectors import year_results

pytestmark = pytest.mark.django_db

PUBLISHED = DEMO_DATA / "results-2023-districts.published.csv"
EXPECTED = DEMO_DATA / "results-2023-districts.expected.csv"
SHARED = Path(__file__).resolve().parents[3] / ".." / "shared" / "fixtures"
HEADER = "group,unit,max_points,self_assessed,survey_staff,survey_sipas"


def exported(year: int = 2023) -> dict:  # type: ignore[type-arg]
    out = StringIO()
    call_command("export_results", year=year, stdout=out)
    return json.loads(out.getvalue())


def write(tmp_path: Path, text: str) -> str:
    path = tmp_path / "results.csv"
    path.write_text(text, encoding="utf-8")
    return str(path)


def test_the_demo_copy_is_the_shared_published_fixture() -> None:
    shared = SHARED / PUBLISHED.name
    if shared.exists():
        assert shared.read_bytes() == PUBLISHED.read_bytes()


def test_the_export_gives_the_published_indexes_to_the_digit_and_the_gap_of_14_78() -> None:
    call_command("import_results", str(PUBLISHED), year=2023, verbosity=0)
    document = exported()
    table = [
        {
            "unit": unit["unit"],
            "total": f"{Decimal(str(unit['total'])):.2f}",
            "index_pct": f"{Decimal(str(unit['index_pct'])):.2f}",
            "rank": str(unit["rank"]),
        }
        for unit in document["units"]
    ]
    assert table == list(csv.DictReader(EXPECTED.open(encoding="utf-8")))
    (group,) = document["groups"]
    assert group["gap_pct"] == 14.78  # recomputed from the parts it would be 14.79
    assert group["lowest"] == {"unit": "UBND thị xã Vĩnh Châu", "index_pct": 69.06}
    assert group["average_pct"] == 77.08
    assert document["overall"]["bands"] == {"1": 0, "2": 2, "3": 9, "4": 0, "5": 0}
    # The parts stay as published beside the official figures.
    nga_nam = next(u for u in document["units"] if u["unit"] == "UBND thị xã Ngã Năm")
    assert (nga_nam["self_assessed"], nga_nam["survey_staff"], nga_nam["survey_sipas"]) == (
        47.8,
        13.63,
        14.57,
    )
    assert (nga_nam["total"], nga_nam["index_pct"]) == (76.01, 79.59)  # 76.00, 79.58 recomputed


def test_the_published_tables_and_the_pages_carry_the_published_figures(cast: Cast) -> None:
    call_command("import_results", str(PUBLISHED), year=2023, verbosity=0)
    stored = ImportedResult.objects.get(published_unit_name="UBND thị xã Vĩnh Châu")
    assert (stored.total, stored.index_pct) == (Decimal("66.29"), Decimal("69.06"))
    response = Client().get(reverse("results:year_xlsx", args=[2023]))
    sheet = load_workbook(BytesIO(response.content)).worksheets[0]
    rows = {row[1]: row for row in sheet.iter_rows(values_only=True) if row[1]}
    assert round(rows["UBND thị xã Vĩnh Châu"][7], 6) == 0.6906
    assert rows["UBND thị xã Ngã Năm"][6] == 76.01
    page = Client().get(reverse("results:year", args=[2023])).content.decode()
    assert "69,06%" in page and "69,05%" not in page
    assert "chênh lệch 14,78 điểm" in page
    unit = Client().get(reverse("results:unit", args=[2023, stored.unit.code])).content.decode()
    assert "69,06%" in unit and "66,29" in unit


@pytest.mark.parametrize(
    ("columns", "values", "column"),
    [
        ("index_pct", "70.03", "index_pct"),
        ("index_pct", "69.97", "index_pct"),
        ("total", "70.03", "total"),
        ("total", "69.97", "total"),
        # A total within 0.02 of the parts, an index within 0.02 of that total but not
        # of the parts (70.00): the parts are the check.
        ("total,index_pct", "70.02,70.03", "index_pct"),
        ("total,index_pct", "70.00,70.04", "index_pct"),
    ],
)
def test_a_row_0_03_off_is_rejected_naming_row_and_column(
    tmp_path: Path, columns: str, values: str, column: str
) -> None:
    first = {"index_pct": "83.84", "total": "78.81", "total,index_pct": "78.81,83.84"}[columns]
    text = (
        f"{HEADER},{columns}\n"
        f"UBND cấp huyện,UBND huyện Mỹ Xuyên,94,51.34,13.13,14.34,{first}\n"
        f"UBND cấp huyện,UBND huyện Long Phú,100,50,10,10,{values}\n"
    )
    with pytest.raises(CommandError) as error:
        call_command("import_results", write(tmp_path, text), year=2023)
    message = str(error.value)
    assert re.search(rf"(Row|Dòng) 3, (column|cột) “{column}”", message), message
    assert "0,02" in message or "0.02" in message
    assert not ImportedResult.objects.exists() and not Unit.objects.exists()


@pytest.mark.parametrize(
    ("columns", "values", "index"),
    [
        ("index_pct", "70.02", "70.02"),
        ("index_pct", "69.98", "69.98"),
        ("total", "70.02", "70.02"),  # the index from the published total
        ("total", "69.98", "69.98"),
        ("total,index_pct", "70.01,70.02", "70.02"),
    ],
)
def test_a_row_0_02_off_is_accepted_and_stands(
    tmp_path: Path, columns: str, values: str, index: str
) -> None:
    text = f"{HEADER},{columns}\nUBND cấp huyện,UBND huyện Long Phú,100,50,10,10,{values}\n"
    call_command("import_results", write(tmp_path, text), year=2023, verbosity=0)
    results = year_results(2023)
    assert results is not None
    (ranked,) = results.cycle.units
    assert ranked.result.index_pct == Decimal(index)
    assert ranked.result.recomputed_index_pct == Decimal("70.00")
    total = dict(zip(columns.split(","), values.split(","), strict=True)).get("total", "70")
    assert ranked.result.total == Decimal(total)


@pytest.mark.parametrize(
    ("values", "column"),
    [
        (",83.84", "total"),  # a column given is given for every row
        ("94.01,100.01", "total"),  # above the maximum
        ("78.81,100.01", "index_pct"),  # above 100 %
        ("78.81,-1", "index_pct"),
        ("78.81,83.845", "index_pct"),  # as published: two decimals
    ],
)
def test_published_figures_are_bounded_as_the_others(
    tmp_path: Path, values: str, column: str
) -> None:
    row = f"UBND cấp huyện,UBND huyện Mỹ Xuyên,94,51.34,13.13,14.34,{values}"
    text = f"{HEADER},total,index_pct\n{row}\n"
    if values.startswith("94.01"):
        text = text.replace(",51.34,13.13,14.34,", ",66.01,13.99,14,")  # parts 94.00
    with pytest.raises(CommandError) as error:
        call_command("import_results", write(tmp_path, text), year=2023)
    assert re.search(rf"(Row|Dòng) 2, (column|cột) “{column}”", str(error.value)), error.value


def test_ranks_and_bands_come_from_the_published_index(tmp_path: Path) -> None:
    """Recomputed, A (80.00 %, band 2) is above B (79.99 %, band 3); as published, B is
    first at 80.00 % in band 2, A second at 79.99 % in band 3."""
    text = (
        f"{HEADER},index_pct\n"
        "UBND cấp huyện,UBND huyện A,100,60,10,10,79.99\n"
        "UBND cấp huyện,UBND huyện B,100,59.99,10,10,80.00\n"
    )
    call_command("import_results", write(tmp_path, text), year=2023, verbosity=0)
    document = exported()
    assert [(u["unit"], u["index_pct"], u["rank"], u["band"]) for u in document["units"]] == [
        ("UBND huyện B", 80.0, 1, 2),
        ("UBND huyện A", 79.99, 2, 3),
    ]
    assert [(u["unit"], u["total"]) for u in document["units"]] == [
        ("UBND huyện B", 79.99),  # no published total: recomputed from the parts
        ("UBND huyện A", 80.0),
    ]
    assert document["groups"][0]["gap_pct"] == 0.01
    assert document["overall"]["bands"]["2"] == 1


def test_the_year_page_says_whether_its_figures_are_published_or_recomputed(
    cast: Cast, tmp_path: Path
) -> None:
    url = reverse("results:year", args=[2023])
    call_command("import_results", str(PUBLISHED), year=2023, verbosity=0)
    page = Client().get(url).content.decode()
    assert "Tổng điểm và chỉ số theo số liệu công bố" in page
    assert "được tính lại" not in page
    unit_url = reverse("results:unit", args=[2023, "ubnd-huyen-my-xuyen"])
    assert "Tổng điểm và chỉ số theo số liệu công bố" in Client().get(unit_url).content.decode()
    # The table without them: the engine's figures, said to be recomputed.
    call_command("import_results", str(DEMO_DATA / "results-2023-districts.csv"), year=2023)
    page = Client().get(url).content.decode()
    assert "Tổng điểm và chỉ số được tính lại từ các điểm thành phần" in page
    assert "theo số liệu công bố" not in page
    # Indexes alone: the totals are recomputed.
    text = f"{HEADER},index_pct\nUBND cấp huyện,UBND huyện Mỹ Xuyên,94,51.34,13.13,14.34,83.84\n"
    call_command("import_results", write(tmp_path, text), year=2022, verbosity=0)
    page = Client().get(reverse("results:year", args=[2022])).content.decode()
    assert "Chỉ số theo số liệu công bố; tổng điểm được tính lại" in page


def test_missing_groups_are_named_and_the_average_is_of_the_groups_present(
    cast: Cast, history: None, settings: Any
) -> None:
    """The cast has departments and districts; 2023 has only the districts' table."""
    settings.RESULTS_STATE_SECONDS = 0  # the published state read again for every page
    note = "Năm 2023 chỉ có số liệu của nhóm “UBND cấp huyện”; thiếu nhóm: “Sở, ban, ngành tỉnh”."
    pages = [
        reverse("results:year", args=[2023]),
        reverse("results:year", args=[2023]) + "?group=huyen",
        reverse("results:fields", args=[2023]),
        reverse("results:fields", args=[2023]) + "?group=huyen",
    ]
    for url in pages:
        page = Client().get(url).content.decode()
        assert note in page, url
    year_page = Client().get(pages[0]).content.decode()
    assert "Trung bình của 11 đơn vị thuộc các nhóm có số liệu" in year_page
    assert "Chỉ số trung bình" not in year_page
    assert "thiếu 1 nhóm" in Client().get(reverse("results:index")).content.decode()
    # A unit's page reads only its group, and says nothing of the others.
    unit = Client().get(reverse("results:unit", args=[2023, "ubnd-huyen-my-xuyen"]))
    assert "thiếu nhóm" not in unit.content.decode()
    read_for_unit = year_results(2023, unit=cast.district.pk)
    assert read_for_unit is not None and list(read_for_unit.groups) == ["huyen"]
    assert read_for_unit.missing_groups == ["Sở, ban, ngành tỉnh"]
    # Departments dissolved before 2023: nothing is missing, the average is the province's
    # (the cached pages too: the published state covers which units are dissolved).
    Unit.objects.filter(group=cast.departments).update(dissolved_on="2022-12-31")
    results = year_results(2023)
    assert results is not None and results.missing_groups == []
    year_page = Client().get(pages[0]).content.decode()
    assert "thiếu nhóm" not in year_page and "Chỉ số trung bình" in year_page


def test_the_history_criterion_reads_the_published_index(cycle_2024: Cycle) -> None:
    """Tiers of 8.3: a fall gives 0, unchanged or up to 2 points 1.25. 2022 and 2023 as
    published are equal; 2023 recomputed, Vĩnh Châu's 69.05 is 0.01 below 2022's 69.06."""
    call_command("import_results", str(PUBLISHED), year=2022, verbosity=0)
    vinh_chau = Unit.objects.get(name="UBND thị xã Vĩnh Châu")

    def history_points() -> Decimal:
        computed = load_and_compute(cycle_2024)
        result = next(r for r in computed.results if r.unit == str(vinh_chau.pk))
        return result.nodes["8.3"].points

    assert history_points() == Decimal(0)  # the fixture's 2023 table has no published index
    call_command("import_results", str(PUBLISHED), year=2023, verbosity=0)
    assert history_points() == Decimal("1.25")
