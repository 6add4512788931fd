"""The results interchange contract (shared/docs/interchange.md), kept apart from the pages'
downloads: other tools read these shapes, so they change only with the contract.

The columns are data: `IMPORT_COLUMNS` are those `import_results` reads, `UNIT_FIGURES`
the figures a unit's row carries, in the JSON document and in the published tables alike.
Figures are written as published: rounded by `scoring.numbers.publish`, never summed or
averaged here.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from openpyxl import Workbook

from parindex.scoring.engine import RankedUnit
from parindex.scoring.numbers import publish

from .selectors import YearResults
from .sheets import PERCENT, POINTS, save_book, sheet_title, write_rows

# What import_results reads: these columns, then optional `field:<n>` ones and the
# optional published figures, which stand for the recomputed ones where given.
IMPORT_COLUMNS = ("group", "unit", "max_points", "self_assessed", "survey_staff", "survey_sipas")
IMPORT_NUMBERS = IMPORT_COLUMNS[2:]
OPTIONAL_COLUMNS = ("total", "index_pct")
FIELD_COLUMN = "field:"


@dataclass(frozen=True)
class Figure:
    key: str  # in the JSON document
    header: str  # in the published table, as the province prints it
    value: Callable[[RankedUnit], Decimal]
    number_format: str = POINTS


UNIT_FIGURES: tuple[Figure, ...] = (
    Figure("max_points", "Điểm chuẩn tối đa", lambda r: r.result.max_points),
    Figure("self_assessed", "Điểm tự đánh giá", lambda r: r.result.self_assessed),
    Figure("survey_staff", "Khảo sát CBCCVC", lambda r: r.result.survey_staff),
    Figure("survey_sipas", "Chỉ số SIPAS", lambda r: r.result.survey_sipas),
    Figure("total", "Tổng điểm đạt được = (4)+(5)+(6)", lambda r: r.result.total),
    Figure("index_pct", "Chỉ số", lambda r: r.result.index_pct, PERCENT),
)
TABLE_HEADERS = ("STT", "Đơn vị", *(figure.header for figure in UNIT_FIGURES))


def json_number(value: Decimal) -> float:
    """A published figure as a JSON number (two decimals at most, exact in a float's repr)."""
    return float(publish(value))


def cycle_to_json(results: YearResults) -> dict[str, Any]:
    """The export document of interchange.md."""
    cycle = results.cycle
    units = []
    for ranked in cycle.units:
        result = ranked.result
        unit: dict[str, Any] = {
            "group": results.groups[result.group].name,
            "unit": results.units[result.unit].name,
        }
        unit.update({figure.key: json_number(figure.value(ranked)) for figure in UNIT_FIGURES})
        unit.update({"rank": ranked.rank, "rank_of": ranked.rank_of, "band": ranked.band})
        if result.fields:  # computed by parindex: every field with its maximum
            unit["fields"] = {
                code: {
                    "points": json_number(result.nodes[code].points),
                    "max": json_number(result.nodes[code].max_points),
                    "pct": json_number(pct)
                    if (pct := result.nodes[code].pct) is not None
                    else None,
                }
                for code in result.fields
            }
        units.append(unit)
    groups = []
    for code, summary in cycle.groups.items():
        extremes = summary.extremes
        groups.append(
            {
                "group": results.groups[code].name,
                "units": summary.units,
                "average_pct": json_number(summary.average_pct),
                "highest": {
                    "unit": results.units[extremes.highest[0]].name,
                    "index_pct": json_number(extremes.highest_pct),
                },
                "lowest": {
                    "unit": results.units[extremes.lowest[0]].name,
                    "index_pct": json_number(extremes.lowest_pct),
                },
                "gap_pct": json_number(extremes.gap_pct),
            }
        )
    return {
        "year": results.year,
        "units": units,
        "groups": groups,
        "overall": {
            "units": len(cycle.units),
            "average_pct": json_number(cycle.average_pct),
            "bands": {str(number): count for number, count in sorted(cycle.bands.items())},
        },
    }


def cycle_to_xlsx(results: YearResults) -> bytes:
    """The published tables: one sheet per group, columns 1-8, and the group's average."""
    book = Workbook(write_only=True)
    for code, summary in results.cycle.groups.items():
        sheet = book.create_sheet(title=sheet_title(results.groups[code].name))
        rows: list[list[Any]] = [list(TABLE_HEADERS), list(range(1, len(TABLE_HEADERS) + 1))]
        for number, ranked in enumerate(results.members(code), start=1):
            rows.append(
                [
                    number,
                    results.units[ranked.result.unit].name,
                    *figure_cells(ranked, UNIT_FIGURES),
                ]
            )
        average: list[Any] = [None, "TRUNG BÌNH", *[None] * (len(UNIT_FIGURES) - 1)]
        rows.append([*average, summary.average_pct / 100])
        write_rows(
            sheet,
            rows,
            [6, 40, 12, 12, 12, 12, 16, 10],
            [figure.number_format for figure in UNIT_FIGURES],
            first=2,
        )
    return save_book(book)


def figure_cells(ranked: RankedUnit, figures: tuple[Figure, ...]) -> list[Decimal]:
    """A unit's figures as a sheet's cells: points as published, percentages (already
    published) as Excel's fractions."""
    cells = []
    for figure in figures:
        value = figure.value(ranked)
        cells.append(value / 100 if figure.number_format == PERCENT else publish(value))
    return cells
