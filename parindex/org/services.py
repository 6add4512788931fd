"""Actions that change several organisation records at once."""

from __future__ import annotations

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from .models import AppraisalAssignment, Role, Unit, UnitGroup, UnitName, User, normalize_name
from .templatetags.parindex import day


@transaction.atomic
def unit_rename(*, unit: Unit, new_name: str, on: datetime.date, short_name: str = "") -> Unit:
    """Give a unit a new official name; the old one stays findable for its history."""
    new_name = normalize_name(new_name)
    if not new_name:
        raise ValidationError(_("The new name is empty."))
    if new_name != unit.name:
        UnitName.objects.create(unit=unit, name=unit.name, used_until=on)
        unit.name = new_name
    if short_name:
        unit.short_name = normalize_name(short_name)
    unit.save(update_fields=["name", "short_name"])
    return unit


@transaction.atomic
def unit_merge(*, units: list[Unit], into: Unit, on: datetime.date) -> Unit:
    """Merge `units` into `into` (existing or new): they are dissolved and name it.

    Their results, assessments and people stay attached to them; `into` inherits them
    as its history through `predecessors`.
    """
    if any(unit.pk == into.pk for unit in units):
        raise ValidationError(_("A unit cannot be merged into itself."))
    if not units:
        raise ValidationError(_("Choose the units to merge."))
    for unit in units:
        if unit.dissolved_on is not None:
            raise ValidationError(
                _("%(unit)s was already dissolved on %(date)s.")
                % {"unit": unit.name, "date": day(unit.dissolved_on)}
            )
        unit.dissolved_on = on
        unit.save(update_fields=["dissolved_on"])
        unit.successors.add(into)
    return into


@transaction.atomic
def unit_dissolve(*, unit: Unit, on: datetime.date, successors: list[Unit] | None = None) -> Unit:
    """Dissolve a unit, naming the units that take over its tasks, if any."""
    if unit.dissolved_on is not None:
        raise ValidationError(_("This unit is already dissolved."))
    unit.dissolved_on = on
    unit.save(update_fields=["dissolved_on"])
    if successors:
        unit.successors.add(*successors)
    return unit


@transaction.atomic
def assignment_create(
    *, appraiser: User, group: UnitGroup, field_code: str, unit: Unit | None = None
) -> AppraisalAssignment:
    """Assign an appraiser a field of a group, or of one unit; never their own unit."""
    if appraiser.role != Role.APPRAISER:
        raise ValidationError(_("Only appraisers receive assignments."))
    assignment = AppraisalAssignment(
        appraiser=appraiser, group=group, field_code=field_code.strip(), unit=unit
    )
    assignment.full_clean()
    assignment.save()
    return assignment
