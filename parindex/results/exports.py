"""Results in the shapes of shared/docs/interchange.md (the JSON document and the published
tables), and every other results table as an Excel workbook.

Figures are written as published: rounded by `scoring.numbers.publish`, never summed or
averaged here.
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal
from io import BytesIO
from typing import Any

from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter

from parindex.scoring.numbers import publish

from .selectors import UnitPage, YearResults


def _number(value: Decimal) -> float:
    """A published figure as a JSON number (two decimals at most, exact in a float's repr)."""
    return float(publish(value))


def cycle_to_json(results: YearResults) -> dict[str, Any]:
    cycle = results.cycle
    units = []
    for ranked in cycle.units:
        result = ranked.result
        units.append(
            {
                "group": results.groups[result.group].name,
                "unit": results.units[result.unit].name,
                "max_points": _number(result.max_points),
                "self_assessed": _number(result.self_assessed),
                "survey_staff": _number(result.survey_staff),
                "survey_sipas": _number(result.survey_sipas),
                "total": _number(result.total),
                "index_pct": _number(result.index_pct),
                "rank": ranked.rank,
                "rank_of": ranked.rank_of,
                "band": ranked.band,
            }
        )
        if result.fields:  # computed by parindex: every field with its maximum
            units[-1]["fields"] = {
                code: {
                    "points": _number(result.nodes[code].points),
                    "max": _number(result.nodes[code].max_points),
                    "pct": _number(pct) if (pct := result.nodes[code].pct) is not None else None,
                }
                for code in result.fields
            }
    groups = []
    for code, summary in cycle.groups.items():
        extremes = summary.extremes
        groups.append(
            {
                "group": results.groups[code].name,
                "units": summary.units,
                "average_pct": _number(summary.average_pct),
                "highest": {
                    "unit": results.units[extremes.highest[0]].name,
                    "index_pct": _number(extremes.highest_pct),
                },
                "lowest": {
                    "unit": results.units[extremes.lowest[0]].name,
                    "index_pct": _number(extremes.lowest_pct),
                },
                "gap_pct": _number(extremes.gap_pct),
            }
        )
    return {
        "year": results.year,
        "units": units,
        "groups": groups,
        "overall": {
            "units": len(cycle.units),
            "average_pct": _number(cycle.average_pct),
            "bands": {str(number): count for number, count in sorted(cycle.bands.items())},
        },
    }


HEADERS = (
    "STT",
    "Đơn vị",
    "Điểm chuẩn tối đa",
    "Điểm tự đánh giá",
    "Khảo sát CBCCVC",
    "Chỉ số SIPAS",
    "Tổng điểm đạt được = (4)+(5)+(6)",
    "Chỉ số",
)
POINTS = "0.00"
PERCENT = "0.00%"


def cycle_to_xlsx(results: YearResults) -> bytes:
    """The published tables: one sheet per group, columns 1-8, and the group's average."""
    book = Workbook(write_only=True)
    for code, summary in results.cycle.groups.items():
        sheet = book.create_sheet(title=_sheet_title(results.groups[code].name))
        rows: list[list[Any]] = [list(HEADERS), list(range(1, 9))]
        for number, ranked in enumerate(results.members(code), start=1):
            result = ranked.result
            rows.append(
                [
                    number,
                    results.units[result.unit].name,
                    publish(result.max_points),
                    publish(result.self_assessed),
                    publish(result.survey_staff),
                    publish(result.survey_sipas),
                    publish(result.total),
                    result.index_pct / 100,
                ]
            )
        rows.append([None, "TRUNG BÌNH", None, None, None, None, None, summary.average_pct / 100])
        _write(sheet, rows, [6, 40, 12, 12, 12, 12, 16, 10], [POINTS] * 5 + [PERCENT], first=2)
    return _save(book)


def fields_to_xlsx(results: YearResults) -> bytes:
    """Points (and % where the maxima are known) per field, one sheet per group."""
    book = Workbook(write_only=True)
    for code, summary in results.cycle.groups.items():
        sheet = book.create_sheet(title=_sheet_title(results.groups[code].name))
        fields = results.field_codes(code)
        titles = results.field_titles(code)
        with_pct = bool(summary.field_averages)
        header: list[Any] = ["STT", _("Unit")]
        formats: list[str] = []
        for field_code in fields:
            header.append(f"{field_code}. {titles.get(field_code, '')}".strip(". "))
            formats.append(POINTS)
            if with_pct:
                header.append(f"{field_code} (%)")
                formats.append(PERCENT)
        rows: list[list[Any]] = [header]
        for number, ranked in enumerate(results.members(code), start=1):
            result = ranked.result
            row: list[Any] = [number, results.units[result.unit].name]
            for field_code in fields:
                points = result.field_points(field_code)
                row.append(publish(points) if points is not None else None)
                if with_pct:
                    pct = result.field_pct(field_code)
                    row.append(publish(pct) / 100 if pct is not None else None)
            rows.append(row)
        average: list[Any] = [None, "TRUNG BÌNH"]
        for field_code in fields:
            average.append(summary.field_point_averages.get(field_code))
            if with_pct:
                pct = summary.field_averages.get(field_code)
                average.append(pct / 100 if pct is not None else None)
        rows.append(average)
        _write(sheet, rows, [6, 40] + [14] * (len(header) - 2), formats, first=2)
    return _save(book)


def unit_to_xlsx(page: UnitPage) -> bytes:
    """A unit's fields against its group, and its earlier years."""
    book = Workbook(write_only=True)
    sheet = book.create_sheet(title=_sheet_title(_("Fields")))
    rows: list[list[Any]] = [
        [
            _("Field"),
            _("Points"),
            _("Max points"),
            _("Field %"),
            _("Group average %"),
            _("Difference"),
            _("Group average (points)"),
        ]
    ]
    for figure in page.fields:
        rows.append(
            [
                f"{figure.code}. {page.titles.get(figure.code, '')}".strip(". "),
                publish(figure.points) if figure.points is not None else None,
                publish(figure.max_points) if figure.max_points is not None else None,
                figure.pct / 100 if figure.pct is not None else None,
                figure.group_average_pct / 100 if figure.group_average_pct is not None else None,
                figure.versus_group_pct / 100 if figure.versus_group_pct is not None else None,
                figure.group_average_points,
            ]
        )
    _write(
        sheet,
        rows,
        [50, 10, 10, 12, 14, 12, 14],
        [POINTS, POINTS, PERCENT, PERCENT, PERCENT, POINTS],
        first=1,
    )
    sheet = book.create_sheet(title=_sheet_title(_("Years")))
    rows = [
        [
            _("Year"),
            _("Group"),
            _("Index"),
            _("Rank"),
            _("Band"),
            _("Group average"),
            _("Change"),
        ]
    ]
    for entry in page.years:
        moved = entry.change.index_pct
        rows.append(
            [
                entry.year,
                entry.group_name,
                entry.ranked.result.index_pct / 100,
                f"{entry.ranked.rank}/{entry.ranked.rank_of}",
                entry.ranked.band,
                entry.summary.average_pct / 100,
                moved / 100 if moved is not None else None,
            ]
        )
    _write(sheet, rows, [8, 34, 10, 10, 8, 14, 10], [PERCENT, "@", "0", PERCENT, PERCENT], first=2)
    return _save(book)


def table_to_xlsx(title: str, header: Sequence[str], rows: Sequence[Sequence[Any]]) -> bytes:
    """A plain table (targets, national results): one sheet, the header in bold."""
    book = Workbook(write_only=True)
    sheet = book.create_sheet(title=_sheet_title(title))
    _write(sheet, [list(header), *[list(row) for row in rows]], [], [], first=len(header))
    return _save(book)


def _sheet_title(name: str) -> str:
    """Excel refuses []:*?/\\ in sheet titles and more than 31 characters."""
    cleaned = "".join(" " if ch in "[]:*?/\\" else ch for ch in name).strip()
    return cleaned[:31] or "Sheet"


def _write(
    sheet: Any, rows: list[list[Any]], widths: list[int], formats: list[str], *, first: int
) -> None:
    """Rows into a write-only sheet: the header bold and wrapped, number formats from the
    column `first` (0-based) on, from the second row on."""
    from openpyxl.cell import WriteOnlyCell

    for letter_index, width in enumerate(widths, start=1):
        sheet.column_dimensions[get_column_letter(letter_index)].width = width
    for number, row in enumerate(rows):
        cells = []
        for column, value in enumerate(row):
            cell = WriteOnlyCell(sheet, value=value)
            if number == 0:
                cell.font = Font(bold=True)
                cell.alignment = Alignment(wrap_text=True, vertical="top")
            elif first <= column < first + len(formats) and isinstance(value, Decimal | float):
                cell.number_format = formats[column - first]
            cells.append(cell)
        sheet.append(cells)


def _save(book: Workbook) -> bytes:
    buffer = BytesIO()
    book.save(buffer)
    return buffer.getvalue()
