import tempfile
from collections.abc import Callable

from django.conf import settings
from django.core.handlers.wsgi import LimitedStream
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import Resolver404, resolve
from django.utils import translation
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _

from .models import SecurityEvent
from .security import record
from .templatetags.parindex import megabytes


class RefusalLogMiddleware:
    """Logs every 403 the server answers, whichever view refused."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if response.status_code == 403 and not getattr(request, "_refusal_recorded", False):
            record(SecurityEvent.Kind.REFUSED, request, detail="403")
        return response


class LanguageMiddleware:
    """Vietnamese first: the language chosen with the switch, else Vietnamese.

    Unlike Django's LocaleMiddleware, the browser's Accept-Language is not followed: many
    civil servants' browsers are set to English, and the interface is Vietnamese first.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME, "")
        language = chosen if chosen in dict(settings.LANGUAGES) else settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = language
        response = self.get_response(request)
        response.headers.setdefault("Content-Language", language)
        translation.deactivate()
        return response


class RequestSizeMiddleware:
    """Refuses a request body above its limit before anything reads it: an upload may be
    as large as its setting (REQUEST_BODY_LIMITS) plus the form around the file, any other
    post DATA_UPLOAD_MAX_MEMORY_SIZE. The declared Content-Length decides; a chunked body
    (no length; the server hands it over de-chunked) is counted as it is read, and read no
    further than its limit. The answer is a 413: the page for a browser's post, one
    sentence for an htmx request, which the page shows in place."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.META.get("CONTENT_LENGTH") or _chunked(request):
            limit, file_limit = body_limits(request)
            if limit is not None and not _within(request, limit):
                return _too_large(request, file_limit)
        return self.get_response(request)


def body_limits(request: HttpRequest) -> tuple[int | None, int | None]:
    """The largest body the request's URL accepts, and the largest file inside it (None
    where there is no limit, or no file)."""
    try:
        view_name = resolve(request.path_info).view_name
    except Resolver404:
        view_name = ""
    setting = settings.REQUEST_BODY_LIMITS.get(view_name)
    if setting is not None:
        file_limit: int = getattr(settings, setting)
        return file_limit + settings.UPLOAD_FORM_OVERHEAD, file_limit
    data_limit: int | None = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
    return data_limit, None


def _within(request: HttpRequest, limit: int) -> bool:
    declared = str(request.META.get("CONTENT_LENGTH") or "").strip()
    if declared:
        if len(declared) > 18:  # no body that long is accepted, nor read as a number
            return False
        try:
            return int(declared) <= limit
        except ValueError:
            return True  # Django reads nothing of a length it cannot read
    return _spool_chunked(request, limit) if _chunked(request) else True


def _chunked(request: HttpRequest) -> bool:
    """A body without a length, which the server hands over de-chunked."""
    encoding = request.META.get("HTTP_TRANSFER_ENCODING", "")
    return "chunked" in encoding.lower() and bool(request.META.get("wsgi.input_terminated"))


def _spool_chunked(request: HttpRequest, limit: int) -> bool:
    """Read a chunked body as it streams, at most `limit` bytes, into a spooled file that
    the request then reads as a body of known length."""
    source = request.META["wsgi.input"]
    # Not closed here: the request reads it, and it goes with the request.
    spooled = tempfile.SpooledTemporaryFile(  # noqa: SIM115
        max_size=settings.FILE_UPLOAD_MAX_MEMORY_SIZE
    )
    size = 0
    while chunk := source.read(min(64 * 1024, limit + 1 - size)):
        size += len(chunk)
        if size > limit:
            spooled.close()
            return False
        spooled.write(chunk)
    spooled.seek(0)
    request.META["CONTENT_LENGTH"] = str(size)
    request._stream = LimitedStream(spooled, size)  # type: ignore[assignment,arg-type]
    return True


def _too_large(request: HttpRequest, file_limit: int | None) -> HttpResponse:
    if file_limit is not None:
        message = _(
            "The file is larger than %(max)s MB, the most this form accepts, so it was not "
            "received and nothing was saved. Choose a smaller file (scan at a lower "
            "resolution, or split the document) and send it again."
        ) % {"max": megabytes(file_limit)}
    else:
        message = _(
            "What was sent is larger than this form accepts, so it was not read and nothing "
            "was saved. Shorten the text and send it again."
        )
    if request.headers.get("HX-Request"):
        return HttpResponse(message, status=413, content_type="text/plain; charset=utf-8")
    back = request.META.get("HTTP_REFERER", "")
    if not url_has_allowed_host_and_scheme(
        back, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        back = ""
    return render(request, "413.html", {"message": message, "back": back}, status=413)
