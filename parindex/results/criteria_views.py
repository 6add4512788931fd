"""The province's criteria across units: where the units lost points, criterion by
criterion, for those who oversee the whole cycle (read-only; no appraiser's comment, as
those are each unit's)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django import forms
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_safe

from parindex.assessments.models import Cycle
from parindex.org.access import current_user, role_required
from parindex.org.models import Role

from .criteria import GroupCriteria, cycle_criteria
from .exports import criteria_to_xlsx

CYCLE_RUNNERS = (Role.ADMIN, Role.COUNCIL_CHAIR)
OVERSIGHT = (*CYCLE_RUNNERS, Role.VIEWER)
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


class GroupFilterForm(forms.Form):
    """One group of the page, or every group (an unknown group shows every group)."""

    group = forms.ChoiceField(required=False)

    def __init__(self, data: Mapping[str, Any], *, groups: list[GroupCriteria]) -> None:
        super().__init__(data)
        group = self.fields["group"]
        assert isinstance(group, forms.ChoiceField)
        group.choices = [("", ""), *((g.code, g.name) for g in groups)]

    def chosen(self) -> str:
        return str(self.cleaned_data["group"]) if self.is_valid() else ""


@require_safe
@role_required(*OVERSIGHT)
def criteria(request: HttpRequest, year: int) -> HttpResponse:
    """Each group's criteria where units lost points: how many units, which, how many
    points in all."""
    cycle = get_object_or_404(Cycle, year=year)
    groups = cycle_criteria(cycle)
    chosen = GroupFilterForm(request.GET, groups=groups).chosen()
    return render(
        request,
        "results/criteria.html",
        {
            "cycle": cycle,
            "year": year,
            "groups": groups,
            "shown": [g for g in groups if g.code == chosen] if chosen else groups,
            "group": chosen,
            # The cycle's page and the fairness page are the administrator's and the chair's.
            "runs_cycle": current_user(request).role in CYCLE_RUNNERS,
        },
    )


@require_safe
@role_required(*OVERSIGHT)
def criteria_xlsx(request: HttpRequest, year: int) -> HttpResponse:
    cycle = get_object_or_404(Cycle, year=year)
    response = HttpResponse(criteria_to_xlsx(cycle_criteria(cycle)), content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="chi-so-cchc-{year}-tieu-chi.xlsx"'
    return response
