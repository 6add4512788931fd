"""Writing result tables into Excel sheets: write-only mode (thousands of rows), Vietnamese
number formats, the header in bold."""

from __future__ import annotations

from decimal import Decimal
from io import BytesIO
from typing import Any

from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, Side
from openpyxl.utils import get_column_letter

from parindex.org.spreadsheets import neutralise

POINTS = "0.00"
PERCENT = "0.00%"


def sheet_title(name: str) -> str:
    """Excel refuses []:*?/\\ in sheet titles and more than 31 characters."""
    cleaned = "".join(" " if ch in "[]:*?/\\" else ch for ch in name).strip()
    return cleaned[:31] or "Sheet"


GRID = Border(*[Side(style="thin")] * 4)


def write_rows(
    sheet: Any,
    rows: list[list[Any]],
    widths: list[int],
    formats: list[str],
    *,
    first: int,
    header_rows: int = 1,
    grid: bool = False,
    wrap: bool = False,
) -> None:
    """Rows into a write-only sheet: the header (its first `header_rows` rows) bold and
    wrapped, number formats from the column `first` (0-based) on, below the header; with
    `grid`, every cell bordered as a printed table is; with `wrap`, long texts wrapped
    below the header too."""
    from openpyxl.cell import WriteOnlyCell

    for letter_index, width in enumerate(widths, start=1):
        sheet.column_dimensions[get_column_letter(letter_index)].width = width
    for number, row in enumerate(rows):
        cells = []
        for column, value in enumerate(row):
            cell = neutralise(WriteOnlyCell(sheet, value=value))
            if number < header_rows:
                cell.font = Font(bold=True)
                cell.alignment = Alignment(wrap_text=True, vertical="top")
            else:
                if first <= column < first + len(formats) and isinstance(value, Decimal | float):
                    cell.number_format = formats[column - first]
                if wrap:
                    cell.alignment = Alignment(wrap_text=isinstance(value, str), vertical="top")
            if grid:
                cell.border = GRID
            cells.append(cell)
        sheet.append(cells)


def save_book(book: Workbook) -> bytes:
    buffer = BytesIO()
    book.save(buffer)
    return buffer.getvalue()
