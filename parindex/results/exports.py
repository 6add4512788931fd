"""Every results table of the pages as an Excel workbook: a year, its fields, a unit, and
plain tables (targets, national results). The contract's own shapes are in `interchange`.

Figures are written as published: rounded by `scoring.numbers.publish`, never summed or
averaged here.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from django.utils.translation import gettext as _
from openpyxl import Workbook

from parindex.scoring.numbers import publish

from .interchange import TABLE_HEADERS, UNIT_FIGURES, figure_cells
from .provisional import rank_label, row_note
from .selectors import UnitPage, YearResults
from .sheets import PERCENT, POINTS, save_book, sheet_title, write_rows

if TYPE_CHECKING:
    from .criteria import GroupCriteria
    from .explain import Explanation


def year_to_xlsx(results: YearResults) -> bytes:
    """The year's table as the page shows it: the published columns 1-8, then each unit's
    rank and band; the group's average last. Where a group's results are provisional, a
    last column says what each unit's result misses and whom its rank is among, as the
    page does (a unit not ranked has no rank)."""
    book = Workbook(write_only=True)
    for code, summary in results.cycle.groups.items():
        members = results.members(code)
        notes = {r.result.unit: row_note(r, summary) for r in members}
        with_notes = any(notes.values())
        headers = [*TABLE_HEADERS, "Xếp hạng", "Xếp loại"]
        if with_notes:
            headers.append(_("Provisional: what is missing"))
        sheet = book.create_sheet(title=sheet_title(results.groups[code].name))
        rows: list[list[Any]] = [headers, list(range(1, len(headers) + 1))]
        for number, ranked in enumerate(members, start=1):
            row: list[Any] = [
                number,
                results.units[ranked.result.unit].name,
                *figure_cells(ranked, UNIT_FIGURES),
                ranked.rank,
                ranked.band,
            ]
            if with_notes:
                row.append(notes[ranked.result.unit] or None)
            rows.append(row)
        average: list[Any] = [None, "TRUNG BÌNH", *[None] * (len(UNIT_FIGURES) - 1)]
        rows.append([*average, summary.average_pct / 100])
        write_rows(
            sheet,
            rows,
            [6, 40, 12, 12, 12, 12, 16, 10, 9, 9, *([60] if with_notes else [])],
            [figure.number_format for figure in UNIT_FIGURES],
            first=2,
        )
    return save_book(book)


def fields_to_xlsx(results: YearResults) -> bytes:
    """Points (and % where the maxima are known) per field, one sheet per group."""
    book = Workbook(write_only=True)
    for code, summary in results.cycle.groups.items():
        sheet = book.create_sheet(title=sheet_title(results.groups[code].name))
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
        write_rows(sheet, rows, [6, 40] + [14] * (len(header) - 2), formats, first=2)
    return save_book(book)


def unit_to_xlsx(page: UnitPage) -> bytes:
    """A unit's fields against its group, and its earlier years."""
    book = Workbook(write_only=True)
    sheet = book.create_sheet(title=sheet_title(_("Fields")))
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
    write_rows(
        sheet,
        rows,
        [50, 10, 10, 12, 14, 12, 14],
        [POINTS, POINTS, PERCENT, PERCENT, PERCENT, POINTS],
        first=1,
    )
    sheet = book.create_sheet(title=sheet_title(_("Years")))
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
                rank_label(entry.ranked),
                entry.ranked.band,
                entry.summary.average_pct / 100,
                moved / 100 if moved is not None else None,
            ]
        )
    write_rows(
        sheet, rows, [8, 34, 10, 10, 8, 14, 10], [PERCENT, "@", "0", PERCENT, PERCENT], first=2
    )
    return save_book(book)


def table_to_xlsx(title: str, header: Sequence[str], rows: Sequence[Sequence[Any]]) -> bytes:
    """A plain table (targets, national results): one sheet, the header in bold."""
    book = Workbook(write_only=True)
    sheet = book.create_sheet(title=sheet_title(title))
    write_rows(sheet, [list(header), *[list(row) for row in rows]], [], [], first=len(header))
    return save_book(book)


def criteria_to_xlsx(groups: Sequence[GroupCriteria]) -> bytes:
    """The criteria page: one sheet per group, a criterion a row, most points lost first;
    then one sheet of every unit's loss, a (criterion, unit) a row."""
    book = Workbook(write_only=True)
    for group in groups:
        sheet = book.create_sheet(title=sheet_title(group.name))
        rows: list[list[Any]] = [
            [
                "STT",
                _("Code"),
                _("Criterion"),
                _("Field"),
                _("Units it applies to"),
                _("Units that lost points"),
                _("Share of units"),
                _("Points lost in all"),
            ]
        ]
        for number, criterion in enumerate(group.criteria, start=1):
            rows.append(
                [
                    number,
                    criterion.code,
                    criterion.title,
                    criterion.field,
                    criterion.applies,
                    criterion.losing,
                    criterion.share,
                    criterion.lost,
                ]
            )
        write_rows(
            sheet, rows, [6, 10, 60, 8, 14, 14, 12, 14], [PERCENT, POINTS], first=6, wrap=True
        )
    sheet = book.create_sheet(title=sheet_title(_("Units by criterion")))
    rows = [[_("Group"), _("Code"), _("Criterion"), _("Unit"), _("Points lost")]]
    for group in groups:
        for criterion in group.criteria:
            for unit in criterion.units:
                rows.append([group.name, criterion.code, criterion.title, unit.name, unit.lost])
    write_rows(sheet, rows, [24, 10, 60, 36, 12], [POINTS], first=4)
    return save_book(book)


def explanation_to_xlsx(explanation: Explanation) -> bytes:
    """Where a unit's points went: every node of its tree with its maximum, its own
    claim, its points, its points pending and lost, and why; then the cheapest points."""
    book = Workbook(write_only=True)
    sheet = book.create_sheet(title=sheet_title(_("Points lost")))
    rows: list[list[Any]] = [
        [
            _("Code"),
            _("Criterion"),
            _("Max points"),
            _("Unit's own"),
            _("Points"),
            _("Pending"),
            _("Lost"),
            _("Why"),
            _("Appraiser's comment"),
        ]
    ]
    for line in explanation.lines:
        rows.append(
            [
                line.code,
                line.criterion.title,
                publish(line.node.max_points),
                publish(line.own.points) if line.own is not None else None,
                publish(line.node.points),
                publish(line.node.pending),
                publish(line.lost),
                "; ".join(reason.text for reason in line.reasons),
                line.comment,
            ]
        )
    write_rows(sheet, rows, [10, 60, 10, 10, 10, 10, 10, 60, 40], [POINTS] * 5, first=2, wrap=True)
    cheap_sheet = book.create_sheet(title=sheet_title(_("Cheapest points")))
    cheap_rows: list[list[Any]] = [
        [_("Code"), _("Criterion"), _("Points it would bring"), _("Index"), _("Rank"), _("Band")]
    ]
    for cheap in explanation.cheapest:
        standing = cheap.standing
        cheap_rows.append(
            [
                cheap.line.code,
                cheap.line.criterion.title,
                publish(cheap.gain),
                standing.index_pct / 100,
                f"{standing.rank}/{standing.rank_of}" if standing.rank is not None else "—",
                standing.band,
            ]
        )
    write_rows(cheap_sheet, cheap_rows, [10, 60, 12, 10, 8, 8], [POINTS, PERCENT], first=2)
    return save_book(book)
