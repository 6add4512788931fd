"""Errors in the contract's shape: `{"error": code, "message": Vietnamese sentence,
"details": …}` (shared/docs/api.md), one handler per kind of refusal."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.utils.translation import gettext as _
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError, ValidationError

from parindex.org.errors import Forbidden, Refused


class ApiError(Exception):
    """A refusal with its status, code and details, raised by an endpoint."""

    def __init__(self, status: int, error: str, message: str, details: Any = None) -> None:
        super().__init__(message)
        self.status, self.error, self.message, self.details = status, error, message, details


def not_found() -> ApiError:
    """What the caller may not know exists looks like what does not exist."""
    return ApiError(404, "not_found", _("Not found."))


def error_response(status: int, error: str, message: str, details: Any = None) -> JsonResponse:
    return JsonResponse(
        {"error": error, "message": message, "details": details},
        status=status,
        json_dumps_params={"ensure_ascii": False},
    )


def _field(loc: Any) -> str | None:
    """pydantic's location of an error as the field's dotted name: ("body", "body",
    "inputs", "numerator") → "inputs.numerator"; ("path", "year") → "year"."""
    parts = [str(part) for part in loc]
    parts = parts[2:] if len(parts) > 2 and parts[0] == "body" else parts[1:]
    return ".".join(parts) or None


def install(api: NinjaAPI) -> None:
    """Every refusal of the API in the contract's shape."""

    @api.exception_handler(ApiError)
    def _api_error(request: HttpRequest, exc: ApiError) -> HttpResponse:
        return error_response(exc.status, exc.error, exc.message, exc.details)

    @api.exception_handler(ValidationError)
    def _invalid(request: HttpRequest, exc: ValidationError) -> HttpResponse:
        details = [
            {"field": _field(error.get("loc", ())), "problem": error.get("type")}
            for error in exc.errors
        ]
        return error_response(400, "invalid", _("The request is not valid."), details)

    @api.exception_handler(AuthenticationError)
    def _unauthenticated(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
        return error_response(
            401, "unauthenticated", _("Give a valid token: Authorization: Bearer <token>.")
        )

    @api.exception_handler(Forbidden)
    def _forbidden(request: HttpRequest, exc: Forbidden) -> HttpResponse:
        return error_response(403, "forbidden", exc.message)

    @api.exception_handler(Refused)
    def _refused(request: HttpRequest, exc: Refused) -> HttpResponse:
        details = {"allowed": exc.allowed} if exc.allowed else None
        return error_response(409, "conflict", exc.message, details)

    @api.exception_handler(PermissionDenied)
    def _denied(request: HttpRequest, exc: PermissionDenied) -> HttpResponse:
        return error_response(403, "forbidden", _("You may not do this."))

    @api.exception_handler(Http404)
    def _missing(request: HttpRequest, exc: Http404) -> HttpResponse:
        return error_response(404, "not_found", _("Not found."))

    @api.exception_handler(HttpError)
    def _http(request: HttpRequest, exc: HttpError) -> HttpResponse:
        # ninja's own: a body that is not JSON (400), mostly
        if exc.status_code == 400:
            return error_response(400, "invalid", _("The request is not valid."), str(exc))
        return error_response(exc.status_code, "error", str(exc))
