"""A year's results workbook: every result table of the year in the province's published
layout, one sheet each, ready to print.

Every figure is the engine's (`documents.sources.Source`): points as published
(`scoring.numbers.publish`), percentages as Excel fractions under a percent format, as
`results.sheets` writes them. Nothing here adds, averages, ranks or rounds.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.utils import translation
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from parindex.results.interchange import TABLE_HEADERS, UNIT_FIGURES, figure_cells
from parindex.results.provisional import row_note
from parindex.results.selectors import YearResults, year_over_year
from parindex.results.sheets import PERCENT, POINTS, save_book, sheet_title, write_rows
from parindex.scoring.engine import field_standings, published_difference
from parindex.scoring.numbers import publish

from .sources import Source, losses_by_criterion

# Sheets wider than this (in Excel's character widths) print in landscape.
PORTRAIT_WIDTH = 100
LINE_HEIGHT = 15  # points, a line of 11-point text


@dataclass
class _Table:
    name: str  # the sheet's tab
    heading: str  # the title printed above the table
    rows: list[list[Any]]  # header rows first
    widths: list[int]
    formats: list[str]  # number formats from column `first` on
    first: int
    header_rows: int = 1
    notes: tuple[str, ...] = ()  # lines printed under the table


def build_workbook(source: Source) -> bytes:
    """The year's workbook: the summary of groups; per group its index table and its
    points per field; the fields across groups; the change on the year before; the
    criteria where units lost points."""
    with translation.override("vi"):
        tables = [_summary(source)]
        groups = list(source.results.cycle.groups)
        for number, code in enumerate(groups, start=1):
            tables.append(_index_table(source.results, code, number))
        for number, code in enumerate(groups, start=1):
            tables.append(_field_table(source, code, number))
        if source.results.has_fields and source.results.is_computed:
            standings = _field_standings(source)
            if standings is not None:
                tables.append(standings)
        if source.previous is not None:
            tables.append(_changes(source.results, source.previous))
        if source.losses is not None:
            tables.append(_losses(source))
        book = Workbook(write_only=True)
        names: set[str] = set()
        for table in tables:
            _write(book, table, _unique(table.name, names))
        return save_book(book)


def _unique(name: str, taken: set[str]) -> str:
    """Excel refuses two sheets of the same title (case-insensitive)."""
    title = sheet_title(name)
    number = 2
    while title.casefold() in taken:
        suffix = f" ({number})"
        title = sheet_title(name)[: 31 - len(suffix)] + suffix
        number += 1
    taken.add(title.casefold())
    return title


def _write(book: Workbook, table: _Table, name: str) -> None:
    """The heading, the table (`results.sheets.write_rows`), the notes; then the page:
    A4, the header rows repeated on every page, fitted to the page's width."""
    sheet = book.create_sheet(title=name)
    # A write-only sheet writes its properties, view and columns with its first row.
    for index, width in enumerate(table.widths, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = width
    sheet.freeze_panes = f"A{2 + table.header_rows}"
    sheet.sheet_properties.pageSetUpPr.fitToPage = True
    setup = sheet.page_setup
    setup.paperSize = Worksheet.PAPERSIZE_A4
    setup.orientation = "landscape" if sum(table.widths) > PORTRAIT_WIDTH else "portrait"
    setup.fitToWidth = 1
    setup.fitToHeight = 0  # as many pages down as the rows need
    sheet.print_options.horizontalCentered = True
    sheet.print_title_rows = f"2:{1 + table.header_rows}"
    sheet.row_dimensions[1].height = 22
    for offset, row in enumerate(table.rows):
        lines = _lines(row, table.widths)
        if lines > 1:
            sheet.row_dimensions[2 + offset].height = LINE_HEIGHT * lines
    heading = WriteOnlyCell(sheet, value=table.heading)
    heading.font = Font(bold=True, size=13)
    sheet.append([heading])
    write_rows(
        sheet,
        table.rows,
        [],
        table.formats,
        first=table.first,
        header_rows=table.header_rows,
        grid=True,
        wrap=True,
    )
    for note in table.notes:
        cell = WriteOnlyCell(sheet, value=note)
        cell.font = Font(italic=True)
        cell.alignment = Alignment(wrap_text=False)
        sheet.append([cell])
    columns = max(len(row) for row in table.rows)
    last = 1 + len(table.rows) + len(table.notes)
    sheet.print_area = f"A1:{get_column_letter(columns)}{last}"


def _lines(row: list[Any], widths: list[int]) -> int:
    """How many lines the longest text of the row takes, wrapped in its column
    (LibreOffice does not size rows to wrapped text when it opens a workbook)."""
    most = 1
    for value, width in zip(row, widths, strict=False):
        if isinstance(value, str):
            per_line = max(width - 3, 1)  # bold letters, and words kept whole, take more
            words_lines = sum(-(-len(part) // per_line) for part in value.split("\n"))
            most = max(most, words_lines)
    return most


def _pct(value: Any) -> Any:
    """A published percentage as Excel's fraction (shown by the PERCENT format)."""
    return value / 100 if value is not None else None


# The summary of groups --------------------------------------------------------------


def _summary(source: Source) -> _Table:
    results = source.results
    cycle = results.cycle
    bands = list(cycle.bands)
    header = [
        "STT",
        "Nhóm cơ quan, đơn vị",
        "Số đơn vị",
        "Giá trị trung bình",
        "Đơn vị cao nhất",
        "Cao nhất",
        "Đơn vị thấp nhất",
        "Thấp nhất",
        "Khoảng cách chênh lệch",
        *(f"Số đơn vị xếp loại {number}" for number in bands),
    ]
    rows: list[list[Any]] = [header]
    for number, (code, summary) in enumerate(cycle.groups.items(), start=1):
        extremes = summary.extremes
        rows.append(
            [
                number,
                results.groups[code].name,
                summary.units,
                _pct(summary.average_pct),
                _names(results, extremes.highest),
                _pct(extremes.highest_pct),
                _names(results, extremes.lowest),
                _pct(extremes.lowest_pct),
                _pct(extremes.gap_pct),
                *(summary.bands.get(band) for band in bands),
            ]
        )
    rows.append(
        [
            None,
            "TẤT CẢ CÁC NHÓM",
            len(cycle.units),
            _pct(cycle.average_pct),
            None,
            None,
            None,
            None,
            None,
            *(cycle.bands[band] for band in bands),
        ]
    )
    notes = [_provenance(source)]
    if source.missing_groups:
        notes.append(
            f"Năm {source.year} chưa có kết quả của các nhóm: {', '.join(source.missing_groups)}"
            " (không có trong bảng này)."
        )
    if not (results.has_fields and results.is_computed):
        notes.append(
            "Kết quả nhập từ bảng đã công bố: không có điểm tối đa từng lĩnh vực của từng đơn"
            " vị, nên không tính tỷ lệ và không xếp hạng các lĩnh vực."
        )
    if any(ranked.result.provisional for ranked in cycle.units):
        notes.append("Có kết quả tạm tính: xem cột ghi chú ở bảng của từng nhóm.")
    return _Table(
        name="Tổng hợp",
        heading=f"TỔNG HỢP KẾT QUẢ CHỈ SỐ CẢI CÁCH HÀNH CHÍNH NĂM {source.year} THEO NHÓM",
        rows=rows,
        widths=[6, 28, 9, 11, 26, 10, 26, 10, 12, *[10] * len(bands)],
        formats=["0", PERCENT, "@", PERCENT, "@", PERCENT, PERCENT],
        first=2,
        notes=tuple(notes),
    )


def _names(results: YearResults, codes: tuple[str, ...]) -> str:
    return "; ".join(results.units[code].name for code in codes)


def _provenance(source: Source) -> str:
    """Where the figures come from: a revision (published, or a draft), or an import."""
    snapshot = source.results.snapshot
    if snapshot is None:
        return f"Nguồn: kết quả năm {source.year} nhập từ bảng số liệu đã công bố."
    if snapshot.is_published:
        decided = f" theo {snapshot.decision}" if snapshot.decision else ""
        if snapshot.decision_date is not None:
            decided += f" ngày {snapshot.decision_date:%d/%m/%Y}"
        return f"Nguồn: kết quả đã công bố{decided} (lần tính {snapshot.revision})."
    return f"BẢN DỰ THẢO: lần tính {snapshot.revision}, chưa công bố."


# One group's tables -----------------------------------------------------------------


def _index_table(results: YearResults, code: str, number: int) -> _Table:
    """The published table (columns 1-8 of the interchange contract, the row of column
    numbers, the group's average), with each unit's rank and band."""
    summary = results.cycle.groups[code]
    members = results.members(code)
    notes = {ranked.result.unit: row_note(ranked, summary) for ranked in members}
    with_notes = any(notes.values())
    header = [*TABLE_HEADERS, "Xếp hạng", "Xếp loại"]
    if with_notes:
        header.append("Kết quả tạm tính: còn thiếu")
    rows: list[list[Any]] = [header, [str(n) for n in range(1, len(header) + 1)]]
    for position, ranked in enumerate(members, start=1):
        row: list[Any] = [
            position,
            results.units[ranked.result.unit].name,
            *figure_cells(ranked, UNIT_FIGURES),
            ranked.rank,
            ranked.band,
        ]
        if with_notes:
            row.append(notes[ranked.result.unit] or None)
        rows.append(row)
    rows.append([None, "TRUNG BÌNH", *[None] * (len(UNIT_FIGURES) - 1), _pct(summary.average_pct)])
    name = results.groups[code].name
    return _Table(
        name=f"1.{number} {name}",
        heading=f"Bảng 1.{number}. Kết quả Chỉ số CCHC năm {results.year} – {name}",
        rows=rows,
        widths=[6, 36, 11, 11, 11, 11, 14, 11, 9, 9, *([50] if with_notes else [])],
        formats=[figure.number_format for figure in UNIT_FIGURES],
        first=2,
        header_rows=2,
    )


def _field_table(source: Source, code: str, number: int) -> _Table:
    """Points per field, as the province's second table gives them, and their average."""
    results = source.results
    summary = results.cycle.groups[code]
    fields = results.field_codes(code)
    titles = source.field_titles.get(code, {})
    header = ["STT", "Đơn vị", *(_field_name(field, titles) for field in fields)]
    rows: list[list[Any]] = [header]
    for position, ranked in enumerate(results.members(code), start=1):
        row: list[Any] = [position, results.units[ranked.result.unit].name]
        for field in fields:
            points = ranked.result.field_points(field)
            row.append(publish(points) if points is not None else None)
        rows.append(row)
    rows.append(
        [None, "TRUNG BÌNH", *(summary.field_point_averages.get(field) for field in fields)]
    )
    name = results.groups[code].name
    notes = () if fields else ("Bảng đã công bố không có điểm từng lĩnh vực của nhóm này.",)
    return _Table(
        name=f"2.{number} {name}",
        heading=f"Bảng 2.{number}. Điểm theo từng lĩnh vực năm {results.year} – {name}",
        rows=rows,
        widths=[6, 36, *[14] * len(fields)],
        formats=[POINTS] * len(fields),
        first=2,
        notes=notes,
    )


def _field_name(code: str, titles: dict[str, str]) -> str:
    title = titles.get(code)
    return f"{code}. {title}" if title else f"Lĩnh vực {code}"


# Across groups ----------------------------------------------------------------------


def _field_standings(source: Source) -> _Table | None:
    """The fields' averages across every group, ranked (the engine's `field_standings`),
    beside each group's average."""
    results = source.results
    standings = field_standings(results.cycle)
    if not standings.fields or standings.extremes is None:
        return None
    titles: dict[str, str] = {}
    for group_titles in source.field_titles.values():
        for code, title in group_titles.items():
            titles.setdefault(code, title)
    groups = list(results.cycle.groups)
    header = [
        "Xếp hạng",
        "Lĩnh vực",
        "Giá trị trung bình",
        "Số đơn vị",
        *(f"Trung bình – {results.groups[code].name}" for code in groups),
    ]
    rows: list[list[Any]] = [header]
    for standing in standings.fields:
        rows.append(
            [
                standing.rank,
                _field_name(standing.code, titles),
                _pct(standing.average_pct),
                standing.units,
                *(_pct(results.cycle.groups[g].field_averages.get(standing.code)) for g in groups),
            ]
        )
    extremes = standings.extremes
    rows.append([None, "Khoảng cách cao nhất – thấp nhất", _pct(extremes.gap_pct)])
    return _Table(
        name="3 Trung bình lĩnh vực",
        heading=f"Giá trị trung bình các lĩnh vực năm {results.year} (tỷ lệ điểm đạt được)",
        rows=rows,
        widths=[9, 50, 12, 9, *[14] * len(groups)],
        formats=[PERCENT, "0", *[PERCENT] * len(groups)],
        first=2,
    )


def _changes(results: YearResults, previous: YearResults) -> _Table:
    """Each unit's index and rank beside the year before's; the averages' change."""
    changes = year_over_year(results, previous)
    before_year = previous.year
    header = [
        "STT",
        "Nhóm",
        "Đơn vị",
        f"Chỉ số {before_year}",
        f"Chỉ số {results.year}",
        "Tăng (+) / giảm (−)",
        f"Xếp hạng {before_year}",
        f"Xếp hạng {results.year}",
        "Thứ hạng tăng (+) / giảm (−)",
    ]
    rows: list[list[Any]] = [header]
    for position, ranked in enumerate(results.cycle.units, start=1):
        unit = ranked.result.unit
        before = previous.ranked(unit)
        moved = changes.get(unit)
        rows.append(
            [
                position,
                results.groups[ranked.result.group].name,
                results.units[unit].name,
                _pct(before.result.index_pct) if before is not None else None,
                _pct(ranked.result.index_pct),
                _pct(moved.index_pct) if moved is not None else None,
                before.rank if before is not None else None,
                ranked.rank,
                moved.rank if moved is not None else None,
            ]
        )
    for code, summary in results.cycle.groups.items():
        earlier = previous.cycle.groups.get(code)
        rows.append(
            [
                None,
                results.groups[code].name,
                "TRUNG BÌNH NHÓM",
                _pct(earlier.average_pct) if earlier is not None else None,
                _pct(summary.average_pct),
                _pct(
                    published_difference(summary.average_pct, earlier.average_pct)
                    if earlier is not None
                    else None
                ),
            ]
        )
    rows.append(
        [
            None,
            None,
            "TRUNG BÌNH CHUNG",
            _pct(previous.cycle.average_pct),
            _pct(results.cycle.average_pct),
            _pct(published_difference(results.cycle.average_pct, previous.cycle.average_pct)),
        ]
    )
    return _Table(
        name=f"4 So với năm {before_year}",
        heading=f"Chỉ số CCHC năm {results.year} so với năm {before_year}",
        rows=rows,
        widths=[6, 22, 36, 11, 11, 12, 10, 10, 12],
        formats=[PERCENT, PERCENT, PERCENT, "0", "0", "+0;-0;0"],
        first=3,
        notes=(
            "Thứ hạng chỉ so sánh khi đơn vị ở cùng nhóm và được xếp hạng cùng tất cả các"
            " đơn vị của nhóm trong cả hai năm.",
        ),
    )


def _losses(source: Source) -> _Table:
    """Criterion by criterion, the units that lost points and the points lost in all."""
    results = source.results
    header = [
        "STT",
        "Nhóm",
        "Tiêu chí",
        "Nội dung tiêu chí",
        "Lĩnh vực",
        "Số đơn vị bị trừ điểm",
        "Các đơn vị bị trừ điểm",
        "Tổng số điểm bị trừ",
    ]
    rows: list[list[Any]] = [header]
    for position, total in enumerate(losses_by_criterion(source), start=1):
        rows.append(
            [
                position,
                results.groups[total.group].name,
                total.code,
                total.title,
                total.field,
                len(total.units),
                "; ".join(results.units[unit].name for unit in total.units),
                total.lost,
            ]
        )
    notes: tuple[str, ...] = ()
    if source.detail_differs:
        notes = (
            "Lưu ý: điểm chấm đã thay đổi sau lần tính kết quả này; chi tiết tiêu chí đọc"
            " từ điểm chấm hiện tại.",
        )
    return _Table(
        name="5 Tiêu chí bị trừ điểm",
        heading=f"Các tiêu chí đơn vị bị trừ điểm năm {source.year}",
        rows=rows,
        widths=[6, 18, 9, 60, 8, 10, 60, 11],
        formats=[POINTS],
        first=7,
        notes=notes,
    )
