"""Where a unit's points went, and the what-if: the unit's own people and those who
oversee every unit read it; the unit and the administrator try answers (nothing saved)."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_http_methods, require_safe

from parindex.assessments.models import Assessment
from parindex.org.access import current_user, refuse
from parindex.org.models import UNIT_ROLES, Role

from . import explain as insight
from .appeals import may_appeal_now
from .exports import explanation_to_xlsx
from .provisional import missing_parts
from .views import XLSX


def _explanation(request: HttpRequest, year: int, code: str) -> tuple[insight.Explanation, Role]:
    """The unit's explanation if the user may read it; else a logged 404, whether or not
    the unit exists (another unit's points are not theirs to know of)."""
    assessment = (
        Assessment.objects.filter(cycle__year=year, unit__code=code)
        .select_related("cycle", "unit", "group")
        .first()
    )
    user = current_user(request)
    role = insight.reader_role(user, assessment) if assessment is not None else None
    if assessment is None or role is None:
        refuse(
            request, f"{user.role} may not read where the points of {year} {code} went", hide=True
        )
    assert assessment is not None and role is not None
    return insight.explain(assessment, role=role, user=user), role


@require_http_methods(["GET", "POST"])
def unit_points(request: HttpRequest, year: int, code: str) -> HttpResponse:
    """Where every point went, field by field, criterion by criterion; the cheapest
    points; the what-if (POST: answers tried, scored, never saved)."""
    if not request.user.is_authenticated:
        if request.headers.get("HX-Request"):
            # The session ended while answers were tried: say so where the answer goes,
            # leaving what was typed on the page.
            return render(request, "results/_what_if_result.html", {"expired": True})
        return redirect_to_login(request.get_full_path())
    explanation, role = _explanation(request, year, code)
    may_try = role in insight.TRIERS
    tried = result = None
    if request.method == "POST":
        if not may_try:
            refuse(request, f"{role} may not try answers for {year} {code}")
        tried = insight.TriedAnswers(explanation, request.POST)
        if tried.is_valid:
            result = insight.what_if(explanation, tried)
    if request.headers.get("HX-Request") and request.method == "POST":
        # The answer alone, swapped into the page as it is typed; htmx swaps only a 2xx,
        # so answers that cannot be scored say so in a 200 (a plain form's is a 400).
        return render(request, "results/_what_if_result.html", {"tried": tried, "what_if": result})
    cheapest = explanation.cheapest
    assessment = explanation.assessment
    return render(
        request,
        "results/points.html",
        {
            "year": year,
            "x": explanation,
            "parts": explanation.parts,
            "unit": explanation.assessment.unit,
            "role": role,
            "may_try": may_try,
            "tried": tried,
            "what_if": result,
            "cheapest": cheapest[: insight.CHEAPEST_SHOWN],
            "more_cheap": max(0, len(cheapest) - insight.CHEAPEST_SHOWN),
            "missing": missing_parts(explanation.result),
            "unit_roles": UNIT_ROLES,
            "may_appeal": role in UNIT_ROLES
            and explanation.appraisal_shown
            and may_appeal_now(assessment.cycle, assessment.unit),
        },
        status=400 if tried is not None and not tried.is_valid else 200,
    )


@require_safe
@login_required
def unit_points_xlsx(request: HttpRequest, year: int, code: str) -> HttpResponse:
    explanation, _role = _explanation(request, year, code)
    response = HttpResponse(explanation_to_xlsx(explanation), content_type=XLSX)
    name = f"chi-so-cchc-{year}-{code}-diem-bi-mat.xlsx"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response
