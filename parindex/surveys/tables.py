"""Reading a table a person uploads (a UTF-8 CSV or an .xlsx's first sheet) with bounds:
its size, its rows, what the workbook unpacks to. Every import of the surveys reads its
file here — survey results, respondent lists, responses, a campaign's transactions — and
checks the header with its own columns.
"""

from __future__ import annotations

import csv
import io
import zipfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext as _

from parindex.org.errors import Refused

# (row number, values by column, columns formatted as percentages); the header is row 1.
Row = tuple[int, dict[str, Any], set[str]]
# Reads the header's cells into the column names, or raises TableError.
Header = Callable[[Sequence[object]], list[str]]


class TableError(Refused):
    """The file is rejected whole; `message` names the row and the column."""


@dataclass(frozen=True)
class Limits:
    """What a file may be: sizes far above a province's needs that keep a hostile file
    from costing more than a moment."""

    max_bytes: int = 2 * 1024 * 1024
    max_rows: int = 20_000
    max_unpacked: int = 20 * 1024 * 1024  # an .xlsx is a zip: what it unpacks to


def read_table(content: bytes, filename: str, *, header: Header, limits: Limits) -> list[Row]:
    """The rows of a UTF-8 CSV (comma or semicolon) or of an .xlsx's first sheet, each
    with its number in the file; `header` names the columns and refuses unknown ones."""
    if len(content) > limits.max_bytes:
        raise TableError(
            _("The file is larger than %(size)s MB.") % {"size": limits.max_bytes // (1024 * 1024)}
        )
    if filename.lower().endswith(".xlsx"):
        return _xlsx_rows(content, header, limits)
    if not filename.lower().endswith(".csv"):
        raise TableError(_("Send a .csv or .xlsx file."))
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise TableError(_("The file is not UTF-8 text.")) from None
    first = text.split("\n", 1)[0]
    delimiter = ";" if first.count(";") > first.count(",") else ","
    reader = csv.reader(io.StringIO(text), delimiter=delimiter)
    rows: list[Row] = []
    try:
        names = header(next(reader, []))
        for number, values in enumerate(reader, start=2):
            if number > limits.max_rows + 1:
                raise TableError(
                    _("The file has more than %(rows)s rows.") % {"rows": limits.max_rows}
                )
            if any(value.strip() for value in values[len(names) :]):
                raise TableError(
                    _(
                        "Row %(row)s has more values than the header has columns: write a "
                        'decimal comma inside quotes ("87,5"), or separate the columns '
                        "with semicolons."
                    )
                    % {"row": number}
                )
            rows.append((number, dict(zip(names, values, strict=False)), set()))
    except csv.Error:
        raise TableError(_("The file is not a readable CSV table.")) from None
    return rows


def _xlsx_rows(content: bytes, header: Header, limits: Limits) -> list[Row]:
    try:
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            unpacked = sum(entry.file_size for entry in archive.infolist())
    except zipfile.BadZipFile:
        raise TableError(_("The file is not an Excel workbook (.xlsx).")) from None
    if unpacked > limits.max_unpacked:
        raise TableError(_("The workbook is too large once unpacked."))
    from openpyxl import load_workbook

    try:
        book = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except Exception:  # openpyxl raises many kinds for a damaged workbook
        raise TableError(_("The file is not an Excel workbook (.xlsx).")) from None
    try:
        sheet = book.worksheets[0]
        names: list[str] = []
        rows = []
        for number, cells in enumerate(sheet.iter_rows(), start=1):
            if number == 1:
                names = header([c.value for c in cells])
                continue
            if number > limits.max_rows + 1:
                raise TableError(
                    _("The file has more than %(rows)s rows.") % {"rows": limits.max_rows}
                )
            values = {}
            percent_columns = set()
            for position, cell in enumerate(cells):
                name = names[position] if position < len(names) else ""
                if not name:
                    if not blank(cell.value):
                        raise TableError(
                            _("Row %(row)s has a value in a column without a name.")
                            % {"row": number}
                        )
                    continue
                values[name] = cell.value
                if "%" in str(getattr(cell, "number_format", "") or ""):
                    percent_columns.add(name)
            rows.append((number, values, percent_columns))
    finally:
        book.close()
    return rows


def blank(value: object) -> bool:
    return value is None or str(value).strip() == ""


def column_names(cells: Sequence[object]) -> list[str]:
    """A header row's cells as names: trimmed, at most 100 characters, "" for none."""
    return [str(cell)[:100].strip() if cell is not None else "" for cell in cells]


def checked_header(
    cells: Sequence[object], *, required: Sequence[str], optional: Sequence[str] = ()
) -> list[str]:
    """The header row's column names in lower case; an unknown, repeated or missing
    column rejects the file. Empty header cells (a sheet's unused columns) are left out."""
    header = [name.lower() for name in column_names(cells)]
    known = {*required, *optional}
    seen: set[str] = set()
    for column in header:
        if not column:
            continue
        if column not in known:
            raise TableError(_("Unknown column “%(column)s”.") % {"column": column})
        if column in seen:
            raise TableError(_("The column “%(column)s” appears twice.") % {"column": column})
        seen.add(column)
    for column in required:
        if column not in seen:
            raise TableError(_("The column “%(column)s” is missing.") % {"column": column})
    return header
