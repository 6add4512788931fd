"""export_results gives back interchange.md's JSON and the published tables."""

from __future__ import annotations

import csv
import json
from decimal import Decimal
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from openpyxl import load_workbook

from parindex.conftest import DEMO_DATA

pytestmark = pytest.mark.django_db


def exported(year: int = 2023) -> dict:  # type: ignore[type-arg]
    out = StringIO()
    call_command("export_results", year=year, stdout=out)
    return json.loads(out.getvalue())


def test_import_then_export_reproduces_the_published_table() -> None:
    call_command("import_results", str(DEMO_DATA / "results-2023-districts.csv"), year=2023)
    document = exported()
    assert set(document) == {"year", "units", "groups", "overall"}
    expected = {
        row["unit"]: row
        for row in csv.DictReader(
            (DEMO_DATA / "results-2023-districts.expected.csv").open(encoding="utf-8")
        )
    }
    assert len(document["units"]) == 11
    for unit in document["units"]:
        assert set(unit) == {
            "group",
            "unit",
            "max_points",
            "self_assessed",
            "survey_staff",
            "survey_sipas",
            "total",
            "index_pct",
            "rank",
            "rank_of",
            "band",
        }
        row = expected[unit["unit"]]
        assert abs(Decimal(str(unit["index_pct"])) - Decimal(row["index_pct"])) <= Decimal("0.02")
        assert unit["rank"] == int(row["rank"]) and unit["rank_of"] == 11
    first = document["units"][0]
    assert first == {
        "group": "UBND cấp huyện",
        "unit": "UBND huyện Mỹ Xuyên",
        "max_points": 94.0,
        "self_assessed": 51.34,
        "survey_staff": 13.13,
        "survey_sipas": 14.34,
        "total": 78.81,
        "index_pct": 83.84,
        "rank": 1,
        "rank_of": 11,
        "band": 2,
    }
    (group,) = document["groups"]
    assert group["average_pct"] == 77.08 and group["units"] == 11
    assert group["highest"] == {"unit": "UBND huyện Mỹ Xuyên", "index_pct": 83.84}
    assert group["lowest"]["unit"] == "UBND thị xã Vĩnh Châu"
    assert abs(group["gap_pct"] - 14.78) <= 0.02
    assert document["overall"] == {
        "units": 11,
        "average_pct": 77.08,
        "bands": {"1": 0, "2": 2, "3": 9, "4": 0, "5": 0},
    }


def test_the_published_tables_open_again_in_excel(tmp_path: Path) -> None:
    call_command("import_results", str(DEMO_DATA / "results-2023-districts.csv"), year=2023)
    target = tmp_path / "2023.xlsx"
    call_command("export_results", year=2023, format="xlsx", out=str(target))
    book = load_workbook(target)
    sheet = book["UBND cấp huyện"]
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][1] == "Đơn vị" and rows[1] == (1, 2, 3, 4, 5, 6, 7, 8)
    assert rows[2][:2] == (1, "UBND huyện Mỹ Xuyên") and rows[2][6] == 78.81
    assert round(rows[2][7], 6) == 0.8384
    assert rows[-1][1] == "TRUNG BÌNH" and round(rows[-1][7], 6) == 0.7708
    assert sheet.cell(row=3, column=8).number_format == "0.00%"


def test_a_year_without_results_is_refused() -> None:
    with pytest.raises(CommandError, match="2019"):
        exported(2019)
