"""Published results of earlier years come in exactly as interchange.md says."""

from __future__ import annotations

import csv
import io
from decimal import Decimal
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from parindex.conftest import DEMO_DATA
from parindex.org.models import Unit, UnitGroup
from parindex.results.models import ImportedResult
from parindex.scoring.numbers import publish

FIXTURES = Path(__file__).resolve().parents[3] / ".." / "shared" / "fixtures"
DEMO_COPY = DEMO_DATA / "results-2023-districts.csv"


def fixture(name: str) -> Path:
    shared = FIXTURES / name
    return shared if shared.exists() else DEMO_COPY.parent / name


def test_the_demo_copy_is_the_published_fixture() -> None:
    shared = FIXTURES / "results-2023-districts.csv"
    if shared.exists():
        assert shared.read_bytes() == DEMO_COPY.read_bytes()


@pytest.mark.django_db
def test_the_2023_district_table_comes_in_whole(tmp_path: Path) -> None:
    call_command("import_results", str(DEMO_COPY), year=2023)
    results = {r.published_unit_name: r for r in ImportedResult.objects.filter(year=2023)}
    assert len(results) == 11
    assert UnitGroup.objects.get().name == "UBND cấp huyện"
    my_xuyen = results["UBND huyện Mỹ Xuyên"]
    assert (my_xuyen.max_points, my_xuyen.self_assessed) == (Decimal("94.00"), Decimal("51.34"))
    assert my_xuyen.fields["8"] == "31.59"
    # The published indexes are reproduced within 0.02 points from the rounded parts.
    expected_path = DEMO_COPY.with_name("results-2023-districts.expected.csv")
    expected_rows = csv.DictReader(io.StringIO(expected_path.read_text(encoding="utf-8")))
    for row in expected_rows:
        result = results[row["unit"]]
        total = result.self_assessed + result.survey_staff + result.survey_sipas
        index = publish(total / result.max_points * 100)
        assert abs(index - Decimal(row["index_pct"])) <= Decimal("0.02"), row["unit"]


@pytest.mark.django_db
def test_importing_the_same_year_again_replaces_only_those_units() -> None:
    call_command("import_results", str(DEMO_COPY), year=2023)
    call_command("import_results", str(DEMO_COPY), year=2022)
    Unit.objects.create(code="other", name="UBND huyện Khác", group=UnitGroup.objects.get())
    call_command("import_results", str(DEMO_COPY), year=2023)
    assert ImportedResult.objects.filter(year=2023).count() == 11
    assert ImportedResult.objects.filter(year=2022).count() == 11
    assert Unit.objects.count() == 12  # matched by name, nothing duplicated


def write(tmp_path: Path, text: str) -> str:
    path = tmp_path / "results.csv"
    path.write_text(text, encoding="utf-8")
    return str(path)


HEADER = "group,unit,max_points,self_assessed,survey_staff,survey_sipas\n"


@pytest.mark.django_db
def test_vietnamese_decimal_commas_and_nfc_names(tmp_path: Path) -> None:
    decomposed = "UBND huye\u0302\u0323n My\u0303 Xuye\u0302n"  # NFD, as some exports give
    text = HEADER + f'UBND cấp huyện,{decomposed},"94,00","51,34","13,13","14,34"\n'
    call_command("import_results", write(tmp_path, text), year=2023)
    result = ImportedResult.objects.get()
    assert result.unit.name == "UBND huyện Mỹ Xuyên" and result.self_assessed == Decimal("51.34")


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("row", "message"),
    [
        ("UBND cấp huyện,A,94,,13,14", "Row 3, column “self_assessed”"),
        ("UBND cấp huyện,A,94,-1,13,14", "Row 3, column “self_assessed”"),
        ("UBND cấp huyện,A,94,80,13,14", "Row 3, column “self_assessed”"),
        ("UBND cấp huyện,A,94,abc,13,14", "Row 3, column “self_assessed”"),
        (",A,94,50,13,14", "Row 3, column “group”"),
        ("UBND cấp huyện,A,0,0,0,0", "Row 3, column “max_points”"),  # nothing to divide by
    ],
)
def test_a_bad_row_rejects_the_whole_file(tmp_path: Path, row: str, message: str) -> None:
    text = HEADER + "UBND cấp huyện,UBND huyện Long Phú,95,51.31,13.46,14.27\n" + row + "\n"
    with pytest.raises(CommandError) as error:
        call_command("import_results", write(tmp_path, text), year=2023)
    assert message.replace("Row", "") in str(error.value).replace("Dòng", "").replace(
        "cột", "column"
    )
    assert not ImportedResult.objects.exists() and not Unit.objects.exists()


@pytest.mark.django_db
def test_an_unknown_column_rejects_the_file(tmp_path: Path) -> None:
    text = "group,unit,max_points,self_assessed,survey_staff,survey_sipas,bonus\n"
    with pytest.raises(CommandError, match="bonus"):
        call_command("import_results", write(tmp_path, text + "G,U,94,50,13,14,1\n"), year=2023)
    assert not ImportedResult.objects.exists()


@pytest.mark.django_db
def test_an_xlsx_with_the_same_header_is_read(tmp_path: Path) -> None:
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    assert sheet is not None
    reader = csv.reader(io.StringIO(DEMO_COPY.read_text(encoding="utf-8")))
    for number, row in enumerate(reader):
        sheet.append(row if number == 0 else row[:2] + [float(v) for v in row[2:]])
    path = tmp_path / "results.xlsx"
    book.save(path)
    call_command("import_results", str(path), year=2023)
    assert ImportedResult.objects.filter(year=2023).count() == 11
