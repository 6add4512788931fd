import contextlib
import ipaddress
import logging
import re
import tempfile
import time
import uuid
from collections.abc import Callable

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import SuspiciousOperation
from django.core.handlers.wsgi import LimitedStream
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import Resolver404, resolve, reverse
from django.utils import translation
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _

from .logs import request_context
from .models import SecurityEvent, Unit, User
from .security import client_ip, record
from .templatetags.parindex import megabytes

request_logger = logging.getLogger("parindex.requests")
security_logger = logging.getLogger("parindex.security")


class HealthCheckMiddleware:
    """Answers the load balancer's /healthz and /readyz before anything else runs: no
    host check (a balancer calls a node by its address), no HTTPS redirect, no session,
    no log line every few seconds. The views are the project's (parindex/views.py)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.path_info in settings.HEALTH_CHECK_PATHS:
            match = resolve(request.path_info)
            response: HttpResponse = match.func(request, *match.args, **match.kwargs)
            return response
        return self.get_response(request)


class ClientAddressMiddleware:
    """Behind a proxy, the client's address is the one the proxy passes in
    CLIENT_IP_HEADER (its own would make every person one address to the lock-out and
    the log-in throttle). Only set where every request comes through the proxy."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response
        header = settings.CLIENT_IP_HEADER
        self.meta_key = "HTTP_" + header.upper().replace("-", "_") if header else ""

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if self.meta_key:
            # The proxy appends the address it saw: the last one is the proxy's own word.
            passed = request.META.get(self.meta_key, "").split(",")[-1].strip()
            with contextlib.suppress(ValueError):  # not an address: the socket's stays
                request.META["REMOTE_ADDR"] = str(ipaddress.ip_address(passed))
        return self.get_response(request)


REQUEST_ID = re.compile(r"^[A-Za-z0-9._-]{1,64}$")
# A URL argument with one of these in its name is a secret: the route is logged instead.
SECRET_URL_ARGUMENTS = ("token", "key", "secret", "uidb64")


class RequestLogMiddleware:
    """One log line per request: method, path (no query string: only its names), route,
    status, duration, the user's id, role and unit, and the request's id (the proxy's
    X-Request-ID if it sends one), which every other line written meanwhile carries too
    and the response returns. Never a body, a password or a token."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        given = request.headers.get("X-Request-ID", "")
        request_id = given if REQUEST_ID.match(given) else uuid.uuid4().hex
        context = request_context.set({"request_id": request_id})
        started = time.perf_counter()
        try:
            response = self.get_response(request)
            duration_ms = round((time.perf_counter() - started) * 1000, 1)
            response["X-Request-ID"] = request_id
            fields = _request_fields(request)
            request_logger.info(
                "%s %s %s",
                request.method,
                fields["path"],
                response.status_code,
                extra={
                    **fields,
                    "status": response.status_code,
                    "duration_ms": duration_ms,
                    "request_id": request_id,
                },
            )
            return response
        finally:
            request_context.reset(context)


def _request_fields(request: HttpRequest) -> dict[str, object]:
    match = request.resolver_match
    route = match.route if match is not None else ""
    hide_path = match is not None and any(
        marker in name for name in match.kwargs for marker in SECRET_URL_ARGUMENTS
    )
    try:
        query_keys = sorted(request.GET.keys())[:20]
    except SuspiciousOperation:  # more fields than Django reads: the view refused it
        query_keys = ["…"]
    fields: dict[str, object] = {
        "method": request.method,
        "path": ("/" + route if hide_path else request.path)[:500],
        "route": route,
        "query_keys": [key[:40] for key in query_keys],
        "user_id": None,
        "role": None,
        "unit": None,
    }
    user = _signed_in_user(request)
    if user is not None:
        unit = _unit_code(user.unit_id) if user.unit_id is not None else None
        fields.update(user_id=user.pk, role=user.role, unit=unit)
    return fields


def _unit_code(unit_id: int) -> str:
    """A unit's code for the log, from the cache after its first request: a unit's code
    never changes (a reorganised unit is a successor with its own)."""
    key = f"parindex:unit-code:{unit_id}"
    code: str | None = cache.get(key)
    if code is None:
        code = Unit.objects.filter(pk=unit_id).values_list("code", flat=True).first() or ""
        cache.set(key, code, 24 * 60 * 60)
    return code


def _signed_in_user(request: HttpRequest) -> User | None:
    """The signed-in user, without opening a session that the request did not bring."""
    if settings.SESSION_COOKIE_NAME not in request.COOKIES or not hasattr(request, "user"):
        return None
    user = request.user
    return user if isinstance(user, User) and user.is_authenticated else None


class SecurityHeadersMiddleware:
    """The content security policy on every page (a view may set a stricter one, as the
    evidence download's sandbox), and `Cache-Control: private, no-store` on every answer
    to a signed-in person, so that no proxy or shared browser keeps a page behind the
    log-in. Public pages keep their caching; static files never reach here."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        response.headers.setdefault("Content-Security-Policy", settings.CONTENT_SECURITY_POLICY)
        if _signed_in_user(request) is not None:
            response["Cache-Control"] = "private, no-store"
            if "Expires" in response:
                del response["Expires"]
        return response


class LoginThrottleMiddleware:
    """On top of axes' lock-out (a username from an address): an address that failed
    LOGIN_THROTTLE_FAILURES log-ins over any usernames in the current window may not try
    again, on the app's log-in or the admin's, before the window ends: a 429 page in
    Vietnamese, with Retry-After."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.method == "POST" and request.path_info in (
            reverse("login"),
            reverse("admin:login"),
        ):
            key, retry_after = _throttle_key(request)
            if cache.get(key, 0) >= settings.LOGIN_THROTTLE_FAILURES:
                security_logger.warning(
                    "login throttled", extra={"ip": client_ip(request), "retry_after": retry_after}
                )
                response = render(
                    request,
                    "429.html",
                    {"minutes": max(1, -(-retry_after // 60))},
                    status=429,
                )
                response["Retry-After"] = str(retry_after)
                return response
        return self.get_response(request)


def _throttle_key(request: HttpRequest) -> tuple[str, int]:
    """The cache key of the address's failures in the current window, and the seconds
    left in the window."""
    window = settings.LOGIN_THROTTLE_WINDOW_SECONDS
    now = int(time.time())
    return f"login-throttle:{client_ip(request)}:{now // window}", window - now % window


def login_failure_count(request: HttpRequest | None) -> None:
    """Count a failed log-in against its address, for LoginThrottleMiddleware."""
    if request is None:
        return
    key, _left = _throttle_key(request)
    cache.add(key, 0, timeout=settings.LOGIN_THROTTLE_WINDOW_SECONDS)
    try:
        cache.incr(key)
    except ValueError:  # expired between the two calls
        cache.set(key, 1, timeout=settings.LOGIN_THROTTLE_WINDOW_SECONDS)


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
