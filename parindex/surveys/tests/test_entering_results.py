"""Survey results entered by the administrator: every value parsed with bounds, a table
imported row by row and whole or not at all, a change made meanwhile never overwritten."""

from __future__ import annotations

import io
import time
import zipfile
from decimal import Decimal

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st
from openpyxl import Workbook, load_workbook

from parindex.conftest import Cast
from parindex.org.errors import Refused
from parindex.org.models import Unit
from parindex.surveys.models import MAX_RESPONDENTS, UnitSurveyResult
from parindex.surveys.services import (
    MAX_FILE_BYTES,
    MAX_ROWS,
    BadValue,
    SurveyChange,
    SurveyFileError,
    SurveyValue,
    parse_percent,
    parse_respondents,
    survey_results_import,
    survey_results_save,
    template_xlsx,
)

pytestmark = pytest.mark.django_db
HEADER = "unit,source,percent,respondents\n"


def units(cast: Cast) -> list[Unit]:
    return [cast.unit_a, cast.unit_b, cast.home_unit]


def stored() -> dict[tuple[str, str], tuple[Decimal, int]]:
    return {
        (r.unit.code, r.source): (r.percent, r.respondents)
        for r in UnitSurveyResult.objects.select_related("unit")
    }


def load(cast: Cast, text: str, name: str = "khao-sat.csv") -> object:
    return survey_results_import(
        year=2024, content=text.encode(), filename=name, units=units(cast), by=cast.admin
    )


# Values ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "value"),
    [
        ("87,5", Decimal("87.5")),
        ("87.5", Decimal("87.5")),
        (" 87,5 % ", Decimal("87.5")),
        ("100", Decimal(100)),
        ("0", Decimal(0)),
        ("66,6667", Decimal("66.6667")),
        (87.3, Decimal("87.3")),
        (90, Decimal(90)),
    ],
)
def test_a_percentage_as_people_write_it(raw: object, value: Decimal) -> None:
    assert parse_percent(raw) == value


@pytest.mark.parametrize(
    ("raw", "problem"),
    [
        ("1e9999999", "không phải là tỷ lệ"),
        ("9" * 5000, "không phải là tỷ lệ"),
        ("NaN", "không phải là tỷ lệ"),
        ("Infinity", "không phải là tỷ lệ"),
        ("-0,5", "không phải là tỷ lệ"),
        ("100,5", "phải là một số từ 0 đến 100"),
        ("100.00001", "tối đa 4 chữ số thập phân"),
        ("87,12345", "tối đa 4 chữ số thập phân"),
        (float("inf"), "phải là một số từ 0 đến 100"),
        (float("nan"), "phải là một số từ 0 đến 100"),
        (1e309, "phải là một số từ 0 đến 100"),
        pytest.param(10**5000, "phải là một số từ 0 đến 100", id="int-of-5000-digits"),
        (1e-300, "tối đa 4 chữ số thập phân"),
        (True, "phải là một số từ 0 đến 100"),
        (-1, "phải là một số từ 0 đến 100"),
    ],
)
def test_a_hostile_percentage_is_refused_quickly(raw: object, problem: str) -> None:
    started = time.perf_counter()
    with pytest.raises(BadValue, match=problem):
        parse_percent(raw)
    assert time.perf_counter() - started < 0.05


def test_a_spreadsheet_percentage_is_read_as_a_percentage() -> None:
    assert parse_percent(0.875, percent_format=True) == Decimal("87.5")
    with pytest.raises(BadValue):
        parse_percent(1.5, percent_format=True)  # 150 %


@pytest.mark.parametrize(
    ("raw", "count"),
    [("1889", 1889), ("1.889", 1889), ("1 000 000", 1_000_000), (12.0, 12), (0, 0)],
)
def test_respondents_as_people_write_them(raw: object, count: int) -> None:
    assert parse_respondents(raw) == count


@pytest.mark.parametrize(
    "raw", ["12.5", "12,5", "-1", "1000001", "1e9999999", "9" * 5000, 3.5, 1e309, -1, True, "x"]
)
def test_hostile_respondents_are_refused(raw: object) -> None:
    with pytest.raises(BadValue, match="số nguyên"):
        parse_respondents(raw)
    assert MAX_RESPONDENTS == 1_000_000


@settings(max_examples=300, deadline=200)
@example(Decimal("16.68610"))  # four places once its trailing zero is dropped
@given(st.one_of(st.text(max_size=60), st.floats(), st.integers(), st.decimals()))
def test_any_value_is_a_bounded_percentage_or_refused(raw: object) -> None:
    try:
        value = parse_percent(raw)
    except BadValue:
        return
    assert Decimal(0) <= value <= Decimal(100)
    exponent = value.as_tuple().exponent
    assert isinstance(exponent, int) and exponent >= -4


# Importing a table ----------------------------------------------------------------------


def test_a_table_is_imported_by_unit_code_or_name(cast: Cast) -> None:
    outcome = load(
        cast,
        HEADER
        + 'so-tu-phap,sipas,"87,5",120\n'
        + "Sở Tư pháp,staff,80,60\n"
        + "  sở  y tế ,SIPAS,90.25,1.889\n"
        + "Sở Nội vụ,staff,,\n",
    )
    assert outcome == type(outcome)(written=3, unchanged=0, skipped=1)
    assert stored() == {
        ("so-tu-phap", "sipas"): (Decimal("87.5"), 120),
        ("so-tu-phap", "staff"): (Decimal(80), 60),
        ("so-y-te", "sipas"): (Decimal("90.25"), 1889),
    }
    row = UnitSurveyResult.objects.get(unit=cast.unit_a, source="sipas")
    assert row.entered_by == cast.admin and row.entered_at is not None
    again = load(cast, HEADER + "so-tu-phap,sipas,87.5,120\nso-tu-phap,staff,81,60\n")
    assert (again.written, again.unchanged) == (1, 1)  # type: ignore[attr-defined]


def test_a_semicolon_table_as_excel_writes_it_in_vietnamese(cast: Cast) -> None:
    load(cast, "unit;source;percent;respondents\nso-y-te;staff;77,5;40\n")
    assert stored() == {("so-y-te", "staff"): (Decimal("77.5"), 40)}


def xlsx(rows: list[list[object]], percent_cells: bool = False) -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.append(["unit", "source", "percent", "respondents"])
    for row in rows:
        sheet.append(row)
        if percent_cells:
            sheet.cell(row=sheet.max_row, column=3).number_format = "0.00%"
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def test_an_excel_table_and_its_percent_cells(cast: Cast) -> None:
    content = xlsx([["so-tu-phap", "sipas", 0.875, 120], ["so-y-te", "staff", 0.9, 30]], True)
    survey_results_import(
        year=2024, content=content, filename="ks.xlsx", units=units(cast), by=cast.admin
    )
    assert stored() == {
        ("so-tu-phap", "sipas"): (Decimal("87.5"), 120),
        ("so-y-te", "staff"): (Decimal(90), 30),
    }


@pytest.mark.parametrize(
    ("line", "message"),
    [
        ("so-xay-dung,sipas,80,10", "Dòng 3, cột “unit”: không có đơn vị nào của kỳ đánh giá"),
        ("so-y-te,citizens,80,10", "Dòng 3, cột “source”: nguồn phải là “sipas” hoặc “staff”"),
        ("so-y-te,sipas,101,10", "Dòng 3, cột “percent”: tỷ lệ phần trăm phải là một số từ 0"),
        ("so-y-te,sipas,1e9999999,10", "Dòng 3, cột “percent”: “1e9999999” không phải"),
        ("so-y-te,sipas,80,-3", "Dòng 3, cột “respondents”: số phiếu phải là số nguyên"),
        ("so-y-te,sipas,,10", "Dòng 3, cột “percent”: "),
        ("so-tu-phap,sipas,70,10", "Dòng 3, cột “unit”: Sở Tư pháp đã có kết quả sipas ở dòng 2"),
    ],
)
def test_a_bad_row_rejects_the_whole_file_naming_row_and_column(
    cast: Cast, line: str, message: str
) -> None:
    with pytest.raises(SurveyFileError) as refused:
        load(cast, HEADER + "so-tu-phap,sipas,80,10\n" + line + "\n")
    assert message in refused.value.message
    assert not UnitSurveyResult.objects.exists()  # the good first row is not kept either


@pytest.mark.parametrize(
    ("content", "name", "message"),
    [
        (b"unit,source,percent\nso-y-te,sipas,80\n", "a.csv", "Thiếu cột “respondents”"),
        (b"unit,source,percent,respondents,note\n", "a.csv", "“note”"),
        (b"unit,unit,source,percent,respondents\n", "a.csv", "hai lần"),
        ("unit,source".encode("utf-16"), "a.csv", "UTF-8"),
        (b"PK\x03\x04 not a workbook", "a.xlsx", "Excel"),
        (b"%PDF-1.7", "a.pdf", ".csv hoặc .xlsx"),
        (HEADER.encode(), "a.csv", "không có kết quả nào"),
        (b"x" * (MAX_FILE_BYTES + 1), "a.csv", "lớn hơn"),
        # An unquoted decimal comma splits the percent in two: 87 %, 5 respondents, 40 lost.
        (HEADER.encode() + b"so-y-te,sipas,87,5,40\n", "a.csv", "Dòng 2 có nhiều giá trị hơn"),
    ],
)
def test_a_file_that_is_not_a_survey_table_is_refused(
    cast: Cast, content: bytes, name: str, message: str
) -> None:
    with pytest.raises(SurveyFileError) as refused:
        survey_results_import(
            year=2024, content=content, filename=name, units=units(cast), by=cast.admin
        )
    assert message.lower() in refused.value.message.lower()


def test_a_value_beyond_the_named_columns_of_a_sheet_is_refused(cast: Cast) -> None:
    content = xlsx([["so-y-te", "sipas", 87, 5, 40]])
    with pytest.raises(SurveyFileError, match="Dòng 2 có giá trị ở cột không có tên"):
        survey_results_import(
            year=2024, content=content, filename="a.xlsx", units=units(cast), by=cast.admin
        )
    assert not UnitSurveyResult.objects.exists()


def test_rows_and_unpacked_sizes_are_bounded(cast: Cast) -> None:
    many = HEADER + "".join(f"so-y-te,sipas,80,{n}\n" for n in range(MAX_ROWS + 1))
    with pytest.raises(SurveyFileError, match=str(MAX_ROWS)):
        load(cast, many)
    bomb = io.BytesIO()
    with zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/worksheets/sheet1.xml", b"0" * (30 * 1024 * 1024))
    with pytest.raises(SurveyFileError, match="giải nén"):
        survey_results_import(
            year=2024, content=bomb.getvalue(), filename="a.xlsx", units=units(cast), by=cast.admin
        )


def test_a_name_two_units_share_must_be_given_as_a_code(cast: Cast) -> None:
    twin = Unit.objects.create(code="so-y-te-2", name="Sở Y tế", group=cast.departments)
    with pytest.raises(SurveyFileError, match="hãy ghi mã đơn vị"):
        survey_results_import(
            year=2024,
            content=(HEADER + "Sở Y tế,sipas,80,10\n").encode(),
            filename="a.csv",
            units=[*units(cast), twin],
            by=cast.admin,
        )


def test_the_template_lists_the_units_and_imports_back_unchanged(cast: Cast) -> None:
    load(cast, HEADER + "so-tu-phap,sipas,87.5,120\n")
    rows = [
        (cast.unit_a, "sipas", SurveyValue(Decimal("87.5"), 120)),
        (cast.unit_a, "staff", None),
        (cast.unit_b, "sipas", None),
    ]
    content = template_xlsx(rows)
    sheet = load_workbook(io.BytesIO(content)).active
    assert [[c.value for c in row] for row in sheet.iter_rows()] == [
        ["unit", "source", "percent", "respondents"],
        ["Sở Tư pháp", "sipas", 87.5, 120],
        ["Sở Tư pháp", "staff", None, None],
        ["Sở Y tế", "sipas", None, None],
    ]
    outcome = survey_results_import(
        year=2024, content=content, filename="khao-sat.xlsx", units=units(cast), by=cast.admin
    )
    assert (outcome.written, outcome.unchanged, outcome.skipped) == (0, 1, 2)


# Saving from the page ---------------------------------------------------------------------


def test_changes_are_saved_and_a_change_made_meanwhile_is_not_overwritten(cast: Cast) -> None:
    typed = SurveyValue(Decimal("88"), 100)
    assert (
        survey_results_save(
            year=2024,
            changes=[SurveyChange(cast.unit_a, "sipas", None, typed)],
            by=cast.admin,
        )
        == 1
    )
    # Someone else's page still shows no result: theirs is refused, ours stays.
    with pytest.raises(Refused, match="Sở Tư pháp"):
        survey_results_save(
            year=2024,
            changes=[
                SurveyChange(cast.unit_b, "sipas", None, SurveyValue(Decimal(70), 5)),
                SurveyChange(cast.unit_a, "sipas", None, SurveyValue(Decimal(10), 5)),
            ],
            by=cast.admin,
        )
    assert stored() == {("so-tu-phap", "sipas"): (Decimal(88), 100)}  # nothing of the refused
    survey_results_save(
        year=2024, changes=[SurveyChange(cast.unit_a, "sipas", typed, None)], by=cast.admin
    )
    assert stored() == {}  # emptied: removed
