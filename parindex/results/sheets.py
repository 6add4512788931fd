"""Writing result tables into Excel sheets: write-only mode (thousands of rows), Vietnamese
number formats, the header in bold."""

from __future__ import annotations

from decimal import Decimal
from io import BytesIO
from typing import Any

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter

from parindex.org.spreadsheets import neutralise

POINTS = "0.00"
PERCENT = "0.00%"


def sheet_title(name: str) -> str:
    """Excel refuses []:*?/\\ in sheet titles and more than 31 characters."""
    cleaned = "".join(" " if ch in "[]:*?/\\" else ch for ch in name).strip()
    return cleaned[:31] or "Sheet"


def write_rows(
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
            cell = neutralise(WriteOnlyCell(sheet, value=value))
            if number == 0:
                cell.font = Font(bold=True)
                cell.alignment = Alignment(wrap_text=True, vertical="top")
            elif first <= column < first + len(formats) and isinstance(value, Decimal | float):
                cell.number_format = formats[column - first]
            cells.append(cell)
        sheet.append(cells)


def save_book(book: Workbook) -> bytes:
    buffer = BytesIO()
    book.save(buffer)
    return buffer.getvalue()
