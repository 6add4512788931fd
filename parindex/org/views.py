from itertools import groupby

from django.contrib.auth.decorators import login_required
from django.db.models import Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from .access import current_user, get_unit_for_user, visible_units
from .forms import UnitFilterForm
from .models import Unit


@require_GET
@login_required
def unit_list(request: HttpRequest) -> HttpResponse:
    """Units by group. Everyone signed in sees the list; details only of visible units."""
    user = current_user(request)
    form = UnitFilterForm(request.GET or None)
    query = form.cleaned_data if form.is_valid() else {}
    units = Unit.objects.for_list()
    if not query.get("show_dissolved"):
        units = units.active()
    if query.get("q"):
        term = query["q"].strip()
        units = units.filter(
            Q(name__icontains=term) | Q(short_name__icontains=term) | Q(code__icontains=term)
        )
    visible_ids = set(visible_units(user).values_list("pk", flat=True))
    rows = list(units)
    groups = [
        (group, list(members)) for group, members in groupby(rows, key=lambda unit: unit.group)
    ]
    return render(
        request,
        "org/unit_list.html",
        {"groups": groups, "form": form, "visible_ids": visible_ids, "count": len(rows)},
    )


@require_GET
@login_required
def unit_detail(request: HttpRequest, code: str) -> HttpResponse:
    unit = get_unit_for_user(request, code)
    people = unit.people.filter(is_active=True).order_by("role", "username")
    context = {
        "unit": unit,
        "people": people,
        "children": unit.children.all(),
        "successors": unit.successors.all(),
        "predecessors": unit.predecessors.all(),
        "former_names": unit.former_names.all(),
    }
    return render(request, "org/unit_detail.html", context)
