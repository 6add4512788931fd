"""HTML compression for pages that hold no secret.

Django's GZipMiddleware pads every compressed body at random (its BREACH mitigation) and
CSRF tokens are masked afresh in every response; a logged-in page still shows its user's
data beside what an attacker may reflect into it, so only visitors who are not logged in
get compressed HTML. Static files are compressed ahead by whitenoise.
"""

from __future__ import annotations

from django.http import HttpRequest, HttpResponseBase
from django.middleware.gzip import GZipMiddleware


class PublicGZipMiddleware(GZipMiddleware):
    def process_response(
        self, request: HttpRequest, response: HttpResponseBase
    ) -> HttpResponseBase:
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            return response
        return super().process_response(request, response)
