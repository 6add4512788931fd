"""Numbers in results tables and in the results forms are bounded before they are stored or
looped over: a published figure has two decimals and stays below 100 000, a year lies
between 2000 and 2100. Refused with the row, the column and why."""

from __future__ import annotations

import io
import time
import zipfile
from typing import Any

import pytest
from django.urls import reverse

from parindex.conftest import Cast
from parindex.results.history import (
    ResultsFileError,
    national_results_import,
    parse_rows,
    read_table,
)
from parindex.results.models import NationalResult, Target

ROW = {
    "group": "UBND cấp huyện",
    "unit": "UBND huyện Mỹ Xuyên",
    "max_points": "94",
    "self_assessed": "51,34",
    "survey_staff": "13,13",
    "survey_sipas": "14,34",
}


@pytest.mark.parametrize(
    ("column", "value", "problem"),
    [
        ("self_assessed", "1e9999999", "“1e9999999” quá lớn đối với một số liệu đã công bố"),
        ("max_points", "1e309", "“1e309” quá lớn đối với một số liệu đã công bố"),
        ("max_points", "123456", "“123456” quá lớn đối với một số liệu đã công bố"),
        ("field:1", "1e5000", "“1e5000” quá lớn đối với một số liệu đã công bố"),
        ("survey_staff", "13,134", "“13,134” có quá hai chữ số thập phân"),
        ("survey_sipas", "1e-9999999", "“1e-9999999” có quá hai chữ số thập phân"),
        ("survey_sipas", "9" * 5000, "quá lớn đối với một số liệu đã công bố"),
    ],
)
def test_a_figure_no_table_publishes_is_refused_naming_row_and_column(
    column: str, value: str, problem: str
) -> None:
    started = time.monotonic()
    with pytest.raises(ResultsFileError) as refused:
        parse_rows([{**ROW, column: value}])
    assert time.monotonic() - started < 1
    assert refused.value.message.startswith(f"Dòng 2, cột “{column}”: ")
    assert problem in refused.value.message
    assert len(refused.value.message) < 200


def test_an_excel_table_that_unpacks_into_gigabytes_is_not_read() -> None:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/worksheets/sheet1.xml", b" " * (40 * 1024 * 1024))
    with pytest.raises(ResultsFileError, match="giải nén"):
        read_table(buffer.getvalue(), "ket-qua.xlsx")


@pytest.mark.django_db
@pytest.mark.parametrize("year", ["9" * 5000, "²", "20245", "1999"])
def test_a_national_year_outside_the_years_is_refused(year: str) -> None:
    row = {"year": year, "index_pct": "85,19", "rank": "19", "rank_of": "63"}
    with pytest.raises(ResultsFileError, match="Dòng 2, cột “year”"):
        national_results_import(rows=[row], by=None)
    assert not NationalResult.objects.exists()


@pytest.mark.django_db
def test_a_goal_or_a_national_result_speaks_of_years_2000_to_2100(cast: Cast) -> None:
    client = cast.client(cast.admin)
    goal: dict[str, Any] = {
        "title": "Trong nhóm 15 tỉnh dẫn đầu",
        "kind": "national_rank_at_most",
        "value": "15",
        "first_year": "2025",
        "last_year": "2147483647",  # once a loop over two billion years on every page
    }
    page = client.post(reverse("results:target_new"), goal).content.decode()
    assert "Vui lòng nhập năm từ 2000 đến 2100." in page
    assert not Target.objects.exists()
    national = {"year": "99999", "index_pct": "85,19", "rank": "19", "rank_of": "63"}
    page = client.post(reverse("results:national_new"), national).content.decode()
    assert "Vui lòng nhập năm từ 2000 đến 2100." in page
    assert not NationalResult.objects.exists()
