"""Results of earlier years as the province published them (shared/docs/interchange.md),
and the province's national results: read from a table, checked row by row, stored whole
or not at all."""

from __future__ import annotations

import csv
import io
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from functools import partial
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from parindex.frameworks.excelio import xlsx_within
from parindex.org.errors import Refused
from parindex.org.models import (
    EvaluatingBody,
    Unit,
    UnitGroup,
    UnitName,
    User,
    make_code,
    normalize_name,
)
from parindex.org.templatetags.parindex import points
from parindex.scoring.engine import PUBLISHED_TOLERANCE, reported_result
from parindex.scoring.numbers import HUNDRED, ZERO, NumberOutOfBounds, to_decimal

from .interchange import FIELD_COLUMN, IMPORT_COLUMNS, OPTIONAL_COLUMNS
from .models import ImportedResult, NationalResult
from .selectors import forget_published_state


class ResultsFileError(Refused):
    """The file is rejected whole; `message` names the row and the column."""


# A published figure as ImportedResult holds it: 7 digits, 2 of them decimals.
PUBLISHED_MAX = Decimal("99999.99")
PUBLISHED_PLACES = 2
# An .xlsx of a few hundred units' results unpacks into well under a megabyte.
MAX_UNPACKED_BYTES = 32 * 1024 * 1024


@dataclass
class FileRow:
    row: int
    group: str
    unit: str
    numbers: dict[str, Decimal]
    fields: dict[str, Decimal] = field(default_factory=dict)


def read_table(content: bytes, filename: str) -> list[dict[str, Any]]:
    """Rows of a CSV (UTF-8) or of an .xlsx's first sheet, keyed by the header."""
    if filename.lower().endswith(".xlsx"):
        from openpyxl import load_workbook

        if not xlsx_within(content, MAX_UNPACKED_BYTES):
            raise ResultsFileError(_("The Excel file unpacks into far more than a results table."))
        book = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
        sheet = book.worksheets[0]
        values = [list(row) for row in sheet.iter_rows(values_only=True)]
        book.close()
        if not values:
            return []
        header = [str(cell).strip() if cell is not None else "" for cell in values[0]]
        return [
            dict(zip(header, row, strict=False))
            for row in values[1:]
            if any(cell not in (None, "") for cell in row)
        ]
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise ResultsFileError(_("The file is not UTF-8 text.")) from None
    reader = csv.DictReader(io.StringIO(text))
    if reader.fieldnames is None:
        return []
    reader.fieldnames = [name.strip() for name in reader.fieldnames]
    return [row for row in reader if any((value or "").strip() for value in row.values())]


def parse_rows(rows: list[dict[str, Any]]) -> list[FileRow]:
    if not rows:
        raise ResultsFileError(_("The file has no rows."))
    columns = list(rows[0].keys())
    for column in columns:
        field_code = column.removeprefix(FIELD_COLUMN)
        known = column in IMPORT_COLUMNS or column in OPTIONAL_COLUMNS
        if not known and not (field_code != column and field_code.isdigit()):
            raise ResultsFileError(_("Unknown column “%(column)s”.") % {"column": column})
    for column in IMPORT_COLUMNS:
        if column not in columns:
            raise ResultsFileError(_("The column “%(column)s” is missing.") % {"column": column})
    parsed = []
    seen: set[str] = set()
    for number, row in enumerate(rows, start=2):

        def fail(column: str, problem: str, number: int = number) -> ResultsFileError:
            return ResultsFileError(
                _("Row %(row)s, column “%(column)s”: %(problem)s")
                % {"row": number, "column": column, "problem": problem}
            )

        for column in ("group", "unit"):
            if not normalize_name(str(row.get(column) or "")):
                raise fail(column, _("the value is missing"))
        numbers: dict[str, Decimal] = {}
        field_points: dict[str, Decimal] = {}
        for column in columns:
            if column in ("group", "unit"):
                continue
            raw = row.get(column)
            if raw is None or str(raw).strip() == "":
                if column.startswith(FIELD_COLUMN):
                    continue
                raise fail(column, _("the value is missing"))
            value = _published_figure(raw, partial(fail, column))
            if value < ZERO:
                raise fail(column, _("points cannot be negative"))
            if column.startswith(FIELD_COLUMN):
                field_points[column.removeprefix(FIELD_COLUMN)] = value
            else:
                numbers[column] = value
        if numbers["max_points"] == ZERO:
            raise fail("max_points", _("the maximum must be more than 0"))
        total = numbers["self_assessed"] + numbers["survey_staff"] + numbers["survey_sipas"]
        if total > numbers["max_points"]:
            raise fail("self_assessed", _("the points exceed the maximum"))
        _check_published(numbers, fail)
        unit_name = normalize_name(str(row["unit"]))
        if unit_name.casefold() in seen:
            raise fail("unit", _("the unit appears twice in the file"))
        seen.add(unit_name.casefold())
        parsed.append(
            FileRow(number, normalize_name(str(row["group"])), unit_name, numbers, field_points)
        )
    return parsed


def _check_published(
    numbers: dict[str, Decimal], fail: Callable[[str, str], ResultsFileError]
) -> None:
    """A published total or index stands for the recomputed one, which is its check: more
    than 0.02 points apart, the row is wrong (interchange.md)."""
    if "total" in numbers and numbers["total"] > numbers["max_points"]:
        raise fail("total", _("the points exceed the maximum"))
    if "index_pct" in numbers and numbers["index_pct"] > HUNDRED:
        raise fail("index_pct", _("an index cannot exceed 100%"))
    result = reported_result(
        unit="",
        group="",
        max_points=numbers["max_points"],
        self_assessed=numbers["self_assessed"],
        survey_staff=numbers["survey_staff"],
        survey_sipas=numbers["survey_sipas"],
        total=numbers.get("total"),
        index_pct=numbers.get("index_pct"),
    )
    for column, difference in result.published_differences().items():
        if difference > PUBLISHED_TOLERANCE:
            raise fail(
                column,
                _(
                    "%(value)s is %(difference)s points off the figure recomputed from the "
                    "other columns; a published figure may differ by 0.02 points at most"
                )
                % {"value": points(numbers[column]), "difference": points(difference)},
            )


def _published_figure(raw: object, fail: Callable[[str], ResultsFileError]) -> Decimal:
    """A figure as published: a number of at most two decimals, below 100 000."""
    shown = str(raw) if len(str(raw)) <= 30 else str(raw)[:29] + "…"
    try:
        value = to_decimal(raw, places=PUBLISHED_PLACES)
    except NumberOutOfBounds as refused:
        if refused.reason == "too_many_places":
            raise fail(
                _("“%(value)s” has more than two decimals; write it as published")
                % {"value": shown}
            ) from None
        raise fail(
            _("“%(value)s” is too large for a published figure") % {"value": shown}
        ) from None
    except ValueError:
        raise fail(_("“%(value)s” is not a number") % {"value": shown}) from None
    if abs(value) > PUBLISHED_MAX:
        raise fail(_("“%(value)s” is too large for a published figure") % {"value": shown})
    return value


@transaction.atomic
def results_import(*, rows: list[FileRow], year: int) -> list[ImportedResult]:
    """Replace the year's imported results of the units in the file; create what is new."""
    body = EvaluatingBody.objects.order_by("pk").first() or EvaluatingBody.objects.create(
        name=_("Evaluating body")
    )
    groups = {normalize_name(g.name).casefold(): g for g in UnitGroup.objects.all()}
    units = {normalize_name(u.name).casefold(): u for u in Unit.objects.all()}
    for former in UnitName.objects.select_related("unit"):
        units.setdefault(normalize_name(former.name).casefold(), former.unit)
    results = []
    for row in rows:
        group = groups.get(row.group.casefold())
        if group is None:
            group = UnitGroup.objects.create(
                body=body,
                code=_free_code(UnitGroup, make_code(row.group)),
                name=row.group,
                position=len(groups) + 1,
            )
            groups[row.group.casefold()] = group
        unit = units.get(row.unit.casefold())
        if unit is None:
            unit = Unit.objects.create(
                code=_free_code(Unit, make_code(row.unit)),
                name=row.unit,
                group=group,
                position=row.row,
            )
            units[row.unit.casefold()] = unit
        results.append(
            ImportedResult(
                year=year,
                unit=unit,
                group=group,
                published_unit_name=row.unit,
                fields={key: str(value) for key, value in row.fields.items()},
                **row.numbers,
            )
        )
    ImportedResult.objects.filter(year=year, unit__in=[r.unit for r in results]).delete()
    forget_published_state()  # bulk_create sends no signal
    return ImportedResult.objects.bulk_create(results)


def _free_code(model: type[UnitGroup] | type[Unit], code: str) -> str:
    candidate, number = code or "unit", 1
    while model.objects.filter(code=candidate).exists():
        number += 1
        candidate = f"{code}-{number}"
    return candidate


# The province's national results ---------------------------------------------------------

NATIONAL_COLUMNS = ("year", "index_pct", "rank", "rank_of", "sipas_pct", "source")


@transaction.atomic
def national_results_import(*, rows: list[dict[str, Any]], by: User | None) -> int:
    """Record the national results of a table (one row a year); a year already recorded is
    replaced. A bad row rejects the whole table, naming the row and the column."""
    from .forms import NationalResultForm

    if not rows:
        raise ResultsFileError(_("The file has no rows."))
    for column in rows[0]:
        if column not in NATIONAL_COLUMNS:
            raise ResultsFileError(_("Unknown column “%(column)s”.") % {"column": column})
    existing = {row.year: row for row in NationalResult.objects.all()}
    for number, row in enumerate(rows, start=2):
        data = {key: "" if value is None else str(value).strip() for key, value in row.items()}
        text = data.get("year", "")
        year = int(text) if text.isascii() and text.isdigit() and len(text) <= 4 else None
        form = NationalResultForm(data, instance=existing.get(year) if year else None)
        if not form.is_valid():
            column, errors = next(iter(form.errors.items()))
            raise ResultsFileError(
                _("Row %(row)s, column “%(column)s”: %(problem)s")
                % {"row": number, "column": column, "problem": errors[0]}
            )
        saved = form.save(commit=False)
        saved.entered_by = by
        saved.save()
        existing[saved.year] = saved
    return len(rows)
