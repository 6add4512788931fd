"""What an evidence file is, read in the background once it is stored: a Word report or
a PDF letter laid out as Nghị định 30 says, uploaded on the assessment page, shows its
number, date, issuer and title under the file; the same file again is not read again;
images and workbooks are read as nothing found; files uploaded before are read by
`read_evidence`."""

from __future__ import annotations

import contextlib
import io
import shutil
import subprocess
import tempfile
from pathlib import Path
from typing import Any

import matplotlib as mpl
import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse
from docx import Document
from docx.shared import Pt
from matplotlib.figure import Figure

from parindex.assessments import reading
from parindex.assessments.models import Assessment, AssessmentItem, EvidenceFile
from parindex.assessments.services import evidence_read, evidence_upload
from parindex.conftest import Cast
from parindex.jobs.models import Job

from .conftest import TODAY
from .files import DOCX, PDF, PNG, XLSX, upload

pytestmark = pytest.mark.django_db
HTMX = {"HTTP_HX_REQUEST": "true"}
IMMEDIATE = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
READ_TASK = "parindex.assessments.tasks.evidence_read_task"
MOTTO = ("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc")


def report_docx(
    *,
    parent: str = "UBND TỈNH SÓC TRĂNG",
    issuer: str = "SỞ TƯ PHÁP",
    number: str = "Số: 37/BC-STP",
    subject: str = "",
    dated: str = "Sóc Trăng, ngày 12 tháng 3 năm 2024",
    title: tuple[str, ...] = (
        "BÁO CÁO",
        "Kết quả thực hiện công tác cải cách hành chính quý I năm 2024",
    ),
) -> bytes:
    """A Word document as the province writes one: the letterhead a two-column table
    (issuer and number at the left, motto and place-and-date at the right), the title
    centred under it, the addressee, the body."""
    document = Document()
    table = document.add_table(rows=2, cols=2)
    left, right = table.rows[0].cells
    left.paragraphs[0].add_run(parent)
    left.add_paragraph().add_run(issuer).bold = True
    left.add_paragraph("───────────")
    right.paragraphs[0].add_run(MOTTO[0]).bold = True
    right.add_paragraph().add_run(MOTTO[1]).bold = True
    right.add_paragraph("─────────────────────")
    number_cell, date_cell = table.rows[1].cells
    number_cell.paragraphs[0].add_run(number)
    if subject:
        number_cell.add_paragraph(subject)
    date_cell.paragraphs[0].add_run(dated).italic = True
    document.add_paragraph()
    for line in title:
        run = document.add_paragraph().add_run(line)
        run.bold, run.font.size = True, Pt(14)
    document.add_paragraph("Kính gửi: Sở Nội vụ tỉnh Sóc Trăng")
    document.add_paragraph(
        "Thực hiện Kế hoạch số 12/KH-UBND ngày 03/01/2024 của Ủy ban nhân dân tỉnh, Sở Tư "
        "pháp báo cáo kết quả thực hiện công tác cải cách hành chính quý I năm 2024 như sau:"
    )
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def letter_pdf() -> bytes:
    """Seed 000's letter as a PDF page whose text is drawn where the decree puts it."""
    figure = Figure(figsize=(8.27, 11.69))
    rows = [
        ("UBND TỈNH SÓC TRĂNG", MOTTO[0]),
        ("SỞ TÀI CHÍNH", MOTTO[1]),
        ("Số: 1395/STC-VP", "Sóc Trăng, ngày 23 tháng 4 năm 2020"),
        ("V/v cải thiện và nâng cao", ""),
        ("chỉ số cải cách hành chính", ""),
    ]
    for number, (left, right) in enumerate(rows):
        y = 0.95 - 0.02 * number
        figure.text(0.22, y, left, ha="center", fontsize=10)
        figure.text(0.68, y, right, ha="center", fontsize=10)
    figure.text(0.3, 0.82, "Kính gửi: Trưởng các đơn vị thuộc Sở Tài chính.", fontsize=11)
    buffer = io.BytesIO()
    with mpl.rc_context({"pdf.fonttype": 42}):  # TrueType: its text can be read back
        figure.savefig(buffer, format="pdf")
    return buffer.getvalue()


def leaf(assessment: Assessment, code: str) -> AssessmentItem:
    return assessment.items.select_related("criterion").get(criterion__code=code)


def page(cast: Cast, user: Any, assessment: Assessment) -> str:
    url = reverse("assessments:detail", args=[assessment.cycle.year, assessment.unit.code])
    response = cast.client(user).get(url, {"field": "1"})
    assert response.status_code == 200
    return response.content.decode()


@pytest.fixture
def immediately(settings: Any, django_capture_on_commit_callbacks: Any) -> Any:
    """Jobs run as soon as they are queued; each upload through `upload_now` is committed
    (its callbacks run), so its reading is queued, and run, before it returns."""
    settings.TASKS = IMMEDIATE
    return django_capture_on_commit_callbacks


def upload_now(
    cast: Cast,
    assessment: Assessment,
    name: str,
    content: bytes,
    *,
    committed: Any = None,
    code: str = "1.1.1",
) -> EvidenceFile:
    """The unit uploads a file for a leaf; with `committed` (the `immediately` fixture)
    its transaction's on-commit work runs as after a real commit."""
    with committed(execute=True) if committed else contextlib.nullcontext():
        return evidence_upload(
            item=leaf(assessment, code), upload=upload(name, content), by=cast.scorer_a, today=TODAY
        )


def test_a_word_report_uploaded_on_the_page_is_read_and_shown(
    cast: Cast, assessment_a: Assessment, settings: Any, django_capture_on_commit_callbacks: Any
) -> None:
    settings.TASKS = IMMEDIATE
    url = reverse(
        "assessments:evidence_upload",
        args=[assessment_a.cycle.year, assessment_a.unit.code, "1.1.1"],
    )
    with django_capture_on_commit_callbacks(execute=True):
        response = cast.client(cast.scorer_a).post(
            url, {"file": upload("bao-cao-quy-1.docx", report_docx())}, **HTMX
        )
    assert response.status_code == 200
    file = EvidenceFile.objects.get()
    assert file.read_at is not None
    assert file.document == {
        "number": "37/BC-STP",
        "date": "2024-03-12",
        "issuer": "SỞ TƯ PHÁP",
        "title": "BÁO CÁO Kết quả thực hiện công tác cải cách hành chính quý I năm 2024",
    }
    line = (
        "Số 37/BC-STP · 12/03/2024 · Sở Tư pháp — Báo cáo kết quả thực hiện công tác cải "
        "cách hành chính quý I năm 2024"
    )
    assert line in page(cast, cast.scorer_a, assessment_a)  # the unit
    assert line in page(cast, cast.admin, assessment_a)  # and who appraises it
    seen = page(cast, cast.viewer, assessment_a)  # who sees the assessment, not the evidence
    assert "bao-cao-quy-1.docx" in seen and "37/BC-STP" not in seen
    job = Job.objects.get(task_path=READ_TASK)
    assert job.status == Job.Status.SUCCEEDED
    assert job.task_kwargs == {"file_id": file.pk}
    assert "37/BC-STP" in job.outcome


def test_a_letter_in_pdf_is_read(cast: Cast, assessment_a: Assessment, immediately: Any) -> None:
    file = upload_now(cast, assessment_a, "cong-van-1395.pdf", letter_pdf(), committed=immediately)
    file.refresh_from_db()
    assert file.document == {
        "number": "1395/STC-VP",
        "date": "2020-04-23",
        "issuer": "SỞ TÀI CHÍNH",
        "title": "V/v cải thiện và nâng cao chỉ số cải cách hành chính",
    }


@pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice is not installed")
def test_a_word_report_saved_as_pdf_by_libreoffice_is_read(
    cast: Cast, assessment_a: Assessment, immediately: Any
) -> None:
    with tempfile.TemporaryDirectory(prefix="parindex-test-") as folder:
        work = Path(folder)
        (work / "ke-hoach.docx").write_bytes(
            report_docx(
                number="Số: 12/KH-STP",
                dated="Sóc Trăng, ngày 05 tháng 01 năm 2024",
                title=("KẾ HOẠCH", "Cải cách hành chính năm 2024"),
            )
        )
        subprocess.run(  # noqa: S603 - a fixed program and arguments, no shell
            [
                shutil.which("soffice") or "soffice",
                f"-env:UserInstallation={(work / 'profile').as_uri()}",  # its own profile
                "--headless",
                "--convert-to",
                "pdf",
                "--outdir",
                str(work),
                str(work / "ke-hoach.docx"),
            ],
            check=True,
            capture_output=True,
            timeout=180,
        )
        content = (work / "ke-hoach.pdf").read_bytes()
    file = upload_now(cast, assessment_a, "ke-hoach.pdf", content, committed=immediately)
    file.refresh_from_db()
    assert file.document == {
        "number": "12/KH-STP",
        "date": "2024-01-05",
        "issuer": "SỞ TƯ PHÁP",
        "title": "KẾ HOẠCH Cải cách hành chính năm 2024",
    }


def test_a_letter_in_word_with_its_subject_under_the_number_is_read(
    cast: Cast, assessment_a: Assessment, immediately: Any
) -> None:
    content = report_docx(
        parent="ỦY BAN NHÂN DÂN",
        issuer="TỈNH SÓC TRĂNG",
        number="Số:       /UBND-NC",  # a copy kept before the clerk numbered it
        subject="V/v tăng cường giải pháp nâng cao Chỉ số cải cách hành chính",
        dated="Sóc Trăng, ngày 24 tháng 9 năm 2021",
        title=(),
    )
    file = upload_now(cast, assessment_a, "chi-dao.docx", content, committed=immediately)
    file.refresh_from_db()
    assert file.document == {
        "number": "/UBND-NC",
        "date": "2021-09-24",
        "issuer": "ỦY BAN NHÂN DÂN TỈNH SÓC TRĂNG",
        "title": "V/v tăng cường giải pháp nâng cao Chỉ số cải cách hành chính",
    }
    line = "Số /UBND-NC · 24/09/2021 · Ủy ban nhân dân tỉnh Sóc Trăng — V/v tăng cường"
    assert line in page(cast, cast.scorer_a, assessment_a)


def test_the_same_file_uploaded_again_is_not_read_again(
    cast: Cast, assessment_a: Assessment, immediately: Any
) -> None:
    content = report_docx()
    first = upload_now(cast, assessment_a, "bao-cao.docx", content, committed=immediately)
    again = upload_now(
        cast, assessment_a, "bao-cao (1).docx", content, committed=immediately, code="1.1.2"
    )
    assert again.pk == first.pk
    assert Job.objects.filter(task_path=READ_TASK).count() == 1


@pytest.mark.parametrize(
    ("name", "content"),
    [("anh-chup.png", PNG), ("so-lieu.xlsx", XLSX), ("hong.docx", DOCX), ("trang.pdf", PDF)],
    ids=["image", "workbook", "word-file-python-docx-cannot-open", "pdf-without-text"],
)
def test_what_has_no_readable_header_is_read_as_nothing_found(
    cast: Cast, assessment_a: Assessment, immediately: Any, name: str, content: bytes
) -> None:
    file = upload_now(cast, assessment_a, name, content, committed=immediately)
    file.refresh_from_db()
    assert file.read_at is not None
    assert file.document == dict.fromkeys(("number", "date", "issuer", "title"))
    assert file.header is None
    assert 'class="small muted document"' not in page(cast, cast.scorer_a, assessment_a)


def test_a_file_not_read_yet_shows_nothing_then_its_reading_shows_on_the_cached_leaf(
    cast: Cast, assessment_a: Assessment, settings: Any
) -> None:
    settings.ASSESSMENT_LEAF_CACHE = True
    file = upload_now(cast, assessment_a, "bao-cao.docx", report_docx())  # never committed
    assert (file.document, file.read_at) == (None, None)
    before = page(cast, cast.scorer_a, assessment_a)  # its leaf is cached as it is shown
    assert "bao-cao.docx" in before and "37/BC-STP" not in before
    evidence_read(file=file)  # the item itself did not change: its version is the same
    assert "Số 37/BC-STP · 12/03/2024 · Sở Tư pháp" in page(cast, cast.scorer_a, assessment_a)


def test_read_evidence_reads_the_files_uploaded_before(
    cast: Cast, assessment_a: Assessment, capsys: Any
) -> None:
    report = upload_now(cast, assessment_a, "bao-cao.docx", report_docx())
    image = upload_now(cast, assessment_a, "anh.png", PNG)
    call_command("read_evidence")
    assert "2 files read, 1 with a document's header found, 0 failed." in capsys.readouterr().out
    report.refresh_from_db()
    image.refresh_from_db()
    assert report.document is not None and report.document["number"] == "37/BC-STP"
    assert image.read_at is not None
    call_command("read_evidence")
    assert "0 files read" in capsys.readouterr().out
    call_command("read_evidence", again=True)
    assert "2 files read" in capsys.readouterr().out


def test_a_file_missing_from_the_storage_is_reported_and_the_rest_read(
    cast: Cast, assessment_a: Assessment, capsys: Any
) -> None:
    lost = upload_now(cast, assessment_a, "mat.docx", report_docx())
    upload_now(cast, assessment_a, "con.pdf", letter_pdf())
    lost.file.storage.delete(lost.file.name)
    call_command("read_evidence")
    captured = capsys.readouterr()
    assert "1 files read, 1 with a document's header found, 1 failed." in captured.out
    assert "mat.docx" in captured.err
    lost.refresh_from_db()
    assert lost.read_at is None  # read once it is restored


def test_without_pdftotext_a_pdf_stays_unread_and_the_job_says_why(
    cast: Cast, assessment_a: Assessment, immediately: Any, monkeypatch: Any
) -> None:
    monkeypatch.setattr(reading.shutil, "which", lambda name: None)
    file = upload_now(cast, assessment_a, "cong-van.pdf", letter_pdf(), committed=immediately)
    file.refresh_from_db()
    assert (file.document, file.read_at) == (None, None)
    job = Job.objects.get(task_path=READ_TASK)
    assert job.status == Job.Status.FAILED
    assert "pdftotext" in job.error and "poppler-utils" in job.error
    with pytest.raises(CommandError, match="poppler-utils"):
        call_command("read_evidence")


def test_pdftotext_is_stopped_at_its_time_and_its_output_bounded(monkeypatch: Any) -> None:
    content = letter_pdf()
    assert reading._pdf_text(content, seconds=0) == ""  # killed before a word was read
    monkeypatch.setattr(reading, "MAX_TEXT_BYTES", 40)
    text = reading._pdf_text(content)
    assert 0 < len(text.encode()) <= 40
    assert text.startswith("UBND TỈNH SÓC TRĂNG")


def test_a_word_file_that_unzips_too_large_is_not_opened(monkeypatch: Any) -> None:
    content = report_docx()
    assert reading.read(content, "docx").number == "37/BC-STP"
    monkeypatch.setattr(reading, "DOCX_MAX_UNZIPPED", len(content))  # what it unzips to
    assert reading.read(content, "docx") == reading.DocumentHeader()


def test_only_the_top_of_a_long_word_file_is_read() -> None:
    document = Document()
    table = document.add_table(rows=0, cols=4)
    for number in range(300):  # a long table first: the reader stops early in it
        cells = table.add_row().cells
        for cell in cells:
            cell.text = f"Số: {number}/BC-STP"
    for _number in range(2000):
        document.add_paragraph("Căn cứ " * 50)
    buffer = io.BytesIO()
    document.save(buffer)
    text = reading.text_of(buffer.getvalue(), "docx")
    assert text.count("Số:") <= reading.DOCX_MAX_ROWS * 4
    assert len(text) < 2 * reading.MAX_CHARS
