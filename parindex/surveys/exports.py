"""A campaign's aggregates as Excel workbooks: the campaign's table (units × indicators)
and a unit's (its questions). Only aggregates, as the pages show them: never a response,
and a staff survey's group or question under its minimum count is left out as on the
page. Every text cell goes through the formula-safe helper.
"""

from __future__ import annotations

import io
from collections.abc import Collection, Sequence
from decimal import Decimal
from typing import Any

from django.utils.translation import gettext as _
from openpyxl import Workbook

from parindex.org.spreadsheets import safe_row

from .dashboards import Figure, UnitResults, campaign_table
from .models import Campaign

PERCENT = "0.00%"


def _fraction(value: Decimal | None) -> Decimal | None:
    """A percentage as Excel stores one formatted as a percentage (0.8384 is 83.84 %)."""
    return None if value is None else value / 100


def _append(sheet: Any, values: Sequence[Any], percent_columns: Collection[int] = ()) -> None:
    cells = safe_row(sheet, values)
    for position in percent_columns:
        cells[position].number_format = PERCENT
    sheet.append(cells)


def _save(book: Workbook) -> bytes:
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _figure_cells(figure: Figure | None) -> list[Any]:
    if figure is None:
        return [None, None, None, None]
    return [figure.n, _fraction(figure.pct), _fraction(figure.low), _fraction(figure.high)]


def campaign_to_xlsx(campaign: Campaign) -> bytes:
    """A row per unit: its respondents, target, overall figure with its interval, then
    each indicator's figure."""
    codes, table = campaign_table(campaign)
    book = Workbook(write_only=True)
    sheet = book.create_sheet(title=campaign.code[:31])
    header = [
        _("Code"),
        _("Unit"),
        _("Group"),
        _("Target"),
        _("Respondents"),
        _("Short of target"),
        _("Overall (%)"),
        _("Low (95 %)"),
        _("High (95 %)"),
        *[f"{code} (%)" for code in codes],
    ]
    _append(sheet, header)
    percents = {6, 7, 8, *range(9, 9 + len(codes))}
    for entry, found in table:
        overall = found.get("")
        target = entry.target
        n = overall.n if overall else 0
        _append(
            sheet,
            [
                entry.unit.code,
                entry.unit.name,
                entry.unit.group.name,
                target,
                n if overall else None,
                (_("yes") if target is not None and n < target else _("no")) if overall else None,
                _fraction(overall.pct) if overall else None,
                _fraction(overall.low) if overall else None,
                _fraction(overall.high) if overall else None,
                *[_fraction(found[code].pct) if code in found else None for code in codes],
            ],
            percents,
        )
    return _save(book)


def unit_to_xlsx(results: UnitResults) -> bytes:
    """The unit's indicators and questions (n, %, interval, last year), then its
    respondent groups at or above the minimum count."""
    book = Workbook(write_only=True)
    sheet = book.create_sheet(title=results.entry.unit.code[:31])
    _append(
        sheet,
        [
            _("Indicator"),
            _("Question"),
            _("Text"),
            _("Respondents"),
            "%",
            _("Low (95 %)"),
            _("High (95 %)"),
            _("Last year (%)"),
        ],
    )
    percents = {4, 5, 6, 7}
    if results.overall is not None:
        _append(
            sheet,
            [
                _("Overall"),
                None,
                None,
                *_figure_cells(results.overall),
                _fraction(results.overall.previous),
            ],
            percents,
        )
    for block in results.indicators:
        figure = block.figure
        _append(
            sheet,
            [
                block.code,
                None,
                block.title,
                *_figure_cells(figure),
                _fraction(figure.previous if figure else None),
            ],
            percents,
        )
        for line in block.questions:
            if line.figure is None:
                _append(
                    sheet,
                    [
                        block.code,
                        line.question.code,
                        line.question.text,
                        _("fewer respondents than the minimum: not shown"),
                    ],
                )
                continue
            _append(
                sheet,
                [
                    block.code,
                    line.question.code,
                    line.question.text,
                    *_figure_cells(line.figure),
                    _fraction(line.figure.previous),
                ],
                percents,
            )
    if results.groups:
        groups = book.create_sheet(title=_("Groups")[:31])
        codes = results.indicator_codes
        _append(
            groups,
            [
                _("Respondent group"),
                _("Respondents"),
                _("Overall (%)"),
                *[f"{c} (%)" for c in codes],
            ],
        )
        for group in results.groups:
            _append(
                groups,
                [
                    group.group.name,
                    group.overall.n if group.overall else None,
                    _fraction(group.overall.pct) if group.overall else None,
                    *[
                        _fraction(group.indicators[c].pct) if c in group.indicators else None
                        for c in codes
                    ],
                ],
                {2, *range(3, 3 + len(codes))},
            )
    return _save(book)
