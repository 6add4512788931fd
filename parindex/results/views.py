from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from .exports import cycle_to_xlsx
from .models import ImportedResult
from .selectors import imported_cycle

SORTS = {
    "rank": lambda r: (r.rank, r.result.unit),
    "name": lambda r: r.result.unit,
    "self": lambda r: -r.result.self_assessed,
    "staff": lambda r: -r.result.survey_staff,
    "sipas": lambda r: -r.result.survey_sipas,
}


@require_GET
@login_required
def year_results(request: HttpRequest, year: int) -> HttpResponse:
    """A year's published results in the report's layout, group by group."""
    cycle = imported_cycle(year)
    if not cycle.units:
        raise Http404
    sort = request.GET.get("sort", "rank")
    key = SORTS.get(sort, SORTS["rank"])
    groups = [
        (summary, sorted((r for r in cycle.units if r.result.group == name), key=key))
        for name, summary in cycle.groups.items()
    ]
    years = ImportedResult.objects.values_list("year", flat=True).distinct().order_by("-year")
    return render(
        request,
        "results/year.html",
        {
            "year": year,
            "cycle": cycle,
            "groups": groups,
            "sort": sort,
            "years": list(years),
        },
    )


@require_GET
@login_required
def year_results_xlsx(request: HttpRequest, year: int) -> HttpResponse:
    cycle = imported_cycle(year)
    if not cycle.units:
        raise Http404
    response = HttpResponse(
        cycle_to_xlsx(cycle),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    response["Content-Disposition"] = f'attachment; filename="chi-so-cchc-{year}.xlsx"'
    return response
