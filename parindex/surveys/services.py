"""Entering survey results: typed on the administrator's page or imported from a table.

Every value is parsed with bounds before any arithmetic (a percentage from 0 to 100 with
at most four decimals, a whole number of respondents up to `MAX_RESPONDENTS`); a file is
checked whole, row by row, and stored whole or not at all.
"""

from __future__ import annotations

import io
import math
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal

from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from parindex.org.errors import Refused
from parindex.org.models import Unit, User, normalize_name
from parindex.org.spreadsheets import safe_row
from parindex.org.templatetags.parindex import as_written

from .models import MAX_RESPONDENTS, PERCENT_PLACES, UnitSurveyResult
from .tables import Limits, Row, blank, checked_header, read_table
from .tables import TableError as SurveyFileError  # the file is rejected whole

# What a file may be: the columns, and sizes far above a province's needs (two rows per
# unit) that keep a hostile file from costing more than a moment.
COLUMNS = ("unit", "source", "percent", "respondents")
MAX_FILE_BYTES = 2 * 1024 * 1024
MAX_UNPACKED_BYTES = 20 * 1024 * 1024  # an .xlsx is a zip: what it unpacks to
MAX_ROWS = 20_000
LIMITS = Limits(max_bytes=MAX_FILE_BYTES, max_rows=MAX_ROWS, max_unpacked=MAX_UNPACKED_BYTES)
# Written forms of a source, as a province's table may name it.
SOURCE_NAMES = {
    "sipas": "sipas",
    "staff": "staff",
    "cbccvc": "staff",
    "khảo sát cbccvc": "staff",
    "chỉ số sipas": "sipas",
}
_PERCENT = re.compile(r"\d{1,3}(?:[.,]\d{1,20})?")  # the decimals are counted apart
_PLACES = Decimal(1).scaleb(-PERCENT_PLACES)
_COUNT = re.compile(r"\d{1,7}|\d{1,3}(?:[. ]\d{3}){1,2}")


class BadValue(ValueError):
    """A value out of its bounds; the message says what it should be."""


# Values ------------------------------------------------------------------------------


def parse_percent(raw: object, *, percent_format: bool = False) -> Decimal:
    """A percentage from 0 to 100 with at most four decimals, from text ("87,5", "87.5%")
    or a spreadsheet's number (0.875 in a cell formatted as a percentage)."""
    out_of_range = BadValue(_("a percentage is a number from 0 to 100"))
    if isinstance(raw, bool):
        raise out_of_range
    if isinstance(raw, float):
        if not math.isfinite(raw) or not -1e9 < raw < 1e9:
            raise out_of_range
        value = Decimal(repr(raw))  # the shortest repr: 87.3, not 87.299999…
    elif isinstance(raw, int):
        if not -1e9 < raw < 1e9:
            raise out_of_range
        value = Decimal(raw)
    else:
        text = str(raw)[:40].strip().removesuffix("%").strip()
        if not _PERCENT.fullmatch(text):
            raise BadValue(
                _("“%(value)s” is not a percentage from 0 to 100") % {"value": text[:20]}
            )
        value = Decimal(text.replace(",", "."))
    if percent_format:
        value *= 100
    exponent = value.normalize().as_tuple().exponent
    if isinstance(exponent, int) and -exponent > PERCENT_PLACES:
        raise BadValue(
            _("at most %(places)s decimals: round it first") % {"places": PERCENT_PLACES}
        )
    if not 0 <= value <= 100:
        raise out_of_range
    return value.quantize(_PLACES)  # 16.68610 is 16.6861: the places the result keeps


def parse_respondents(raw: object) -> int:
    """A whole number of respondents from 0 to MAX_RESPONDENTS ("1.889" as the province
    writes a thousand too)."""
    problem = BadValue(
        _("a whole number of people from 0 to %(max)s") % {"max": as_written(MAX_RESPONDENTS)}
    )
    if isinstance(raw, bool):
        raise problem
    if isinstance(raw, float):
        if not math.isfinite(raw) or not 0 <= raw <= MAX_RESPONDENTS or raw != int(raw):
            raise problem
        return int(raw)
    if isinstance(raw, int):
        if not 0 <= raw <= MAX_RESPONDENTS:
            raise problem
        return raw
    text = str(raw)[:40].strip()
    if not _COUNT.fullmatch(text):
        raise problem
    count = int(re.sub(r"[. ]", "", text))
    if count > MAX_RESPONDENTS:
        raise problem
    return count


# Saving from the page -----------------------------------------------------------------


@dataclass(frozen=True)
class SurveyValue:
    percent: Decimal
    respondents: int


@dataclass(frozen=True)
class SurveyChange:
    """One cell pair of the page changed: from what the page showed to what was typed."""

    unit: Unit
    source: str
    before: SurveyValue | None  # as the page showed it; None: no result then
    after: SurveyValue | None  # None: the result is removed


@transaction.atomic
def survey_results_save(*, year: int, changes: Sequence[SurveyChange], by: User) -> int:
    """Store the changes typed on the page, all or none. A result someone else changed
    since the page was shown is refused, naming the unit, so that nobody overwrites
    another's figures unseen. Returns how many results were written or removed."""
    if not changes:
        return 0
    current = {
        (r.unit_id, r.source): SurveyValue(r.percent, r.respondents)
        for r in UnitSurveyResult.objects.overall()
        .select_for_update()
        .filter(year=year, unit__in=[c.unit.pk for c in changes])
    }
    stale = [c for c in changes if current.get((c.unit.pk, c.source)) != c.before]
    if stale:
        names = ", ".join(sorted({c.unit.name for c in stale}))
        raise Refused(
            _(
                "Not saved: someone changed the results of %(units)s meanwhile. "
                "Their figures are shown under yours; save again to put yours in their place."
            )
            % {"units": names}
        )
    removed = [c for c in changes if c.after is None]
    if removed:
        condition = Q(pk__in=[])
        for change in removed:
            condition |= Q(unit=change.unit, source=change.source)
        UnitSurveyResult.objects.overall().filter(condition, year=year).delete()
    _write(year, [(c.unit, c.source, c.after) for c in changes if c.after is not None], by)
    return len(changes)


def _write(year: int, rows: Iterable[tuple[Unit, str, SurveyValue]], by: User) -> None:
    """Insert or update in a few statements, whatever the number of rows."""
    now = timezone.now()
    UnitSurveyResult.objects.bulk_create(
        [
            UnitSurveyResult(
                year=year,
                unit=unit,
                source=source,
                percent=value.percent,
                respondents=value.respondents,
                entered_at=now,
                entered_by=by,
            )
            for unit, source, value in rows
        ],
        batch_size=500,
        update_conflicts=True,
        unique_fields=["year", "unit", "source", "indicator"],
        # A figure typed in takes the place of a campaign's: it is the administrator's now.
        update_fields=[
            "percent",
            "respondents",
            "entered_at",
            "entered_by",
            "campaign",
            "low",
            "high",
            "target",
            "short",
        ],
    )


# Importing a file ---------------------------------------------------------------------


@dataclass(frozen=True)
class ImportOutcome:
    written: int  # results created or changed
    unchanged: int  # rows equal to what was stored
    skipped: int  # rows left empty (a template's units without figures)


def read_rows(content: bytes, filename: str) -> list[Row]:
    """(row number, values by column, columns formatted as percentages) of a UTF-8 CSV
    (comma or semicolon) or of an .xlsx's first sheet; the header is row 1."""
    return read_table(content, filename, header=_checked_header, limits=LIMITS)


def _checked_header(cells: Sequence[object]) -> list[str]:
    return checked_header(cells, required=COLUMNS)


_blank = blank


@transaction.atomic
def survey_results_import(
    *, year: int, content: bytes, filename: str, units: Iterable[Unit], by: User
) -> ImportOutcome:
    """Import a table of survey results for the year's units (`units`: the cycle's),
    all rows or none. A unit is named by its code or its name; a row whose percent and
    respondents are both empty is skipped; a bad row rejects the file, naming the row
    and the column."""
    rows = read_rows(content, filename)
    by_code: dict[str, Unit] = {}
    by_name: dict[str, list[Unit]] = {}
    for unit in units:
        by_code[unit.code.lower()] = unit
        by_name.setdefault(normalize_name(unit.name).lower(), []).append(unit)
    parsed: dict[tuple[int, str], tuple[int, Unit, SurveyValue]] = {}
    skipped = 0
    for number, values, percent_columns in rows:
        if all(_blank(values.get(column)) for column in COLUMNS):
            continue

        def fail(column: str, problem: str, number: int = number) -> SurveyFileError:
            return SurveyFileError(
                _("Row %(row)s, column “%(column)s”: %(problem)s")
                % {"row": number, "column": column, "problem": problem}
            )

        if _blank(values.get("percent")) and _blank(values.get("respondents")):
            skipped += 1
            continue
        for column in COLUMNS:
            if _blank(values.get(column)):
                raise fail(column, _("the value is missing"))
        named = normalize_name(str(values["unit"])[:300])
        chosen = by_code.get(named.lower())
        if chosen is None:
            found = by_name.get(named.lower(), [])
            if len(found) > 1:
                raise fail("unit", _("several units of the cycle have this name: give the code"))
            if not found:
                raise fail(
                    "unit",
                    _("no unit of the %(year)s cycle has the code or name “%(name)s”")
                    % {"year": year, "name": named[:100]},
                )
            chosen = found[0]
        source = SOURCE_NAMES.get(normalize_name(str(values["source"])[:40]).lower())
        if source is None:
            raise fail("source", _("the source is “sipas” or “staff”"))
        try:
            percent = parse_percent(values["percent"], percent_format="percent" in percent_columns)
        except BadValue as error:
            raise fail("percent", str(error)) from None
        try:
            respondents = parse_respondents(values["respondents"])
        except BadValue as error:
            raise fail("respondents", str(error)) from None
        earlier = parsed.get((chosen.pk, source))
        if earlier is not None:
            raise fail(
                "unit",
                _("%(unit)s already has a %(source)s result on row %(row)s")
                % {"unit": chosen.name, "source": source, "row": earlier[0]},
            )
        parsed[(chosen.pk, source)] = (number, chosen, SurveyValue(percent, respondents))
    if not parsed:
        raise SurveyFileError(_("The file has no results to import."))
    stored = {
        (r.unit_id, r.source): SurveyValue(r.percent, r.respondents)
        for r in UnitSurveyResult.objects.overall().filter(
            year=year, unit__in={k[0] for k in parsed}
        )
    }
    changed = [
        (unit, source, value)
        for (unit_pk, source), (_row, unit, value) in parsed.items()
        if stored.get((unit_pk, source)) != value
    ]
    _write(year, changed, by)
    return ImportOutcome(
        written=len(changed), unchanged=len(parsed) - len(changed), skipped=skipped
    )


def template_xlsx(rows: Iterable[tuple[Unit, str, SurveyValue | None]]) -> bytes:
    """The import's table to fill in: a row per unit and source it is scored on, with
    the figures already entered; the header as the import reads it."""
    from openpyxl import Workbook

    book = Workbook(write_only=True)
    sheet = book.create_sheet(title="khao-sat")
    for letter, width in zip("ABCD", (48, 10, 12, 14), strict=True):
        sheet.column_dimensions[letter].width = width
    sheet.append(safe_row(sheet, COLUMNS))
    rows = list(rows)
    names: dict[str, set[int]] = {}
    for unit, _source, _value in rows:
        names.setdefault(normalize_name(unit.name).lower(), set()).add(unit.pk)
    for unit, source, value in rows:
        # A unit is named as people know it, by its code where two share a name.
        shared = len(names[normalize_name(unit.name).lower()]) > 1
        sheet.append(
            safe_row(
                sheet,
                [
                    unit.code if shared else unit.name,
                    source,
                    value.percent.normalize() if value else None,
                    value.respondents if value else None,
                ],
            )
        )
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()
