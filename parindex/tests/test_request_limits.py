"""A request body over its limit is refused before anything reads it: an anonymous 200 MiB
post to an evidence URL was once read in full before the log-in redirect. The limit is
the upload's setting (EVIDENCE_MAX_FILE_BYTES, FRAMEWORK_UPLOAD_MAX_BYTES) plus the form
around the file, DATA_UPLOAD_MAX_MEMORY_SIZE for any other post; the answer is a 413 in
Vietnamese, one sentence for htmx."""

from __future__ import annotations

import io
from typing import Any

import pytest
from django.core.handlers.wsgi import WSGIRequest
from django.http import HttpRequest, HttpResponse
from django.test import RequestFactory
from django.urls import reverse

from parindex.assessments.models import Assessment, EvidenceFile
from parindex.assessments.tests.files import PDF
from parindex.conftest import Cast
from parindex.org.middleware import RequestSizeMiddleware

pytestmark = pytest.mark.django_db
MIB = 1024 * 1024
FILE_TOO_LARGE = "Tệp lớn hơn 20,0 MB, mức tối đa biểu mẫu này nhận"


class Endless(io.RawIOBase):
    """A client that keeps sending: counts what the server reads of it."""

    def __init__(self) -> None:
        self.read_bytes = 0

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        size = len(buffer)
        buffer[:size] = b"\0" * size
        self.read_bytes += size
        return size


def evidence_url(assessment: Assessment) -> str:
    return reverse("assessments:evidence_upload", args=[2024, assessment.unit.code, "1.1.1"])


def declared_post(client: Any, url: str, length: int, **extra: Any) -> tuple[Any, Endless]:
    """A multipart post that says it carries `length` bytes, and would send them."""
    body = Endless()
    response = client.generic(
        "POST",
        url,
        b"",
        content_type="multipart/form-data; boundary=xyz",
        CONTENT_LENGTH=str(length),
        **{"wsgi.input": body},
        **extra,
    )
    return response, body


def test_an_anonymous_200_mib_post_is_refused_unread(cast: Cast, assessment_a: Assessment) -> None:
    response, body = declared_post(cast.client(None), evidence_url(assessment_a), 200 * MIB)
    assert response.status_code == 413 and body.read_bytes == 0
    page = response.content.decode()
    assert "Dữ liệu gửi lên quá lớn" in page and FILE_TOO_LARGE in page


def test_a_length_no_body_has_is_refused_and_a_garbled_one_reads_nothing(
    cast: Cast, assessment_a: Assessment
) -> None:
    url = evidence_url(assessment_a)
    body = Endless()
    response = cast.client(None).generic(
        "POST", url, b"", CONTENT_LENGTH="9" * 30, **{"wsgi.input": body}
    )
    assert response.status_code == 413 and body.read_bytes == 0
    response = cast.client(None).generic(
        "POST", url, b"", CONTENT_LENGTH="²", **{"wsgi.input": body}
    )
    assert response.status_code == 302 and body.read_bytes == 0  # to the log-in, unread


def test_htmx_gets_one_sentence_it_can_show(cast: Cast, assessment_a: Assessment) -> None:
    response, body = declared_post(
        cast.client(cast.scorer_a), evidence_url(assessment_a), 30 * MIB, HTTP_HX_REQUEST="true"
    )
    assert response.status_code == 413 and body.read_bytes == 0
    assert response["Content-Type"].startswith("text/plain")
    assert response.content.decode().startswith(FILE_TOO_LARGE)


def test_the_limit_follows_the_upload_settings(
    cast: Cast, assessment_a: Assessment, settings: Any
) -> None:
    settings.EVIDENCE_MAX_FILE_BYTES = MIB
    url = evidence_url(assessment_a)
    client = cast.client(cast.scorer_a)
    response, _body = declared_post(client, url, 2 * MIB)
    assert response.status_code == 413
    assert "Tệp lớn hơn 1,0 MB" in response.content.decode()
    # Within the limit, the upload goes through as before.
    response = client.post(url, {"file": io.BytesIO(PDF)}, HTTP_REFERER="http://testserver/")
    assert response.status_code == 302 and EvidenceFile.objects.count() == 1
    # The framework import has its own limit.
    settings.FRAMEWORK_UPLOAD_MAX_BYTES = MIB
    response, body = declared_post(cast.client(cast.admin), reverse("frameworks:import"), 2 * MIB)
    assert response.status_code == 413 and body.read_bytes == 0
    assert "Tệp lớn hơn 1,0 MB" in response.content.decode()


def test_an_ordinary_form_post_gets_djangos_data_limit(
    cast: Cast, assessment_a: Assessment, settings: Any
) -> None:
    url = reverse("assessments:item_save", args=[2024, assessment_a.unit.code, "1.1.1"])
    response, body = declared_post(
        cast.client(cast.scorer_a), url, settings.DATA_UPLOAD_MAX_MEMORY_SIZE + 1
    )
    assert response.status_code == 413 and body.read_bytes == 0
    assert "Dữ liệu gửi lên lớn hơn mức biểu mẫu này nhận" in response.content.decode()
    assert "Quay lại trang trước" not in response.content.decode()  # no page to go back to


def chunked(body: io.RawIOBase, path: str) -> WSGIRequest:
    """A chunked post, as a server hands it over de-chunked: no Content-Length."""
    environ = RequestFactory().generic("POST", path, b"").environ
    environ.pop("CONTENT_LENGTH", None)
    environ.update(
        {
            "HTTP_TRANSFER_ENCODING": "chunked",
            "wsgi.input_terminated": True,
            "wsgi.input": body,
            "CONTENT_TYPE": "application/octet-stream",
        }
    )
    return WSGIRequest(environ)


def test_a_chunked_body_is_counted_as_it_streams_and_read_no_further(
    cast: Cast, assessment_a: Assessment, settings: Any
) -> None:
    settings.EVIDENCE_MAX_FILE_BYTES = MIB
    limit = MIB + settings.UPLOAD_FORM_OVERHEAD
    seen: list[bytes] = []

    def view(request: HttpRequest) -> HttpResponse:
        seen.append(request.body)
        return HttpResponse("read")

    request = chunked(Endless(), evidence_url(assessment_a))
    request.user = cast.scorer_a
    response = RequestSizeMiddleware(view)(request)
    assert response.status_code == 413 and not seen
    assert request.META["wsgi.input"].read_bytes <= limit + 64 * 1024
    # A chunked body within the limit reaches the view whole.
    small = chunked(io.BytesIO(b"x" * 1000), evidence_url(assessment_a))
    small.user = cast.scorer_a
    assert RequestSizeMiddleware(view)(small).status_code == 200
    assert seen == [b"x" * 1000]
