"""Actions that change several organisation records at once."""

from __future__ import annotations

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from .models import (
    CONTACT_FIELDS,
    AppraisalAssignment,
    Role,
    Unit,
    UnitContactChange,
    UnitGroup,
    UnitName,
    User,
    normalize_name,
)
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


@transaction.atomic
def unit_set_contacts(
    *, unit: Unit, head_name: str, email: str, mobile: str, by: User | None
) -> list[UnitContactChange]:
    """Save a unit's contact details (already validated), keeping one change record for
    each detail that changed; returns those records (none if nothing changed)."""
    stored = Unit.objects.select_for_update().get(pk=unit.pk)
    wanted = {"head_name": normalize_name(head_name), "email": email.strip(), "mobile": mobile}
    changes = [
        UnitContactChange(
            unit=stored, field=name, before=getattr(stored, name), after=wanted[name], by=by
        )
        for name in CONTACT_FIELDS
        if getattr(stored, name) != wanted[name]
    ]
    for name, value in wanted.items():
        setattr(unit, name, value)
        setattr(stored, name, value)
    if changes:
        stored.save(update_fields=[change.field for change in changes])
        UnitContactChange.objects.bulk_create(changes)
    return changes
