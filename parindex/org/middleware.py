from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.utils import translation

from .models import SecurityEvent
from .security import record


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
