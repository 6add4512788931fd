"""Results in the shapes of shared/docs/interchange.md: the JSON document and the tables."""

from __future__ import annotations

from decimal import Decimal
from io import BytesIO
from typing import Any

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font

from parindex.scoring.engine import CycleResult
from parindex.scoring.numbers import publish


def _number(value: Decimal) -> float:
    """A published figure as a JSON number (two decimals at most, exact in a float's repr)."""
    return float(publish(value))


def cycle_to_json(year: int, cycle: CycleResult) -> dict[str, Any]:
    units = []
    for ranked in cycle.units:
        result = ranked.result
        units.append(
            {
                "group": result.group,
                "unit": result.unit,
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
        if result.fields:
            units[-1]["fields"] = {
                code: {
                    "points": _number(result.nodes[code].points),
                    "max": _number(result.nodes[code].max_points),
                    "pct": _number(pct) if (pct := result.nodes[code].pct) is not None else None,
                }
                for code in result.fields
            }
    groups = []
    for summary in cycle.groups.values():
        extremes = summary.extremes
        groups.append(
            {
                "group": summary.group,
                "units": summary.units,
                "average_pct": _number(summary.average_pct),
                "highest": {
                    "unit": extremes.highest[0],
                    "index_pct": _number(extremes.highest_pct),
                },
                "lowest": {"unit": extremes.lowest[0], "index_pct": _number(extremes.lowest_pct)},
                "gap_pct": _number(extremes.gap_pct),
            }
        )
    return {
        "year": year,
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


def cycle_to_xlsx(cycle: CycleResult) -> bytes:
    """The published tables: one sheet per group, columns 1-8, and the group's average."""
    book = Workbook(write_only=True)
    for group, summary in cycle.groups.items():
        sheet = book.create_sheet(title=group[:31])
        sheet.append(list(HEADERS))
        sheet.append(list(range(1, 9)))
        members = [ranked for ranked in cycle.units if ranked.result.group == group]
        for number, ranked in enumerate(members, start=1):
            result = ranked.result
            sheet.append(
                [
                    number,
                    result.unit,
                    publish(result.max_points),
                    publish(result.self_assessed),
                    publish(result.survey_staff),
                    publish(result.survey_sipas),
                    publish(result.total),
                    publish(result.index_pct) / 100,
                ]
            )
        sheet.append([None, "TRUNG BÌNH", None, None, None, None, None, summary.average_pct / 100])
    buffer = BytesIO()
    book.save(buffer)
    return _style(buffer.getvalue())


def _style(content: bytes) -> bytes:
    """Number formats and widths (write-only sheets cannot be styled cell by cell cheaply)."""
    from openpyxl import load_workbook

    book = load_workbook(BytesIO(content))
    for sheet in book.worksheets:
        for cell in sheet[1]:
            cell.font = Font(bold=True)
            cell.alignment = Alignment(wrap_text=True, vertical="top")
        for row in sheet.iter_rows(min_row=3):
            for cell in row[2:7]:
                cell.number_format = "0.00"
            row[7].number_format = "0.00%"
        sheet[sheet.max_row][1].font = Font(bold=True)
        for letter, width in zip("ABCDEFGH", (6, 40, 12, 12, 12, 12, 16, 10), strict=True):
            sheet.column_dimensions[letter].width = width
    buffer = BytesIO()
    book.save(buffer)
    return buffer.getvalue()
