"""The benchmark's URLs (PARINDEX_BENCH=1, never in production): the site, plus a view that
does nothing, the floor every page is measured against."""

from django.http import HttpRequest, HttpResponse
from django.urls import include, path
from django.views.decorators.http import require_safe


@require_safe
def minimal(request: HttpRequest) -> HttpResponse:
    return HttpResponse("ok", content_type="text/plain")


urlpatterns = [
    path("bench/minimal/", minimal),
    path("", include("parindex.urls")),
]
