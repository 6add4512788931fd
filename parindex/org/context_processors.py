"""What every template may need to know of the settings."""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest


def upload_limits(request: HttpRequest) -> dict[str, int]:
    """The largest evidence file, for the page to refuse a larger one before sending it
    (static/js/upload.js); the server refuses it again (RequestSizeMiddleware)."""
    return {"evidence_max_bytes": settings.EVIDENCE_MAX_FILE_BYTES}
