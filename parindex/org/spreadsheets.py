"""Text in the spreadsheets parindex writes stays text (formula injection).

A unit's name, a note or a criterion's guidance that starts with `=`, `+`, `-` or `@`
(or a tab or carriage return) would be a formula to Excel: openpyxl itself turns a
string starting with `=` into one, and a spreadsheet program evaluates the others once
someone edits the cell. Every cell of every export goes through `neutralise`: such text
is stored as a string with Excel's quote prefix (what typing an apostrophe before it
does), so that it shows and reads back exactly as written, never as a formula. Numbers
stay numbers, negative ones included.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def is_formula_like(value: object) -> bool:
    return isinstance(value, str) and value.startswith(FORMULA_STARTS)


def neutralise(cell: Any) -> Any:
    """The cell, its text kept as text if a spreadsheet would read it as a formula."""
    if is_formula_like(cell.value):
        cell.data_type = "s"
        cell.quotePrefix = True
    return cell


def safe_row(sheet: Any, values: Iterable[Any]) -> list[Any]:
    """A write-only sheet's row of cells with every value neutralised, for `sheet.append`."""
    from openpyxl.cell import WriteOnlyCell

    return [neutralise(WriteOnlyCell(sheet, value=value)) for value in values]
