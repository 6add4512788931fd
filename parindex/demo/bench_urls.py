"""The benchmark's URLs (PARINDEX_BENCH=1, never in production): the site, plus a view that
does nothing, the floor every page is measured against."""

from django.db import connection, transaction
from django.http import HttpRequest, HttpResponse
from django.urls import include, path
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST, require_safe

# The table the inserting view writes to; bench_surveys makes it and drops it.
INSERT_TABLE = "bench_insert"


@require_safe
def minimal(request: HttpRequest) -> HttpResponse:
    return HttpResponse("ok", content_type="text/plain")


@csrf_exempt
@require_POST
def insert(request: HttpRequest) -> HttpResponse:
    """A POST that stores one row in its own transaction: the floor of a form's save."""
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {INSERT_TABLE} (payload) VALUES (%s)",  # noqa: S608 - a constant
            [request.POST.get("payload", "")[:100]],
        )
    return HttpResponse("ok", content_type="text/plain")


urlpatterns = [
    path("bench/minimal/", minimal),
    path("bench/insert/", insert),
    path("", include("parindex.urls")),
]
