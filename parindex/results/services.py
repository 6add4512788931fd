"""Importing published results of earlier years (shared/docs/interchange.md)."""

from __future__ import annotations

import csv
import datetime
import io
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from parindex.assessments.models import Cycle, CycleGroup, bands_to_json
from parindex.org.models import (
    EvaluatingBody,
    Unit,
    UnitGroup,
    UnitName,
    User,
    make_code,
    normalize_name,
)
from parindex.scoring.numbers import ZERO, to_decimal

from .models import ImportedResult, NationalResult, ResultRow, ResultSnapshot

REQUIRED = ("group", "unit", "max_points", "self_assessed", "survey_staff", "survey_sipas")
NUMBERS = ("max_points", "self_assessed", "survey_staff", "survey_sipas")


class ResultsFileError(Exception):
    """The file is rejected whole; `message` names the row and the column."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


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
        if column not in REQUIRED and not (column.startswith("field:") and column[6:].isdigit()):
            raise ResultsFileError(_("Unknown column “%(column)s”.") % {"column": column})
    for column in REQUIRED:
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
                if column.startswith("field:"):
                    continue
                raise fail(column, _("the value is missing"))
            try:
                value = to_decimal(raw)
            except ValueError:
                raise fail(column, _("“%(value)s” is not a number") % {"value": raw}) from None
            if value < ZERO:
                raise fail(column, _("points cannot be negative"))
            if column.startswith("field:"):
                field_points[column[6:]] = value
            else:
                numbers[column] = value
        total = numbers["self_assessed"] + numbers["survey_staff"] + numbers["survey_sipas"]
        if total > numbers["max_points"]:
            raise fail("self_assessed", _("the points exceed the maximum"))
        unit_name = normalize_name(str(row["unit"]))
        if unit_name.casefold() in seen:
            raise fail("unit", _("the unit appears twice in the file"))
        seen.add(unit_name.casefold())
        parsed.append(
            FileRow(number, normalize_name(str(row["group"])), unit_name, numbers, field_points)
        )
    return parsed


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
    return ImportedResult.objects.bulk_create(results)


def _free_code(model: type[UnitGroup] | type[Unit], code: str) -> str:
    candidate, number = code or "unit", 1
    while model.objects.filter(code=candidate).exists():
        number += 1
        candidate = f"{code}-{number}"
    return candidate


# Computed results ---------------------------------------------------------------------


class ResultsError(Exception):
    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


@transaction.atomic
def results_compute(*, cycle: Cycle, by: User | None, reason: str = "") -> ResultSnapshot:
    """Compute the cycle from the database into a snapshot.

    The cycle's draft snapshot is replaced; once a snapshot is published, computing again
    starts a new revision, which needs a reason.
    """
    from .compute import collection_paused, load_and_compute

    latest = (
        ResultSnapshot.objects.select_for_update().filter(cycle=cycle).order_by("-revision").first()
    )
    if (
        latest is not None
        and latest.status == ResultSnapshot.Status.PUBLISHED
        and not (reason.strip())
    ):
        raise ResultsError(_("The results are published: a correction needs its reason."))
    computed = load_and_compute(cycle)
    bands = {
        str(cycle_group.group_id): bands_to_json(cycle_group.band_rules())
        for cycle_group in CycleGroup.objects.filter(cycle=cycle)
    }
    names = dict(Unit.objects.filter(assessments__cycle=cycle).values_list("pk", "name"))
    if latest is not None and latest.status == ResultSnapshot.Status.DRAFT:
        snapshot = latest
        snapshot.rows.all().delete()
        snapshot.computed_at = timezone.now()
        snapshot.computed_by = by
        snapshot.inputs_digest = computed.digest
        snapshot.reason = reason.strip() or snapshot.reason
        snapshot.bands = bands
        snapshot.save(
            update_fields=["computed_at", "computed_by", "inputs_digest", "reason", "bands"]
        )
    else:
        snapshot = ResultSnapshot.objects.create(
            cycle=cycle,
            revision=latest.revision + 1 if latest is not None else 1,
            computed_at=timezone.now(),
            computed_by=by,
            inputs_digest=computed.digest,
            reason=reason.strip(),
            bands=bands,
        )
    rows = []
    with collection_paused():  # thousands of model instances on top of the results
        for group_id, summary in computed.by_group.items():
            for ranked in summary.units:
                result = ranked.result
                rows.append(
                    ResultRow(
                        snapshot=snapshot,
                        unit_id=int(result.unit),
                        unit_name=names.get(int(result.unit), ""),
                        group_id=group_id,
                        max_points=result.max_points,
                        self_assessed=result.self_assessed,
                        survey_staff=result.survey_staff,
                        survey_sipas=result.survey_sipas,
                        index_pct=result.index_pct,
                        rank=ranked.rank,
                        rank_of=ranked.rank_of,
                        band=ranked.band,
                        provisional=result.provisional,
                        fields={
                            code: [
                                str(result.nodes[code].points),
                                str(result.nodes[code].max_points),
                                str(result.nodes[code].adjustment),
                            ]
                            for code in result.fields
                        },
                    )
                )
        ResultRow.objects.bulk_create(rows, batch_size=1000)
    return snapshot


@transaction.atomic
def results_publish(
    *,
    snapshot: ResultSnapshot,
    decision: str,
    decision_date: datetime.date,
    by: User | None,
    allow_provisional: bool = False,
) -> ResultSnapshot:
    """Freeze a draft snapshot as the published result, citing the decision.

    Results that still count self scores (provisional) are published only when the
    caller says so explicitly.
    """
    from parindex.assessments.models import Phase, State

    snapshot = (
        ResultSnapshot.objects.select_for_update().select_related("cycle").get(pk=snapshot.pk)
    )
    if snapshot.status == ResultSnapshot.Status.PUBLISHED:
        raise ResultsError(_("These results are already published."))
    cycle = snapshot.cycle
    if cycle.phase not in (Phase.SETUP, Phase.COUNCIL, Phase.PUBLISHED):
        raise ResultsError(_("Results are published once the council has approved them."))
    if cycle.phase == Phase.COUNCIL and cycle.assessments.exclude(state=State.APPROVED).exists():
        raise ResultsError(_("The council chair has not approved every unit's results yet."))
    if not decision.strip():
        raise ResultsError(_("Give the decision that publishes the results."))
    provisional = snapshot.rows.filter(provisional=True).count()
    if provisional and not allow_provisional:
        raise ResultsError(
            ngettext(
                "%(count)s unit is provisional (some criteria not appraised): "
                "confirm to publish it as it is.",
                "%(count)s units are provisional (some criteria not appraised): "
                "confirm to publish them as they are.",
                provisional,
            )
            % {"count": provisional}
        )
    snapshot.status = ResultSnapshot.Status.PUBLISHED
    snapshot.decision = decision.strip()
    snapshot.decision_date = decision_date
    snapshot.published_at = timezone.now()
    snapshot.save(update_fields=["status", "decision", "decision_date", "published_at"])
    if cycle.phase == Phase.COUNCIL:
        cycle.phase = Phase.PUBLISHED
        cycle.save(update_fields=["phase"])
    return snapshot


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
        year = int(data["year"]) if data.get("year", "").isdigit() else None
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


# Closing an appraisal round -----------------------------------------------------------


@dataclass
class RoundClosed:
    closed: int
    snapshot: ResultSnapshot
    messages: int


@transaction.atomic
def appraisal_round_close(*, cycle: Cycle, by: User) -> RoundClosed:
    """Close the open appraisal round, compute the preliminary results and send each unit
    whose assessment closed its result (index, rank in its group, points lost per field)
    by e-mail and SMS; then open the next phase (the revision, or the council)."""
    from parindex.assessments.models import Phase
    from parindex.assessments.services import cycle_close_round, cycle_set_phase

    round_number = {Phase.APPRAISAL_1: 1, Phase.APPRAISAL_2: 2}.get(Phase(cycle.phase))
    if round_number is None:
        raise ResultsError(_("No appraisal round is open."))
    closed = cycle_close_round(cycle=cycle, by=by)
    snapshot = results_compute(cycle=cycle, by=by, reason=_("Preliminary results"))
    sent = _preliminary_messages(cycle, snapshot, closed, round_number)
    cycle_set_phase(
        cycle=cycle, phase=Phase.REVISION if round_number == 1 else Phase.COUNCIL, by=by
    )
    return RoundClosed(len(closed), snapshot, sent)


def _preliminary_messages(
    cycle: Cycle, snapshot: ResultSnapshot, closed: list[Any], round_number: int
) -> int:
    from django.utils import translation

    from parindex.assessments.services import site_url, unit_contacts
    from parindex.notify.services import message_enqueue
    from parindex.org.templatetags.parindex import percent, points
    from parindex.scoring.engine import points_lost

    from .selectors import year_results

    results = year_results(cycle.year, revision=snapshot.revision, drafts=True)
    if results is None:
        return 0
    sent = 0
    with translation.override(settings.LANGUAGE_CODE):
        for assessment in closed:
            ranked = results.ranked(assessment.unit.code)
            if ranked is None:
                continue
            lost = points_lost(ranked.result)
            values = {
                "year": cycle.year,
                "round": round_number,
                "unit": assessment.unit.name,
                "index": percent(ranked.result.index_pct),
                "rank": ranked.rank,
                "of": ranked.rank_of,
                "group": results.groups[ranked.result.group].name,
                "link": site_url(f"/assessments/{cycle.year}/{assessment.unit.code}/"),
            }
            short = (
                _(
                    "[PAR index %(year)s] %(unit)s: appraisal round %(round)s, preliminary index "
                    "%(index)s, rank %(rank)s of %(of)s. %(link)s"
                )
                % values
            )
            detail = (
                _(
                    "%(unit)s — PAR index %(year)s, appraisal round %(round)s\n\n"
                    "Preliminary index: %(index)s, rank %(rank)s of %(of)s in the group "
                    "“%(group)s”.\n"
                )
                % values
            )
            detail += _("Points lost by field:") + "\n"
            detail += "".join(
                f"  {code}: {points(value)}\n" for code, value in lost.items() if value
            )
            detail += "\n" + _("Details, by criterion: %(link)s") % values
            for channel, recipient in unit_contacts(assessment.unit):
                sent += bool(
                    message_enqueue(
                        event_key=(
                            f"preliminary:{cycle.year}:{round_number}:{assessment.unit.code}"
                            f":{channel}:{recipient}"
                        ),
                        channel=channel,
                        recipient=recipient,
                        subject=_("PAR index %(year)s: result of appraisal round %(round)s")
                        % values,
                        body=detail if channel == "email" else short,
                    )
                )
    return sent
