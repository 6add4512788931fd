"""Evidence in object storage: with STORAGE_BACKEND=s3 an uploaded file goes into the
bucket (a real S3 server on loopback), is private there, and still reaches only the
people the view lets through; citing and no longer citing it behave as on the local disk."""

from __future__ import annotations

import urllib.error
import urllib.request
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import pytest
from django.core.files.storage import default_storage
from django.db.models import ProtectedError
from django.urls import reverse

from parindex.assessments.models import Assessment, AssessmentItem, EvidenceFile, ItemEvidence
from parindex.conftest import Cast
from parindex.org.tests.s3 import (
    Bucket,
    either_storage,
    s3_bucket,
    s3_endpoint,
    storages_from_environment,
)

from .files import PDF, PNG, upload

__all__ = ["either_storage", "s3_bucket", "s3_endpoint"]  # fixtures
pytestmark = pytest.mark.django_db
HTMX = {"HTTP_HX_REQUEST": "true"}


def action(assessment: Assessment, code: str, what: str, *more: object) -> str:
    return reverse(
        f"assessments:{what}", args=[assessment.cycle.year, assessment.unit.code, code, *more]
    )


def leaf(assessment: Assessment, code: str) -> AssessmentItem:
    return assessment.items.get(criterion__code=code)


def post_file(cast: Cast, assessment: Assessment, code: str, name: str, content: bytes) -> str:
    response = cast.client(cast.scorer_a).post(
        action(assessment, code, "evidence_upload"), {"file": upload(name, content)}, **HTMX
    )
    assert response.status_code == 200
    return response.content.decode()


def status_of(url: str) -> int:
    """What a plain HTTP client with no credentials gets at this address."""
    try:
        with urllib.request.urlopen(url, timeout=10) as answer:  # noqa: S310 - loopback only
            return int(answer.status)
    except urllib.error.HTTPError as error:
        return error.code


def test_the_settings_keep_the_bucket_private() -> None:
    options = storages_from_environment(
        {"STORAGE_BACKEND": "s3", "S3_BUCKET": "tinh", "S3_ENDPOINT_URL": "https://s3.tinh.vn"}
    )["default"]["OPTIONS"]
    assert options["default_acl"] is None
    assert options["querystring_auth"] is True and options["querystring_expire"] == 300
    assert options["file_overwrite"] is False
    local = storages_from_environment({})["default"]
    assert local["BACKEND"] == "django.core.files.storage.FileSystemStorage"


@pytest.mark.parametrize("environment", [{"STORAGE_BACKEND": "s3"}, {"STORAGE_BACKEND": "ftp"}])
def test_a_storage_missing_its_bucket_or_unknown_refuses_to_start(
    environment: dict[str, str],
) -> None:
    from django.core.exceptions import ImproperlyConfigured

    with pytest.raises(ImproperlyConfigured, match="STORAGE_BACKEND"):
        storages_from_environment(environment)


def test_evidence_in_the_bucket_reaches_only_its_unit(
    cast: Cast, assessment_a: Assessment, s3_bucket: Bucket
) -> None:
    assert "Đã thêm “ke-hoach.pdf”" in post_file(cast, assessment_a, "1.1.1", "ke-hoach.pdf", PDF)
    file = EvidenceFile.objects.get()
    # The object is in the bucket under the name the row holds, with the bytes uploaded.
    assert s3_bucket.keys() == [file.file.name]
    assert s3_bucket.read(file.file.name) == PDF
    url = reverse("assessments:evidence", args=[file.pk])
    for who, status in [("scorer_a", 200), ("appraiser", 200), ("scorer_b", 404), ("viewer", 404)]:
        got = cast.client(getattr(cast, who)).get(url)
        assert got.status_code == status, who
        if status == 200:
            assert b"".join(got.streaming_content) == PDF  # type: ignore[attr-defined]
            assert got["Content-Type"] == "application/pdf"
            assert got["Content-Length"] == str(len(PDF))
    assert cast.client(None).get(url).status_code == 302


def test_an_object_is_not_readable_without_a_signature(
    cast: Cast, assessment_a: Assessment, s3_bucket: Bucket
) -> None:
    post_file(cast, assessment_a, "1.1.1", "ke-hoach.pdf", PDF)
    name = EvidenceFile.objects.get().file.name
    signed = default_storage.url(name)
    assert "X-Amz-Signature=" in signed and "X-Amz-Expires=300" in signed
    scheme, netloc, path, _query, _fragment = urlsplit(signed)
    assert status_of(urlunsplit((scheme, netloc, path, "", ""))) == 403
    assert status_of(signed) == 200  # the same address, signed: the object is there
    grants = s3_bucket.client.get_object_acl(Bucket=s3_bucket.name, Key=name)["Grants"]
    assert all("URI" not in grant["Grantee"] for grant in grants)  # no AllUsers, no Authenticated


def stored(name: str) -> bool:
    return bool(default_storage.exists(name))


def test_citing_and_no_longer_citing_behave_alike_on_both_storages(
    cast: Cast, assessment_a: Assessment, either_storage: Bucket | None
) -> None:
    post_file(cast, assessment_a, "1.1.1", "ke-hoach.pdf", PDF)
    post_file(cast, assessment_a, "1.1.2", "KH 2024.pdf", PDF)  # the same document again
    plan = EvidenceFile.objects.get()
    assert ItemEvidence.objects.filter(file=plan).count() == 2
    post_file(cast, assessment_a, "1.2", "anh.png", PNG)
    photo = EvidenceFile.objects.get(kind="png")
    names = sorted([plan.file.name, photo.file.name])
    if either_storage is not None:
        assert either_storage.keys() == names  # one object per document, whatever it was called
    response = cast.client(cast.scorer_a).post(
        action(assessment_a, "1.1.1", "evidence_unlink", plan.pk), **HTMX
    )
    assert response.status_code == 200
    assert ItemEvidence.objects.filter(file=plan).count() == 1 and stored(plan.file.name)
    with pytest.raises(ProtectedError):  # still cited by 1.1.2: the row cannot go
        plan.delete()
    cast.client(cast.scorer_a).post(
        action(assessment_a, "1.1.2", "evidence_unlink", plan.pk), **HTMX
    )
    assert not ItemEvidence.objects.filter(file=plan).exists()
    assert stored(plan.file.name)  # no longer cited, the file stays with the unit
    got = cast.client(cast.scorer_a).get(reverse("assessments:evidence", args=[plan.pk]))
    assert b"".join(got.streaming_content) == PDF  # type: ignore[attr-defined]
    default_storage.delete(photo.file.name)
    assert not stored(photo.file.name)
    if either_storage is not None:
        assert either_storage.keys() == [plan.file.name]


def test_the_admin_site_links_to_the_view_not_to_the_bucket(
    cast: Cast, assessment_a: Assessment, s3_bucket: Bucket
) -> None:
    post_file(cast, assessment_a, "1.1.1", "ke-hoach.pdf", PDF)
    file = EvidenceFile.objects.get()
    page = cast.client(cast.admin).get(
        reverse("admin:assessments_evidencefile_change", args=[file.pk])
    )
    assert page.status_code == 200
    text = page.content.decode()
    assert f'href="{reverse("assessments:evidence", args=[file.pk])}"' in text
    assert s3_bucket.endpoint not in text and "X-Amz-Signature" not in text


def test_readyz_checks_the_bucket(s3_bucket: Bucket, settings: Any) -> None:
    """The load balancer's probe writes to the bucket and removes its file; a bucket that
    is not there keeps the node out of the balancer."""
    from django.test import Client

    response = Client().get("/readyz", HTTP_HOST="10.0.3.7")
    assert response.status_code == 200, response.content
    assert s3_bucket.keys() == []  # the probe's file is gone again
    options = settings.STORAGES["default"]["OPTIONS"]
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            **settings.STORAGES["default"],
            "OPTIONS": {**options, "bucket_name": s3_bucket.name + "-missing"},
        },
    }
    response = Client().get("/readyz", HTTP_HOST="10.0.3.7")
    assert response.status_code == 503
    assert "file storage unreachable" in response.json()["reason"]
