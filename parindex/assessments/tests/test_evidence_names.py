"""A downloaded evidence file is named for what its content was checked as: a PDF the
uploader called “report.html”, “.bat”, “.hta” or “.svg” is saved by the browser as
“report.pdf”, never as a page or a program."""

from __future__ import annotations

import re
from urllib.parse import unquote

import pytest
from django.urls import reverse

from parindex.assessments.evidence import download_name
from parindex.assessments.models import Assessment
from parindex.assessments.services import evidence_upload
from parindex.conftest import Cast

from .conftest import TODAY
from .files import PDF, PNG, upload

pytestmark = pytest.mark.django_db


def served_name(disposition: str) -> str:
    """The file name of a Content-Disposition header, plain or UTF-8 encoded."""
    encoded = re.search(r"filename\*=utf-8''(\S+)", disposition)
    if encoded:
        return unquote(encoded.group(1))
    plain = re.search(r'filename="([^"]*)"', disposition)
    assert plain is not None, disposition
    return plain.group(1)


@pytest.mark.parametrize(
    ("name", "content", "served"),
    [
        ("report.html", PDF, "report.pdf"),
        ("chay.bat", PDF, "chay.pdf"),
        ("mo.hta", PDF, "mo.pdf"),
        ("hinh.svg", PNG, "hinh.png"),
        ("ke-hoach.pdf.exe", PDF, "ke-hoach.pdf"),
        ("Kế hoạch số 05.PDF", PDF, "Kế hoạch số 05.PDF"),
        ("khong-co-duoi", PDF, "khong-co-duoi.pdf"),
    ],
)
def test_a_download_carries_the_extension_of_its_checked_type(
    cast: Cast, assessment_a: Assessment, name: str, content: bytes, served: str
) -> None:
    item = assessment_a.items.get(criterion__code="1.1.1")
    file = evidence_upload(item=item, upload=upload(name, content), by=cast.scorer_a, today=TODAY)
    url = reverse("assessments:evidence", args=[file.pk])
    for client, query in ((cast.client(cast.scorer_a), ""), (cast.client(cast.admin), "?inline=1")):
        response = client.get(url + query)
        assert response.status_code == 200
        assert served_name(response["Content-Disposition"]) == served
    assert file.name == name  # the page still lists it as it was uploaded


@pytest.mark.parametrize(
    ("name", "kind", "served"),
    [
        ("../../etc/passwd", "pdf", "_.._etc_passwd.pdf"),
        ("Báo cáo v1.5 cuối", "pdf", "Báo cáo v1.5 cuối.pdf"),
        ('bao "cao"\r\n.html', "pdf", "bao _cao_.pdf"),
        ("anh.jpeg", "jpeg", "anh.jpeg"),
        ("anh.png", "jpeg", "anh.jpg"),
        ("\u202egpj.exe", "jpeg", "gpj.jpg"),  # no right-to-left override survives
        (".htaccess", "pdf", "tai-lieu-kiem-chung.pdf"),
        ("   ", "docx", "tai-lieu-kiem-chung.docx"),
        ("a" * 300 + ".xlsx", "xlsx", "a" * 120 + ".xlsx"),
    ],
)
def test_the_uploaders_base_name_is_kept_sanitized(name: str, kind: str, served: str) -> None:
    assert download_name(name, kind) == served
