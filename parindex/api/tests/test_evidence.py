"""Evidence through the API: the unit uploads to a leaf (413, 415 as the contract says);
the unit, its appraisers and the administrator download; another unit never."""

from __future__ import annotations

import hashlib
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from parindex.assessments.models import Assessment, ItemEvidence
from parindex.assessments.tests.files import EXE, PDF
from parindex.conftest import Cast
from parindex.org.models import SecurityEvent

pytestmark = pytest.mark.django_db
UPLOAD = "/assessments/2024/so-tu-phap/items/1.1.1/evidence"


def _upload(client: Any, content: bytes, name: str = "ke-hoach.pdf") -> Any:
    return client.client.post(
        "/api/v1" + UPLOAD,
        {"file": SimpleUploadedFile(name, content)},
        headers=client.headers,
    )


def test_the_unit_uploads_and_who_may_downloads(
    cast: Cast, assessment_a: Assessment, api_as: Any
) -> None:
    answer = _upload(api_as("scorer_a"), PDF)
    assert answer.status_code == 201, answer.content
    body = answer.json()
    assert body["sha256"] == hashlib.sha256(PDF).hexdigest()
    assert (body["name"], body["size"], body["type"]) == ("ke-hoach.pdf", len(PDF), "pdf")
    assert "document" in body
    assert ItemEvidence.objects.filter(item__criterion__code="1.1.1", file_id=body["id"]).exists()
    url = f"/evidence/{body['id']}"
    for who in ("scorer_a", "head_a", "admin", "appraiser"):
        got = api_as(who).get(url)
        assert got.status_code == 200, who
        assert b"".join(got.streaming_content) == PDF
        assert got["Content-Security-Policy"] == "sandbox"
    events = SecurityEvent.objects.count()
    for who in ("scorer_b", "head_b", "viewer", "chair"):
        refused = api_as(who).get(url)
        assert refused.status_code == 404 and refused.json()["error"] == "not_found"
    assert SecurityEvent.objects.count() == events + 4
    assert api_as("scorer_b").get("/evidence/999999").json() == api_as("scorer_b").get(url).json()


def test_a_file_of_another_type_is_a_415_and_a_large_one_a_413(
    cast: Cast, assessment_a: Assessment, api_as: Any, settings: Any
) -> None:
    client = api_as("scorer_a")
    wrong = _upload(client, EXE, "bao-cao.pdf")
    assert wrong.status_code == 415 and wrong.json()["error"] == "unsupported_type"
    settings.EVIDENCE_MAX_FILE_BYTES = len(PDF) - 1
    large = _upload(client, PDF)
    assert large.status_code == 413 and large.json()["error"] == "too_large"
    assert "MB" in large.json()["message"]


@pytest.mark.parametrize(("who", "status"), [("admin", 403), ("scorer_b", 404), (None, 401)])
def test_only_the_unit_uploads(
    cast: Cast, assessment_a: Assessment, api_as: Any, who: str | None, status: int
) -> None:
    assert _upload(api_as(who), PDF).status_code == status


def test_an_upload_without_a_file_is_a_400(
    cast: Cast, assessment_a: Assessment, api_as: Any
) -> None:
    client = api_as("scorer_a")
    answer = client.client.post("/api/v1" + UPLOAD, {}, headers=client.headers)
    assert answer.status_code == 400 and answer.json()["error"] == "invalid"


def test_what_was_read_from_a_file_is_null_until_it_has_been_read(
    cast: Cast,
    assessment_a: Assessment,
    api_as: Any,
    settings: Any,
    django_capture_on_commit_callbacks: Any,
) -> None:
    from parindex.assessments.tests.test_evidence_reading import IMMEDIATE, report_docx

    settings.TASKS = IMMEDIATE
    client = api_as("scorer_a")
    with django_capture_on_commit_callbacks(execute=True):
        answer = _upload(client, report_docx(), "bao-cao-quy-1.docx")
        assert answer.status_code == 201, answer.content
        assert answer.json()["document"] is None  # read after the upload's commit
    items = client.get("/assessments/2024/so-tu-phap").json()["items"]
    [cited] = next(item for item in items if item["criterion"] == "1.1.1")["evidence"]
    assert cited["document"]["number"] == "37/BC-STP"
    assert cited["document"]["date"] == "2024-03-12"
