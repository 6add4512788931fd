"""Evidence files: accepted by what they are, stored once, cited by several criteria,
never deleted while cited, refused with a reason when they are not acceptable."""

from __future__ import annotations

import hashlib

import pytest
from django.db.models import ProtectedError

from parindex.assessments.models import (
    Assessment,
    AssessmentItem,
    AuditEntry,
    EvidenceFile,
    ItemEvidence,
)
from parindex.assessments.services import (
    evidence_link,
    evidence_unlink,
    evidence_upload,
)
from parindex.conftest import Cast
from parindex.org.errors import Refused

from .conftest import TODAY
from .files import DOCX, EXE, PDF, PNG, XLSX, ZIP, upload

pytestmark = pytest.mark.django_db


def leaf(assessment: Assessment, code: str) -> AssessmentItem:
    return assessment.items.select_related("criterion").get(criterion__code=code)


@pytest.mark.parametrize(
    ("name", "content", "kind"),
    [
        ("ke-hoach.pdf", PDF, "pdf"),
        ("anh-chup.PNG", PNG, "png"),
        ("bao-cao.docx", DOCX, "docx"),
        ("so-lieu.xlsx", XLSX, "xlsx"),
        ("khong-co-duoi", PDF, "pdf"),  # a name without extension: the content decides
    ],
)
def test_accepted_types_are_read_from_the_content(
    cast: Cast, assessment_a: Assessment, name: str, content: bytes, kind: str
) -> None:
    file = evidence_upload(
        item=leaf(assessment_a, "1.1.1"),
        upload=upload(name, content),
        by=cast.scorer_a,
        today=TODAY,
    )
    assert (file.kind, file.size, file.name) == (kind, len(content), name)
    assert file.sha256 == hashlib.sha256(content).hexdigest()
    assert file.file.read() == content


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("bao-cao.pdf", EXE, "không phải tệp PDF"),  # a program dressed as a PDF
        ("bao-cao.docx", ZIP, "không phải tệp PDF"),  # a zip that is no Word file
        ("trong.pdf", b"", "Tệp trống"),
    ],
)
def test_what_is_not_evidence_is_refused_and_nothing_is_kept(
    cast: Cast, assessment_a: Assessment, name: str, content: bytes, message: str
) -> None:
    with pytest.raises(Refused, match=message):
        evidence_upload(
            item=leaf(assessment_a, "1.1.1"),
            upload=upload(name, content),
            by=cast.scorer_a,
            today=TODAY,
        )
    assert not EvidenceFile.objects.exists() and not ItemEvidence.objects.exists()


def test_size_limits_per_file_and_per_unit(
    cast: Cast, assessment_a: Assessment, settings: object
) -> None:
    settings.EVIDENCE_MAX_FILE_BYTES = len(PDF) - 1  # type: ignore[attr-defined]
    with pytest.raises(Refused, match="tối đa"):
        evidence_upload(
            item=leaf(assessment_a, "1.1.1"),
            upload=upload("a.pdf", PDF),
            by=cast.scorer_a,
            today=TODAY,
        )
    settings.EVIDENCE_MAX_FILE_BYTES = 10_000  # type: ignore[attr-defined]
    settings.EVIDENCE_MAX_UNIT_BYTES = len(PDF) + len(PNG) - 1  # type: ignore[attr-defined]
    evidence_upload(
        item=leaf(assessment_a, "1.1.1"), upload=upload("a.pdf", PDF), by=cast.scorer_a, today=TODAY
    )
    with pytest.raises(Refused, match="vượt quá"):
        evidence_upload(
            item=leaf(assessment_a, "1.1.2"),
            upload=upload("b.png", PNG),
            by=cast.scorer_a,
            today=TODAY,
        )
    assert EvidenceFile.objects.count() == 1


def test_one_document_proves_several_criteria_without_a_second_copy(
    cast: Cast, assessment_a: Assessment
) -> None:
    plan = evidence_upload(
        item=leaf(assessment_a, "1.1.1"),
        upload=upload("ke-hoach.pdf", PDF),
        by=cast.scorer_a,
        today=TODAY,
    )
    again = evidence_upload(
        item=leaf(assessment_a, "1.1.2"),
        upload=upload("KH 2024.pdf", PDF),
        by=cast.head_a,
        today=TODAY,
    )
    assert again.pk == plan.pk and EvidenceFile.objects.count() == 1
    evidence_link(item=leaf(assessment_a, "1.2"), file=plan, by=cast.scorer_a, today=TODAY)
    assert ItemEvidence.objects.filter(file=plan).count() == 3
    evidence_unlink(item=leaf(assessment_a, "1.2"), file=plan, by=cast.scorer_a, today=TODAY)
    assert ItemEvidence.objects.filter(file=plan).count() == 2
    with pytest.raises(ProtectedError):  # still cited: the file cannot go
        plan.delete()
    entries = AuditEntry.objects.filter(kind=AuditEntry.Kind.EVIDENCE)
    assert entries.count() == 4 and entries.filter(old__isnull=False).count() == 1


def test_a_unit_cannot_cite_another_units_file(cast: Cast, assessment_a: Assessment) -> None:
    other = Assessment.objects.get(cycle=assessment_a.cycle, unit=cast.unit_b)
    theirs = evidence_upload(
        item=leaf(other, "1.1.1"),
        upload=upload("cua-so-y-te.pdf", PDF),
        by=cast.scorer_b,
        today=TODAY,
    )
    with pytest.raises(Refused, match="không thuộc"):
        evidence_link(item=leaf(assessment_a, "1.1.1"), file=theirs, by=cast.scorer_a, today=TODAY)
    with pytest.raises(Refused):
        evidence_upload(
            item=leaf(other, "1.1.1"), upload=upload("x.pdf", PNG), by=cast.scorer_a, today=TODAY
        )
